"""Exact in-memory dense search: the same ranking as Chroma's cosine query, filters as masks,
and a matrix that follows the store through ingest, delete and other clients' changes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from llama_index.core import VectorStoreIndex
from llama_index.core.retrievers import VectorIndexRetriever
from llama_index.core.schema import QueryBundle

from rag import NewsRAG
from rag.index.chunk_records import ChunkColumns
from rag.retrieve.dense import DenseCache, DenseChunkRetriever, DenseMatrix
from rag.retrieve.retriever import SearchFilters
from tests.conftest import make_settings


def _ts(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


QUESTIONS = [
    "Which chip maker announced a new inference accelerator?",
    "Corvid Labs Series C funding",
    "job cuts at an AI company",
]
FILTERS = [
    SearchFilters(),
    SearchFilters(sources=("TechPulse",)),
    SearchFilters(sources=("AI Wire", "Data Daily"), since_ts=_ts("2025-03-01")),
    SearchFilters(until_ts=_ts("2025-02-20")),
    SearchFilters(since_ts=_ts("2025-04-01"), until_ts=_ts("2025-05-31")),
    SearchFilters(sources=("TechPulse",), since_ts=_ts("2030-01-01")),  # admits nothing
]


def _scored(nodes: list) -> dict[str, float]:
    return {n.node.node_id: float(n.score) for n in nodes}


@pytest.mark.parametrize("top_k", [4, 100])
def test_exact_search_ranks_like_chromas_cosine_query(corpus_engine: NewsRAG, top_k: int) -> None:
    app = corpus_engine
    lexical = app.lexical_index()
    matrix = DenseCache(app.store.embeddings, max_chunks=10_000).get(lexical)
    assert matrix is not None and matrix.vectors.shape[0] == app.store.count()
    embed = app.embedder.as_llama_index()
    index = VectorStoreIndex.from_vector_store(app.store.vector_store(), embed_model=embed)
    for question in QUESTIONS:
        bundle = QueryBundle(query_str=question, embedding=embed.get_query_embedding(question))
        for filters in FILTERS:
            chroma = VectorIndexRetriever(
                index, similarity_top_k=top_k, filters=filters.to_llama(), embed_model=embed
            ).retrieve(bundle)
            exact = DenseChunkRetriever(
                matrix,
                lexical,
                top_k=top_k,
                mask=filters.mask(lexical.columns),
                embed_model=embed,
            ).retrieve(bundle)
            want, got = _scored(chroma), _scored(exact)
            assert bool(want) is (filters is not FILTERS[-1])  # only the last admits nothing
            # same chunks with the same scores; equal scores (wire copies) may swap places
            assert got.keys() == want.keys(), (question, filters)
            for key, score in want.items():
                assert got[key] == pytest.approx(score, abs=1e-5)
            scores = [n.score for n in exact]
            assert scores == sorted(scores, reverse=True)
            assert scores == pytest.approx([n.score for n in chroma], abs=1e-5)
            if filters.sources:
                assert {n.node.metadata["source"] for n in exact} <= set(filters.sources)


def test_search_gives_the_same_hits_with_and_without_the_matrix(corpus_engine: NewsRAG) -> None:
    """The engine's whole search (sub-queries, fusion) is unchanged when dense search is
    exact in memory rather than Chroma's index (``exact_search_max_chunks=0``)."""
    settings = corpus_engine.settings.model_copy(
        update={
            "retrieval": corpus_engine.settings.retrieval.model_copy(
                update={"exact_search_max_chunks": 0}
            )
        }
    )
    via_chroma = NewsRAG(settings)
    for question in [*QUESTIONS, "What did TechPulse and AI Wire report about Corvid Labs?"]:
        for mode in ("hybrid", "dense"):
            exact = corpus_engine.search(question, mode=mode, top_k=6)
            chroma = via_chroma.search(question, mode=mode, top_k=6)
            assert [h.chunk_id for h in exact] == [h.chunk_id for h in chroma]
            assert [h.score for h in exact] == pytest.approx([h.score for h in chroma], abs=1e-4)
            assert exact and exact[0].dense_score is not None


