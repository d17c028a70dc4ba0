"""One ranked list from a query's dense and BM25 lists (``HybridRetriever``).

With both retrievers in memory the lists are rows of the keyword cache, fused as numpy arrays,
and only the chunks returned are read and turned into nodes or hits: a question runs about
three searches of 40 candidates a list, and building a LlamaIndex node for every candidate
cost more than the fusion. With Chroma's own index (large collections) the lists are nodes,
fused the same way by chunk id.

Example:
    >>> lists = {"bm25": (np.array([3, 1]), np.array([0.9, 0.4]))}
    >>> fuse(lists, RetrievalSettings()).keys.tolist()
    [3, 1]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import BaseNode, NodeWithScore, QueryBundle, TextNode

from rag.config import RetrievalSettings
from rag.index.keywords import LexicalIndex
from rag.types import Hit

# a list whose best hit reaches this confidence has its full weight in z-score fusion
_CONFIDENT = {"dense": 0.5, "bm25": 0.3}


@dataclass(frozen=True)
class Fused:
    """Keys (rows or node numbers) best first, their fused scores, and each retriever's own
    score of them (NaN where that retriever did not return the key)."""

    keys: np.ndarray
    scores: np.ndarray
    own: dict[str, np.ndarray]

    def own_scores(self, name: str, *, confidence: bool = False) -> list[float | None]:
        """Retriever ``name``'s score of each key (None where it did not return it), or
        its 0..1 confidence."""
        got = self.own.get(name)
        if got is None:
            return [None] * len(self.keys)
        if confidence:
            got = confidences(name, got)
        return [None if math.isnan(v) else v for v in got.tolist()]


def confidences(name: str, scores: np.ndarray) -> np.ndarray:
    """0..1 confidences from a retriever's own scores (LlamaIndex reports Chroma's cosine
    distance d as exp(-d); BM25 hits already carry the share of the query matched)."""
    if name == "dense":
        return np.maximum(0.0, 1.0 + np.log(np.maximum(scores, 1e-12)))
    return np.clip(scores, 0.0, 1.0)


def dense_confidence(score: float | None) -> float | None:
    """The dense confidence of one score (None stays None)."""
    return None if score is None else max(0.0, 1.0 + math.log(max(score, 1e-12)))


def fuse(lists: Mapping[str, tuple[np.ndarray, np.ndarray]], settings: RetrievalSettings) -> Fused:
    """Fuse each retriever's ranked (keys, own scores), best first, into one ranking.

    ``zscore`` (the default) standardises each list's confidences (cosine for dense, the share
    of the query's IDF matched for BM25) and ranks by ``w * bm25 + (1 - w) * dense``; a key one
    list left out gets that list's lowest score. ``weighted_sum`` adds the raw confidences;
    ``rrf`` is reciprocal-rank fusion with each vote weighted by the confidence. Equal scores
    keep the lower key first. The README's ablation table gives each on the MultiHop-RAG dev
    split.
    """
    weights = {"dense": 1.0 - settings.bm25_weight, "bm25": settings.bm25_weight}
    if len(lists) == 1:
        weights = dict.fromkeys(lists, 1.0)  # a single retriever keeps its own order
    present = {name: got for name, got in lists.items() if len(got[0])}
    if not present:
        empty = np.zeros(0)
        return Fused(keys=np.zeros(0, dtype=np.int64), scores=empty, own={})
    keys, where = np.unique(np.concatenate([k for k, _ in present.values()]), return_inverse=True)
    total = np.zeros(len(keys))
    own: dict[str, np.ndarray] = {}
    start = 0
    for name, (got, scores) in present.items():
        at = where[start : start + len(got)]
        start += len(got)
        own[name] = np.full(len(keys), np.nan)
        own[name][at] = scores
        conf = confidences(name, np.asarray(scores, dtype=np.float64))
        weight = weights[name]
        votes = np.zeros(len(keys))
        if settings.fusion == "zscore":
            # standardising hides how good a list's best hit is: a list whose best match is
            # weak (BM25 matching only common words of a paraphrase) gets a smaller say
            weight *= min(1.0, float(conf.max()) / _CONFIDENT[name])
            conf = (conf - conf.mean()) / (conf.std() + 1e-6)
            votes[:] = conf.min()  # a key the list left out scores at most this
        elif settings.fusion == "rrf":
            conf = conf / (settings.rrf_k + np.arange(1, len(got) + 1))
        votes[at] = conf
        total += weight * votes
    order = np.argsort(-total, kind="stable")
    return Fused(keys=keys[order], scores=total[order], own={n: s[order] for n, s in own.items()})


def row_nodes(
    index: LexicalIndex,
    rows: Sequence[int],
    scores: Sequence[float],
    extra: Sequence[Mapping[str, Any]] | None = None,
) -> list[NodeWithScore]:
    """LlamaIndex nodes of keyword-cache ``rows`` with their ``scores`` (each row's metadata
    plus ``extra[i]``, when given)."""
    out = []
    for i, (row, score) in enumerate(zip(rows, scores, strict=True)):
        meta = index.metadata(row)
        if extra is not None:
            meta.update(extra[i])
        node = TextNode(id_=index.ids[row], text=index.text(row), metadata=meta)
        out.append(NodeWithScore(node=node, score=score))
    return out


def make_hit(
    chunk_id: str,
    text: str,
    meta: Mapping[str, Any],
    *,
    score: float,
    dense_score: float | None,
    bm25_score: float | None,
) -> Hit:
    """Our Hit from a chunk's id, text and metadata (as written by the engine)."""
    return Hit(
        chunk_id=chunk_id,
        article_id=str(meta.get("article_id", "")),
        text=text,
        score=score,
        title=str(meta.get("title", "")),
        source=str(meta.get("source", "")),
        url=str(meta.get("url", "")),
        published_at=str(meta.get("published_at", "")),
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        position=int(meta.get("position", 0)),
        dense_score=dense_score,
        bm25_score=bm25_score,
        version=str(meta.get("content_hash", "")),
    )


