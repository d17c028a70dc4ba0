"""Fusing dense and BM25 lists: each method's arithmetic on small lists, and the two ways a
hybrid retriever returns its ranking (LlamaIndex nodes, our hits) agreeing chunk for chunk."""

from __future__ import annotations

import numpy as np
import pytest
from llama_index.core.schema import QueryBundle

from rag import NewsRAG
from rag.config import RetrievalSettings
from rag.retrieve.fusion import HybridRetriever, fuse
from rag.retrieve.retriever import SearchFilters, to_hit


def _lists() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    # dense scores are exp(cosine - 1), as LlamaIndex reports Chroma's cosine distance
    dense = (np.array([7, 3, 5]), np.exp(np.array([0.9, 0.6, 0.5]) - 1.0))
    bm25 = (np.array([3, 9]), np.array([0.8, 0.2]))
    return {"dense": dense, "bm25": bm25}


def test_zscore_fusion_standardises_each_list_and_floors_what_it_left_out() -> None:
    settings = RetrievalSettings(fusion="zscore", bm25_weight=0.5)
    fused = fuse(_lists(), settings)
    dense = np.array([0.9, 0.6, 0.5])
    dz = (dense - dense.mean()) / (dense.std() + 1e-6)
    bm = np.array([0.8, 0.2])
    bz = (bm - bm.mean()) / (bm.std() + 1e-6)
    # both lists' best hits are confident, so each keeps its full weight of 0.5
    want = {
        7: 0.5 * dz[0] + 0.5 * bz.min(),
        3: 0.5 * dz[1] + 0.5 * bz[0],
        5: 0.5 * dz[2] + 0.5 * bz.min(),
        9: 0.5 * dz.min() + 0.5 * bz[1],
    }
    assert fused.keys.tolist() == sorted(want, key=lambda k: -want[k])
    assert fused.scores.tolist() == pytest.approx([want[k] for k in fused.keys.tolist()])
    at = {k: i for i, k in enumerate(fused.keys.tolist())}
    assert fused.own_scores("bm25")[at[5]] is None
    assert fused.own_scores("bm25")[at[3]] == pytest.approx(0.8)
    assert fused.own_scores("dense", confidence=True)[at[7]] == pytest.approx(0.9)


def test_a_weak_list_gets_a_smaller_say_in_zscore_fusion() -> None:
    settings = RetrievalSettings(fusion="zscore", bm25_weight=0.5)
    strong = fuse(_lists(), settings)
    weak_lists = _lists()
    weak_lists["bm25"] = (weak_lists["bm25"][0], weak_lists["bm25"][1] / 8)  # best 0.1 < 0.3
    weak = fuse(weak_lists, settings)
    # chunk 3 leads on BM25 only: with BM25 weak, dense's favourite 7 comes first
    assert strong.keys[0] == 3 and weak.keys[0] == 7


def test_rrf_and_weighted_sum_give_a_missing_chunk_nothing() -> None:
    rrf = fuse(_lists(), RetrievalSettings(fusion="rrf", rrf_k=60, bm25_weight=0.5))
    at = {k: i for i, k in enumerate(rrf.keys.tolist())}
    assert rrf.scores[at[9]] == pytest.approx(0.5 * 0.2 / 62)
    assert rrf.scores[at[3]] == pytest.approx(0.5 * 0.6 / 62 + 0.5 * 0.8 / 61)
    summed = fuse(_lists(), RetrievalSettings(fusion="weighted_sum", bm25_weight=0.25))
    at = {k: i for i, k in enumerate(summed.keys.tolist())}
    assert summed.scores[at[5]] == pytest.approx(0.75 * 0.5)
    assert summed.scores[at[3]] == pytest.approx(0.75 * 0.6 + 0.25 * 0.8)


def test_one_list_keeps_its_order_and_equal_scores_keep_the_lower_key_first() -> None:
    only = {"bm25": (np.array([8, 2, 5]), np.array([0.5, 0.5, 0.1]))}
    fused = fuse(only, RetrievalSettings())
    assert fused.keys.tolist() == [2, 8, 5]
    empty = fuse({"dense": (np.zeros(0, dtype=np.int64), np.zeros(0))}, RetrievalSettings())
    assert len(empty.keys) == 0


@pytest.mark.parametrize(
    "filters", [SearchFilters(), SearchFilters(sources=("TechPulse", "AI Wire"))]
)
def test_nodes_and_hits_of_a_hybrid_search_agree(
    corpus_engine: NewsRAG, filters: SearchFilters
) -> None:
    app = corpus_engine
    retriever = app.retriever.retriever(top_k=7, filters=filters)
    assert isinstance(retriever, HybridRetriever) and retriever.on_rows
    question = "Corvid Labs funding round and its investors"
    bundle = QueryBundle(query_str=question, embedding=app.embedder.embed([question])[0].tolist())
    nodes = retriever.retrieve(bundle)  # the LlamaIndex interface
    hits = retriever.hits(bundle)
    assert 0 < len(hits) <= 7
    assert [to_hit(n) for n in nodes] == hits
    assert any(h.dense_score is not None and h.bm25_score is not None for h in hits)
    if filters.sources:
        assert {h.source for h in hits} <= set(filters.sources)
