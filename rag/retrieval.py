"""Question (+ filters) -> ranked chunks, from LlamaIndex retrievers: dense over Chroma and
BM25 over the keyword cache, fused by reciprocal rank."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from llama_index.core import VectorStoreIndex
from llama_index.core.retrievers import BaseRetriever, VectorIndexRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from llama_index.core.vector_stores import (
    FilterCondition,
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
)

from rag.bm25 import LexicalIndex
from rag.config import RetrievalSettings
from rag.types import Hit


@dataclass(frozen=True)
class SearchFilters:
    """Metadata filters applied to every retriever. ``sources`` are exact indexed outlet names;
    the dates are int epoch seconds (inclusive)."""

    sources: tuple[str, ...] = ()
    since_ts: int | None = None
    until_ts: int | None = None

    def describe(self) -> dict[str, object]:
        """The filters as plain values for an answer's header (dates as YYYY-MM-DD)."""
        out: dict[str, object] = {}
        if self.sources:
            out["sources"] = list(self.sources)
        for key, ts in (("since", self.since_ts), ("until", self.until_ts)):
            if ts is not None:
                out[key] = datetime.fromtimestamp(ts, UTC).date().isoformat()
        return out

    def to_llama(self) -> MetadataFilters | None:
        """The same filters for LlamaIndex's vector store retrievers."""
        filters: list[MetadataFilter] = []
        if self.sources:
            filters.append(
                MetadataFilter(key="source", value=list(self.sources), operator=FilterOperator.IN)
            )
        if self.since_ts is not None:
            filters.append(
                MetadataFilter(key="published_ts", value=self.since_ts, operator=FilterOperator.GTE)
            )
        if self.until_ts is not None:
            # unknown dates are stored as -1: an upper bound alone must not admit them
            filters.append(
                MetadataFilter(key="published_ts", value=self.until_ts, operator=FilterOperator.LTE)
            )
            filters.append(MetadataFilter(key="published_ts", value=0, operator=FilterOperator.GTE))
        if not filters:
            return None
        return MetadataFilters(filters=filters, condition=FilterCondition.AND)

    def mask(self, metadatas: list[dict[str, Any]]) -> np.ndarray | None:
        """A 0/1 weight per chunk for BM25 (None when nothing is filtered)."""
        if not (self.sources or self.since_ts is not None or self.until_ts is not None):
            return None
        wanted = set(self.sources)
        keep = np.ones(len(metadatas), dtype=np.float32)
        for i, meta in enumerate(metadatas):
            ts = int(meta.get("published_ts", -1))
            if (
                (wanted and meta.get("source") not in wanted)
                or (self.since_ts is not None and ts < self.since_ts)
                or (self.until_ts is not None and not 0 <= ts <= self.until_ts)
            ):
                keep[i] = 0.0
        return keep


