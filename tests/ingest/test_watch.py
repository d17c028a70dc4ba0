"""Watching feeds on a real feed server on loopback whose feeds change between polls:
conditional GETs, entries not fetched again, edits updated, and each fault (5xx, malformed or
huge XML, a redirect loop, a slow server, repeated guids) a health entry that never stops the
other feeds, with exponential back-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from rag import NewsRAG
from rag.cli import main
from rag.watch import WatchedFeed
from tests.conftest import LoopbackSite, make_settings

pytestmark = [pytest.mark.loopback, pytest.mark.slow]
LONG = 2 * (
    "The company said the new model was trained on more data than any before it, and that "
    "enterprise customers would get access first, with a public release to follow later in "
    "the year. Analysts said the move put pressure on rivals to follow with their own models. "
    "The chief executive told reporters the launch was the largest in the company's history."
)
NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


def rss(title: str, items: list[tuple[str, str, str, str]]) -> str:
    """An RSS 2.0 feed: items are (title, link, guid, description)."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{guid}</guid>"
        f"<pubDate>Mon, 02 Jun 2025 09:00:00 GMT</pubDate><description>{d}</description></item>"
        for t, link, guid, d in items
    )
    head = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
    return f"{head}{body}</channel></rss>"


def serve_feed(site: LoopbackSite, path: str, xml: str, tag: str) -> str:
    return site.add(path, xml, content_type="application/rss+xml", headers={"ETag": tag})


@pytest.fixture
def app(tmp_path: Path, model_loaded: None) -> NewsRAG:
    settings = make_settings(
        tmp_path / "data",
        ingest={"allow_private_urls": True, "fetch_timeout_s": 2, "max_fetch_mb": 0.05},
        feeds={"every": 15, "max_backoff_hours": 1},
    )
    return NewsRAG(settings)


def test_polls_fetch_only_what_changed(app: NewsRAG, site: LoopbackSite) -> None:
    page = site.add("/story/short", f"<html><body><article><p>{LONG}</p></article></body></html>")
    a_items = [
        ("Lab A ships model one", f"{site.base}/a/1", "a-1", f"Model one. {LONG}"),
        ("Lab A raises money", f"{site.base}/a/2", "a-2", f"Funding round. {LONG}"),
    ]
    feed_a = serve_feed(site, "/a.xml", rss("Lab A News", a_items), '"a-v1"')
    feed_b = serve_feed(site, "/b.xml", rss("B Wire", [("Short one", page, "b-1", "Teaser.")]),
                        '"b-v1"')  # fmt: skip
    feeds = [WatchedFeed("A", feed_a), WatchedFeed("B", feed_b)]

    first = app.watcher.poll(feeds, now=NOW)
    assert (first.added, first.failed, first.unchanged) == (3, 0, 0)
    assert site.hits.count("/story/short") == 1  # the short entry's page was read
    health = {h.name: h for h in app.feed_health()}
    assert health["A"].entries_seen == 2 and health["A"].articles_added == 2
    assert health["A"].last_success == NOW.isoformat() and not health["A"].error

    # nothing changed: two conditional requests, both 304, no page read, nothing embedded
    site.hits.clear()
    quiet = app.watcher.poll(feeds, now=NOW + timedelta(minutes=15))
    assert sorted(site.hits) == sorted(site.conditional) == ["/a.xml", "/b.xml"]
    assert (quiet.unchanged, quiet.entries_read, quiet.chunks_embedded) == (2, 0, 0)

    # A edits one entry and adds one: only those two are read; B is still unchanged
    a_items[1] = (
        "Lab A raises money",
        f"{site.base}/a/2",
        "a-2",
        f"Funding round, revised. {LONG}",
    )
    a_items.append(
        (
            "Lab A hires a chief",
            f"{site.base}/a/3",
            "a-3",
            f"Lab A hired Dana Whitfield as its chief scientist. {LONG}",
        )
    )
    serve_feed(site, "/a.xml", rss("Lab A News", a_items), '"a-v2"')
    site.hits.clear()
    changed = app.watcher.poll(feeds, now=NOW + timedelta(minutes=30))
    assert (changed.added, changed.updated, changed.entries_read) == (1, 1, 2)
    assert len(app.articles()) == 4
    answer = app.ask("Who did Lab A hire as chief scientist?")
    assert not answer.abstained and "Dana Whitfield" in answer.text


