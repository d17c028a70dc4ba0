"""The feeds bench on a small mirror (3 feeds x 6 MultiHop-RAG articles) with the real model:
a poll of unchanged feeds sends only conditional requests and embeds nothing, and a new entry
becomes answerable; and its feed server's conditional answers."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from evals.bench.feed_site import HTML, FeedSite
from evals.bench.feeds import measure_feeds
from evals.bench.report import feed_rows, format_table
from tests.conftest import MULTIHOP_CORPUS, NO_MULTIHOP, make_settings

pytestmark = pytest.mark.loopback


@pytest.mark.slow
@pytest.mark.skipif(not MULTIHOP_CORPUS.exists(), reason=NO_MULTIHOP)
def test_unchanged_feeds_cost_one_conditional_request_each_and_a_new_entry_is_answerable(
    tmp_path: Path, model_loaded: None
) -> None:
    settings = make_settings(tmp_path / "feeds", feeds={"every": "30s"})
    names = ["TechCrunch AI", "The Verge AI", "Wired AI"]
    bench = measure_feeds(MULTIHOP_CORPUS, settings=settings, names=names, entries=6)

    first = bench.first
    assert (first.entries_read, first.added, first.failed, first.errors) == (18, 18, 0, 0)
    assert first.chunks_embedded >= 18
    assert (first.requests, first.conditional) == (3 + 9, 0)  # every teaser's page read once

    quiet = bench.unchanged
    assert quiet.requests == quiet.conditional == quiet.not_modified == 3
    assert (quiet.entries_read, quiet.added, quiet.chunks_embedded) == (0, 0, 0)

    new = bench.new_entry
    assert (new.entries_read, new.added, new.failed) == (1, 1, 0)
    assert (new.requests, new.conditional, new.not_modified) == (4, 3, 2)  # its feed + its page
    assert new.chunks_embedded >= 1
    assert bench.answerable, bench.question
    assert bench.answerable_s >= new.seconds + bench.answer_s
    assert bench.every_minutes == 0.5

    rows = feed_rows(bench)
    assert [r.met for r in rows if r.goal] == [True, True, True]
    table = format_table(rows)
    assert "3 sent, 3 conditional, 3 got 304" in table and "up to 0.5 min" in table


def test_the_feed_server_answers_conditional_requests_with_304() -> None:
    with FeedSite() as site, httpx.Client() as client:
        url = site.publish("/a.html", "<p>one</p>", HTML)
        first = client.get(url)
        assert first.status_code == 200 and first.text == "<p>one</p>"
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304

        site.publish("/a.html", "<p>two</p>", HTML)  # within the same second, most likely
        assert client.get(url, headers={"If-None-Match": etag}).text == "<p>two</p>"
        assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 200
        assert client.get(site.base + "/missing").status_code == 404
    assert [(r.conditional, r.status) for r in site.requests] == [
        (False, 200), (True, 304), (True, 304), (True, 200), (True, 200), (False, 404)
    ]  # fmt: skip
