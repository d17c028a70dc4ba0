"""URLs, feeds and feed lists over a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rag.config import IngestSettings
from rag.errors import LoadError
from rag.ingest.feeds import parse_feed
from rag.ingest.sources import load_feed_urls, load_sources
from rag.ingest.web import fetch, load_url, read_feed_list
from rag.types import Article, ItemError
from tests.conftest import LoopbackSite

SETTINGS = IngestSettings(fetch_timeout_s=5)
WriteFile = Callable[[str, str | bytes], Path]
LONG = (
    "Orbital Cloud reported quarterly revenue of $12.4 billion on Wednesday, ahead of analyst "
    "estimates. Revenue from its AI services grew 48% from a year earlier. "
) * 4


def page(title: str, text: str, *, site_name: str = "") -> str:
    meta = f'<meta property="og:site_name" content="{site_name}">' if site_name else ""
    paragraphs = "".join(f"<p>{part}</p>" for part in text.split("\n\n"))
    return (
        f"<html><head><title>{title}</title>{meta}<script>var junk = 'SCRIPT-JUNK';</script>"
        "</head><body><nav><a href='/'>Home</a> NAV-JUNK</nav><header>HEADER-JUNK</header>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>FOOTER-JUNK</footer></body></html>"
    )


def rss(base: str, items: str, *, title: str = "TechPulse AI") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title><link>{base}/</link>{items}</channel></rss>"
    )


def rss_item(title: str, link: str, *, content: str = "", summary: str = "") -> str:
    encoded = f"<content:encoded><![CDATA[{content}]]></content:encoded>" if content else ""
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        "<pubDate>Wed, 18 Jun 2025 21:10:00 GMT</pubDate><author>dana@techpulse.example</author>"
        f"<description><![CDATA[{summary}]]></description>{encoded}</item>"
    )


def articles(items: list[Article | ItemError]) -> list[Article]:
    return [item for item in items if isinstance(item, Article)]


def errors(items: list[Article | ItemError]) -> list[ItemError]:
    return [item for item in items if isinstance(item, ItemError)]


@pytest.mark.loopback
def test_rss_with_full_content_needs_no_page_fetch(site: LoopbackSite) -> None:
    body = f"<p>{LONG}</p><p>Second paragraph about accelerators.</p>"
    feed = rss(
        site.base, rss_item("Orbital posts record quarter", "/news/1?utm_source=rss", content=body)
    )
    url = site.add("/rss", feed, content_type="application/rss+xml")
    items = list(load_url(url, settings=SETTINGS))
    (article,) = articles(items)
    assert article.title == "Orbital posts record quarter"
    assert article.source == "TechPulse AI"
    assert article.url == f"{site.base}/news/1"  # resolved against the feed URL, tracking dropped
    assert article.published_at == datetime(2025, 6, 18, 21, 10, tzinfo=UTC)
    assert article.author == "dana@techpulse.example"
    assert "Second paragraph about accelerators." in article.body
    assert "\n\n" in article.body
    assert site.hits == ["/rss"]


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>AI Wire</title>
<link href="{base}/"/><updated>2025-05-30T17:05:00Z</updated><id>urn:aiwire</id>
<entry><title>Orbital Cloud cuts 400 jobs</title><link href="{base}/posts/1"/>
<id>urn:1</id><published>2025-05-30T17:05:00Z</published><updated>2025-05-31T08:00:00Z</updated>
<author><name>Sam Reyes</name></author>
<summary type="html">&lt;p&gt;Orbital Cloud is cutting jobs.&lt;/p&gt;</summary></entry>
<entry><title>Halcyon partners with Parcelway</title><link href="{base}/posts/gone"/>
<id>urn:2</id><updated>2025-05-08T13:30:00+02:00</updated>
<summary>Halcyon Robotics signed a warehouse deal.</summary></entry>
</feed>"""


@pytest.mark.loopback
def test_atom_summaries_are_replaced_by_the_linked_page(
    site: LoopbackSite, caplog: pytest.LogCaptureFixture
) -> None:
    page_text = LONG + "\n\nThe cuts affect the consumer division in three countries."
    site.add("/posts/1", page("Orbital Cloud cuts 400 jobs", page_text, site_name="AI Wire"))
    url = site.add("/atom", ATOM.format(base=site.base), content_type="application/atom+xml")
    with caplog.at_level(logging.WARNING, logger="rag.ingest.web"):
        items = list(load_url(url, settings=SETTINGS))
    first, second = articles(items)
    assert site.hits == ["/atom", "/posts/1", "/posts/gone"]
    assert "The cuts affect the consumer division in three countries." in first.body
    assert not any(junk in first.body for junk in ("SCRIPT-JUNK", "NAV-JUNK", "FOOTER-JUNK"))
    assert (first.title, first.source, first.author) == (
        "Orbital Cloud cuts 400 jobs",
        "AI Wire",
        "Sam Reyes",
    )
    assert first.published_at == datetime(2025, 5, 30, 17, 5, tzinfo=UTC)  # published, not updated
    # the second page is a 404: the summary is kept and the user is told why
    assert second.body == "Halcyon Robotics signed a warehouse deal."
    assert second.published_at == datetime(2025, 5, 8, 11, 30, tzinfo=UTC)
    assert "kept the feed summary" in caplog.text and "HTTP 404" in caplog.text