def test_faults_are_health_entries_and_back_off(app: NewsRAG, site: LoopbackSite) -> None:
    good = serve_feed(site, "/good.xml", rss("Good", [("Fine story", f"{site.base}/g/1", "g-1",
                                                       LONG)]), '"g"')  # fmt: skip
    down = site.add("/down.xml", "oops", status=503, content_type="text/plain")
    broken = site.add("/broken.xml", "<rss><channel><item>", content_type="application/rss+xml")
    huge = site.add("/huge.xml", "<rss>" + "x" * 80_000, content_type="application/rss+xml")
    loop = site.add("/loop.xml", "", status=302, headers={"Location": "/loop.xml"})
    slow = serve_feed(site, "/slow.xml", rss("Slow", []), '"s"')
    site.delays["/slow.xml"] = 3.0
    twice = [("Same guid", f"{site.base}/t/1", "dup", LONG), ("Same guid", f"{site.base}/t/1",
                                                             "dup", LONG)]  # fmt: skip
    repeats = serve_feed(site, "/twice.xml", rss("Twice", twice), '"t"')
    urls = {"good": good, "down": down, "broken": broken, "huge": huge, "loop": loop,
            "slow": slow, "twice": repeats}  # fmt: skip
    feeds = [WatchedFeed(name, url) for name, url in urls.items()]

    report = app.watcher.poll(feeds, now=NOW)
    assert (report.added, report.failed) == (2, 5)  # the good feed and the repeated guid once
    health = {h.name: h for h in app.feed_health()}
    assert "HTTP 503" in health["down"].error
    assert "not a valid RSS/Atom feed" in health["broken"].error
    assert "larger than" in health["huge"].error
    assert "too many redirects" in health["loop"].error
    assert "timed out" in health["slow"].error
    assert health["twice"].entries_seen == 1 and not health["twice"].error
    assert health["down"].failures == 1
    assert health["down"].next_poll == (NOW + timedelta(minutes=15)).isoformat()

    # backing off: the failing feeds are not asked again before their time
    site.hits.clear()
    soon = app.watcher.poll(feeds, now=NOW + timedelta(minutes=5))
    assert soon.backing_off == 5 and "/down.xml" not in site.hits
    later = app.watcher.poll(feeds, now=NOW + timedelta(minutes=16))
    assert later.failed == 5
    down = {h.name: h for h in app.feed_health()}["down"]
    assert down.failures == 2  # waits twice as long now
    assert down.next_poll == (NOW + timedelta(minutes=16 + 30)).isoformat()
    # a feed that recovers is well again
    site.add("/down.xml", rss("Back", []), content_type="application/rss+xml")
    app.watcher.poll(feeds, now=NOW + timedelta(hours=2))
    down = {h.name: h for h in app.feed_health()}["down"]
    assert (down.failures, down.next_poll) == (0, "") and down.error  # the last error is kept


def test_cli_watch_once_and_feeds(tmp_path: Path, site: LoopbackSite, model_loaded: None) -> None:
    feed = serve_feed(site, "/c.xml", rss("Cli Feed", [("Cli story", f"{site.base}/c/1", "c-1",
                                                        LONG)]), '"c"')  # fmt: skip
    listing = tmp_path / "feeds.yaml"
    listing.write_text(f"feeds:\n  - name: Cli Feed\n    url: {feed}\n", encoding="utf-8")
    env = {"NEWSRAG_DATA_DIR": str(tmp_path / "data"), "NEWSRAG_INGEST__ALLOW_PRIVATE_URLS": "true",
           "NEWSRAG_RETRIEVAL__BM25_CHECK_INTERVAL_S": "0"}  # fmt: skip
    runner = CliRunner()
    once = runner.invoke(main, ["watch", "--once", "--feeds", str(listing)], env=env)
    assert once.exit_code == 0, once.output
    assert "1 feeds: 1 added, 0 updated, 0 unchanged, 0 failed" in once.output
    again = runner.invoke(main, ["watch", "--once", "--feeds", str(listing)], env=env)
    assert (
        "0 added, 0 updated, 1 unchanged" in again.output and "(0 chunks embedded" in again.output
    )
    status = runner.invoke(main, ["feeds"], env=env)
    assert status.exit_code == 0 and status.output.startswith("Cli Feed: ok; last success ")
    bad = runner.invoke(main, ["watch", "--once", "--feeds", str(tmp_path / "missing.yaml")],
                        env=env)  # fmt: skip
    assert bad.exit_code == 1 and "cannot read the feed list" in bad.output


def test_a_poll_stopped_while_storing_makes_the_next_read_the_feed_again(
    app: NewsRAG, site: LoopbackSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [("Lab A ships model one", f"{site.base}/a/1", "a-1", f"Model one. {LONG}")]
    feed = serve_feed(site, "/a.xml", rss("Lab A News", items), '"a-v1"')
    feeds = [WatchedFeed("A", feed)]
    assert app.watcher.poll(feeds, now=NOW).added == 1

    # the feed changes and the poll storing it stops part-way (the process was killed)
    edited = [("Lab A ships model one", f"{site.base}/a/1", "a-1", f"Model one, revised. {LONG}")]
    serve_feed(site, "/a.xml", rss("Lab A News", edited), '"a-v2"')

    def killed(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patched:
        patched.setattr(app, "ingest_items", killed)
        with pytest.raises(KeyboardInterrupt):
            app.watcher.poll(feeds, now=NOW + timedelta(minutes=15))

    # the feed is back at the version the finished poll stored: its ETag must not make the
    # next poll skip the entry that was being read
    serve_feed(site, "/a.xml", rss("Lab A News", items), '"a-v1"')
    site.hits.clear()
    site.conditional.clear()
    again = app.watcher.poll(feeds, now=NOW + timedelta(minutes=30))
    assert "/a.xml" not in site.conditional  # a plain GET, not "304 not modified"
    assert again.entries_read == 1 and again.unchanged == 0