class HybridRetriever(BaseRetriever):
    """Fusion of dense and BM25 results (see ``fuse``), keyed by chunk (so two outlets'
    identical wire copies stay two hits).

    Args:
        dense, bm25: the retrievers (None = not run). When each is None or ranks rows of
            ``lexical`` itself (a ``ranked`` method), fusion runs on rows.
        top_k: how many chunks to return.
        settings: the fusion method and weights.
        lexical: the keyword cache the rows index (None = fuse nodes).
    """

    def __init__(
        self,
        dense: BaseRetriever | None,
        bm25: BaseRetriever | None,
        *,
        top_k: int,
        settings: RetrievalSettings,
        lexical: LexicalIndex | None = None,
    ) -> None:
        super().__init__()
        self._top_k, self._settings, self._lexical = top_k, settings, lexical
        self._parts = {
            name: retriever
            for name, retriever in (("dense", dense), ("bm25", bm25))
            if retriever is not None
        }
        self.on_rows = lexical is not None and all(
            hasattr(r, "ranked") for r in self._parts.values()
        )

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if self.on_rows:
            fused = self._fuse_rows(query_bundle)
            assert self._lexical is not None
            own = {name: fused.own_scores(name) for name in self._parts}
            extra = [
                {f"_{name}_score": got[i] for name, got in own.items() if got[i] is not None}
                for i in range(len(fused.keys))
            ]
            return row_nodes(self._lexical, fused.keys.tolist(), fused.scores.tolist(), extra)
        lists: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        nodes: dict[str, int] = {}
        kept: list[BaseNode] = []
        for name, retriever in self._parts.items():
            # our own retrievers are read directly: this call is the one LlamaIndex instruments
            fetch = getattr(retriever, "nodes", None) or retriever.retrieve
            found = fetch(query_bundle)
            for hit in found:
                if hit.node.node_id not in nodes:
                    nodes[hit.node.node_id] = len(kept)
                    kept.append(hit.node)
            lists[name] = (
                np.array([nodes[h.node.node_id] for h in found], dtype=np.int64),
                np.array([h.score or 0.0 for h in found], dtype=np.float64),
            )
        fused = fuse(lists, self._settings)
        own = {name: fused.own_scores(name) for name in lists}
        out = []
        for i, key in enumerate(fused.keys[: self._top_k].tolist()):
            node = kept[key]
            for name, scores in own.items():
                if scores[i] is not None:
                    node.metadata[f"_{name}_score"] = scores[i]
            out.append(NodeWithScore(node=node, score=float(fused.scores[i])))
        return out

    def hits(self, query_bundle: QueryBundle) -> list[Hit]:
        """The ranked chunks as hits, read straight from the keyword cache's rows (only when
        ``on_rows``)."""
        fused = self._fuse_rows(query_bundle)
        index = self._lexical
        assert index is not None
        dense = fused.own_scores("dense", confidence=True)
        bm25 = fused.own_scores("bm25")
        scores = fused.scores.tolist()
        return [
            make_hit(
                index.ids[row],
                index.text(row),
                index.metadata(row),
                score=scores[i],
                dense_score=dense[i],
                bm25_score=bm25[i],
            )
            for i, row in enumerate(fused.keys.tolist())
        ]

    def _fuse_rows(self, query_bundle: QueryBundle) -> Fused:
        lists = {name: r.ranked(query_bundle) for name, r in self._parts.items()}
        fused = fuse(lists, self._settings)
        k = self._top_k
        return Fused(fused.keys[:k], fused.scores[:k], {n: s[:k] for n, s in fused.own.items()})
