"""Turning what a user asks for (outlets, dates) into retrieval filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from rag.errors import NewsragError
from rag.index.keywords import LexicalIndex
from rag.retrieve.retriever import SearchFilters


def build_filters(
    *,
    sources: Sequence[str],
    since: str | None,
    until: str | None,
    lexical: LexicalIndex,
    as_of: datetime | None = None,
) -> SearchFilters:
    """Filters for one question; outlet names are matched case-insensitively to indexed ones;
    ``as_of`` (from ``as_of_moment``) hides what was published after it.

    Raises:
        NewsragError: an outlet is not indexed, or a date cannot be read.
    """
    return SearchFilters(
        sources=_resolve_sources(sources, lexical),
        since_ts=_epoch(since, "since", end_of_day=False),
        until_ts=_epoch(until, "until", end_of_day=True),
        as_of_ts=None if as_of is None else int(as_of.timestamp()),
    )


def as_of_moment(value: str | date | datetime | None) -> datetime | None:
    """The moment a question is asked as of: a date means the end of that day (UTC), a
    timestamp itself; None for now.

    Raises:
        NewsragError: the value is not a date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 23, 59, 59, tzinfo=UTC)
    ts = _epoch(str(value), "as_of", end_of_day=True)
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None


def parse_day(value: str, name: str = "since") -> date:
    """The day a ``since``/``until`` value names (YYYY-MM-DD or an ISO timestamp).

    Raises:
        NewsragError: the value is not a date.
    """
    ts = _epoch(value, name, end_of_day=False)
    if ts is None:
        raise NewsragError(f"The {name} date is empty. Use YYYY-MM-DD, e.g. 2025-01-31.")
    return datetime.fromtimestamp(ts, UTC).date()


def known_sources(lexical: LexicalIndex) -> list[str]:
    """The outlet names in the index, sorted."""
    return list(lexical.columns.outlets)


def with_dates(filters: SearchFilters, since_ts: int | None, until_ts: int | None) -> SearchFilters:
    """``filters`` with a date range added where it has none."""
    return replace(
        filters,
        since_ts=filters.since_ts if since_ts is None else since_ts,
        until_ts=filters.until_ts if until_ts is None else until_ts,
    )


def _resolve_sources(sources: Sequence[str], lexical: LexicalIndex) -> tuple[str, ...]:
    known = set(known_sources(lexical))
    by_lower = {s.lower(): s for s in known}
    resolved = []
    for name in sources:
        match = by_lower.get(name.strip().lower())
        if match is None:
            raise NewsragError(
                f"No indexed articles come from {name!r}. Indexed outlets: "
                f"{', '.join(sorted(known)) or 'none'}."
            )
        resolved.append(match)
    return tuple(resolved)


def _epoch(value: str | None, name: str, *, end_of_day: bool) -> int | None:
    if value is None or not str(value).strip():
        return None
    from rag.ingest.normalize import parse_date

    text = str(value).strip()
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise NewsragError(
            f"Cannot read the {name} date {value!r}. Use YYYY-MM-DD, e.g. 2025-01-31."
        )
    if end_of_day and len(text) <= 10:  # a bare date means the whole day
        parsed = parsed + timedelta(days=1) - timedelta(seconds=1)
    return int(parsed.astimezone(UTC).timestamp())


def describe(filters: SearchFilters, lexical: LexicalIndex) -> str:
    """What was searched, for abstentions: "the 12 indexed articles, from X, since D"."""
    n = lexical.columns.n_articles
    parts = ["the one indexed article" if n == 1 else f"the {n} indexed articles"]
    if filters.sources:
        parts.append("from " + " and ".join(filters.sources))
    if filters.since_ts is not None:
        parts.append("since " + datetime.fromtimestamp(filters.since_ts, UTC).date().isoformat())
    if filters.until_ts is not None:
        parts.append("until " + datetime.fromtimestamp(filters.until_ts, UTC).date().isoformat())
    if filters.as_of_ts is not None:
        as_of = datetime.fromtimestamp(filters.as_of_ts, UTC).date().isoformat()
        parts.append(f"published by {as_of}")
    return ", ".join(parts)
