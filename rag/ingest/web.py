"""Network inputs: fetching URLs, parsing RSS/Atom feeds, reading feed lists.

Example:
    >>> for item in load_url("https://example.com/feed.xml", settings=IngestSettings()):
    ...     print(item)
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax import SAXParseException

import feedparser
import httpx
import yaml

from rag.config import IngestSettings
from rag.errors import LoadError
from rag.ingest.normalize import clean_text, html_to_text, make_article, parse_date
from rag.types import Article, ItemError

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 5
SHORT_ENTRY_CHARS = 400  # feed entries with less text than this get their linked page fetched
_FEED_TYPES = ("rss", "atom", "xml")
_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
_MB = 1024 * 1024


@dataclass(frozen=True)
class FetchResult:
    """A successful HTTP response. ``url`` is the final address after redirects; ``content``
    is the raw body (decode it, or hand the bytes to ``html_to_text``/``parse_feed``)."""

    url: str
    status: int
    content_type: str
    content: bytes


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


@dataclass(frozen=True)
class Feed:
    """A parsed RSS/Atom feed."""

    title: str
    link: str
    entries: tuple[FeedEntry, ...]


def fetch(url: str, *, settings: IngestSettings, client: httpx.Client | None = None) -> FetchResult:
    """GET ``url`` following up to 5 redirects, reading at most ``settings.max_fetch_mb``.

    Args:
        url: an http(s) address.
        settings: timeout, user agent and size limit.
        client: a client from ``http_client`` to reuse connections; one is made when omitted.

    Returns:
        The final response (status below 400).

    Raises:
        LoadError: bad scheme, connection failure, timeout, HTTP error status, too many
            redirects or an oversized response; the reason is one line.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise LoadError(url, f"unsupported URL scheme '{scheme}'; give an http:// or https:// URL")
    own = client is None
    client = client or http_client(settings)
    try:
        return _get(client, url, settings)
    except httpx.TooManyRedirects as exc:
        raise LoadError(url, f"too many redirects (more than {MAX_REDIRECTS})") from exc
    except httpx.TimeoutException as exc:
        raise LoadError(url, f"timed out after {settings.fetch_timeout_s:g} s") from exc
    except httpx.UnsupportedProtocol as exc:
        raise LoadError(url, f"redirected to an unsupported address ({exc})") from exc
    except httpx.ConnectError as exc:
        raise LoadError(
            url, f"could not connect ({exc}); check the address or your network"
        ) from exc
    except httpx.HTTPError as exc:
        raise LoadError(url, f"request failed ({type(exc).__name__}: {exc})") from exc
    finally:
        if own:
            client.close()


def _get(client: httpx.Client, url: str, settings: IngestSettings) -> FetchResult:
    limit = int(settings.max_fetch_mb * _MB)
    too_big = f"response is larger than {settings.max_fetch_mb:g} MB; raise ingest.max_fetch_mb"
    started = time.monotonic()
    with client.stream("GET", url) as response:
        if response.status_code >= 400:
            raise LoadError(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise LoadError(url, too_big)
        chunks, total = [], 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > limit:
                raise LoadError(url, too_big)
            if time.monotonic() - started > settings.fetch_timeout_s:
                raise httpx.ReadTimeout("overall deadline", request=response.request)
            chunks.append(chunk)
        return FetchResult(
            url=str(response.url),
            status=response.status_code,
            content_type=response.headers.get("content-type", ""),
            content=b"".join(chunks),
        )


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
    raw = data.encode("utf-8") if isinstance(data, str) else data
    headers = {"content-type": "application/xml"}
    if urlsplit(origin).scheme in ("http", "https"):
        headers["content-location"] = origin
    parsed = feedparser.parse(io.BytesIO(raw), response_headers=headers)
    problem = parsed.get("bozo_exception")
    if not parsed.entries and (not parsed.version or isinstance(problem, SAXParseException)):
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
    )


def entry_text(entry: FeedEntry) -> str:
    """The cleaned text of an entry: its full content, else its summary."""
    markup = entry.content or entry.summary
    return html_to_text(markup).text if entry.is_html else clean_text(markup)


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


def http_client(settings: IngestSettings) -> httpx.Client:
    """An httpx client with newsrag's user agent, timeout and redirect limit, for ``fetch``."""
    return httpx.Client(
        headers={"User-Agent": settings.user_agent},
        timeout=settings.fetch_timeout_s,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
    )