@pytest.mark.loopback
def test_feed_detected_by_content_when_type_is_generic(site: LoopbackSite) -> None:
    feed = rss(site.base, rss_item("Sniffed", "/x", content=f"<p>{LONG}</p>"))
    url = site.add("/feed.bin", "\ufeff\n" + feed, content_type="application/octet-stream")
    (article,) = articles(list(load_url(url, settings=SETTINGS)))
    assert article.title == "Sniffed"


@pytest.mark.loopback
def test_feed_404_is_one_error(site: LoopbackSite) -> None:
    url = f"{site.base}/missing-feed"
    assert list(load_url(url, settings=SETTINGS)) == [ItemError(url, "HTTP 404 Not Found")]


@pytest.mark.loopback
def test_malformed_feed_over_http(site: LoopbackSite) -> None:
    url = site.add("/bad", "<rss><channel><title>x</ti", content_type="application/xml")
    (error,) = list(load_url(url, settings=SETTINGS))
    assert isinstance(error, ItemError) and error.item == url
    assert "not a valid RSS/Atom feed" in error.reason


@pytest.mark.loopback
def test_redirects_are_followed_and_capped(site: LoopbackSite) -> None:
    feed = rss(site.base, rss_item("Moved", "/m", content=f"<p>{LONG}</p>"))
    target = site.add("/new-feed", feed, content_type="application/rss+xml")
    old = site.add("/old-feed", "", status=301, headers={"Location": "/new-feed"})
    result = fetch(old, settings=SETTINGS)
    assert (result.url, result.status) == (target, 200)
    assert [a.title for a in articles(list(load_url(old, settings=SETTINGS)))] == ["Moved"]
    loop = site.add("/loop", "", status=302, headers={"Location": "/loop"})
    with pytest.raises(LoadError) as raised:
        fetch(loop, settings=SETTINGS)
    assert raised.value.reason == "too many redirects (more than 5)"
    assert site.hits.count("/loop") == 6  # the first request and five redirects


@pytest.mark.loopback
def test_article_page_drops_boilerplate(site: LoopbackSite) -> None:
    text = LONG + "\n\nAnalysts expect the trend to continue into next year."
    url = site.add("/story", page("Orbital's big quarter", text, site_name="TechPulse"))
    (article,) = list(load_url(url, settings=SETTINGS))
    assert isinstance(article, Article)
    assert article.title == "Orbital's big quarter"
    assert article.source == "TechPulse"
    assert "Analysts expect the trend to continue" in article.body
    for junk in ("SCRIPT-JUNK", "NAV-JUNK", "HEADER-JUNK", "FOOTER-JUNK"):
        assert junk not in article.body
    assert (article.url, article.origin) == (url, url)


@pytest.mark.loopback
def test_article_page_source_falls_back_to_host(site: LoopbackSite) -> None:
    url = site.add("/plain", page("No site name", LONG))
    (article,) = list(load_url(url, settings=SETTINGS))
    assert isinstance(article, Article)
    assert article.source.startswith("127.0.0.1")  # trafilatura's site name is host:port


@pytest.mark.loopback
def test_unsupported_content_type(site: LoopbackSite) -> None:
    url = site.add("/img", b"\x89PNG\r\n\x1a\n\x00", content_type="image/png")
    (error,) = list(load_url(url, settings=SETTINGS))
    assert isinstance(error, ItemError)
    assert "unsupported content type 'image/png'" in error.reason


@pytest.mark.loopback
def test_declared_oversize_response_is_refused(site: LoopbackSite) -> None:
    url = site.add("/huge", "x" * (2 * 1024 * 1024))
    with pytest.raises(LoadError) as raised:
        fetch(url, settings=IngestSettings(max_fetch_mb=1))
    assert raised.value.reason.startswith("response is larger than 1 MB")


@pytest.fixture
def raw_server() -> Iterator[tuple[socket.socket, str]]:
    """A bare listening socket on loopback; the test decides what (if anything) it answers."""
    server = socket.create_server(("127.0.0.1", 0))
    yield server, f"http://127.0.0.1:{server.getsockname()[1]}/"
    server.close()


@pytest.mark.loopback
def test_streamed_oversize_response_is_cut_off(raw_server: tuple[socket.socket, str]) -> None:
    server, url = raw_server

    def answer() -> None:  # no Content-Length: the limit must be enforced while reading
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
            try:
                for _ in range(64):
                    conn.sendall(b"y" * 65536)
            except OSError:
                pass

    threading.Thread(target=answer, daemon=True).start()
    with pytest.raises(LoadError) as raised:
        fetch(url, settings=IngestSettings(max_fetch_mb=1))
    assert raised.value.reason.startswith("response is larger than 1 MB")


