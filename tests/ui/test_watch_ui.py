"""`newsrag ui --watch` for real: the app served on loopback while it polls a feed server on
loopback whose feed changes after launch, beside a feed that cannot be reached. A story added
to the feed becomes answerable without a restart, and the title and the Library's feed
health follow each poll; offline, the console says so once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client

from rag import FeedHealth, NewsRAG, PollReport
from rag.watch import feed_list
from tests.conftest import LoopbackSite, free_port, make_settings, wait_until_up
from tests.ui.conftest import ROOT, screenshot, serving
from ui.feed_status import ago, feed_health_view, freshness_line, health_row, until
from ui.watch import BackgroundWatch

pytestmark = [pytest.mark.loopback, pytest.mark.slow]

FIRST = (
    "Lab A ships model one",
    "a-1",
    "Lab A shipped its first model, Model One, to enterprise customers on Monday. The model "
    "reads contracts and invoices and was trained on a year of the lab's own data. Pricing "
    "starts at a few cents per page, and a public release is planned for the autumn. " * 2,
)
HIRE = (
    "Lab A hires a chief scientist",
    "a-2",
    "Lab A hired Dana Whitfield as its chief scientist, the lab said on Tuesday. Whitfield "
    "spent nine years at a university robotics group before joining the lab. She will lead "
    "a research team of forty and report to the chief executive. " * 2,
)
QUESTION = "Who did Lab A hire as its chief scientist?"
WAIT_S = 30.0


def rss(site: LoopbackSite, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (title, guid, description) items linking into ``site``."""
    body = "".join(
        f"<item><title>{title}</title><link>{site.base}/story/{guid}</link><guid>{guid}</guid>"
        f"<pubDate>Mon, 02 Jun 2025 09:00:00 GMT</pubDate><description>{text}</description>"
        "</item>"
        for title, guid, text in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Lab A News</title>{body}</channel></rss>'  # noqa: E501


def wait_for(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done():
        assert time.monotonic() < deadline, f"{what}: not within {WAIT_S:.0f} s"
        time.sleep(0.1)


@dataclass
class Watched:
    """The app served with a watch: its URL, engine, watch, console lines and feed server."""

    url: str
    app: NewsRAG
    watch: BackgroundWatch
    said: list[str]
    site: LoopbackSite

    def publish(self, items: list[tuple[str, str, str]], tag: str) -> None:
        """Change the feed (a new ETag, so the next conditional GET reads it)."""
        xml = rss(self.site, items)
        self.site.add("/wire.xml", xml, content_type="application/rss+xml", headers={"ETag": tag})


@pytest.fixture
def watched(tmp_path: Path, site: LoopbackSite, model_loaded: None) -> Iterator[Watched]:
    """`newsrag ui --ingest corpus --watch --feeds feeds.yaml`, polling every 2 s: a feed on
    loopback (its first poll held back 3 s) and one on a port nothing listens on."""
    settings = make_settings(
        tmp_path / "data",
        ingest={"allow_private_urls": True, "fetch_timeout_s": 10},
        ui={"allow_private_urls": True},
        feeds={"every": "2s", "max_backoff_hours": 1},
    )
    app = NewsRAG(settings)
    assert app.ingest([str(ROOT / "corpus")]).added == 1
    feeds = tmp_path / "feeds.yaml"
    dead = f"http://127.0.0.1:{free_port()}/feed.xml"
    feeds.write_text(
        f"feeds:\n  - name: Loop Wire\n    url: {site.base}/wire.xml\n"
        f"  - name: Dead Feed\n    url: {dead}\n",
        encoding="utf-8",
    )
    said: list[str] = []
    watch = BackgroundWatch(app, feed_list(feeds, feeds), source="feeds.yaml", say=said.append)
    served = Watched("", app, watch, said, site)
    served.publish([FIRST], '"v1"')
    site.delays["/wire.xml"] = 3.0  # the first poll is slow: the page must not wait for it
    with serving(app, feeds_file=feeds, watch=watch) as demo:
        served.url = demo.local_url
        try:
            yield served
        finally:
            assert watch.stop(), "the watch did not stop"


def test_a_story_added_to_a_feed_after_launch_is_answered_without_restart(
    watched: Watched,
) -> None:
    # the page is up while the first poll still waits on the slow feed
    assert httpx.get(watched.url, timeout=5).is_success and watched.watch.polls == 0
    assert "Checking 2 feeds for news." in freshness_line(watched.watch)
    wait_for(lambda: watched.watch.polls >= 1, "the first poll")
    watched.site.delays.clear()
    client = Client(watched.url, verbose=False)
    before = client.predict(QUESTION, api_name="/ask_json")
    assert "Dana Whitfield" not in before["text"]

    watched.publish([FIRST, HIRE], '"v2"')
    wait_for(lambda: watched.watch.changes >= 2, "the poll that reads the new story")
    after = client.predict(QUESTION, api_name="/ask_json")  # the same app, not restarted
    assert not after["abstained"] and "Dana Whitfield" in after["text"]
    assert any(c["title"] == HIRE[0] for c in after["citations"])

    # the title says when the index took articles from the feeds, and that one feed fails
    line = freshness_line(watched.watch)
    assert "Updated from feeds just now; feeds last checked just now" in line
    assert "1 of 2 failing" in line
    view = feed_health_view(watched.watch)
    assert view.summary.startswith("Watching 2 feeds from feeds.yaml every 2 s: 1 answering")
    wire, dead = view.rows
    assert wire[:3] == ["Loop Wire", "ok", "just now"] and wire[4:6] == [2, 2]
    assert dead[0] == "Dead Feed" and dead[1].startswith("failing (")
    assert dead[2] == "never" and "could not connect" in dead[3] and dead[6].startswith("in ")
    # on the console, one line per poll that brought articles and none per failure
    brought = "feeds: 1 new and 0 updated articles from feeds.yaml"
    assert watched.said == [f"{brought}; 1 of 2 feeds failing (see Library)"] * 2


@pytest.mark.browser
def test_an_open_page_follows_the_polls_without_a_reload(watched: Watched, chromium: Any) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        page.goto(watched.url)
        from playwright.sync_api import expect

        header, fresh = page.locator(".nr-top").first, page.locator("#feed-freshness")
        expect(header).to_contain_text("Answers from 2 articles", timeout=WAIT_S * 1000)
        expect(fresh).to_contain_text("Updated from feeds just now")
        expect(fresh).to_contain_text("1 of 2 failing")
        watched.publish([FIRST, HIRE], '"v2"')
        watched.site.delays.clear()
        expect(header).to_contain_text("Answers from 3 articles", timeout=WAIT_S * 1000)

        page.get_by_role("tab", name="Library").click()
        expect(page.locator("#library-summary")).to_contain_text("3 articles")
        table = page.locator("#feeds-table")
        expect(table).to_contain_text("Loop Wire")
        expect(table).to_contain_text("could not connect")
        expect(page.locator("#feeds-summary")).to_contain_text("1 answering, 1 failing")
        table.scroll_into_view_if_needed()
        screenshot(page, "watched-feeds.png")
    finally:
        context.close()


def test_feed_health_in_words() -> None:
    now = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
    backing_off = FeedHealth(
        url="https://example.com/feed.xml",
        name="Example",
        last_poll=(now - timedelta(minutes=3)).isoformat(),
        last_success=(now - timedelta(hours=5)).isoformat(),
        last_error=(now - timedelta(minutes=3)).isoformat(),
        error="HTTP 503 Service Unavailable",
        failures=3,
        next_poll=(now + timedelta(minutes=57)).isoformat(),
        entries_seen=20,
        articles_added=14,
        articles_updated=1,
    )
    assert health_row(backing_off, now) == [
        "Example",
        "failing (3×)",
        "5 hours ago",
        "3 minutes ago: HTTP 503 Service Unavailable",
        20,
        14,
        "in 57 minutes",
    ]
    assert ago(now - timedelta(seconds=59), now) == "just now"
    assert ago(now - timedelta(minutes=1), now) == "1 minute ago"
    assert ago("2025-05-01T08:00:00+00:00", now) == "on 2025-05-01"
    assert until(now + timedelta(hours=6), now) == "in 6 hours"
    assert feed_health_view(None).summary.startswith("No feeds are watched.")
    assert feed_health_view(None).rows == [] and freshness_line(None) == ""


def test_the_console_speaks_when_the_feeds_change_state(engine: NewsRAG) -> None:
    said: list[str] = []
    watch = BackgroundWatch(engine, [], source="feeds.yaml", say=said.append)
    polls = [
        PollReport(feeds=3, backing_off=3),  # all still backing off from an earlier run
        PollReport(feeds=3, failed=1, backing_off=2),
        PollReport(feeds=3, failed=3),
        PollReport(feeds=3, unchanged=2, failed=1),
        PollReport(feeds=3, unchanged=2, failed=1),
        PollReport(feeds=3, added=2, updated=1, unchanged=2, backing_off=1),
        PollReport(feeds=3, unchanged=3),
    ]
    for report in polls:
        watch.record(report)
    assert said == [
        "feeds: none of the 3 feeds in feeds.yaml could be reached (offline?); answering from "
        "the 0 articles already indexed, and trying again in the background",
        "feeds: reachable again (2 of 3 answered)",
        "feeds: 2 new and 1 updated articles from feeds.yaml; 1 of 3 feeds failing (see Library)",
    ]
    assert (watch.polls, watch.changes) == (7, 1) and watch.updated_at is not None


def test_offline_the_console_says_so_once(tmp_path: Path) -> None:
    """`newsrag ui --watch` with every feed unreachable: the page comes up, polls go on, one
    console line says the feeds could not be reached, and Ctrl+C ends it cleanly."""
    feeds = tmp_path / "feeds.yaml"
    urls = [f"http://127.0.0.1:{free_port()}/feed-{n}.xml" for n in range(3)]
    feeds.write_text(
        "feeds:\n" + "".join(f"  - name: Feed {n}\n    url: {u}\n" for n, u in enumerate(urls)),
        encoding="utf-8",
    )
    data, port = tmp_path / "data", free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env |= {"NEWSRAG_FEEDS__EVERY": "1s", "NEWSRAG_INGEST__ALLOW_PRIVATE_URLS": "true"}
    command = [sys.executable, "-m", "rag.cli", "ui", "--watch", "--feeds", str(feeds),
               "--data-dir", str(data), "--port", str(port)]  # fmt: skip
    err = tmp_path / "stderr.txt"
    with err.open("w") as stderr:
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=stderr)  # fmt: skip
        try:
            wait_until_up(f"http://127.0.0.1:{port}/", proc, seconds=120, what="newsrag ui")
            state = data / "feeds" / "state.json"

            def tried_three_times() -> bool:
                if not state.is_file():
                    return False
                found = json.loads(state.read_text(encoding="utf-8"))["feeds"].values()
                return len(found) == 3 and all(f["failures"] >= 3 for f in found)

            wait_for(tried_three_times, "three polls of the unreachable feeds")
            proc.send_signal(signal.SIGINT)  # Ctrl+C
            assert proc.wait(timeout=20) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
    lines = err.read_text(encoding="utf-8").splitlines()
    about_feeds = [line for line in lines if "feed" in line.lower()]
    assert about_feeds == [
        f"watching 3 feeds from {feeds} every 1 s",
        f"feeds: none of the 3 feeds in {feeds} could be reached (offline?); answering from "
        "the 0 articles already indexed, and trying again in the background",
    ], lines
    assert not any("Traceback" in line or "127.0.0.1:" in line for line in lines), lines


def test_headless_serve_watches_too(tmp_path: Path, site: LoopbackSite) -> None:
    """`newsrag serve --watch`: the /v1 API answers from an article that reached its feed
    after the server started, and Ctrl+C ends it cleanly."""
    body = (
        "Nimbus Robotics agreed to buy the chip designer Coralline for $2.1 billion in cash, "
        "the companies said on Tuesday. " * 4
    )
    site.add("/wire.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
             "</channel></rss>", content_type="application/rss+xml")  # fmt: skip
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - name: Wire\n    url: {site.base}/wire.xml\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env |= {"NEWSRAG_FEEDS__EVERY": "1s", "NEWSRAG_INGEST__ALLOW_PRIVATE_URLS": "true"}
    port = free_port()
    command = [sys.executable, "-m", "rag.cli", "serve", "--watch", "--feeds", str(feeds),
               "--data-dir", str(tmp_path / "data"), "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/v1/models", proc, seconds=120, what="serve")
        site.add("/wire.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire'
                 f"</title><item><title>Nimbus buys Coralline</title><link>{site.base}/n/1"
                 f"</link><description>{body}</description></item></channel></rss>",
                 content_type="application/rss+xml")  # fmt: skip
        asked = [{"role": "user", "content": "Who is buying Coralline?"}]
        question = {"model": "newsrag", "messages": asked}

        def answered() -> bool:
            reply = httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=question,
                               headers={"Authorization": "Bearer any"}, timeout=60)  # fmt: skip
            return reply.is_success and "Nimbus buys Coralline" in reply.text

        wait_for(answered, "an answer from the article the feed gained")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.stderr is not None
    printed = proc.stderr.read()
    assert f"watching 1 feeds from {feeds}" in printed and "1 new" in printed, printed