def _article(title: str, body: str, *, source: str, date: str | None) -> str:
    day = f"published_at: '{date}'\n" if date else ""
    return f"---\ntitle: {title}\nsource: {source}\n{day}---\n\n{body}\n"


def test_matrix_follows_ingest_delete_and_other_clients(
    tmp_path: Path, model_loaded: None, write_file
) -> None:
    data = tmp_path / "data"
    reader = NewsRAG(make_settings(data))
    write_file(
        "in/a.md",
        _article(
            "Kestrel",
            "Kestrel Robotics sells warehouse robots. " * 4,
            source="TechPulse",
            date="2025-02-01",
        ),
    )
    reader.ingest([str(tmp_path / "in/a.md")])
    first = reader.search("warehouse robots", mode="dense")
    assert {h.title for h in first} == {"Kestrel"}

    # another client (its own engine, same store) adds an undated article
    writer = NewsRAG(make_settings(data))
    write_file(
        "in/b.md",
        _article(
            "Heron", "Heron Bio grows lab meat in steel tanks. " * 4, source="AI Wire", date=None
        ),
    )
    writer.ingest([str(tmp_path / "in/b.md")])
    hits = reader.search("cultivated meat in tanks", mode="dense")
    assert hits[0].title == "Heron"
    assert reader.retriever._dense.get(reader.lexical_index()).vectors.shape[0] == (
        reader.store.count()
    )
    # an upper date bound alone does not admit the undated article
    hits = reader.search("cultivated meat in tanks", mode="dense", until="2026-01-01")
    assert {h.title for h in hits} == {"Kestrel"}

    reader.delete(next(a.article_id for a in reader.articles() if a.title == "Heron"))
    assert {h.title for h in reader.search("cultivated meat in tanks", mode="dense")} == {"Kestrel"}


def test_over_the_threshold_nothing_is_read(corpus_engine: NewsRAG) -> None:
    reads: list[int] = []

    def read() -> tuple[list[str], np.ndarray]:
        ids, vectors = corpus_engine.store.embeddings()
        reads.append(len(ids))
        return ids, vectors

    lexical = corpus_engine.lexical_index()
    assert DenseCache(read, max_chunks=len(lexical) - 1).get(lexical) is None
    assert DenseCache(read, max_chunks=0).get(lexical) is None
    assert reads == []
    cache = DenseCache(read, max_chunks=len(lexical))
    first = cache.get(lexical)
    assert first is not None and cache.get(lexical) is first
    assert reads == [len(lexical)]  # read once per fingerprint
    norms = np.linalg.norm(first.vectors, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5)


def test_mask_on_hand_made_columns() -> None:
    table = ChunkColumns.build(
        [
            {"source": "A", "published_ts": 100, "article_id": "1"},
            {"source": "B", "published_ts": 200, "article_id": "1"},
            {"source": "A", "published_ts": -1, "article_id": "2"},
            {"source": "C", "article_id": "3"},  # no date stored
            {"published_ts": 150, "article_id": "4"},  # no outlet
        ]
    )
    assert table.outlets == ("A", "B", "C") and table.n_articles == 4
    assert SearchFilters().mask(table) is None

    def kept(**kw: object) -> list[int]:
        mask = SearchFilters(**kw).mask(table)  # type: ignore[arg-type]
        return np.flatnonzero(mask).tolist()

    assert kept(sources=("A",)) == [0, 2]
    assert kept(sources=("A", "C")) == [0, 2, 3]
    assert kept(sources=("Z",)) == []
    assert kept(since_ts=150) == [1, 4]
    assert kept(until_ts=150) == [0, 4]  # unknown dates (-1) are not "before"
    assert kept(sources=("A", "B"), since_ts=0, until_ts=150) == [0]


