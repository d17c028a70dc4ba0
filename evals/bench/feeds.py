"""Feeds: what watching the shipped feed list costs, on a mirror of it served over loopback.

The mirror has as many feeds as the list, named after them, each with ``entries`` MultiHop-RAG
articles (technology and business first), newest first; half carry their text in the feed,
half are teasers whose page is served too, as real feeds do. Figures:

- the first poll: seconds, entries read, chunks embedded;
- a second poll with nothing changed: seconds, requests sent, how many were conditional and
  answered 304, entries read, chunks embedded (the goal: one conditional request per feed,
  nothing read or embedded);
- one new entry published in one feed (a teaser, so its page is read too, and the oldest entry
  drops off as in a real feed): seconds from publishing to a poll having stored it, then to a
  first answer citing it. A watcher polls every ``feeds.every`` minutes, which adds up to that
  long in practice.

Example:
    >>> bench = measure_feeds(corpus_json, settings=settings, names=["TechCrunch AI", "Wired AI"])
    >>> bench.unchanged.conditional, bench.unchanged.chunks_embedded, bench.answerable_s
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from evals.bench.feed_site import HTML, RSS, FeedSite, MirrorEntry, render_feed, render_page
from rag import NewsRAG, Settings

ENTRIES = 20
ENTRY_CHARS = 2_000
"""Paragraphs of each article kept, up to about this many characters, so the bench stays
cheap: the 181 articles the mirror uses average 10,500, and with whole bodies the first poll
embedded 2,378 chunks in about two minutes on two cores."""
_TEASER_CHARS = 240  # well under the 400 below which the watcher reads an entry's page
_TOPICS = ("technology", "business")


class CorpusTooSmall(ValueError):
    """The corpus has fewer usable articles than the mirror needs."""


@dataclass(frozen=True)
class PollFigures:
    """One poll, as the watcher reported it and as the feed server saw it."""

    seconds: float
    requests: int  # that the watcher sent
    conditional: int  # of them with If-None-Match or If-Modified-Since
    not_modified: int  # answered 304
    entries_read: int
    added: int
    chunks_embedded: int
    failed: int
    errors: int


@dataclass(frozen=True)
class FeedBench:
    """The feeds bench's figures (see the module docstring)."""

    feeds: int
    entries_per_feed: int
    entry_chars: int
    first: PollFigures
    unchanged: PollFigures
    new_entry: PollFigures
    answer_s: float
    """The first ``ask`` after the poll that stored the new entry."""
    answerable_s: float
    """From publishing the entry to that answer: the poll, the answer, and the bench's steps."""
    answerable: bool
    """The answer cites the new entry's article."""
    question: str
    """What was asked: the new entry's title as a question."""
    every_minutes: float
    """``feeds.every``: a watcher's wait between polls, up to which a new entry waits first."""


def pick_articles(corpus: Path, n: int) -> list[dict[str, Any]]:
    """``n`` articles of a MultiHop-RAG style ``corpus.json`` with distinct titles, the
    technology and business ones first, ordered oldest first.

    Raises:
        CorpusTooSmall: it has fewer.
    """
    records = json.loads(corpus.read_text(encoding="utf-8"))
    ordered = [r for r in records if r.get("category") in _TOPICS]
    ordered += [r for r in records if r.get("category") not in _TOPICS]
    picked: dict[str, dict[str, Any]] = {}
    for record in ordered:
        if record.get("title") and record.get("body") and record.get("published_at"):
            picked.setdefault(record["title"], record)
        if len(picked) == n:
            break
    if len(picked) < n:
        raise CorpusTooSmall(f"{corpus} has {len(picked)} usable articles; the mirror needs {n}")
    return sorted(picked.values(), key=lambda r: r["published_at"])


class Mirror:
    """Feeds named ``names`` on ``site``, the ``records`` dealt out among them in turn."""

    def __init__(
        self,
        site: FeedSite,
        names: Sequence[str],
        records: Sequence[dict[str, Any]],
        *,
        entries: int,
        entry_chars: int = ENTRY_CHARS,
    ) -> None:
        self.site, self.names, self.entries, self.entry_chars = site, names, entries, entry_chars
        self.slugs = [f"{i}-{_slug(name)}" for i, name in enumerate(names)]
        self.feeds: list[list[MirrorEntry]] = [[] for _ in names]
        self._published = [0 for _ in names]  # entries each feed ever had: numbers their pages
        self.urls = [f"{site.base}/{slug}/feed.xml" for slug in self.slugs]
        for number, record in enumerate(records[: len(names) * entries]):
            feed, nth = number % len(names), number // len(names)
            # newest first; every other entry of a feed is a teaser
            self.feeds[feed].insert(0, self._entry(feed, record, full_text=nth % 2 == 0))
        for feed in range(len(names)):
            self._publish(feed)

    def add(self, feed: int, record: dict[str, Any], *, full_text: bool = False) -> MirrorEntry:
        """Publish ``record`` as the newest entry of feed number ``feed`` (the oldest drops
        off); returns the entry."""
        entry = self._entry(feed, record, full_text=full_text)
        self.feeds[feed] = [entry, *self.feeds[feed]][: self.entries]
        self._publish(feed)
        return entry

    def feed_list(self, path: Path) -> Path:
        """Write the mirror's feed list (names and loopback URLs) as YAML at ``path``."""
        doc = {"feeds": [{"name": n, "url": u} for n, u in zip(self.names, self.urls, strict=True)]}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        return path

    def _entry(self, feed: int, record: dict[str, Any], *, full_text: bool) -> MirrorEntry:
        self._published[feed] += 1
        number, slug = self._published[feed], self.slugs[feed]
        paragraphs = _lede(record["body"], self.entry_chars)
        entry = MirrorEntry(
            title=record["title"],
            link=f"{self.site.base}/{slug}/{number}.html",
            guid=f"{slug}-{number}",
            published=datetime.fromisoformat(record["published_at"]),
            paragraphs=paragraphs,
            teaser=_teaser(paragraphs[0]),
            full_text=full_text,
        )
        self.site.publish(f"/{slug}/{number}.html", render_page(entry), HTML)
        return entry

    def _publish(self, feed: int) -> None:
        xml = render_feed(
            self.names[feed], f"{self.site.base}/{self.slugs[feed]}/", self.feeds[feed]
        )
        self.site.publish(f"/{self.slugs[feed]}/feed.xml", xml, RSS)


