"""Files and folders -> Articles: Markdown, text, HTML, JSON/JSONL records and RSS/Atom files.

Every problem with one input becomes an ``ItemError`` that says what to do; it never stops
the rest of a folder.

Example:
    >>> for item in load_path(Path("corpus"), settings=IngestSettings()):
    ...     print(item.title if isinstance(item, Article) else f"skipped {item.item}")
"""

from __future__ import annotations

import json
import logging
import re
import reprlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import yaml

from rag.config import IngestSettings
from rag.errors import LoadError
from rag.ingest.feeds import entry_article, parse_feed
from rag.ingest.normalize import html_to_text, make_article
from rag.types import Article, ItemError

logger = logging.getLogger(__name__)

Item = Article | ItemError
FEED_LIST_NAMES = frozenset({"feeds.yaml", "feeds.yml"})
_FIELD_ALIASES = {
    "title": ("title",),
    "body": ("body", "text", "content"),
    "source": ("source",),
    "url": ("url",),
    "published_at": ("published_at", "date", "published"),
    "author": ("author",),
    "category": ("category",),
}
_MB = 1024 * 1024
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)^(?:---|\.\.\.)[ \t]*$\n?", re.S | re.M)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t#]*$", re.M)
_TOO_DEEP = "JSON is nested too deeply to be an article record; flatten it"
_SHORT = reprlib.Repr()  # a bounded repr: a YAML alias bomb must not be printed in full
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict, _SHORT.maxstring = 2, 3, 3, 40


def load_path(path: Path, *, settings: IngestSettings) -> Iterator[Item]:
    """Load every article in a file, or in a folder and its subfolders (sorted by name).

    In folders, hidden entries, feed lists (feeds.yaml) and files of unsupported types are
    skipped with a debug log line; a single file of an unsupported type is an ItemError.

    Args:
        path: a file or folder.
        settings: size limit for files.

    Yields:
        Articles, and an ItemError for each file or record that could not be loaded.
    """
    if path.is_dir():
        yield from _walk(path, settings, seen=set())
    else:
        yield from load_file(path, settings=settings)


def _walk(folder: Path, settings: IngestSettings, *, seen: set[Path]) -> Iterator[Item]:
    real = folder.resolve()
    if real in seen:  # a symlink loop
        return
    seen.add(real)
    try:
        children = sorted(folder.iterdir(), key=lambda child: child.name)
    except OSError as exc:
        yield ItemError(str(folder), f"cannot list this folder ({exc.strerror}); check permissions")
        return
    for child in children:
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _walk(child, settings, seen=seen)
        elif child.name.lower() in FEED_LIST_NAMES:
            logger.info("skipped feed list %s; pass it on its own to fetch its feeds", child)
        elif child.suffix.lower() not in LOADERS:
            logger.debug("skipped %s: not an article file type", child)
        else:
            yield from load_file(child, settings=settings)


def load_file(path: Path, *, settings: IngestSettings) -> Iterator[Item]:
    """Load the article(s) in one file, chosen by its extension.

    Yields:
        Articles, or ItemErrors for the file or for single records in it.
    """
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        supported = " ".join(sorted(LOADERS))
        yield ItemError(
            str(path), f"unsupported file type '{path.suffix}'; supported types are {supported}"
        )
        return
    # a JSONL file is a collection of articles: the size limit applies to each of its records
    per_record = loader is _load_jsonl
    try:
        data = _read_bytes(path, settings, whole_file_limit=not per_record)
        if per_record:
            yield from _load_jsonl(path, data, max_record_mb=settings.max_file_mb)
        else:
            yield from loader(path, data)
    except LoadError as exc:
        yield ItemError(exc.item, exc.reason)


