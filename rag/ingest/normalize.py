"""Text and metadata normalisation shared by every loader: dates, URLs, whitespace, HTML.

Example:
    >>> clean_text("Hello,\\r\\n  world \\n\\n\\n\\nBye")
    'Hello,\\nworld\\n\\nBye'
    >>> canonical_url("HTTPS://Example.com:443/a/?utm_source=x&b=2&a=1#top")
    'https://example.com/a?a=1&b=2'
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rag.errors import LoadError
from rag.ingest.limits import check_date, shallow_html
from rag.types import Article

logger = logging.getLogger(__name__)

DATE_EXAMPLE = "2023-11-27T08:45:59+00:00"
# November 27, 2023 | Nov 27, 2023 | ... | 27 November 2023 | 2023/11/27 | 27.11.2023
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%B %d, %Y %H:%M", "%b %d, %Y %H:%M", "%d %B %Y",
                 "%d %b %Y", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%d.%m.%Y")  # fmt: skip
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "ref", "mc_cid", "mc_eid"})
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}
# C0/C1 control characters except \t and \n (\r is turned into \n before this runs).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
_BOILERPLATE_TAGS = ("script", "style", "nav", "header", "footer", "aside", "form", "iframe",
                     "noscript", "head", "template", "svg", "button")  # fmt: skip
_BLOCK_TAGS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre",
               "section", "article", "table", "ul", "ol", "dd", "dt")  # fmt: skip
_MIN_MAIN_TEXT = 250  # trafilatura's own MIN_EXTRACTED_SIZE
# htmldate: no guessing from running text, prefer the original publication date, keep the time.
_DATE_PARAMS = {
    "extensive_search": False,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def published_moment(value: str) -> datetime | None:
    """A stored ``published_at`` as a timezone-aware datetime; None when empty or unreadable
    (an article without a date)."""
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


def parse_date(value: object) -> datetime | None:
    """Parse a publication date into a timezone-aware datetime (UTC when no zone is given).

    Accepts datetime/date objects, ISO 8601 ("2023-11-27T08:45:59+00:00", "2023-11-27"),
    RFC 822 as used by feeds ("Mon, 27 Nov 2023 08:45:59 GMT"), "November 27, 2023",
    and Unix epoch seconds (int, float or a digit string; values above 1e11 are taken as ms).

    Args:
        value: the raw value; None or an empty string means "no date".

    Returns:
        The datetime, or None when ``value`` is empty.

    Raises:
        ValueError: the value is not a date in any accepted form; the message quotes it and
            gives an accepted example.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(value)
    if not isinstance(value, str):
        raise ValueError(f"unrecognised date {value!r}; use ISO 8601 such as {DATE_EXAMPLE}")
    parsed = _parse_date_text(value.strip())
    if parsed is None:
        raise ValueError(f"unrecognised date {value!r}; use ISO 8601 such as {DATE_EXAMPLE}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _from_epoch(seconds: float) -> datetime:
    if abs(seconds) > 1e11:  # milliseconds, as JavaScript exports them
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"epoch timestamp {seconds!r} is out of range") from exc


def _parse_date_text(text: str) -> datetime | None:
    if text.lstrip("-").isdigit() and len(text) != 8:  # 8 digits is YYYYMMDD, not epoch
        return _from_epoch(int(text))
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(text)
        if parsed is not None:
            return parsed
    except (TypeError, ValueError, IndexError):
        pass
    # "Nov. 27, 2023", "Sept 5, 2023", "November 27th, 2023" -> forms strptime knows
    simple = re.sub(r"^([A-Za-z]{3,9})\.", r"\1", text)
    simple = re.sub(r"^Sept\b", "Sep", simple)
    simple = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", simple)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(simple, fmt)
        except ValueError:
            continue
    return None


def canonical_url(url: str) -> str:
    """Normalise a URL so the same article gets the same key wherever it was found.

    Lower-cases scheme and host, drops the fragment, default ports and tracking parameters
    (``utm_*``, fbclid, gclid, ref, mc_cid, mc_eid), sorts the remaining query parameters and
    strips a trailing slash from the path (the root stays ``/``). Strings without a scheme and
    host are returned stripped but otherwise unchanged.

    Args:
        url: any URL string; may be empty.

    Returns:
        The canonical URL, or "" for empty input.
    """
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    scheme = parts.scheme.lower()
    userinfo, at, hostport = parts.netloc.rpartition("@")
    hostport = hostport.lower()
    default_port = _DEFAULT_PORTS.get(scheme)
    if default_port and hostport.endswith(default_port):
        hostport = hostport[: -len(default_port)]
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in _TRACKING_PARAMS
    ]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, userinfo + at + hostport, path, urlencode(sorted(query)), ""))


