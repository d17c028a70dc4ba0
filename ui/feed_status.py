"""What the page says about the watched feeds: the freshness line under the title ("Updated
from feeds 3 minutes ago; feeds last checked just now, 2 of 9 failing.") and the Library's
feed health, one row per watched feed.

The views are plain functions of a ``BackgroundWatch`` (None when the app watches nothing),
so they can be tested without a browser; ``feed_section`` lays out the Library's part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import gradio as gr

from rag import FeedHealth
from ui.library import counted
from ui.render import esc
from ui.watch import BackgroundWatch

HEADERS = [
    "Feed",
    "Status",
    "Last success",
    "Last error",
    "Entries seen",
    "Articles added",
    "Next try",
]
NOT_WATCHING = (
    "No feeds are watched. Start the app with `newsrag ui --watch` (as `make run` does) to "
    "keep the library fresh from the feeds of corpus/feeds.yaml."
)


@dataclass(frozen=True)
class FeedHealthView:
    """The Library's feed health: a summary line and one table row per watched feed."""

    summary: str
    rows: list[list[object]]


@dataclass
class FeedSection:
    """The Library's feed-health components."""

    summary: Any
    table: Any


def freshness_line(watch: BackgroundWatch | None, *, now: datetime | None = None) -> str:
    """The line under the title saying when the index last took articles from the feeds and
    when they were last checked (HTML; "" when the app watches no feeds)."""
    if watch is None or not watch.feeds:
        return ""
    now = now or datetime.now(UTC)
    health = watch.health()
    checked = [h.last_poll for h in health if h.last_poll]
    parts = []
    if watch.updated_at is not None:
        parts.append(f"updated from feeds {ago(watch.updated_at, now)}")
    if checked:
        parts.append(f"feeds last checked {ago(max(checked), now)}")
    else:
        parts.append(f"checking {counted(len(health), 'feed')} for news")
    failing = sum(1 for h in health if h.failures)
    words = "; ".join(parts) + (f", {failing} of {len(health)} failing" if failing else "")
    return f'<p class="nr-fresh">{esc(words[0].upper() + words[1:])}.</p>'


def feed_health_view(
    watch: BackgroundWatch | None, *, now: datetime | None = None
) -> FeedHealthView:
    """The summary and rows of the Library's feed health (the empty-state text when the app
    watches no feeds)."""
    if watch is None:
        return FeedHealthView(NOT_WATCHING, [])
    if not watch.feeds:
        return FeedHealthView(f"No feeds are watched: {watch.source} lists none.", [])
    now = now or datetime.now(UTC)
    health = watch.health()
    return FeedHealthView(health_summary(health, watch), [health_row(h, now) for h in health])


def health_summary(health: Sequence[FeedHealth], watch: BackgroundWatch) -> str:
    """ "Watching 9 feeds from corpus/feeds.yaml every 15 min: 7 answering, 2 failing."."""
    head = (
        f"Watching {counted(len(health), 'feed')} from {watch.source} every "
        f"{minutes_words(watch.every_minutes)}"
    )
    if not any(h.last_poll for h in health):
        return f"{head}: the first check is under way."
    failing = sum(1 for h in health if h.failures)
    answering = sum(1 for h in health if h.last_success and not h.failures)
    return f"{head}: {answering} answering, {failing} failing."


def health_row(health: FeedHealth, now: datetime) -> list[object]:
    """One feed's row: name, status, last success, last error with its reason, entries seen,
    articles added and, while it backs off after failing, when it is tried again."""
    if not health.last_poll:
        status = "not checked yet"
    elif health.failures:
        status = f"failing ({health.failures}×)"
    else:
        status = "ok"
    error = f"{ago(health.last_error, now)}: {health.error}" if health.last_error else ""
    return [
        health.name or health.url,
        status,
        ago(health.last_success, now) if health.last_success else "never",
        error,
        health.entries_seen,
        health.articles_added,
        until(health.next_poll, now) if health.failures and health.next_poll else "",
    ]


def feed_section(watch: BackgroundWatch | None) -> FeedSection:
    """Lay out the feed health inside the current tab (filled on page load)."""
    with gr.Accordion("Watched feeds", open=True):
        summary = gr.Markdown(feed_health_view(watch).summary, elem_id="feeds-summary")
        table = gr.Dataframe(
            headers=HEADERS,
            datatype=["str", "str", "str", "str", "number", "number", "str"],
            column_widths=["18%", "11%", "12%", "33%", "8%", "8%", "10%"],
            latex_delimiters=[],
            interactive=False,
            wrap=True,
            visible=watch is not None and bool(watch.feeds),
            elem_id="feeds-table",
        )
    return FeedSection(summary, table)


def refresh_seconds(every_minutes: float) -> float:
    """How often an open page re-reads the feed status: often enough to show each poll and
    keep "3 minutes ago" true, at most every 30 s and at least every second."""
    return min(30.0, max(1.0, every_minutes * 60 / 4))


def ago(when: datetime | str, now: datetime) -> str:
    """ "just now", "3 minutes ago", "5 hours ago", "on 2025-06-02"."""
    moment = _moment(when)
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{counted(minutes, 'minute')} ago"
    if minutes < 48 * 60:
        return f"{counted(minutes // 60, 'hour')} ago"
    return f"on {moment:%Y-%m-%d}"


def until(when: datetime | str, now: datetime) -> str:
    """ "in under a minute", "in 12 minutes", "in 3 hours"."""
    minutes = int((_moment(when) - now).total_seconds() // 60)
    if minutes < 1:
        return "in under a minute"
    if minutes < 120:
        return f"in {counted(minutes, 'minute')}"
    return f"in {counted(round(minutes / 60), 'hour')}"


def minutes_words(minutes: float) -> str:
    """ "15 min", "30 s", "2 h"."""
    if minutes < 1:
        return f"{round(minutes * 60, 1):g} s"
    if minutes >= 60 and minutes % 60 == 0:
        return f"{minutes / 60:g} h"
    return f"{minutes:g} min"


def _moment(when: datetime | str) -> datetime:
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
