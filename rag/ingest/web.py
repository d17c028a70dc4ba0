"""Network inputs: fetching URLs, loading feeds and pages from them, reading feed lists.

Feed parsing itself lives in ``rag.ingest.feeds``.

Example:
    >>> for item in load_url("https://example.com/feed.xml", settings=IngestSettings()):
    ...     print(item)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import yaml

from rag.config import IngestSettings
from rag.errors import LoadError
from rag.ingest.addresses import check_url
from rag.ingest.feeds import (
    Feed,
    FeedEntry,
    entry_article,
    entry_fingerprint,
    entry_key,
    entry_text,
    parse_feed,
)
from rag.ingest.normalize import html_to_text, make_article
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
    etag: str = ""
    last_modified: str = ""

    @property
    def unchanged(self) -> bool:
        """A conditional request answered 304 Not Modified."""
        return self.status == 304


def fetch(
    url: str,
    *,
    settings: IngestSettings,
    client: httpx.Client | None = None,
    etag: str = "",
    last_modified: str = "",
) -> FetchResult:
    """GET ``url`` following up to 5 redirects, reading at most ``settings.max_fetch_mb``;
    with ``etag``/``last_modified`` a conditional GET (304 comes back ``unchanged``).

    Unless ``settings.allow_private_urls``, the address of the URL and of every redirect hop
    must be public (see ``rag.ingest.addresses``).

    Args:
        url: an http(s) address.
        settings: timeout, user agent and size limit.
        client: a client from ``http_client`` to reuse connections; one is made when omitted.

    Returns:
        The final response (status below 400).

    Raises:
        LoadError: bad scheme, refused address, connection failure, timeout, HTTP error
            status, too many redirects or an oversized response; the reason is one line.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise LoadError(url, f"unsupported URL scheme '{scheme}'; give an http:// or https:// URL")
    own = client is None
    client = client or http_client(settings)
    conditions = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    try:
        return _get(client, url, settings, {k: v for k, v in conditions.items() if v})
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


def _get(
    client: httpx.Client, url: str, settings: IngestSettings, headers: dict[str, str]
) -> FetchResult:
    """Follow redirects by hand, so each hop's address is checked before it is requested."""
    started = time.monotonic()
    for _ in range(MAX_REDIRECTS + 1):
        check_url(url, settings=settings)
        with client.stream("GET", url, headers=headers) as response:
            if not response.has_redirect_location:  # 304 Not Modified is a 3xx too
                return _read(response, url, settings, started)
            target = urljoin(str(response.url), response.headers["location"].strip())
        if urlsplit(target).scheme.lower() not in ("http", "https"):
            raise LoadError(url, f"redirected to an unsupported address ({target[:200]})")
        url = target
    raise httpx.TooManyRedirects("too many redirects", request=response.request)


def _read(
    response: httpx.Response, url: str, settings: IngestSettings, started: float
) -> FetchResult:
    limit = int(settings.max_fetch_mb * _MB)
    too_big = f"response is larger than {settings.max_fetch_mb:g} MB; raise ingest.max_fetch_mb"
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
        etag=response.headers.get("etag", ""),
        last_modified=response.headers.get("last-modified", ""),
    )


def http_client(settings: IngestSettings) -> httpx.Client:
    """An httpx client with newsrag's user agent, timeout and redirect limit, for ``fetch``."""
    return httpx.Client(
        headers={"User-Agent": settings.user_agent},
        timeout=settings.fetch_timeout_s,
        follow_redirects=False,  # followed by ``fetch``, which checks each hop's address
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


@dataclass(frozen=True)
class FeedPoll:
    """One conditional fetch of a feed: whether it changed, its validators for the next
    request, the entries it lists (key -> fingerprint) and the items read for the entries
    that are new or edited."""

    url: str
    unchanged: bool
    etag: str = ""
    last_modified: str = ""
    entries: dict[str, str] | None = None
    items: tuple[Article | ItemError, ...] = ()


def poll_feed(
    url: str,
    *,
    settings: IngestSettings,
    etag: str = "",
    last_modified: str = "",
    known: Callable[[str, str], bool] = lambda key, fingerprint: False,
    client: httpx.Client | None = None,
) -> FeedPoll:
    """Fetch a feed conditionally and read only its new or edited entries.

    Args:
        url: the feed's address.
        etag, last_modified: the validators the feed sent last time ("" for none).
        known: ``known(key, fingerprint)`` is True for an entry already indexed as it is now;
            its page is not fetched again.

    Raises:
        LoadError: the feed cannot be fetched or is not a feed.
    """
    own = client is None
    client = client or http_client(settings)
    try:
        result = fetch(
            url, settings=settings, client=client, etag=etag, last_modified=last_modified
        )
        if result.unchanged:
            return FeedPoll(url, True, etag or result.etag, last_modified or result.last_modified)
        if not _is_feed(result):
            raise LoadError(url, "is not an RSS/Atom feed (it returned a page)")
        feed = parse_feed(result.content, origin=result.url)
        if not feed.title:
            feed = replace(feed, title=_host(result.url))
        entries: dict[str, str] = {}
        items: list[Article | ItemError] = []
        for number, entry in enumerate(feed.entries, start=1):
            key, fingerprint = entry_key(entry), entry_fingerprint(entry)
            if not key or key in entries:  # a guid the feed repeats is one entry
                continue
            entries[key] = fingerprint
            if not known(key, fingerprint):
                items.append(_feed_item(entry, feed, f"{url}#{number}", settings, client))
        return FeedPoll(url, False, result.etag, result.last_modified, entries, tuple(items))
    finally:
        if own:
            client.close()


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
    """The feed URLs of a YAML feed list (``read_feeds`` without the names)."""
    return [url for _, url in read_feeds(path)]


def read_feeds(path: Path) -> list[tuple[str, str]]:
    """Read a YAML feed list: ``feeds:`` with URL strings or ``{name, url}`` maps, or a bare list.

    Args:
        path: the YAML file.

    Returns:
        (name, url) of each feed in file order, without duplicate URLs; a feed with no name
        is named by its URL.

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
    feeds: dict[str, str] = {}  # url -> name
    for number, item in enumerate(items, start=1):
        url = item.get("url") if isinstance(item, dict) else item
        if not isinstance(url, str) or urlsplit(url.strip()).scheme not in ("http", "https"):
            raise LoadError(f"{path}#{number}", f"{item!r} is not an http(s) feed URL; {hint}")
        name = item.get("name") if isinstance(item, dict) else None
        feeds.setdefault(url.strip(), str(name or url.strip()))
    return [(name, url) for url, name in feeds.items()]
