"""Watching feeds while the app is served (``newsrag ui --watch``): the engine's feed
watcher in a background thread, what the page needs to say how fresh the index is, and a
console that stays quiet — a line when articles arrive, one when every feed is unreachable
(offline), never one per feed per poll.

Example:
    >>> feeds = feed_list("corpus/feeds.yaml", app.settings.feeds.file)
    >>> watch = BackgroundWatch(app, feeds, source="corpus/feeds.yaml")
    >>> watch.start()  # polls now, then every ``feeds.every`` minutes
    >>> watch.polls, watch.changes, watch.updated_at
    >>> watch.stop()
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rag import FeedHealth, NewsRAG, PollReport

if TYPE_CHECKING:
    from rag.watch import WatchedFeed

log = logging.getLogger(__name__)

# a poll still fetching when the app closes is left to end with the process (the watcher
# records each feed only once its articles are stored, so nothing is half-written)
STOP_WAIT_S = 5.0


class BackgroundWatch:
    """Polls ``feeds`` into ``app`` in a daemon thread: now, then every ``feeds.every``
    minutes, until ``stop``.

    Args:
        app: the engine the app serves.
        feeds: the feeds to watch (``rag.watch.feed_list``).
        source: where the list came from, for the console ("corpus/feeds.yaml").
        say: where console lines go (the CLI prints them on stderr).
    """

    def __init__(
        self,
        app: NewsRAG,
        feeds: Sequence[WatchedFeed],
        *,
        source: str,
        say: Callable[[str], None] = log.warning,
    ) -> None:
        self.app = app
        self.feeds = list(feeds)
        self.source = source
        self.say = say
        self.polls = 0  # polls finished
        self.changes = 0  # polls that added or updated articles
        self.updated_at: datetime | None = None  # when the last such poll finished
        self.last_report: PollReport | None = None
        self._unreachable = False  # every feed the last poll tried failed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def every_minutes(self) -> float:
        """Minutes between polls (``feeds.every``)."""
        return self.app.settings.feeds.every

    def start(self) -> None:
        """Start polling in the background; returns at once (the first poll runs there)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self.app.watcher.run,
            args=(self.feeds,),
            kwargs={"stop": self._stop, "on_poll": self.record},
            name="newsrag-feed-watch",
            daemon=True,
        )
        self._thread.start()

    def stop(self, *, wait_s: float = STOP_WAIT_S) -> bool:
        """Stop polling; waits up to ``wait_s`` for a poll under way. Returns whether the
        thread has ended."""
        self._stop.set()
        if self._thread is None:
            return True
        self._thread.join(wait_s)
        if self._thread.is_alive():
            log.info("a feed poll is still running; it ends with the app")
            return False
        return True

    def record(self, report: PollReport) -> None:
        """Take in one finished poll: count it, note when articles arrived, and say on the
        console what changed (``run`` calls it after each poll)."""
        if report.added or report.updated:
            self.updated_at = datetime.now(UTC)
            self.changes += 1
        # a feed backs off only after failing, so every feed failed or backing off means
        # none answers (in this poll, or in the polls of an earlier run)
        failing = report.failed + report.backing_off
        unreachable = report.feeds > 0 and failing == report.feeds
        line = self._console_line(report, failing=failing, unreachable=unreachable)
        self._unreachable = unreachable
        self.last_report = report
        self.polls += 1
        if line:
            self.say(line)

    def _console_line(self, report: PollReport, *, failing: int, unreachable: bool) -> str | None:
        """One line when every feed has just become unreachable, when articles arrive, and
        when feeds answer again; None otherwise (per-feed errors are in the Library)."""
        if unreachable and not self._unreachable:
            indexed = len(self.app.articles())
            held = f"{indexed} article{'' if indexed == 1 else 's'}"
            which = "the feed" if report.feeds == 1 else f"none of the {report.feeds} feeds"
            return (
                f"feeds: {which} in {self.source} could {'not ' if report.feeds == 1 else ''}"
                f"be reached (offline?); answering from the {held} already indexed, and "
                "trying again in the background"
            )
        if report.added or report.updated:
            note = f"; {failing} of {report.feeds} feeds failing (see Library)" if failing else ""
            return (
                f"feeds: {report.added} new and {report.updated} updated articles from "
                f"{self.source}{note}"
            )
        if self._unreachable and not unreachable:
            answered = report.feeds - failing
            return f"feeds: reachable again ({answered} of {report.feeds} answered)"
        return None

    def health(self) -> list[FeedHealth]:
        """The health of each watched feed, in the list's order; a feed not polled yet has
        a blank record."""
        known = {h.url: h for h in self.app.feed_health()}
        return [known.get(f.url) or blank_health(f) for f in self.feeds]


def blank_health(feed: WatchedFeed) -> FeedHealth:
    """The health of a feed never polled."""
    return FeedHealth(
        url=feed.url,
        name=feed.name,
        last_poll="",
        last_success="",
        last_error="",
        error="",
        failures=0,
        next_poll="",
        entries_seen=0,
        articles_added=0,
        articles_updated=0,
    )
