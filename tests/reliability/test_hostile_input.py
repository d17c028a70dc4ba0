"""Hostile and malformed input: each case alone within a time bound, then all of them in one
batch with good articles through the engine under the chat app's URL policy. Every case gets a
clear message or is ingested harmlessly; the good articles always make it.

``pytest -s`` prints the table; it is also written to the test's tmp dir as hostile-input.txt.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from rag import NewsRAG
from rag.config import IngestSettings
from rag.ingest.sources import load_sources
from rag.types import Article, ItemError
from tests.conftest import LoopbackSite, make_settings
from tests.reliability.hostile_cases import STORY, Case, file_cases, url_cases

pytestmark = [pytest.mark.loopback]
BOUND_S = 15.0  # no single case may take longer than this


@pytest.fixture
def slow_server() -> Iterator[str]:
    """A loopback server that answers /slow after 4 s and drips /drip one byte at a time."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            try:
                if self.path == "/slow":
                    time.sleep(4)
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                for _ in range(40 if self.path == "/drip" else 1):
                    self.wfile.write(b"<p>x</p>")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:  # the client gave up, as it should
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _serve_hostile(site: LoopbackSite) -> int:
    port = urlsplit(site.base).port or 0
    site.add("/secret", "SECRET-ON-LOOPBACK")
    site.add("/to-private", "", status=302, headers={"Location": f"http://localhost:{port}/secret"})
    site.add("/loop", "", status=302, headers={"Location": "/loop"})
    site.add("/to-ftp", "", status=302, headers={"Location": "ftp://files.example/x"})
    site.add("/error", "boom", status=500)
    site.add("/huge", "<p>" + "x" * 1_500_000 + "</p>")
    site.add("/binary", b"\0\1\2" * 100, content_type="application/octet-stream")
    item = f"<item><title>Allowed story</title><link>{site.base}/s1</link>"
    item += f"<description>{STORY}</description></item>"
    feed = f'<rss version="2.0"><channel><title>Allowed Feed</title>{item}</channel></rss>'
    site.add("/feed.xml", feed, content_type="application/rss+xml")
    return port


def _policy(site: LoopbackSite, slow: str) -> IngestSettings:
    hosts = [urlsplit(u).netloc for u in (site.base, slow)]
    return IngestSettings(
        allow_private_urls=False, allowed_hosts=hosts, fetch_timeout_s=1, max_fetch_mb=1
    )


def _run(case: Case, settings: IngestSettings, pool: ThreadPoolExecutor) -> tuple[list, float]:
    started = time.monotonic()
    future = pool.submit(lambda: list(load_sources([case.item], settings=settings)))
    try:
        out = future.result(timeout=BOUND_S)
    except FutureTimeout:
        pytest.fail(f"{case.name}: still running after {BOUND_S:g} s")
    return out, time.monotonic() - started


def _outcome(case: Case, out: list) -> tuple[str, str, bool]:
    errors = [o for o in out if isinstance(o, ItemError)]
    articles = [o for o in out if isinstance(o, Article)]
    said = "; ".join(e.reason for e in errors) or f"{len(articles)} article(s)"
    got = "both" if errors and articles else "rejected" if errors else "ingested"
    ok = got == case.expect and (not case.says or case.says in said)
    if case.check and articles:
        ok = ok and all(case.check(a) for a in articles)
    return got, said, ok


def test_each_hostile_input_alone_gets_a_clear_outcome_in_bounded_time(
    tmp_path: Path, site: LoopbackSite, slow_server: str
) -> None:
    port = _serve_hostile(site)
    cases = file_cases(tmp_path) + url_cases(site.base, port, slow_server)
    settings = _policy(site, slow_server)
    rows, failed = [], []
    with ThreadPoolExecutor(max_workers=1) as pool:
        for case in cases:
            out, seconds = _run(case, settings, pool)
            got, said, ok = _outcome(case, out)
            rows.append(f"{'ok ' if ok else 'BAD'} {case.name:38} {got:9} {seconds:5.2f}s  {said}")
            if not ok:
                failed.append(f"{case.name}: expected {case.expect} ({case.says!r}), got {said}")
    table = "\n".join([f"{len(cases)} hostile cases, each bounded by {BOUND_S:g} s", *rows])
    (tmp_path / "hostile-input.txt").write_text(table + "\n", encoding="utf-8")
    print("\n" + table)
    assert len(cases) >= 40
    assert not failed, "\n".join(failed)
    assert "/secret" not in site.hits  # no refused address was ever requested


@pytest.mark.slow
def test_a_hostile_batch_still_ingests_everything_good(
    tmp_path: Path, site: LoopbackSite, slow_server: str, model_loaded: None
) -> None:
    port = _serve_hostile(site)
    (tmp_path / "in").mkdir()
    cases = file_cases(tmp_path / "in") + url_cases(site.base, port, slow_server)
    good = []
    for n in range(3):
        path = tmp_path / f"good-{n}.md"
        path.write_text(f"---\ntitle: Good story {n}\nsource: Good Outlet\n---\n\n{STORY}{n}\n")
        good.append(str(path))
    policy = _policy(site, slow_server).model_dump()
    app = NewsRAG(make_settings(tmp_path / "data", ingest=policy))
    started = time.monotonic()
    report = app.ingest([c.item for c in cases] + good)
    seconds = time.monotonic() - started

    titles = {a.title for a in app.articles()}
    assert {f"Good story {n}" for n in range(3)} <= titles
    refused = {e.item.split("#")[0] for e in report.errors}
    expected = {c.item for c in cases if c.expect in ("rejected", "both")}
    assert expected <= refused, expected - refused
    assert not refused - expected - {c.item for c in cases}
    for title in ("Allowed story", "Hostile page", "Cloud outage update", "XXE", "Good line"):
        assert title in titles
    answer = app.ask("How much did Corvid Labs raise and who led the round?")
    assert not answer.abstained and "HACKED" not in answer.text
    print(f"\nbatch: {len(cases)} hostile + 3 good items in {seconds:.1f} s -> {report.added} "
          f"added, {report.rejected} rejected, {report.skipped} skipped")  # fmt: skip
