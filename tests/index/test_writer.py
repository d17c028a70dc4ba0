"""The indexer reads and chunks items on one thread while it embeds on another: embedding
starts before the last item is read, a copy found late is still relabelled, and an item source
that fails mid-way stops the run with its own error, keeping what was already written; the
keyword cache's rebuild tokenizes only the chunks it did not hold."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from rag import NewsRAG
from rag.config import IngestSettings
from rag.index.keywords import LexicalIndex
from rag.index.sentence_table import SentenceTable
from rag.index.writer import Indexer
from rag.ingest.sources import load_sources
from rag.types import Article, ItemError
from tests.conftest import CORPUS, make_settings

_WAIT_S = 60.0  # far longer than embedding one small batch takes


def _articles(*names: str) -> list[Article]:
    loaded = list(load_sources([str(CORPUS / n) for n in names], settings=IngestSettings()))
    assert all(isinstance(a, Article) for a in loaded)
    return [a for a in loaded if isinstance(a, Article)]


def _indexer(app: NewsRAG, embedded: threading.Event, monkeypatch: pytest.MonkeyPatch) -> Indexer:
    """An indexer on ``app``'s store; ``embedded`` is set once the model has embedded a batch."""
    embed_spans = app.embedder.embed_spans

    def recording(*args: Any, **kwargs: Any) -> Any:
        out = embed_spans(*args, **kwargs)
        embedded.set()
        return out

    monkeypatch.setattr(app.embedder, "embed_spans", recording)
    return Indexer(app.store, app.embedder, app.settings.ingest)


@pytest.fixture
def small_batches(tmp_path: Path, model_loaded: None) -> NewsRAG:
    return NewsRAG(make_settings(tmp_path / "data", ingest={"write_batch_chunks": 1}))