def load_url(url: str, *, settings: IngestSettings) -> Iterator[Article | ItemError]:
    """Load a feed (one Article per entry) or a single article page from ``url``.

    Feed entries that carry less than ``SHORT_ENTRY_CHARS`` of text get their linked page
    fetched and its main text used; if that fetch fails the summary is kept with a warning.

    Args:
        url: an http(s) URL of a feed or an article page.
        settings: fetch limits.

    Yields:
        Articles, and an ItemError for each item that could not be loaded (one for the whole
        URL when it cannot be fetched or parsed).
    """
    with http_client(settings) as client:
        try:
            result = fetch(url, settings=settings, client=client)
            if not _is_feed(result):
                yield _page_article(result, origin=url)
                return
            feed = parse_feed(result.content, origin=result.url)
        except LoadError as exc:
            yield ItemError(url, exc.reason)
            return
        if not feed.title:
            feed = replace(feed, title=_host(result.url))
        for number, entry in enumerate(feed.entries, start=1):
            yield _feed_item(entry, feed, f"{url}#{number}", settings, client)


def _is_feed(result: FetchResult) -> bool:
    kind = result.content_type.split(";")[0].strip().lower()
    if "xhtml" in kind or kind in _PAGE_TYPES:
        return False
    if any(word in kind for word in _FEED_TYPES):
        return True
    head = result.content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<rss", b"<feed", b"<rdf:rdf")) or (
        head.startswith(b"<?xml") and any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))
    )


def _feed_item(
    entry: FeedEntry, feed: Feed, origin: str, settings: IngestSettings, client: httpx.Client
) -> Article | ItemError:
    origin = entry.link or origin
    text, title = entry_text(entry), ""
    if len(text) < SHORT_ENTRY_CHARS and urlsplit(entry.link).scheme in ("http", "https"):
        try:
            page = fetch(entry.link, settings=settings, client=client)
            extracted = html_to_text(page.content, url=page.url)
            is_html = page.content_type.split(";")[0].strip().lower() in _PAGE_TYPES[:2]
            if is_html and len(extracted.text) > len(text):
                text, title = extracted.text, extracted.meta["title"] or ""
        except LoadError as exc:
            logger.warning("%s: kept the feed summary; page unreadable (%s)", origin, exc.reason)
    try:
        return entry_article(entry, feed=feed, origin=origin, body=text, title=title)
    except LoadError as exc:
        return ItemError(exc.item, exc.reason)


def _page_article(result: FetchResult, *, origin: str) -> Article:
    kind = result.content_type.split(";")[0].strip().lower()
    if kind and kind not in _PAGE_TYPES:
        raise LoadError(
            origin, f"unsupported content type '{kind}'; give an HTML page or an RSS/Atom feed"
        )
    text, meta = html_to_text(result.content, url=result.url)
    if not text:
        raise LoadError(origin, "no readable text found on the page")
    host = _host(result.url)
    return make_article(
        title=meta["title"] or host,
        body=text,
        origin=origin,
        source=meta["source"] or host,
        url=meta["url"] or result.url,
        published_at=meta["published_at"],
        author=meta["author"] or "",
    )


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def read_feed_list(path: Path) -> list[str]:
    """Read a YAML feed list: ``feeds:`` with URL strings or ``{name, url}`` maps, or a bare list.

    Args:
        path: the YAML file.

    Returns:
        The feed URLs in file order, without duplicates.

    Raises:
        LoadError: the file cannot be read, is not valid YAML, or has the wrong shape.
    """
    hint = "expected 'feeds:' followed by a list of URLs or {name, url} entries"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise LoadError(str(path), f"cannot read the feed list ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise LoadError(str(path), "is not valid UTF-8; re-save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where else ""
        raise LoadError(str(path), f"is not valid YAML{at}; {hint}") from exc
    items = data.get("feeds") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise LoadError(str(path), hint)
    urls: list[str] = []
    for number, item in enumerate(items, start=1):
        url = item.get("url") if isinstance(item, dict) else item
        if not isinstance(url, str) or urlsplit(url.strip()).scheme not in ("http", "https"):
            raise LoadError(f"{path}#{number}", f"{item!r} is not an http(s) feed URL; {hint}")
        if url.strip() not in urls:
            urls.append(url.strip())
    return urls
