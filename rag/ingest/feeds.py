"""RSS/Atom feeds: parsing a feed document offline and turning its entries into Articles.

Example:
    >>> feed = parse_feed(Path("feed.xml").read_bytes(), origin="feed.xml")
    >>> articles = [entry_article(entry, feed=feed, origin=f"feed.xml#{number}")
    ...             for number, entry in enumerate(feed.entries, start=1)]
"""

from __future__ import annotations

import html
import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from xml.sax import SAXParseException

from rag.errors import LoadError
from rag.ingest.normalize import clean_text, html_to_text, make_article, parse_date
from rag.types import Article

if TYPE_CHECKING:
    import feedparser

logger = logging.getLogger(__name__)
_TAG = re.compile(r"<[A-Za-z/!]")  # markup holds a tag, so it is HTML
_SAYS = ("title", "link", "id", "summary", "content")  # an entry with none of these is nothing


@dataclass(frozen=True)
class FeedEntry:
    """One feed item as feedparser saw it; HTML fields are unprocessed markup."""

    title: str
    link: str
    published: datetime | None
    author: str
    content: str
    summary: str
    is_html: bool
    guid: str = ""  # the entry's id (RSS guid, Atom id), when it has one


@dataclass(frozen=True)
class Feed:
    """A parsed RSS/Atom feed."""

    title: str
    link: str
    entries: tuple[FeedEntry, ...]


def parse_feed(data: bytes | str, *, origin: str) -> Feed:
    """Parse RSS 0.9x/1.0/2.0 or Atom with feedparser, without any network access.

    The data is handed to feedparser as a stream, so it never treats it as a URL or file
    name. feedparser drops DOCTYPE entity declarations before parsing, so entity-expansion
    ("billion laughs") and external-entity payloads are left unexpanded.

    Args:
        data: the feed document.
        origin: its URL or path; relative links are resolved against it when it is a URL.

    Returns:
        The feed; ``entries`` may be empty for a valid but empty feed.

    Raises:
        LoadError: the document is not a feed, or is malformed and yields no entries.
    """
    import feedparser  # here, not at the top: only feeds need it

    raw = data.encode("utf-8") if isinstance(data, str) else data
    headers = {"content-type": "application/xml"}
    if urlsplit(origin).scheme in ("http", "https"):
        headers["content-location"] = origin
    parsed = feedparser.parse(io.BytesIO(raw), response_headers=headers)
    problem = parsed.get("bozo_exception")
    usable = [item for item in parsed.entries if any(map(item.get, _SAYS))]
    if not usable and (not parsed.version or isinstance(problem, SAXParseException)):
        # feedparser prepends an XML declaration line when the document has none
        shift = 0 if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml") else 1
        detail = _describe_xml_error(problem, shift) if problem else "no <rss> or <feed> root"
        raise LoadError(origin, f"not a valid RSS/Atom feed ({detail}); check the file or address")
    if problem:
        logger.warning("%s: feed is not well-formed (%s); kept what could be read", origin, problem)
    entries = tuple(_entry(item) for item in parsed.entries)
    feed = parsed.feed
    return Feed(title=feed.get("title", ""), link=feed.get("link", ""), entries=entries)


def _describe_xml_error(problem: Exception, shift: int) -> str:
    if isinstance(problem, SAXParseException):
        line, column = max(problem.getLineNumber() - shift, 1), problem.getColumnNumber() + 1
        return f"{problem.getMessage()} at line {line}, column {column}"
    return str(problem)


def _entry(item: feedparser.FeedParserDict) -> FeedEntry:
    contents = item.get("content") or []
    content = "\n".join(part.get("value", "") for part in contents)
    types = [part.get("type", "") for part in contents]
    types = types or [item.get("summary_detail", {}).get("type", "")]
    when = item.get("published_parsed") or item.get("updated_parsed")
    published = datetime(*when[:6], tzinfo=UTC) if when else None  # feedparser gives UTC
    raw = item.get("published") or item.get("updated")
    if raw and not published:
        try:
            published = parse_date(raw)
        except ValueError:  # one odd date should not cost the entry; the feed is not ours
            logger.warning("%s: ignored unrecognised date %r", item.get("link", "feed entry"), raw)
    return FeedEntry(
        title=item.get("title", ""),
        link=item.get("link", ""),
        published=published,
        author=item.get("author", ""),
        content=content,
        summary=item.get("summary", ""),
        is_html=any(kind in ("text/html", "application/xhtml+xml") for kind in types),
        guid=str(item.get("id", "") or ""),
    )


def entry_text(entry: FeedEntry) -> str:
    """The cleaned text of an entry: its full content, else its summary (HTML only when it
    holds a tag: many feeds send plain text typed as HTML)."""
    markup = entry.content or entry.summary
    if entry.is_html and _TAG.search(markup):
        return html_to_text(markup).text
    return clean_text(html.unescape(markup) if entry.is_html else markup)  # plain text


def entry_article(
    entry: FeedEntry, *, feed: Feed, origin: str, body: str | None = None, title: str = ""
) -> Article:
    """Turn a feed entry into an Article (``body`` and ``title`` override the entry's own).

    Raises:
        LoadError: no title or no text.
    """
    return make_article(
        title=entry.title or title,
        body=entry_text(entry) if body is None else body,
        origin=origin,
        source=feed.title,
        url=entry.link,
        published_at=entry.published,
        author=entry.author,
    )


def entry_key(entry: FeedEntry) -> str:
    """What identifies an entry across polls: its link, else its guid, else its title."""
    return entry.link or entry.guid or entry.title


def entry_fingerprint(entry: FeedEntry) -> str:
    """A short hash of what the feed says about an entry (title, dates, text): it changes
    when the entry is edited."""
    import hashlib

    when = entry.published.isoformat() if entry.published else ""
    raw = "\x1f".join((entry.title, entry.link, when, entry.summary, entry.content))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