def test_embedding_starts_before_the_last_item_is_read(
    small_batches: NewsRAG, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded = threading.Event()
    seen_before_last: list[bool] = []
    articles = _articles("earnings.md", "layoffs.md", "robotics.md")

    def slow_source() -> Iterator[Article | ItemError]:
        yield from articles[:-1]
        # a slow feed: the last item comes only once the model is busy with the first ones
        seen_before_last.append(embedded.wait(_WAIT_S))
        yield articles[-1]

    report = _indexer(small_batches, embedded, monkeypatch).run(slow_source())
    assert seen_before_last == [True]
    assert report.added == 3 and report.rejected == 0
    small_batches.refresh_lexical()
    assert len(small_batches.articles()) == 3


def test_an_older_original_read_after_its_copy_was_handed_on_takes_over(
    small_batches: NewsRAG, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded = threading.Event()
    copy, original = _articles("corvid-labs-funding-syndicated.md", "corvid-labs-funding.md")
    assert copy.published_at and original.published_at and original.published_at < copy.published_at

    def source() -> Iterator[Article]:
        yield copy
        assert embedded.wait(_WAIT_S)  # the copy is being embedded or written already
        yield original

    report = _indexer(small_batches, embedded, monkeypatch).run(source())
    assert (report.added, report.duplicates) == (2, 0)
    by_source = {i.source: i for i in small_batches.articles()}
    assert by_source["AI Wire"].duplicate_of == by_source["TechPulse"].article_id
    assert by_source["TechPulse"].duplicate_of == ""


def test_a_source_failing_midway_raises_its_error_and_keeps_what_was_written(
    small_batches: NewsRAG, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded = threading.Event()
    first, second = _articles("earnings.md", "layoffs.md")

    def broken() -> Iterator[Article]:
        yield first
        assert embedded.wait(_WAIT_S)
        yield second
        raise RuntimeError("the feed reader broke")

    with pytest.raises(RuntimeError, match="the feed reader broke"):
        _indexer(small_batches, embedded, monkeypatch).run(broken())
    kept = {i.title for i in small_batches.articles()}
    assert first.title in kept  # embedded before the error: written and complete
    # a rerun of the whole source finishes the job and skips what is complete
    report = Indexer(
        small_batches.store, small_batches.embedder, small_batches.settings.ingest
    ).run(iter([first, second]))
    assert report.skipped == len(kept) and report.added == 2 - len(kept)
    assert {i.title for i in small_batches.articles()} == {first.title, second.title}


def test_the_same_items_get_the_same_vectors_however_slowly_they_arrive(
    tmp_path: Path, model_loaded: None
) -> None:
    """Batches are cut by chunk counts, not by timing: int8 activations are scaled per batch,
    so a slow source must not regroup the chunks and move their vectors."""
    articles = _articles(*sorted(p.name for p in CORPUS.glob("*.md")))

    def ingest(folder: str, pause: float) -> tuple[dict[str, np.ndarray], dict[str, SentenceTable]]:
        app = NewsRAG(make_settings(tmp_path / folder, ingest={"write_batch_chunks": 5}))

        def source() -> Iterator[Article]:
            for article in articles:
                time.sleep(pause)
                yield article

        Indexer(app.store, app.embedder, app.settings.ingest).run(source())
        ids, vectors = app.store.embeddings()
        tables = dict(app.store.iter_sentence_tables())
        return dict(zip(ids, vectors, strict=True)), tables

    fast, fast_tables = ingest("fast", 0.0)
    slow, slow_tables = ingest("slow", 0.3)  # the model catches up with the reader each time
    assert len(fast) > 10 and fast.keys() == slow.keys()
    assert all(np.array_equal(fast[k], slow[k]) for k in fast)
    assert fast_tables.keys() == slow_tables.keys()
    assert all(fast_tables[k].pack() == slow_tables[k].pack() for k in fast_tables)


def _saved(index: LexicalIndex, folder: Path) -> dict[str, bytes]:
    index.save(folder)
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}


def test_the_keyword_cache_rebuild_reads_the_words_of_chunks_it_already_held(
    tmp_path: Path, model_loaded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an ingest adds one article, the cache's rebuild tokenizes only that article's
    chunks (the others' words come from the cache it replaces) and gives the index a build
    from scratch gives; a previous row whose text changed is tokenized again, and a delete
    tokenizes nothing."""
    import rag.index.words

    names = sorted(p.name for p in CORPUS.glob("*.md"))
    app = NewsRAG(make_settings(tmp_path / "data"))
    app.ingest([str(CORPUS / n) for n in names[:-1]])
    before = app.lexical_index()
    assert before.words is not None and before.words.streamed.all()
    tokenized: list[str] = []
    real = rag.index.words.token_stream

    def counting(text: str) -> Any:
        tokenized.append(text)
        return real(text)

    monkeypatch.setattr(rag.index.words, "token_stream", counting)
    read_tables: list[Any] = []
    for name in ("iter_sentence_tables", "sentence_tables"):
        real_read = getattr(app.store, name)

        def reading(*args: Any, _name: str = name, _real: Any = real_read) -> Any:
            read_tables.append((_name, *args))
            return _real(*args)

        monkeypatch.setattr(app.store, name, reading)
    report = app.ingest([str(CORPUS / names[-1])])
    assert report.added == 1
    index = app.lexical_index()
    monkeypatch.undo()  # the spies off; token_stream counting again below
    monkeypatch.setattr(rag.index.words, "token_stream", counting)
    # only the new article's sentence table was read from Chroma; the others came from the cache
    added = {a.article_id for a in app.articles()} - set(before.sentences.articles)
    assert read_tables == [("sentence_tables", sorted(added))] and len(added) == 1
    stored = dict(app.store.iter_sentence_tables())
    assert index.sentences is not None and set(index.sentences.articles) == set(stored)
    for aid, table in index.sentences.tables(sorted(stored)).items():
        assert (
            np.array_equal(table.spans, stored[aid].spans) and table.version == stored[aid].version
        )
        assert np.allclose(table.vectors, stored[aid].vectors, atol=1e-6)
    new = [c for c in app.store.iter_chunks() if c.id not in before.rows]
    assert len(index) == len(before) + len(new) and new
    assert sorted(tokenized) == sorted(c.text for c in new)  # the others' words were reused
    chunks = list(app.store.iter_chunks())
    tables = dict(app.store.iter_sentence_tables())
    scratch = _saved(LexicalIndex.build(chunks, fingerprint="f", tables=tables), tmp_path / "a")
    reused = LexicalIndex.build(chunks, fingerprint="f", tables=tables, previous=before)
    assert _saved(reused, tmp_path / "b") == scratch
    # a row whose stored text no longer matches the chunk's is not reused
    tokenized.clear()
    edited = [
        c if c.id != chunks[0].id else type(c)(c.id, c.text + " Extra.", c.metadata) for c in chunks
    ]
    rebuilt = LexicalIndex.build(edited, fingerprint="f", tables=tables, previous=index)
    assert tokenized == [edited[0].text]
    assert rebuilt.postings is not None and "extra" in rebuilt.postings.vocab
    # deleting an article tokenizes nothing
    tokenized.clear()
    app.delete(str(new[0].metadata["article_id"]))
    assert tokenized == [] and app.lexical_index().ids == before.ids


def test_what_is_stored_is_read_from_ids_as_from_every_chunk_s_metadata(
    tmp_path: Path, model_loaded: None
) -> None:
    """The quick read (chunk ids + each version's first chunk) sees what the full metadata scan
    sees, leftovers of an interrupted update included; a version whose first chunk is gone
    never counts as complete, so the next ingest writes it again."""
    app = NewsRAG(make_settings(tmp_path / "data"))
    app.ingest([str(CORPUS)])
    indexer = Indexer(app.store, app.embedder, app.settings.ingest)

    def both() -> tuple[dict, dict]:
        quick, full = indexer._stored_from_ids(), indexer._stored_from_metadata()
        assert quick is not None
        return quick, full

    quick, full = both()
    assert quick == full and len(quick) == len(app.articles())
    assert sum(a.chunks for a in app.articles()) == len(app.store.ids())
    # an interrupted update: a newer version's chunks written beside the old ones
    victim = next(iter(quick))
    old_ids = app.store.ids(where={"article_id": victim})
    chunks = list(app.store.iter_chunks(where={"article_id": victim}))
    _, vectors = app.store.embeddings([c.id for c in chunks])
    newer = "f" * 16
    app.store.upsert(
        [c.id.replace(c.metadata["content_hash"][:8], newer[:8]) for c in chunks],
        [c.text for c in chunks],
        vectors,
        [{**c.metadata, "content_hash": newer} for c in chunks],
    )
    quick, full = both()
    assert quick == full and set(quick[victim].versions) == {
        chunks[0].metadata["content_hash"],
        newer,
    }
    app.store.delete_ids(app.store.ids(where={"content_hash": newer}))
    # the first chunk of a stored version lost (a crash while deleting, say)
    first = next(c for c in chunks if c.metadata["position"] == 0)
    app.store.delete_ids([first.id])
    quick = indexer._stored_from_ids()
    assert quick is not None
    assert not any(quick[victim].complete(v) for v in quick[victim].versions)
    # the article list (also read from ids and first chunks) falls back to the full scan
    listed = {a.article_id: a for a in app.articles()}
    assert (
        listed[victim].chunks == len(chunks) - 1 and listed[victim].title == first.metadata["title"]
    )
    report = app.ingest([str(CORPUS)])
    assert report.updated + report.added == 1 and report.chunks_written == len(chunks)
    assert sorted(app.store.ids(where={"article_id": victim})) == sorted(old_ids)
    # an id of another shape: the full scan answers
    app.store.upsert(["odd-id"], ["text"], vectors[:1], [{**first.metadata, "position": 5}])
    assert indexer._stored_from_ids() is None
    assert {a.article_id: a.chunks for a in app.articles()}[victim] == len(chunks) + 1
    assert "odd-id" in indexer._stored()[victim].versions[first.metadata["content_hash"]]
