"""Question (+ filters) -> ranked chunks, from LlamaIndex retrievers: dense (exact in memory, or
Chroma's index for large collections) and BM25 over the keyword cache, fused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core import VectorStoreIndex
from llama_index.core.retrievers import BaseRetriever, VectorIndexRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle
from llama_index.core.vector_stores import (
    FilterCondition,
    FilterOperator,
    MetadataFilter,
    MetadataFilters,
)

from rag.config import RetrievalSettings
from rag.index.chunk_records import ChunkColumns
from rag.index.keywords import LexicalIndex
from rag.index.sentence_table import TableCache
from rag.retrieve.dense import DenseCache, DenseChunkRetriever, EmbeddingReader
from rag.retrieve.fusion import HybridRetriever, dense_confidence, make_hit, row_nodes
from rag.retrieve.planner import QueryPlan, clauses
from rag.retrieve.rescore import Rescorer
from rag.types import Hit


@dataclass(frozen=True)
class SearchFilters:
    """Metadata filters applied to every retriever. ``sources`` are exact indexed outlet names;
    the dates are int epoch seconds (inclusive)."""

    sources: tuple[str, ...] = ()
    since_ts: int | None = None
    until_ts: int | None = None
    as_of_ts: int | None = None
    """The moment a question is asked as of: articles published later do not exist yet.
    Unlike ``until_ts`` it keeps undated articles (nothing says they came later)."""

    def describe(self) -> dict[str, object]:
        """The filters as plain values for an answer's header (dates as YYYY-MM-DD)."""
        out: dict[str, object] = {}
        if self.sources:
            out["sources"] = list(self.sources)
        for key, ts in (("since", self.since_ts), ("until", self.until_ts)):
            if ts is not None:
                out[key] = datetime.fromtimestamp(ts, UTC).date().isoformat()
        if self.as_of_ts is not None:
            out["as_of"] = datetime.fromtimestamp(self.as_of_ts, UTC).date().isoformat()
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
        if self.as_of_ts is not None:  # undated articles are stored as -1: they stay
            filters.append(
                MetadataFilter(key="published_ts", value=self.as_of_ts, operator=FilterOperator.LTE)
            )
        if not filters:
            return None
        return MetadataFilters(filters=filters, condition=FilterCondition.AND)

    def mask(self, table: ChunkColumns) -> np.ndarray | None:
        """Which chunks pass the filters, one bool per row of ``table`` (None when nothing
        is filtered)."""
        bounds = (self.since_ts, self.until_ts, self.as_of_ts)
        if not self.sources and all(b is None for b in bounds):
            return None
        keep = np.ones(len(table.published_ts), dtype=bool)
        if self.sources:
            keep &= table.outlet_mask(self.sources)
        ts = table.published_ts
        if self.since_ts is not None:
            keep &= ts >= self.since_ts
        if self.until_ts is not None:
            keep &= (ts >= 0) & (ts <= self.until_ts)
        if self.as_of_ts is not None:
            keep &= ts <= self.as_of_ts
        return keep


