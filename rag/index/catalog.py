"""Listing what is indexed: articles and summary statistics, read from the chunk store."""

from __future__ import annotations

from rag.errors import NotFoundError
from rag.index.store import ChunkStore
from rag.ingest.identity import chunk_versions
from rag.types import ArticleInfo, Stats


def list_articles(store: ChunkStore) -> list[ArticleInfo]:
    """Every indexed article with its chunk count, newest first.

    Counted from the chunk ids (``{article id}-{version[:8]}:{position}``) and described by
    each article's first chunk, which is several times quicker than reading every chunk's
    metadata; that full scan answers when an id has another shape or a first chunk is gone."""
    by_article = chunk_versions(store.ids())
    counts = None
    if by_article is not None:
        counts = {aid: sum(map(len, v.values())) for aid, v in by_article.items()}
    found: dict[str, ArticleInfo] = {}
    if counts is not None:
        for chunk in store.iter_chunks(documents=False, where={"position": 0}):
            _describe(found, chunk.metadata)
    if counts is None or set(found) != set(counts):
        found, counts = {}, {}
        for chunk in store.iter_chunks(documents=False):
            aid = _describe(found, chunk.metadata)
            counts[aid] = counts.get(aid, 0) + 1
    infos = [ArticleInfo(**{**vars(i), "chunks": counts[i.article_id]}) for i in found.values()]
    return sorted(infos, key=lambda i: (i.published_at, i.title), reverse=True)


def _describe(found: dict[str, ArticleInfo], m: dict) -> str:
    """Record the article of chunk metadata ``m`` (its first sighting wins); its id."""
    aid = str(m.get("article_id", ""))
    if aid not in found:
        found[aid] = ArticleInfo(
            article_id=aid,
            title=str(m.get("title", "")),
            source=str(m.get("source", "")),
            url=str(m.get("url", "")),
            published_at=str(m.get("published_at", "")),
            chunks=0,
            duplicate_of=str(m.get("duplicate_of", "")),
            author=str(m.get("author", "")),
        )
    return aid


def summarize(articles: list[ArticleInfo], *, location: str, collection: str) -> Stats:
    """Counts per outlet and the date range of ``articles``."""
    sources: dict[str, int] = {}
    for info in articles:
        key = info.source or "(unknown)"
        sources[key] = sources.get(key, 0) + 1
    dates = sorted(i.published_at for i in articles if i.published_at)
    return Stats(
        articles=len(articles),
        chunks=sum(i.chunks for i in articles),
        sources=dict(sorted(sources.items())),
        earliest=dates[0] if dates else None,
        latest=dates[-1] if dates else None,
        location=location,
        collection=collection,
    )


def find_article(articles: list[ArticleInfo], key: str) -> ArticleInfo:
    """The article whose id or (canonical) URL is ``key``.

    Raises:
        NotFoundError: none matches.
    """
    from rag.ingest.normalize import canonical_url

    key = key.strip()
    url = canonical_url(key) if key.startswith(("http://", "https://")) else ""
    for info in articles:
        if info.article_id == key or (url and info.url == url):
            return info
    raise NotFoundError(
        f"No indexed article has id or URL {key!r}. `newsrag stats --articles` lists them."
    )


def article_text(store: ChunkStore, article_id: str) -> str:
    """The stored body of an article; for indexes written before bodies were stored, rebuilt
    from its chunks with the gaps between them padded, so offsets still hold."""
    body = store.article_body(article_id)
    if body is not None:
        return body
    chunks = sorted(
        store.iter_chunks(where={"article_id": article_id}),
        key=lambda c: int(c.metadata.get("start", 0)),
    )
    if not chunks:
        raise NotFoundError(
            f"No indexed article has id {article_id!r}. `newsrag stats --articles` lists them."
        )
    text = ""
    for c in chunks:
        start = int(c.metadata.get("start", 0))
        text = text.ljust(start) + c.text[max(0, len(text) - start) :]
    return text
