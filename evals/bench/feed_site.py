"""A small feed server for the feeds bench: a threaded ``http.server`` on 127.0.0.1 serving
RSS feeds and article pages with an ETag and a Last-Modified each, answering 304 to a
conditional request for what did not change, and recording every request (path, whether it
was conditional, the status sent).

Example:
    >>> with FeedSite() as site:
    ...     url = site.publish("/a/feed.xml", render_feed("A", site.base, entries), RSS)
    ...     site.requests  # [Request(path="/a/feed.xml", conditional=False, status=200), ...]
"""

from __future__ import annotations

import hashlib
import http.server
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from html import escape
from types import TracebackType

RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """One request the site answered."""

    path: str
    conditional: bool  # it carried If-None-Match or If-Modified-Since
    status: int
    agent: str = ""  # its User-Agent


@dataclass(frozen=True)
class _Resource:
    body: bytes
    content_type: str
    etag: str
    stamp: int  # Last-Modified, in whole seconds since the epoch


@dataclass(frozen=True)
class MirrorEntry:
    """A feed entry: its text is in the feed (``paragraphs``) or only on its page (a teaser)."""

    title: str
    link: str
    guid: str
    published: datetime
    paragraphs: tuple[str, ...]
    teaser: str
    full_text: bool


class FeedSite:
    """A real HTTP server on a free loopback port; use it as a context manager.

    ``publish`` (re)places what a path serves, with a new ETag and a later Last-Modified;
    ``requests`` lists what clients asked, in order.
    """

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._routes: dict[str, _Resource] = {}
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=lambda: self._server.serve_forever(poll_interval=0.05), daemon=True
        )

    def __enter__(self) -> FeedSite:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def publish(self, path: str, body: str, content_type: str) -> str:
        """Serve ``body`` at ``path`` from now on; returns its URL."""
        data = body.encode("utf-8")
        with self._lock:
            before = self._routes.get(path)
            # Last-Modified has whole seconds: a change within the same second still moves it
            stamp = max(int(time.time()), before.stamp + 1 if before else 0)
            etag = f'"{hashlib.sha1(data).hexdigest()[:16]}"'
            self._routes[path] = _Resource(data, content_type, etag, stamp)
        return self.base + path

    def _answer(
        self, path: str, etag: str, since: str, agent: str
    ) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            found = self._routes.get(path)
            status = 404 if found is None else 304 if _not_modified(found, etag, since) else 200
            self.requests.append(Request(path, bool(etag or since), status, agent))
        if found is None:
            return status, {"Content-Type": "text/plain"}, b"not found"
        headers = {
            "Content-Type": found.content_type,
            "ETag": found.etag,
            "Last-Modified": formatdate(found.stamp, usegmt=True),
        }
        return status, headers, found.body if status == 200 else b""

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                ask = self.headers.get
                status, headers, body = site._answer(
                    self.path,
                    ask("If-None-Match") or "",
                    ask("If-Modified-Since") or "",
                    ask("User-Agent") or "",
                )
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _not_modified(found: _Resource, etag: str, since: str) -> bool:
    """RFC 9110: If-None-Match decides when sent; otherwise If-Modified-Since."""
    if etag:
        tags = {tag.strip() for tag in etag.split(",")}
        return "*" in tags or found.etag in tags
    if since:
        try:
            return parsedate_to_datetime(since).timestamp() >= found.stamp
        except (TypeError, ValueError):
            return False
    return False


def render_feed(title: str, link: str, entries: list[MirrorEntry]) -> str:
    """An RSS 2.0 feed: full-text entries carry their HTML in ``content:encoded``, teasers
    only a short description (readers fetch their page)."""
    items = []
    for e in entries:
        content = ""
        if e.full_text:
            html = "".join(f"<p>{escape(p)}</p>" for p in e.paragraphs)
            content = f"<content:encoded>{escape(html)}</content:encoded>"
        items.append(
            f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
            f'<guid isPermaLink="false">{escape(e.guid)}</guid>'
            f"<pubDate>{format_datetime(e.published)}</pubDate>"
            f"<description>{escape(e.teaser)}</description>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<description>{escape(title)}</description>{''.join(items)}</channel></rss>"
    )


def render_page(entry: MirrorEntry) -> str:
    """The entry's article page."""
    body = "".join(f"<p>{escape(p)}</p>" for p in entry.paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(entry.title)}</title></head><body>"
        f"<article><h1>{escape(entry.title)}</h1>{body}</article></body></html>"
    )