@pytest.mark.loopback
def test_fetch_sends_the_configured_user_agent(raw_server: tuple[socket.socket, str]) -> None:
    server, url = raw_server
    requests: list[bytes] = []

    def answer() -> None:
        conn, _ = server.accept()
        with conn:
            requests.append(conn.recv(65536))
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    threading.Thread(target=answer, daemon=True).start()
    result = fetch(url, settings=IngestSettings(user_agent="newsrag-test/9"))
    assert (result.status, result.content) == (200, b"ok")
    assert b"\r\nuser-agent: newsrag-test/9\r\n" in requests[0].lower()


@pytest.mark.loopback
def test_timeout_message(raw_server: tuple[socket.socket, str]) -> None:
    _, url = raw_server  # listening, never answering
    started = time.monotonic()
    with pytest.raises(LoadError) as raised:
        fetch(url, settings=IngestSettings(fetch_timeout_s=0.3))
    assert raised.value.reason == "timed out after 0.3 s"
    assert time.monotonic() - started < 3


@pytest.mark.loopback
def test_connection_refused_message() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(LoadError) as raised:
        fetch(f"http://127.0.0.1:{port}/feed", settings=SETTINGS)
    assert raised.value.reason.startswith("could not connect (")
    assert raised.value.reason.endswith("check the address or your network")


def test_only_http_schemes_are_fetched() -> None:
    with pytest.raises(LoadError) as raised:
        fetch("file:///etc/passwd", settings=SETTINGS)
    assert "unsupported URL scheme 'file'" in raised.value.reason


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title>'
    "<item><title>&lol9;</title><description>x</description></item></channel></rss>"
)


def test_billion_laughs_is_not_expanded() -> None:
    started = time.monotonic()
    try:
        feed = parse_feed(BILLION_LAUGHS, origin="laughs.xml")
    except LoadError as exc:
        assert "not a valid RSS/Atom feed" in exc.reason
    else:
        assert all(len(entry.title) < 100 for entry in feed.entries)
        assert "lollollol" not in feed.title
    assert time.monotonic() - started < 2


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title>'
        "<description>d</description></item></channel></rss>"
    )
    feed = parse_feed(doc.encode(), origin="xxe.xml")
    assert "TOP-SECRET" not in repr(feed)


def test_parse_feed_rejects_html() -> None:
    with pytest.raises(LoadError) as raised:
        parse_feed(b"<html><body><p>Not a feed</p></body></html>", origin="page.html")
    assert raised.value.reason.startswith("not a valid RSS/Atom feed (no <rss> or <feed> root)")


def test_parse_feed_never_treats_data_as_a_path(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(rss("https://x.example", rss_item("From disk", "https://x.example/1")))
    with pytest.raises(LoadError):  # feedparser alone would open the file named by the string
        parse_feed(str(path), origin="given-as-text")


def test_read_feed_list_shapes(write_file: WriteFile) -> None:
    mapping = write_file(
        "feeds.yaml",
        "feeds:\n  - https://a.example/feed\n  - name: B\n    url: https://b.example/rss\n"
        "  - https://a.example/feed\n",
    )
    assert read_feed_list(mapping) == ["https://a.example/feed", "https://b.example/rss"]
    bare = write_file("list.yml", "- https://c.example/atom\n")
    assert read_feed_list(bare) == ["https://c.example/atom"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("feeds: [https://a.example\n  - oops: [", "is not valid YAML at line"),
        ("feeds: 3\n", "expected 'feeds:' followed by a list"),
        ("", "expected 'feeds:' followed by a list"),
        ("feeds:\n  - name: no url\n", "is not an http(s) feed URL"),
        ("feeds:\n  - ftp://a.example/feed\n", "is not an http(s) feed URL"),
    ],
)
def test_read_feed_list_errors(write_file: WriteFile, content: str, message: str) -> None:
    with pytest.raises(LoadError) as raised:
        read_feed_list(write_file("feeds.yaml", content))
    assert message in raised.value.reason


def test_project_feed_list_parses() -> None:
    path = Path(__file__).parents[2] / "corpus" / "feeds.yaml"
    urls = read_feed_list(path)
    assert urls and all(url.startswith("https://") for url in urls)


@pytest.mark.loopback
def test_feed_list_keeps_going_past_unreachable_feeds(
    site: LoopbackSite, write_file: WriteFile
) -> None:
    good = site.add(
        "/good",
        rss(site.base, rss_item("Good entry", "/g", content=f"<p>{LONG}</p>")),
        content_type="application/rss+xml",
    )
    with socket.create_server(("127.0.0.1", 0)) as probe:
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/feed"
    listing = write_file("feeds.yaml", f"feeds:\n  - {site.base}/gone\n  - {dead}\n  - {good}\n")
    items = list(load_feed_urls(listing, settings=SETTINGS))
    assert [a.title for a in articles(items)] == ["Good entry"]
    assert [(e.item, e.reason.split(" (")[0]) for e in errors(items)] == [
        (f"{site.base}/gone", "HTTP 404 Not Found"),
        (dead, "could not connect"),
    ]
    # the same list through load_sources, mixed with a missing path
    mixed = list(load_sources([str(listing), "no/such/dir"], settings=SETTINGS))
    assert len(articles(mixed)) == 1 and len(errors(mixed)) == 3
