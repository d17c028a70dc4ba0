"""Watching RSS/Atom feeds so the index stays fresh: ``NewsRAG.poll_feeds`` (one poll),
``newsrag watch`` (a poll every ``feeds.every`` minutes), ``newsrag ui --watch``.

Polite and cheap: each feed is fetched with a conditional GET (its ETag / Last-Modified from
last time), at most ``feeds.parallel`` at once, with newsrag's User-Agent; an entry whose link
or guid is already indexed, as it was, is not fetched again (an edited one is); a failing feed
waits twice as long after each failure, up to ``feeds.max_backoff_hours``, and its health
(last success, last error and why, entries seen, articles added) is kept in the data
directory. One feed's fault never stops the others.

Example:
    >>> report = app.poll_feeds()  # corpus/feeds.yaml, or feeds="my-feeds.yaml"
    >>> report.added, report.unchanged, [h.error for h in app.feed_health()]
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import LoadError, NewsragError
from rag.ingest.feed_state import FeedState, FeedStates
from rag.ingest.normalize import canonical_url
from rag.ingest.web import FeedPoll, http_client, poll_feed, read_feeds
from rag.types import FeedHealth, ItemError, PollReport

if TYPE_CHECKING:
    from rag.engine import NewsRAG

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchedFeed:
    """A feed to watch: its label and address."""

    name: str
    url: str


def feed_list(feeds: Path | str | Sequence[str] | None, default: Path) -> list[WatchedFeed]:
    """The feeds to poll: a YAML feed list, a list of URLs, or the default list.

    Raises:
        NewsragError: the list cannot be read or has the wrong shape.
    """
    if feeds is None or isinstance(feeds, str | Path):
        path = Path(feeds) if feeds is not None else default
        try:
            return [WatchedFeed(name, url) for name, url in read_feeds(path)]
        except LoadError as exc:
            raise NewsragError(f"{exc.item}: {exc.reason}") from None
    return [WatchedFeed(url, url) for url in feeds]


class FeedWatcher:
    """Polls feeds into one engine; one poll at a time (``poll`` is thread-safe)."""

    def __init__(self, app: NewsRAG) -> None:
        self.app = app
        self.settings = app.settings.feeds
        self.path = app.settings.data_dir / "feeds" / "state.json"
        self._lock = threading.Lock()
        self.last_poll: datetime | None = None

    def poll(self, feeds: Sequence[WatchedFeed], *, now: datetime | None = None) -> PollReport:
        """Poll every feed that is not backing off; store what is new; record health."""
        with self._lock:
            return self._poll(feeds, now or datetime.now(UTC))

    def _poll(self, feeds: Sequence[WatchedFeed], now: datetime) -> PollReport:
        started = time.perf_counter()
        states = FeedStates.load(self.path)
        indexed = {canonical_url(a.url) for a in self.app.articles() if a.url}
        due = [f for f in feeds if states.get(f.url, f.name).due(now)]
        totals = {"unchanged": 0, "failed": 0, "added": 0, "updated": 0, "read": 0, "chunks": 0}
        errors: list[ItemError] = []
        ingest = self.app.settings.ingest
        with http_client(ingest) as client, ThreadPoolExecutor(self.settings.parallel) as pool:

            def fetch(feed: WatchedFeed) -> FeedPoll | LoadError:
                state = states.feeds[feed.url]
                known = _known(state, indexed)
                try:
                    return poll_feed(feed.url, settings=ingest, etag=state.etag,
                                     last_modified=state.last_modified, known=known,
                                     client=client)  # fmt: skip
                except LoadError as exc:
                    return exc
                except Exception as exc:  # a feed's fault never stops the others
                    log.exception("polling %s failed", feed.url)
                    return LoadError(feed.url, f"{type(exc).__name__}: {exc}")

            for feed, result in zip(due, pool.map(fetch, due), strict=True):
                state = states.feeds[feed.url]
                if isinstance(result, LoadError):
                    state.failed(now, result.reason, every=self._every, longest=self._longest)
                    errors.append(ItemError(feed.url, result.reason))
                    totals["failed"] += 1
                    states.save()
                    continue
                if result.items and result.entries is not None:
                    # before storing: the entries being read are recorded as unknown, so a
                    # crash mid-way makes the next poll read them again whatever they say then;
                    # and the feed's validators are dropped, or that poll would get "304 not
                    # modified" for a feed whose earlier version a finished poll had stored
                    known = _known(state, indexed)
                    state.entries = {
                        key: fingerprint if known(key, fingerprint) else ""
                        for key, fingerprint in result.entries.items()
                    }
                    state.etag = state.last_modified = ""
                    states.save()
                self._store(state, result, now, totals, errors)
                states.save()  # only once its articles are stored: a crash redoes this feed
        self.last_poll = now
        return PollReport(
            feeds=len(feeds),
            unchanged=totals["unchanged"],
            backing_off=len(feeds) - len(due),
            failed=totals["failed"],
            added=totals["added"],
            updated=totals["updated"],
            entries_read=totals["read"],
            chunks_embedded=totals["chunks"],
            seconds=round(time.perf_counter() - started, 2),
            errors=tuple(errors),
        )

    def _store(
        self,
        state: FeedState,
        result: FeedPoll,
        now: datetime,
        totals: dict[str, int],
        errors: list[ItemError],
    ) -> None:
        state.etag, state.last_modified = result.etag, result.last_modified
        state.succeeded(now)
        if result.unchanged or not result.items:
            totals["unchanged"] += 1
        if result.entries is not None:
            state.entries = dict(result.entries)
            state.entries_seen = len(result.entries)
        if not result.items:
            return
        report = self.app.ingest_items(result.items)
        state.articles_added += report.added
        state.articles_updated += report.updated
        totals["added"] += report.added
        totals["updated"] += report.updated
        totals["read"] += len(result.items)
        totals["chunks"] += report.chunks_written
        errors.extend(report.errors)

    @property
    def _every(self) -> timedelta:
        return timedelta(minutes=self.settings.every)

    @property
    def _longest(self) -> timedelta:
        return timedelta(hours=self.settings.max_backoff_hours)

    def health(self) -> list[FeedHealth]:
        """Every watched feed's health, in the order first watched."""
        states = FeedStates.load(self.path)
        keep = set(FeedHealth.__dataclass_fields__)
        return [
            FeedHealth(**{k: v for k, v in asdict(s).items() if k in keep})
            for s in states.feeds.values()
        ]

    def run(
        self,
        feeds: Sequence[WatchedFeed],
        *,
        stop: threading.Event,
        on_poll: Callable[[PollReport], None] | None = None,
    ) -> None:
        """Poll now and then every ``feeds.every`` minutes until ``stop`` is set."""
        while not stop.is_set():
            try:
                report = self.poll(feeds)
                if on_poll is not None:
                    on_poll(report)
            except Exception:  # the watch goes on; the log keeps the traceback
                log.exception("a feed poll failed")
            stop.wait(self._every.total_seconds())


def _known(state: FeedState, indexed: set[str]) -> Callable[[str, str], bool]:
    """An entry is known when it is recorded with the same fingerprint, or (never recorded by
    a poll of this feed, e.g. ingested by ``newsrag ingest --feeds``) when its link is already
    an indexed article. An entry recorded as "" was being read when a poll stopped."""

    def known(key: str, fingerprint: str) -> bool:
        if key in state.entries:
            return state.entries[key] == fingerprint
        return canonical_url(key) in indexed

    return known