class BM25ChunkRetriever(BaseRetriever):
    """LlamaIndex retriever over our BM25 cache, honouring filters per query (LlamaIndex's own
    BM25Retriever fixes its filters when it is built)."""

    def __init__(self, index: LexicalIndex, *, top_k: int, filters: SearchFilters) -> None:
        super().__init__()
        self._index, self._top_k, self._filters = index, top_k, filters

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        index = self._index
        if not len(index):
            return []
        scores = index.scores(query_bundle.query_str, mask=self._filters.mask(index.metadatas))
        ceiling = index.match_ceiling(query_bundle.query_str) or 1.0
        k = min(self._top_k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [
            NodeWithScore(
                node=TextNode(
                    id_=index.ids[i], text=index.texts[i], metadata=dict(index.metadatas[i])
                ),
                score=min(1.0, float(scores[i]) / ceiling),
            )
            for i in top
            if scores[i] > 0
        ]


class HybridRetriever(BaseRetriever):
    """Reciprocal-rank fusion of dense and BM25 results, keyed by chunk id (so two outlets'
    identical wire copies stay two hits).

    Each retriever's ``1 / (k + rank)`` is weighted by how confident that hit is: the cosine
    similarity for dense hits, the share of the query matched for BM25 hits. Plain RRF lets a
    retriever that found nothing good (BM25 on a paraphrase sharing only common words) outvote
    one that found the answer; the weights keep rank fusion but let weak lists count less.
    """

    def __init__(
        self, dense: BaseRetriever | None, bm25: BaseRetriever | None, *, top_k: int, rrf_k: int
    ) -> None:
        super().__init__()
        self._dense, self._bm25, self._top_k, self._rrf_k = dense, bm25, top_k, rrf_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        fused: dict[str, float] = {}
        nodes: dict[str, NodeWithScore] = {}
        for name, retriever in (("dense", self._dense), ("bm25", self._bm25)):
            if retriever is None:
                continue
            for rank, hit in enumerate(retriever.retrieve(query_bundle)):
                key = hit.node.node_id
                confidence = _confidence(name, hit.score)
                fused[key] = fused.get(key, 0.0) + confidence / (self._rrf_k + rank + 1)
                kept = nodes.setdefault(key, NodeWithScore(node=hit.node, score=0.0))
                kept.node.metadata[f"_{name}_score"] = hit.score
        ranked = sorted(fused, key=lambda key: -fused[key])[: self._top_k]
        return [NodeWithScore(node=nodes[key].node, score=fused[key]) for key in ranked]


def _confidence(name: str, score: float | None) -> float:
    """A 0..1 confidence from a retriever's own score (LlamaIndex reports Chroma's cosine
    distance d as exp(-d); BM25 hits already carry the share of the query matched)."""
    if score is None:
        return 0.0
    if name == "dense":
        return max(0.0, 1.0 + math.log(max(score, 1e-12)))
    return max(0.0, min(1.0, score))


class Retriever:
    """Builds the per-query LlamaIndex retrievers and returns our ``Hit`` dataclasses.

    Args:
        settings: retrieval mode, k values and fusion constant.
        vector_store: a LlamaIndex vector store over the Chroma collection.
        embed_model: the LlamaIndex embedding used for questions.
        lexical: returns the current BM25 index (refreshed by the engine when Chroma changes).
    """

    def __init__(
        self,
        settings: RetrievalSettings,
        *,
        vector_store: Any,
        embed_model: Any,
        lexical: Callable[[], LexicalIndex],
    ) -> None:
        self.settings = settings
        self._index = VectorStoreIndex.from_vector_store(vector_store, embed_model=embed_model)
        self._embed_model = embed_model
        self._lexical = lexical

    def retriever(
        self, *, top_k: int, filters: SearchFilters, mode: str | None = None
    ) -> BaseRetriever:
        """The LlamaIndex retriever for one query."""
        mode = mode or self.settings.mode
        candidates = max(self.settings.candidate_k, top_k)
        dense = bm25 = None
        if mode in ("hybrid", "dense"):
            dense = VectorIndexRetriever(
                self._index,
                similarity_top_k=candidates,
                filters=filters.to_llama(),
                embed_model=self._embed_model,
            )
        if mode in ("hybrid", "bm25"):
            bm25 = BM25ChunkRetriever(self._lexical(), top_k=candidates, filters=filters)
        return HybridRetriever(dense, bm25, top_k=top_k, rrf_k=self.settings.rrf_k)

    def search(
        self,
        question: str,
        *,
        top_k: int | None = None,
        filters: SearchFilters = SearchFilters(),
        mode: str | None = None,
    ) -> list[Hit]:
        """Ranked chunks for ``question``."""
        retriever = self.retriever(top_k=top_k or self.settings.top_k, filters=filters, mode=mode)
        return [to_hit(n) for n in retriever.retrieve(question)]


def to_hit(node_with_score: NodeWithScore) -> Hit:
    """Our Hit from a LlamaIndex node (metadata as written by the engine)."""
    node = node_with_score.node
    meta = node.metadata
    dense = meta.get("_dense_score")
    return Hit(
        chunk_id=node.node_id,
        article_id=str(meta.get("article_id", "")),
        text=node.get_content(),
        score=float(node_with_score.score or 0.0),
        title=str(meta.get("title", "")),
        source=str(meta.get("source", "")),
        url=str(meta.get("url", "")),
        published_at=str(meta.get("published_at", "")),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        position=int(meta.get("position", 0)),
        dense_score=None if dense is None else _confidence("dense", dense),
        bm25_score=meta.get("_bm25_score"),
    )