def measure_feeds(
    corpus: Path,
    *,
    settings: Settings,
    names: Sequence[str],
    entries: int = ENTRIES,
    entry_chars: int = ENTRY_CHARS,
) -> FeedBench:
    """Mirror ``names`` with ``entries`` articles of ``corpus`` each, watch the mirror from a
    fresh engine on ``settings.data_dir`` (emptied first) and time the three polls (model load
    excluded).

    Raises:
        CorpusTooSmall: ``corpus`` has too few articles for the mirror.
    """
    records = pick_articles(corpus, len(names) * entries + 1)
    settings = settings.model_copy(  # the mirror is on loopback
        update={"ingest": settings.ingest.model_copy(update={"allow_private_urls": True})}
    )
    shutil.rmtree(settings.data_dir, ignore_errors=True)
    with FeedSite() as site:
        mirror = Mirror(site, names, records[:-1], entries=entries, entry_chars=entry_chars)
        feed_list = mirror.feed_list(settings.data_dir / "mirror-feeds.yaml")
        app = NewsRAG(settings)
        app.embedder.embed(["warm up"])  # model load and ONNX export are not poll time
        first = _poll(app, site, feed_list)
        app.ask(f"{records[0]['title']}?", answerer="extractive")  # a watcher's app is warm
        unchanged = _poll(app, site, feed_list)
        started = time.perf_counter()
        entry = mirror.add(0, records[-1])
        new_entry = _poll(app, site, feed_list)
        question = f"{entry.title}?"
        asked = time.perf_counter()
        answer = app.ask(question, answerer="extractive")
        done = time.perf_counter()
    return FeedBench(
        feeds=len(names),
        entries_per_feed=entries,
        entry_chars=entry_chars,
        first=first,
        unchanged=unchanged,
        new_entry=new_entry,
        answer_s=done - asked,
        answerable_s=done - started,
        answerable=any(c.url == entry.link for c in answer.citations),
        question=question,
        every_minutes=settings.feeds.every,
    )


def _poll(app: NewsRAG, site: FeedSite, feed_list: Path) -> PollFigures:
    """One ``poll_feeds``, with the requests the site saw from it (by its User-Agent: a
    stray request from another program that found the port is not the watcher's)."""
    before = len(site.requests)
    started = time.perf_counter()
    report = app.poll_feeds(feed_list)
    seconds = time.perf_counter() - started
    agent = app.settings.ingest.user_agent
    sent = [r for r in site.requests[before:] if r.agent == agent]
    return PollFigures(
        seconds=seconds,
        requests=len(sent),
        conditional=sum(r.conditional for r in sent),
        not_modified=sum(r.status == 304 for r in sent),
        entries_read=report.entries_read,
        added=report.added,
        chunks_embedded=report.chunks_embedded,
        failed=report.failed,
        errors=len(report.errors),
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "feed"


def _lede(body: str, chars: int) -> tuple[str, ...]:
    """The body's first paragraphs, about ``chars`` characters of them: the one that would go
    over is cut at its last sentence end that fits (or left out, or kept whole when it is the
    first and has none), so a full-text entry is rarely short enough for its page to be read."""
    kept: list[str] = []
    for paragraph in (p.strip() for p in body.split("\n") if p.strip()):
        room = chars - sum(map(len, kept))
        if room <= 0:
            break
        if len(paragraph) > room:
            end = paragraph.rfind(". ", 0, room)
            if end > 0:
                kept.append(paragraph[: end + 1])
            elif not kept:
                kept.append(paragraph)
            break
        kept.append(paragraph)
    return tuple(kept)


def _teaser(paragraph: str) -> str:
    if len(paragraph) <= _TEASER_CHARS:
        return paragraph
    return paragraph[:_TEASER_CHARS].rsplit(" ", 1)[0] + " …"
