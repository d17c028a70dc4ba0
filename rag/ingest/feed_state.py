"""What newsrag remembers about each watched feed, in the data directory
(``DATA_DIR/feeds/state.json``): the validators for conditional requests, the entries seen
and their fingerprints, and the feed's health — last success, last error and its reason,
consecutive failures and when to try again (exponential back-off).

Written atomically (a new file renamed over the old), after a feed's new articles are stored,
so a process killed at any moment leaves the previous state, and the next poll redoes only
what was not recorded (re-ingesting an unchanged article embeds nothing).

Example:
    >>> states = FeedStates.load(Path(".newsrag/feeds/state.json"))
    >>> states.get("https://example.com/feed.xml").failures
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class FeedState:
    """One feed's memory and health. Times are ISO 8601 UTC ("" for never)."""

    url: str
    name: str = ""
    etag: str = ""
    last_modified: str = ""
    last_poll: str = ""
    last_success: str = ""
    last_error: str = ""
    error: str = ""  # the reason of the last error
    failures: int = 0  # consecutive
    next_poll: str = ""  # not before this (back-off after errors)
    entries_seen: int = 0  # in the last poll that read the feed
    articles_added: int = 0  # since newsrag started watching it
    articles_updated: int = 0
    entries: dict[str, str] = field(default_factory=dict)  # entry key -> fingerprint

    def due(self, now: datetime) -> bool:
        """Whether the back-off allows a poll at ``now``."""
        return not self.next_poll or datetime.fromisoformat(self.next_poll) <= now

    def succeeded(self, now: datetime) -> None:
        self.last_poll = self.last_success = now.isoformat()
        self.failures, self.next_poll = 0, ""

    def failed(self, now: datetime, reason: str, *, every: timedelta, longest: timedelta) -> None:
        """Record an error; the next try waits ``every`` doubled per consecutive failure, at
        most ``longest``."""
        self.failures += 1
        self.last_poll = self.last_error = now.isoformat()
        self.error = reason
        wait = min(every * (2 ** (self.failures - 1)), longest)
        self.next_poll = (now + wait).isoformat()


@dataclass
class FeedStates:
    """Every watched feed's state, by URL."""

    path: Path
    feeds: dict[str, FeedState] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> FeedStates:
        """The states saved at ``path`` (none when missing or unreadable: the feeds are then
        polled as new, which re-reads them but loses nothing)."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            feeds = {url: FeedState(**value) for url, value in raw.get("feeds", {}).items()}
        except FileNotFoundError:
            feeds = {}
        except (OSError, ValueError, TypeError) as exc:
            log.warning("feed state at %s unreadable (%s); feeds will be re-read", path, exc)
            feeds = {}
        return cls(path, feeds)

    def get(self, url: str, name: str = "") -> FeedState:
        """The state of ``url`` (a new one when it was never polled)."""
        state = self.feeds.setdefault(url, FeedState(url))
        state.name = name or state.name
        return state

    def save(self) -> None:
        """Write atomically: a crash leaves the old file or the new one, never half of one."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        doc = {"feeds": {url: asdict(state) for url, state in self.feeds.items()}}
        with tmp.open("w", encoding="utf-8") as out:
            json.dump(doc, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)


def utc_now() -> datetime:
    return datetime.now(UTC)