class BM25ChunkRetriever(BaseRetriever):
    """LlamaIndex retriever over our BM25 cache, honouring filters per query (LlamaIndex's own
    BM25Retriever fixes its filters when it is built)."""

    def __init__(self, index: LexicalIndex, *, top_k: int, mask: np.ndarray | None) -> None:
        super().__init__()
        self._index, self._top_k, self._mask = index, top_k, mask

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self.nodes(query_bundle)

    def nodes(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        """The ranked chunks (what ``retrieve`` returns, without LlamaIndex's per-call
        instrumentation, for the hybrid retriever that wraps this one)."""
        rows, scores = self.ranked(query_bundle)
        return row_nodes(self._index, rows.tolist(), scores.tolist())

    def ranked(self, query_bundle: QueryBundle) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the keyword cache that match, best first, with the share of the query's
        weight each matches (0..1)."""
        index = self._index
        if not len(index):
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        weights = None if self._mask is None else self._mask.astype(np.float32)
        scores = index.scores(query_bundle.query_str, mask=weights)
        ceiling = index.match_ceiling(query_bundle.query_str) or 1.0
        k = min(self._top_k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        top = top[scores[top] > 0]
        return top, np.minimum(1.0, scores[top].astype(np.float64) / ceiling)


class Retriever:
    """Builds the per-query LlamaIndex retrievers and returns our ``Hit`` dataclasses.

    Args:
        settings: retrieval mode, k values and fusion constant.
        vector_store: a LlamaIndex vector store over the Chroma collection.
        embed_model: the LlamaIndex embedding used for questions.
        lexical: returns the current BM25 index (refreshed by the engine when Chroma changes).
        embeddings: reads every chunk's id and embedding from Chroma, for exact dense search
            in memory up to ``settings.exact_search_max_chunks`` (None = always query Chroma).
        dense_dir: where that matrix is cached between runs (None = memory only).
        tables: stored sentence tables, for re-scoring chunks by their best sentence (None =
            by words only).
    """

    def __init__(
        self,
        settings: RetrievalSettings,
        *,
        vector_store: Any,
        embed_model: Any,
        lexical: Callable[[], LexicalIndex],
        embeddings: EmbeddingReader | None = None,
        dense_dir: Path | None = None,
        tables: TableCache | None = None,
    ) -> None:
        self.settings = settings
        self._tables = tables
        self._rescorer = Rescorer()
        self._reranker = None
        if settings.reranker:
            from rag.retrieve.rerank import CrossEncoderReranker

            self._reranker = CrossEncoderReranker(settings.reranker)
        # transformations given, so LlamaIndex does not build its default splitter (tiktoken)
        self._index = VectorStoreIndex.from_vector_store(
            vector_store, embed_model=embed_model, transformations=[embed_model]
        )
        self._embed_model = embed_model
        self._embedder = getattr(embed_model, "embedder", None)  # ours: can pool clause spans
        self._lexical = lexical
        self._dense = None
        if embeddings is not None:
            self._dense = DenseCache(
                embeddings, max_chunks=settings.exact_search_max_chunks, folder=dense_dir
            )

    def retriever(
        self, *, top_k: int, filters: SearchFilters, mode: str | None = None
    ) -> BaseRetriever:
        """The LlamaIndex retriever for one query."""
        mode = mode or self.settings.mode
        candidates = max(self.settings.candidate_k, top_k)
        lexical = self._lexical()
        mask = filters.mask(lexical.columns)
        dense = bm25 = None
        if mode in ("hybrid", "dense"):
            matrix = self._dense.get(lexical) if self._dense else None
            if matrix is not None:
                dense = DenseChunkRetriever(
                    matrix, lexical, top_k=candidates, mask=mask, embed_model=self._embed_model
                )
            else:
                dense = VectorIndexRetriever(
                    self._index,
                    similarity_top_k=candidates,
                    filters=filters.to_llama(),
                    embed_model=self._embed_model,
                )
        if mode in ("hybrid", "bm25"):
            bm25 = BM25ChunkRetriever(lexical, top_k=candidates, mask=mask)
        return HybridRetriever(dense, bm25, top_k=top_k, settings=self.settings, lexical=lexical)

    def search(
        self,
        question: str,
        *,
        top_k: int | None = None,
        filters: SearchFilters = SearchFilters(),
        mode: str | None = None,
        plan: QueryPlan | None = None,
    ) -> list[Hit]:
        """Ranked chunks for ``question``; with a ``plan``, each of its parts is searched in
        its own outlets (and stated day) too, and the lists are merged turn by turn."""
        from rag.retrieve.merge import part_filters, round_robin

        top_k = top_k or self.settings.top_k
        mode = mode or self.settings.mode
        parts = [
            (part, f)
            for part in (plan.parts if plan and self.settings.plan_queries else ())
            if (f := part_filters(part, filters)) is not None
        ]
        rescoring = self.settings.sentence_rescore > 0 and self._reranker is None
        pieces = clauses(question) if rescoring else []  # a reranker orders the pool itself
        texts = list(dict.fromkeys([question, *(p.text for p, _ in parts), *pieces]))
        vectors = {}
        if mode != "bm25":
            if self.settings.part_vectors == "span" and self._embedder is not None:
                embedded = self._embedder.embed_question_parts(texts[0], texts[1:]).tolist()
            else:
                embedded = self._embed_model.get_text_embedding_batch(texts)
            vectors = dict(zip(texts, embedded, strict=True))

        def run(text: str, f: SearchFilters, k: int) -> list[Hit]:
            bundle = QueryBundle(query_str=text, embedding=vectors.get(text))
            retriever = self.retriever(top_k=k, filters=f, mode=mode)
            if retriever.on_rows:  # in memory: hits straight from the keyword cache
                return retriever.hits(bundle)
            return [to_hit(n) for n in retriever.retrieve(bundle)]

        deep = pieces or self._reranker is not None
        pool = max(top_k, self.settings.rescore_depth) if deep else top_k
        depth = max(pool, self.settings.candidate_k) if parts else pool
        lists = []
        for part, f in parts:
            hits = run(part.text, f, depth)
            if not hits and (f.since_ts, f.until_ts) != (filters.since_ts, filters.until_ts):
                undated = replace(f, since_ts=filters.since_ts, until_ts=filters.until_ts)
                hits = run(part.text, undated, depth)
            lists.append(hits)
        lists.append(run(question, filters, max(depth, top_k * 2)))
        merged = round_robin(lists, top_k=pool, per_article=self.settings.per_article_cap)
        if self._reranker is not None:
            return self._reranker.rerank(question, merged, top_k=top_k)
        if not pieces:
            return merged
        reordered = self._rescorer.rescore(
            merged,
            clauses=pieces,
            vectors=np.array([vectors[c] for c in pieces]) if vectors else None,
            tables=self._tables.for_hits if self._tables is not None else {},
            lexical=self._lexical(),
            weight=self.settings.sentence_rescore,
            coverage=self.settings.clause_coverage,
        )
        return reordered[:top_k]


def to_hit(node_with_score: NodeWithScore) -> Hit:
    """Our Hit from a LlamaIndex node (metadata as written by the engine)."""
    node = node_with_score.node
    meta = node.metadata
    return make_hit(
        node.node_id,
        node.get_content(),
        meta,
        score=float(node_with_score.score or 0.0),
        dense_score=dense_confidence(meta.get("_dense_score")),
        bm25_score=meta.get("_bm25_score"),
    )
