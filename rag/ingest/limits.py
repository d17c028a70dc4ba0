"""Bounds on hostile input that every loader shares: how deep markup may nest before it is
flattened, and which publication dates are believable.

Example:
    >>> shallow_html("<div>" * 100_000 + "text")  # rebuilt with depth capped, in milliseconds
    >>> check_date(datetime(9999, 12, 31, tzinfo=UTC), "a.json")
    Traceback (most recent call last):
    LoadError: a.json: field 'published_at': 9999-12-31 is in the future; ...
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from rag.errors import LoadError

logger = logging.getLogger(__name__)

EARLIEST_YEAR = 1900
FUTURE_SLACK = timedelta(days=2)  # time zones and embargoed stories
MAX_DEPTH = 400  # deeper markup is no article; BeautifulSoup's time grows with depth squared
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_UNCLOSED = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"]
    + ["track", "wbr", "p", "li"]
)


def shallow_html(html: str | bytes) -> str | bytes:
    """``html`` itself, or, when its tags nest deeper than ``MAX_DEPTH`` (a hostile page),
    the tree lxml rebuilds from it, which libxml2 caps at a depth of 255."""
    text = html if isinstance(html, str) else html.decode("utf-8", "replace")
    depth = 0
    for match in _TAG.finditer(text):
        if match.group(1):
            depth = max(depth - 1, 0)
        elif match.group(2).lower() not in _UNCLOSED:
            depth += 1
            if depth > MAX_DEPTH:
                break
    if depth <= MAX_DEPTH:
        return html
    logger.warning("HTML nests tags over %d deep; parsed with the depth capped", MAX_DEPTH)
    import lxml.html

    try:
        return lxml.html.tostring(lxml.html.fromstring(text), encoding="unicode")
    except Exception:  # lxml raises several types on markup it cannot use at all
        return re.sub(r"<[^>]*>", " ", text)


def check_date(when: datetime | None, origin: str) -> None:
    """Refuse a publication date before ``EARLIEST_YEAR`` or more than two days ahead.

    Raises:
        LoadError: the date is not believable for a news article.
    """
    if when is None:
        return
    shown = when.isoformat()[:10]
    if when.year < EARLIEST_YEAR:
        raise LoadError(
            origin,
            f"field 'published_at': {shown} is before {EARLIEST_YEAR}; "
            "fix the date or leave it out",
        )
    if when > datetime.now(UTC) + FUTURE_SLACK:
        raise LoadError(
            origin, f"field 'published_at': {shown} is in the future; fix the date or leave it out"
        )