def clean_text(text: str) -> str:
    """Normalise whitespace and Unicode while keeping paragraph breaks.

    NFC-normalises, turns every line break into ``\\n``, removes control characters (tabs and
    newlines are kept until the next step), collapses runs of spaces/tabs within a line to one
    space, trims each line, and collapses two or more blank lines into a single blank line.
    Chunk offsets are computed on this output, so every loader runs bodies through it.

    Args:
        text: raw text.

    Returns:
        The cleaned text, stripped at both ends.
    """
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_CHARS.sub("", _LINE_BREAKS.sub("\n", text))
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class PageText(NamedTuple):
    """What ``html_to_text`` returns: the main text and the page metadata.

    ``meta`` has the keys title, author, source (site name; trafilatura derives it from the
    host when the page names none), url (the page's canonical link, else the ``url`` given),
    as strings ("" when unknown), and published_at (a date string or None).
    """

    text: str
    meta: dict[str, str | None]


def html_to_text(html: str | bytes, *, url: str = "") -> PageText:
    """Extract the main text and metadata of an HTML page or fragment, offline.

    Uses trafilatura (precision-oriented, no comments); when it finds no main text or only a
    short scrap (under 250 characters, with the page holding over twice as much), falls back
    to BeautifulSoup text with scripts, navigation, headers, footers, forms and the like
    removed. Neither library is given anything it could download: trafilatura only receives
    the markup, and ``url`` is used as a hint for relative links and the host name.

    Args:
        html: the markup (bytes are decoded by trafilatura/BeautifulSoup).
        url: the page's address, if known.

    Returns:
        ``PageText(text, meta)``; ``text`` is ``clean_text`` output with paragraphs separated
        by blank lines, possibly empty.
    """
    import trafilatura  # here, not at the top: ingesting text and JSON never needs it

    html = shallow_html(html)
    doc = None
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            favor_precision=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except Exception:  # trafilatura/lxml raise many types on odd markup; the fallback copes
        logger.debug("trafilatura failed on %s", url or "HTML input", exc_info=True)
    text = clean_text((getattr(doc, "text", None) or "").replace("\n", "\n\n"))
    if doc is None:
        doc = _metadata_only(html, url)
    if len(text) < _MIN_MAIN_TEXT:
        # On pages without a clear article, trafilatura returns nothing or a scrap of
        # navigation; then the whole page minus boilerplate tags is the better answer.
        fallback = _soup_text(html)
        text = fallback if len(fallback) > 2 * len(text) else text
    meta: dict[str, str | None] = {
        "title": _one_line(getattr(doc, "title", None) or ""),
        "author": _one_line(getattr(doc, "author", None) or ""),
        "published_at": getattr(doc, "date", None) or None,
        "source": _one_line(getattr(doc, "sitename", None) or ""),
        "url": "",
    }
    found_url = getattr(doc, "url", None) or ""
    if urlsplit(found_url).scheme in ("http", "https"):
        meta["url"] = canonical_url(found_url)
    if not meta["title"]:
        meta["title"] = _soup_title(html)
    return PageText(text, meta)


def _metadata_only(html: str | bytes, url: str) -> object | None:
    import trafilatura

    try:
        return trafilatura.extract_metadata(
            html if isinstance(html, str) else html.decode("utf-8", "replace"),
            default_url=url or None,
            date_config=_DATE_PARAMS,
        )
    except Exception:  # same as above: metadata is optional
        logger.debug("trafilatura metadata failed on %s", url or "HTML input", exc_info=True)
        return None


def _soup_text(html: str | bytes) -> str:
    from bs4 import BeautifulSoup  # here: importing it takes 0.08 s

    soup = BeautifulSoup(html, "lxml")
    for tag in soup.find_all(_BOILERPLATE_TAGS):
        tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(_BLOCK_TAGS):
        block.insert_after("\n\n")
    return clean_text(soup.get_text())


def _soup_title(html: str | bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    heading = soup.find("title") or soup.find("h1")
    return _one_line(heading.get_text()) if heading else ""


def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


def make_article(
    *,
    title: str,
    body: str,
    origin: str,
    source: str = "",
    url: str = "",
    published_at: object = None,
    author: str = "",
    category: str = "",
) -> Article:
    """Build an ``Article`` with cleaned text, a canonical URL and a parsed date.

    Args:
        title: headline; whitespace is collapsed to one line.
        body: article text; run through ``clean_text``.
        origin: where it came from, used in error messages.
        source, url, author, category: optional metadata.
        published_at: anything ``parse_date`` accepts.

    Returns:
        The article.

    Raises:
        LoadError: the title or body is empty after cleaning, or the date is unparseable.
    """
    title, body = _one_line(title), clean_text(body)
    if not body:
        raise LoadError(origin, "the article has no text; give it a non-empty body")
    if not title:
        raise LoadError(origin, "the article has no title; give it a title")
    try:
        when = parse_date(published_at)
    except ValueError as exc:
        raise LoadError(origin, f"field 'published_at': {exc}") from exc
    check_date(when, origin)
    return Article(
        title=title,
        body=body,
        source=_one_line(source),
        url=canonical_url(url),
        published_at=when,
        author=_one_line(author),
        category=_one_line(category),
        origin=origin,
    )
