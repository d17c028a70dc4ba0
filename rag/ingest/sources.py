"""What the user gives ``newsrag ingest`` -> Articles: paths, folders, URLs and feed lists.

Example:
    >>> items = load_sources(["corpus/", "https://example.com/feed.xml"], settings=IngestSettings())
    >>> articles = [item for item in items if isinstance(item, Article)]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from rag.config import IngestSettings
from rag.errors import LoadError
from rag.ingest.loaders import load_path
from rag.ingest.web import load_url, read_feed_list
from rag.types import Article, ItemError

logger = logging.getLogger(__name__)

FEED_LIST_SUFFIXES = (".yaml", ".yml")
_MISSING = (
    "no such file or directory; give a path to a file or folder of articles "
    "(.md .txt .html .json .jsonl .xml) or an http(s) URL"
)


def load_sources(
    items: Sequence[str], *, settings: IngestSettings
) -> Iterator[Article | ItemError]:
    """Load articles from each item in turn: a file, a folder, a feed list or an http(s) URL.

    A ``.yaml``/``.yml`` file given on its own is read as a feed list (see ``load_feed_urls``).
    Folders are read offline: feed lists inside them are skipped, not fetched.

    Args:
        items: paths and URLs as the user typed them.
        settings: ingest limits.

    Yields:
        Articles, and one ItemError per input (file, record, URL, feed) that failed; a failure
        never stops the items after it.
    """
    for item in items:
        text = item.strip()
        scheme, sep, _ = text.partition("://")
        if not text:
            yield ItemError(item, _MISSING)
        elif sep and scheme.lower() in ("http", "https"):
            yield from load_url(text, settings=settings)
        elif sep and scheme.isalpha():
            yield ItemError(item, f"unsupported URL scheme '{scheme}'; give an http(s) URL")
        elif not Path(text).exists():
            yield ItemError(item, _MISSING)
        elif Path(text).is_file() and Path(text).suffix.lower() in FEED_LIST_SUFFIXES:
            yield from load_feed_urls(Path(text), settings=settings)
        else:
            yield from load_path(Path(text), settings=settings)


def load_items(
    items: Sequence[str | Path], *, feeds: str | Path | None, settings: IngestSettings
) -> Iterator[Article | ItemError]:
    """What ``NewsRAG.ingest`` was given, read: ``items`` (see ``load_sources``), then the
    feeds of the ``feeds`` list (see ``load_feed_urls``) when one is given.

    Args:
        items: paths and URLs.
        feeds: a YAML feed list, or None.
        settings: ingest limits.

    Returns:
        Articles, and one ItemError per input that failed, read as they are iterated.
    """
    loaded: list[Iterable[Article | ItemError]] = [
        load_sources([str(i) for i in items], settings=settings)
    ]
    if feeds is not None:
        loaded.append(load_feed_urls(Path(feeds), settings=settings))
    return (x for source in loaded for x in source)


def load_feed_urls(path: Path, *, settings: IngestSettings) -> Iterator[Article | ItemError]:
    """Fetch every feed named in a YAML feed list (see ``web.read_feed_list``).

    Args:
        path: the feed list.
        settings: fetch limits.

    Yields:
        Articles from each feed; an unreachable feed yields one ItemError and the rest go on;
        a malformed list yields one ItemError.
    """
    try:
        urls = read_feed_list(path)
    except LoadError as exc:
        yield ItemError(exc.item, exc.reason)
        return
    logger.info("%s: %d feeds", path, len(urls))
    for url in urls:
        yield from load_url(url, settings=settings)
