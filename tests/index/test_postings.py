"""The keyword cache's own BM25 indexing against bm25s's, and its byte records."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from rag.index.chunk_records import ChunkColumns, ChunkRecords
from rag.index.keywords import LexicalIndex
from rag.index.postings import Postings
from rag.index.store import StoredChunk


def _zipf_corpus(n_docs: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(3000)]
    lengths = rng.integers(0, 120, size=n_docs)
    lengths[3] = 0  # an empty chunk (a title-less, text-less record) among them
    return [[vocab[min(r, 2999) - 1] for r in rng.zipf(1.3, size=n)] for n in lengths]


def test_postings_equal_bm25s_on_a_zipf_corpus() -> None:
    corpus = _zipf_corpus(1500, seed=3)
    ours = Postings.index(corpus)
    reference = bm25s.BM25()
    reference.index(corpus, show_progress=False)
    assert ours.params["num_docs"] == 1500 and len(ours.data) == len(reference.scores["data"])
    rng = np.random.default_rng(4)
    words = sorted(ours.vocab)
    mask = (rng.random(1500) > 0.3).astype(np.float32)
    for _ in range(60):
        query = list(rng.choice(words, size=int(rng.integers(1, 6))))
        for weights in (None, mask):
            expected = reference.get_scores(query, weight_mask=weights)
            got = ours.scores(query, mask=weights)
            assert got.dtype == expected.dtype and np.array_equal(got, expected), query
    for word in words[:200]:  # per word: the same chunks, in the same order, same weights
        tid, ref = ours.vocab[word], reference.vocab_dict[word]
        lo, hi = ours.indptr[tid], ours.indptr[tid + 1]
        rlo, rhi = reference.scores["indptr"][ref], reference.scores["indptr"][ref + 1]
        assert np.array_equal(ours.indices[lo:hi], reference.scores["indices"][rlo:rhi])
        assert np.array_equal(ours.data[lo:hi], reference.scores["data"][rlo:rhi])


def test_records_and_columns_round_trip_through_disk(tmp_path: Path) -> None:
    pairs = [
        ("Zürich’s chip fab — ünïcode text", {"source": "Neue Zeitung", "published_ts": 5}),
        ("", {"title": "Empty body", "article_id": "b"}),
        ("Plain", {"source": "Wire", "score": 0.25, "flag": True, "article_id": "c"}),
    ]
    records = ChunkRecords.of(pairs)
    records.save(tmp_path / "r")
    loaded = ChunkRecords.load(tmp_path / "r")
    assert len(loaded) == 3
    assert [(loaded.text(i), loaded.metadata(i)) for i in range(3)] == pairs
    columns = ChunkColumns.build([meta for _, meta in pairs])
    columns.save(tmp_path / "c")
    again = ChunkColumns.load(tmp_path / "c")
    assert again.outlets == ("Neue Zeitung", "Wire") and again.n_articles == 3
    assert again.outlet_code.tolist() == [0, -1, 1]
    assert again.published_ts.tolist() == [5, -1, -1]


def test_index_built_in_one_pass_over_a_generator(tmp_path: Path) -> None:
    texts = ["Quillon raised funding.", "Orbital Cloud signed a chip deal.", "Chip prices rose."]
    passes = []

    def chunks():
        passes.append(1)
        for i, text in enumerate(texts):
            yield StoredChunk(f"a{i}:0", text, {"title": f"T{i}", "source": "Wire"})

    index = LexicalIndex.build(chunks(), fingerprint="f-3")
    assert passes == [1] and len(index) == 3
    index.save(tmp_path / "cache")
    loaded = LexicalIndex.load(tmp_path / "cache")
    assert loaded is not None and loaded.ids == ["a0:0", "a1:0", "a2:0"]
    assert loaded.text(1) == texts[1] and loaded.metadata(2) == {"title": "T2", "source": "Wire"}
    assert np.array_equal(loaded.scores("chip"), index.scores("chip"))
    assert loaded.scores("chip")[0] == 0 and loaded.scores("chip")[1:].all()
    empty = LexicalIndex.build(iter(()), fingerprint="f-0")
    empty.save(tmp_path / "empty")
    reread = LexicalIndex.load(tmp_path / "empty")
    assert reread is not None and len(reread) == 0 and reread.postings is None


def test_hit_metadata_leaves_out_the_dedup_signature_and_is_a_new_dict_each_time() -> None:
    meta = {"title": "T", "source": "Wire", "minhash": "9f" * 200, "position": 0}
    chunk = StoredChunk("a:0", "Quillon raised funding.", meta)
    index = LexicalIndex.build([chunk], fingerprint="f")
    first = index.metadata(0)
    assert first == {"title": "T", "source": "Wire", "position": 0}
    first["title"] = "changed by a caller"
    assert index.metadata(0)["title"] == "T"  # the remembered record is not the caller's dict
