"""Crash-safe watching: a feed poll killed with SIGKILL at random moments, re-run after each
kill while the feed changes between runs, ends in exactly the state of one clean poll — the
same chunks, article records and BM25 cache, nothing duplicated — and the next poll finds
nothing to do: one conditional request, nothing embedded.

Half the entries carry their full text, half are teasers whose pages are fetched, so kills
land in page fetches, embedding and writes. ``NEWSRAG_CRASH_SEED`` picks other moments.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import time
from pathlib import Path

import pytest

from rag import NewsRAG
from tests.conftest import LoopbackSite, make_settings
from tests.reliability.test_crash_safe_ingest import Zygote as CrashZygote
from tests.reliability.test_crash_safe_ingest import _problems, _state

pytestmark = [pytest.mark.slow, pytest.mark.loopback]
KILLS = int(os.environ.get("NEWSRAG_CRASH_KILLS", "5"))
ENTRIES = 30
ZYGOTE = """
import json, os, sys
from pathlib import Path
import rag.engine, rag.watch, rag.index.writer  # the slow imports, done once before any fork
from rag import NewsRAG
from tests.conftest import make_settings
print("zygote", flush=True)
for line in sys.stdin:
    data_dir, feeds = line.rstrip("\\n").split("\\t")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            ingest = {"allow_private_urls": True, "write_batch_chunks": 4}
            app = NewsRAG(make_settings(Path(data_dir), ingest=ingest))
            app.embedder.embed(["warm up"])
            print("ready", os.getpid(), flush=True)
            r = app.poll_feeds(feeds)
            print("done", r.added, r.updated, r.unchanged, r.failed, r.chunks_embedded, flush=True)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    print("exited", pid, os.waitstatus_to_exitcode(status), flush=True)
"""


def _publish(site: LoopbackSite, version: int) -> None:
    """The feed at ``version``: every third story is rewritten in version 1."""
    rng = random.Random(11)
    items = []
    for n in range(ENTRIES):
        edit = f" Updated in version {version}." if version and n % 3 == 0 else ""
        text = " ".join(
            f"Startup{n} said its {rng.choice(['chip', 'model', 'robot', 'cloud'])} revenue rose "
            f"{rng.randint(2, 90)}% in quarter {i % 4 + 1}, the {i}th report on company {n}."
            for i in range(rng.randint(4, 9))
        )
        page = f"/story/{n}"
        site.add(page, f"<html><body><article><h1>Startup{n}</h1><p>{text}{edit}</p></article>"
                       "</body></html>")  # fmt: skip
        teaser = n % 2 == 1  # its page is read
        body = f"Startup{n} news." if teaser else f"{text}{edit}"
        items.append(
            f"<item><title>Startup{n} results</title><link>{site.base}{page}</link>"
            f"<guid>s-{n}</guid><pubDate>Mon, 0{n % 9 + 1} Jun 2025 09:00:00 GMT</pubDate>"
            f"<description>{body}{edit if teaser else ''}</description></item>"
        )
    xml = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{"".join(items)}'
    site.add("/wire.xml", xml + "</channel></rss>", content_type="application/rss+xml",
             headers={"ETag": f'"v{version}"'})  # fmt: skip


class Zygote(CrashZygote):
    """The forking process of polls; ``run`` starts one poll and returns its pid."""

    def __init__(self) -> None:
        super().__init__(ZYGOTE)

    def timed(self, data_dir: Path, feeds: Path, site: LoopbackSite, version: int) -> float:
        """Seconds from "ready" to "done" of an unkilled poll of the feed at ``version``."""
        _publish(site, version)
        self.run(data_dir, feeds)
        started = time.monotonic()
        assert self.until("done")[-1].startswith("done")
        seconds = time.monotonic() - started
        self.until("exited")
        return seconds


def test_sigkill_during_polls_then_repoll_equals_a_clean_poll(
    tmp_path: Path, site: LoopbackSite, model_loaded: None
) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - name: Wire\n    url: {site.base}/wire.xml\n", encoding="utf-8")
    for n in range(1, ENTRIES, 2):
        site.delays[f"/story/{n}"] = 0.02
    _publish(site, 0)
    clean_app = NewsRAG(
        make_settings(
            tmp_path / "clean", ingest={"allow_private_urls": True, "write_batch_chunks": 4}
        )
    )
    started = time.monotonic()
    report = clean_app.poll_feeds(feeds)
    poll_s = time.monotonic() - started
    assert (report.added, report.failed) == (ENTRIES, 0), report.errors
    _publish(site, 1)  # the clean state went through an edit and back, as the killed one does
    assert clean_app.poll_feeds(feeds).updated == ENTRIES // 3
    _publish(site, 0)
    assert clean_app.poll_feeds(feeds).updated == ENTRIES // 3
    clean = _state(tmp_path / "clean")

    rng = random.Random(int(os.environ.get("NEWSRAG_CRASH_SEED", "2026")))
    crashed, kills, runs, finished = tmp_path / "crashed", [], 0, 0
    zygote = Zygote()
    try:
        # how long a first poll and a poll after edits take in a fresh process, from "ready"
        full_s, update_s = (zygote.timed(tmp_path / "timing", feeds, site, v) for v in (0, 1))
        base = full_s
        while len(kills) < KILLS and runs < KILLS * 3:
            _publish(site, runs % 2)
            pid = zygote.run(crashed, feeds)
            runs += 1
            delay = rng.uniform(0.05, 1.0) * base
            time.sleep(delay)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            exit_code = int(zygote.until("exited")[-1].split()[2])
            if exit_code == -signal.SIGKILL:
                kills.append(round(delay, 2))
            else:
                assert exit_code == 0, f"run {runs} failed with exit code {exit_code}"
                finished, base = finished + 1, update_s
        _publish(site, 0)
        zygote.run(crashed, feeds)
        last = zygote.until("exited")
        site.hits.clear()
        zygote.run(crashed, feeds)
        quiet = zygote.until("exited")
    finally:
        zygote.close()
    problems = _problems(_state(crashed), clean)
    print(
        f"\ncrash-safe watch: {ENTRIES} entries, {len(clean['chunks'])} chunks, clean poll "
        f"{poll_s:.1f} s (in a fresh process {full_s:.1f} s, after edits {update_s:.1f} s); "
        f"{runs} polls alternating two feed versions, {len(kills)} SIGKILLs at "
        f"{kills} s ({finished} polls finished first); final poll (added updated unchanged "
        f"failed chunks): {last[-2]}; then {quiet[-2]}; differences from a clean poll: "
        f"{len(problems)} {problems[:5]}"
    )
    assert len(kills) == KILLS
    assert last[-1].endswith(" 0") and last[-2].startswith("done"), last
    assert not problems, problems[:20]
    assert quiet[-2] == "done 0 0 1 0 0" and site.hits == ["/wire.xml"]
    assert site.conditional[-1] == "/wire.xml"
