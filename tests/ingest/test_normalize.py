"""Dates, URLs, whitespace and HTML extraction, on hand-written inputs."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime, timedelta

import pytest
import trafilatura

from rag.errors import LoadError
from rag.ingest.normalize import canonical_url, clean_text, html_to_text, make_article, parse_date

NOV27 = datetime(2023, 11, 27, 8, 45, 59, tzinfo=UTC)
MIDNIGHT = datetime(2023, 11, 27, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-11-27T08:45:59+00:00", NOV27),
        ("2023-11-27T08:45:59Z", NOV27),
        ("2023-11-27T08:45:59", NOV27),  # naive -> UTC
        ("2023-11-27T10:45:59+0200", NOV27),
        ("2023-11-27", MIDNIGHT),
        ("20231127", MIDNIGHT),
        ("Mon, 27 Nov 2023 08:45:59 GMT", NOV27),
        ("Mon, 27 Nov 2023 09:45:59 +0100", NOV27),
        ("November 27, 2023", MIDNIGHT),
        ("Nov. 27, 2023", MIDNIGHT),
        ("November 27th, 2023", MIDNIGHT),
        ("27 November 2023", MIDNIGHT),
        (1701074759, NOV27),
        ("1701074759", NOV27),
        (1701074759000, NOV27),  # milliseconds
        (datetime(2023, 11, 27, 8, 45, 59), NOV27),
        (date(2023, 11, 27), MIDNIGHT),
        (None, None),
        ("  ", None),
    ],
)
def test_parse_date_accepts_common_forms(value: object, expected: datetime | None) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


def test_parse_date_keeps_the_given_offset() -> None:
    parsed = parse_date("2023-11-27T10:45:59+02:00")
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(hours=2)
    assert parsed.astimezone(UTC) == NOV27


@pytest.mark.parametrize("value", ["yesterday", "Nov 45, 2023", "2023-13-01", [2023], True])
def test_parse_date_rejects_nonsense_with_an_example(value: object) -> None:
    with pytest.raises(ValueError) as raised:
        parse_date(value)
    assert repr(value) in str(raised.value)
    assert "2023-11-27T08:45:59+00:00" in str(raised.value)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", ""),
        ("HTTPS://Example.COM/News/AI/", "https://example.com/News/AI"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/", "https://example.com/"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        (
            "https://example.com/a?utm_source=rss&b=2&UTM_Medium=x&a=1&fbclid=z&gclid=y"
            "&ref=home&mc_cid=1&mc_eid=2",
            "https://example.com/a?a=1&b=2",
        ),
        (
            "https://example.com/search?q=open+ai&page=",
            "https://example.com/search?page=&q=open+ai",
        ),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("not a url", "not a url"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_makes_variants_equal() -> None:
    variants = [
        "https://News.example.com/story/?utm_campaign=feed",
        "https://news.example.com:443/story#comments",
        "https://news.example.com/story",
    ]
    assert len({canonical_url(url) for url in variants}) == 1


def test_clean_text_normalises_whitespace_and_keeps_paragraphs() -> None:
    raw = "  Title\tline  \r\nsecond   line\r\rthird\x00 line\x07\n\n\n\n\nNext\u2028para  "
    assert clean_text(raw) == "Title line\nsecond line\n\nthird line\n\nNext\npara"


def test_clean_text_nfc_normalises() -> None:
    decomposed = "Cafe\u0301 and re\u0301sume\u0301"
    cleaned = clean_text(decomposed)
    assert cleaned == "Caf\u00e9 and r\u00e9sum\u00e9"
    assert len(cleaned) < len(decomposed)


def test_clean_text_keeps_one_blank_line_between_paragraphs() -> None:
    assert clean_text("a\n\nb") == "a\n\nb"
    assert clean_text("a\n \t \n\t\nb") == "a\n\nb"
    assert clean_text("\n\n\n") == ""


ARTICLE_PAGE = """<!doctype html><html><head>
<title>Nimbus ships a 7B model | TechPulse</title>
<meta property="og:site_name" content="TechPulse">
<meta name="author" content="Dana Whitfield">
<meta property="article:published_time" content="2024-04-22T16:20:00+00:00">
<link rel="canonical" href="https://techpulse.example/2024/nimbus-7b/?utm_source=rss">
<script>window.trackingPixel = "SCRIPT-BOILERPLATE";</script>
<style>.x { color: red }</style></head>
<body>
<nav><a href="/">Home</a> <a href="/ai">NAV-BOILERPLATE</a></nav>
<header>HEADER-BOILERPLATE subscribe now</header>
<article><h1>Nimbus ships a 7B model</h1>
<p>Nimbus Research released Nimbus-7B, an open-weights language model, under the Apache 2.0
licence on Monday. The company said the model matches larger systems on coding benchmarks.</p>
<p>Researchers can download the weights today, and a hosted version will follow next month,
according to the company's chief executive, who spoke to reporters in Berlin.</p>
</article>
<footer>FOOTER-BOILERPLATE (c) 2024</footer>
</body></html>"""


def test_html_to_text_extracts_main_text_and_metadata() -> None:
    text, meta = html_to_text(ARTICLE_PAGE, url="https://techpulse.example/2024/nimbus-7b")
    assert "open-weights language model" in text
    assert "hosted version will follow" in text
    for junk in ("SCRIPT-BOILERPLATE", "NAV-BOILERPLATE", "HEADER-BOILERPLATE", "FOOTER-"):
        assert junk not in text
    assert "\n\n" in text  # paragraphs stay separate
    assert text == clean_text(text)
    assert meta["title"] == "Nimbus ships a 7B model"
    assert meta["author"] == "Dana Whitfield"
    assert meta["source"] == "TechPulse"
    assert meta["url"] == "https://techpulse.example/2024/nimbus-7b"
    assert parse_date(meta["published_at"]) == datetime(2024, 4, 22, 16, 20, tzinfo=UTC)


def test_html_to_text_falls_back_to_soup_when_trafilatura_finds_nothing() -> None:
    page = (
        "<html><head><title>Fallback page</title><script>SCRIPT()</script></head><body>"
        "<nav>NAV</nav><ul><li>Main</li><li>words</li></ul><footer>FOOT</footer></body></html>"
    )
    # precondition: trafilatura alone misses the list (it returns None or the nav scrap "NAV")
    assert "Main" not in (trafilatura.extract(page, favor_precision=True) or "")
    text, meta = html_to_text(page)
    assert text == "Main\n\nwords"
    assert meta["title"] == "Fallback page"


def test_html_to_text_prefers_trafilatura_for_real_articles() -> None:
    page = ARTICLE_PAGE.replace("</article>", "</article><div>SIDEBAR-TEXT " * 40 + "</div>")
    text, _ = html_to_text(page)
    assert "open-weights language model" in text
    assert "SIDEBAR-TEXT" not in text


def test_html_to_text_handles_empty_and_bytes_input() -> None:
    assert html_to_text("").text == ""
    text, _ = html_to_text(ARTICLE_PAGE.encode("utf-8"))
    assert "Nimbus-7B" in text


def test_html_to_text_never_opens_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def record(sock: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("blocked")

    monkeypatch.setattr(socket.socket, "connect", record)
    html_to_text(ARTICLE_PAGE, url="https://techpulse.example/2024/nimbus-7b")
    assert attempts == []


def test_make_article_cleans_and_validates() -> None:
    article = make_article(
        title="  Big\n news ",
        body="Para one.\r\n\r\n\r\nPara two.",
        origin="x.md",
        url="HTTPS://Example.com/a/?utm_source=x",
        published_at="November 27, 2023",
        source=" Wire ",
    )
    assert article.title == "Big news"
    assert article.body == "Para one.\n\nPara two."
    assert article.url == "https://example.com/a"
    assert article.published_at == MIDNIGHT
    assert (article.source, article.origin) == ("Wire", "x.md")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "T", "body": " \n "}, "has no text"),
        ({"title": "", "body": "text"}, "has no title"),
        ({"title": "T", "body": "text", "published_at": "soon"}, "unrecognised date 'soon'"),
    ],
)
def test_make_article_rejects_bad_fields(fields: dict[str, str], message: str) -> None:
    with pytest.raises(LoadError) as raised:
        make_article(origin="rec#1", **fields)
    assert raised.value.item == "rec#1"
    assert message in raised.value.reason