def _read_bytes(path: Path, settings: IngestSettings, *, whole_file_limit: bool = True) -> bytes:
    origin = str(path)
    try:
        size = path.stat().st_size
        if whole_file_limit and size > settings.max_file_mb * _MB:
            raise LoadError(
                origin,
                f"file is {size / _MB:.1f} MB, over the {settings.max_file_mb:g} MB limit; split "
                "it or raise ingest.max_file_mb (NEWSRAG_INGEST__MAX_FILE_MB)",
            )
        data = path.read_bytes()
    except PermissionError as exc:
        raise LoadError(
            origin, "permission denied; make the file readable or leave it out"
        ) from exc
    except OSError as exc:
        raise LoadError(origin, f"cannot read the file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise LoadError(origin, "file is empty; add the article text or leave the file out")
    return data


def _decode(path: Path, data: bytes) -> str:
    """Strict UTF-8 (a BOM is allowed) that rejects binary content with a useful message."""
    origin = str(path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(origin, "is UTF-16 encoded; re-save it as UTF-8")
    head = data[:8192]
    controls = sum(byte < 32 and byte not in b"\t\n\r\f\b" for byte in head)
    if b"\x00" in head or controls > len(head) * 0.1:
        raise LoadError(
            origin, "looks like a binary file, not text; give a text file or leave it out"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            origin,
            f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8",
        ) from exc
    if not text.strip():
        raise LoadError(origin, "file has only whitespace; add the article text or leave it out")
    return text


def _humanise(stem: str) -> str:
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:]


def _load_markdown(path: Path, data: bytes) -> Iterator[Item]:
    text = _decode(path, data).replace("\r\n", "\n")
    meta: object = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            at = f" at line {mark.line + 2}" if mark else ""
            raise LoadError(str(path), f"front matter is not valid YAML{at}; fix it") from exc
        text = text[match.end() :]
    elif text.startswith("---\n"):
        raise LoadError(str(path), "front matter has no closing '---' line; add one")
    if not isinstance(meta, dict):
        raise LoadError(str(path), "front matter must be 'key: value' lines (title, source, ...)")
    record = {key: value for key, value in meta.items() if value is not None}
    heading = _HEADING.search(text)
    if not record.get("title"):  # absent or "" in the front matter
        leading = heading and not text[: heading.start()].strip()
        record["title"] = heading.group(1) if leading else _humanise(path.stem)
        text = text[heading.end() :] if leading else text
    record["body"] = _HEADING.sub(r"\1", text)
    yield record_to_article(record, origin=str(path))


def _load_text(path: Path, data: bytes) -> Iterator[Item]:
    text = _decode(path, data).strip()
    first, _, rest = text.partition("\n")
    first = first.strip()
    if len(first) < 150 and not first.endswith("."):
        if not rest.strip():
            raise LoadError(str(path), "has a title line but no article text; add the text")
        yield make_article(title=first, body=rest, origin=str(path))
    else:
        yield make_article(title=_humanise(path.stem), body=text, origin=str(path))


def _load_html(path: Path, data: bytes) -> Iterator[Item]:
    text, meta = html_to_text(_decode(path, data))
    if not text:
        raise LoadError(str(path), "no readable text found in the HTML; is it an article page?")
    yield make_article(
        title=meta["title"] or _humanise(path.stem),
        body=text,
        origin=str(path),
        source=meta["source"] or "",
        url=meta["url"] or "",
        published_at=meta["published_at"],
        author=meta["author"] or "",
    )


def _load_json(path: Path, data: bytes) -> Iterator[Item]:
    try:
        value = json.loads(_decode(path, data))
    except json.JSONDecodeError as exc:
        raise LoadError(
            str(path),
            f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; fix the file",
        ) from exc
    except RecursionError as exc:
        raise LoadError(str(path), _TOO_DEEP) from exc
    if isinstance(value, dict) and isinstance(value.get("articles"), list):
        value = value["articles"]
    if isinstance(value, dict):
        yield _record_item(value, str(path))
    elif isinstance(value, list):
        for number, record in enumerate(value, start=1):
            yield _record_item(record, f"{path}#{number}")
    else:
        raise LoadError(
            str(path), 'expected an object, a list of objects, or {"articles": [...]} of articles'
        )


def _load_jsonl(path: Path, data: bytes, *, max_record_mb: float | None = None) -> Iterator[Item]:
    lines = _decode(path, data).split("\n")  # not splitlines(): JSON strings may hold U+2028
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if max_record_mb is not None and len(line) > max_record_mb * _MB:
            yield ItemError(
                f"{path}#{number}",
                f"line {number} is over the {max_record_mb:g} MB limit for one article; "
                "shorten it or raise ingest.max_file_mb (NEWSRAG_INGEST__MAX_FILE_MB)",
            )
            continue
        try:
            record = json.loads(line)
        except RecursionError:
            yield ItemError(f"{path}#{number}", _TOO_DEEP)
            continue
        except json.JSONDecodeError as exc:
            yield ItemError(
                f"{path}#{number}",
                f"line {number} is not valid JSON ({exc.msg} at column {exc.colno}); fix or "
                "remove the line",
            )
            continue
        yield _record_item(record, f"{path}#{number}")


def _load_feed_file(path: Path, data: bytes) -> Iterator[Item]:
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 feeds are legal XML
        head = data[:8192]
        if b"\x00" in head:
            raise LoadError(str(path), "looks like a binary file, not an RSS/Atom feed")
    feed = parse_feed(data, origin=str(path))
    for number, entry in enumerate(feed.entries, start=1):
        try:
            yield entry_article(entry, feed=feed, origin=f"{path}#{number}")
        except LoadError as exc:
            yield ItemError(exc.item, exc.reason)


def _record_item(record: object, origin: str) -> Item:
    try:
        return record_to_article(record, origin=origin)
    except LoadError as exc:
        return ItemError(exc.item, exc.reason)


def record_to_article(record: object, *, origin: str) -> Article:
    """Check one record (a JSON object or Markdown front matter plus body) and build an Article.

    Fields: title, body (or text, content), source, url, published_at (or date, published),
    author, category. title and body are required; null counts as missing.

    Raises:
        LoadError: not an object, a required field missing or empty, a field of the wrong type,
            or an unparseable date.
    """
    if not isinstance(record, dict):
        raise LoadError(origin, f"expected an article object, got {type(record).__name__}")
    values: dict[str, object] = {}
    for name, aliases in _FIELD_ALIASES.items():
        key = next((alias for alias in aliases if record.get(alias) is not None), None)
        value = record[key] if key else None
        allowed = (str, int, float, date) if name == "published_at" else (str,)
        if value is not None and (isinstance(value, bool) or not isinstance(value, allowed)):
            kind = "a date string" if name == "published_at" else "a string"
            raise LoadError(
                origin,
                f"field '{key}' must be {kind}, got {type(value).__name__}: {_SHORT.repr(value)}",
            )
        values[name] = value
    for name in ("title", "body"):
        if not str(values[name] or "").strip():
            also = _FIELD_ALIASES[name][1:]
            hint = f" (also accepted: {', '.join(repr(a) for a in also)})" if also else ""
            raise LoadError(
                origin,
                f"missing required field '{name}'{hint}; every article needs a title and a body",
            )
    text = {name: str(value) for name, value in values.items() if value and name != "published_at"}
    return make_article(origin=origin, published_at=values["published_at"], **text)


LOADERS: dict[str, Callable[[Path, bytes], Iterator[Item]]] = {
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".txt": _load_text,
    ".html": _load_html,
    ".htm": _load_html,
    ".json": _load_json,
    ".jsonl": _load_jsonl,
    ".xml": _load_feed_file,
    ".rss": _load_feed_file,
    ".atom": _load_feed_file,
}