def test_saved_matrix_is_reused_and_checked_against_chroma(
    corpus_engine: NewsRAG, tmp_path: Path
) -> None:
    store, lexical = corpus_engine.store, corpus_engine.lexical_index()
    reads: list[int | None] = []

    def read(ids: list[str] | None = None) -> tuple[list[str], np.ndarray]:
        reads.append(None if ids is None else len(ids))
        return store.embeddings(ids)

    folder = tmp_path / "dense"
    built = DenseCache(read, max_chunks=10_000, folder=folder).get(lexical)
    assert built is not None and reads == [None] and len(list(folder.glob("*.npy"))) == 1
    reads.clear()
    loaded = DenseCache(read, max_chunks=10_000, folder=folder).get(lexical)
    assert loaded is not None and np.array_equal(loaded.vectors, built.vectors)
    assert reads == [3]  # only a spot check of three rows, not the whole collection

    # a saved copy that no longer matches Chroma (another model, a corrupt file) is replaced
    (saved,) = folder.glob("*.npy")
    np.save(saved, np.roll(built.vectors, 1, axis=0))
    reads.clear()
    again = DenseCache(read, max_chunks=10_000, folder=folder).get(lexical)
    assert again is not None and np.array_equal(again.vectors, built.vectors)
    assert reads == [3, None]
    saved.write_bytes(b"not numpy")
    assert np.array_equal(
        DenseCache(read, max_chunks=10_000, folder=folder).get(lexical).vectors, built.vectors
    )


@pytest.mark.parametrize("admitted", [0.0, 0.05, 0.5, 1.0])
def test_top_rows_equal_a_full_sort(admitted: float) -> None:
    """Few admitted rows are scored on their own, many on the whole matrix: same answer."""
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((2000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = rng.standard_normal(16)
    mask = rng.random(2000) < admitted
    rows, sims = DenseMatrix("f", vectors).top(query.tolist(), k=25, mask=mask)
    full = vectors @ (query / np.linalg.norm(query)).astype(np.float32)
    want = [i for i in np.argsort(-full, kind="stable") if mask[i]][:25]
    assert rows.tolist() == want
    assert sims == pytest.approx(full[want], abs=1e-6)


def test_after_ingest_and_delete_only_new_chunks_are_read(
    tmp_path: Path, model_loaded: None, write_file
) -> None:
    app = NewsRAG(make_settings(tmp_path / "data"))
    reads: list[int | None] = []

    def read(ids: list[str] | None = None) -> tuple[list[str], np.ndarray]:
        reads.append(None if ids is None else len(ids))
        return app.store.embeddings(ids)

    def fresh() -> np.ndarray:  # the matrix as a full read of Chroma gives it
        return DenseCache(app.store.embeddings, max_chunks=10_000).get(app.lexical_index()).vectors

    cache = DenseCache(read, max_chunks=10_000)
    for i, topic in enumerate(
        ["Kestrel sells robots.", "Heron grows meat.", "Ibis mines lithium."]
    ):
        write_file(f"in/{i}.md", _article(f"T{i}", topic * 30, source="S", date="2025-01-01"))
    app.ingest([str(tmp_path / "in/0.md"), str(tmp_path / "in/1.md")])
    assert np.array_equal(cache.get(app.lexical_index()).vectors, fresh())
    assert reads == [None]  # the first build reads everything

    before = app.store.count()
    app.ingest([str(tmp_path / "in/2.md")])
    added = app.store.count() - before
    assert np.array_equal(cache.get(app.lexical_index()).vectors, fresh())
    assert reads == [None, added] and added > 0  # then only the new article's chunks

    app.delete(next(a.article_id for a in app.articles() if a.title == "T0"))
    assert np.array_equal(cache.get(app.lexical_index()).vectors, fresh())
    assert reads == [None, added]  # a delete reads nothing
