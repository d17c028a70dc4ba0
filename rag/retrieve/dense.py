"""Exact dense search in memory: every chunk's embedding in one float32 matrix, aligned with the
BM25 cache's rows and following its fingerprint, with filters applied as numpy masks.

Chroma stays the single source of truth: the matrix is read from it (``include=["embeddings"]``)
whenever the BM25 cache moves to a new fingerprint, and above ``exact_search_max_chunks`` chunks
the retriever queries Chroma's HNSW index instead (see ``rag.retrieve.retriever.Retriever``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle

from rag.embed.vectors import unit_rows
from rag.index.keywords import LexicalIndex
from rag.retrieve.fusion import row_nodes

log = logging.getLogger(__name__)
# read() -> every chunk's id and embedding; read(ids) -> those chunks' (``ChunkStore.embeddings``)
EmbeddingReader = Callable[..., tuple[list[str], np.ndarray]]


@dataclass(frozen=True)
class DenseMatrix:
    """Unit-length chunk embeddings, row ``i`` being ``LexicalIndex.ids[i]``."""

    fingerprint: str
    vectors: np.ndarray  # (n, dim) float32

    def top(
        self, query: Sequence[float], *, k: int, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the ``k`` chunks most cosine-similar to ``query`` (only where ``mask`` is
        true), best first, with their similarities."""
        q = np.asarray(query, dtype=np.float32)
        q = q / (np.linalg.norm(q) or 1.0)
        rows = np.arange(len(self.vectors)) if mask is None else np.flatnonzero(mask)
        k = min(k, len(rows))
        if not k:
            return rows[:0], np.zeros(0, dtype=np.float32)
        # a filter admitting few chunks (one outlet) scores only those rows; and not with
        # ``vectors @ q``: multi-threaded BLAS stalls for milliseconds when the cores are busy
        # (measured: matrix-vector product p50 8-12 ms vs 1 ms for einsum)
        if mask is None:
            picked = np.einsum("ij,j->i", self.vectors, q)
        elif len(rows) * 4 < len(self.vectors):  # few rows: copying them out is cheaper
            picked = np.einsum("ij,j->i", self.vectors[rows], q)
        else:
            picked = np.einsum("ij,j->i", self.vectors, q)[rows]
        best = np.argpartition(-picked, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        best = best[np.argsort(-picked[best], kind="stable")]
        return rows[best], picked[best]


class DenseCache:
    """Keeps a ``DenseMatrix`` in step with the BM25 cache: rebuilt when the lexical index it
    is asked for has another fingerprint, from a copy saved under ``folder`` (spot-checked
    against Chroma), else from the previous matrix plus the new chunks' embeddings (a chunk
    id names its content, so a kept id keeps its vector), else read whole from Chroma.

    Args:
        read: a ``ChunkStore.embeddings``-like reader of Chroma.
        max_chunks: above this many chunks ``get`` returns None (query Chroma instead).
        folder: where the matrix is cached between runs (None = memory only).
    """

    def __init__(
        self, read: EmbeddingReader, *, max_chunks: int, folder: Path | None = None
    ) -> None:
        self._read, self.max_chunks, self.folder = read, max_chunks, folder
        self._lock = threading.Lock()
        self._tried = ""  # the fingerprint last built for, whether or not Chroma matched it
        self._matrix: DenseMatrix | None = None
        self._ids: Sequence[str] = ()  # the chunk ids of ``_matrix``'s rows

    def get(self, lexical: LexicalIndex) -> DenseMatrix | None:
        """The matrix for ``lexical``'s chunks; None when there are too many (or none), or
        when Chroma no longer holds exactly those chunks (until the BM25 cache catches up)."""
        if not 0 < len(lexical) <= self.max_chunks:
            return None
        with self._lock:
            if self._tried != lexical.fingerprint:
                self._tried, self._matrix = lexical.fingerprint, self._build(lexical)
            return self._matrix

    def _build(self, lexical: LexicalIndex) -> DenseMatrix | None:
        # the file name is a hash of the ids in row order, so a file never serves other rows
        key = hashlib.sha256("\n".join(lexical.ids).encode()).hexdigest()[:24]
        matrix = self._load(key, lexical)
        if matrix is None:
            matrix = self._update(lexical)
            if matrix is None:
                matrix = self._read_all(lexical)
            if matrix is None:
                return None
            self._save(key, matrix)
        self._ids = lexical.ids
        return DenseMatrix(lexical.fingerprint, matrix)

    def _update(self, lexical: LexicalIndex) -> np.ndarray | None:
        """The previous matrix's rows for kept chunks, Chroma's for new ones (None when there
        is no previous matrix, most chunks are new, or Chroma lacks some)."""
        if self._matrix is None:
            return None
        previous = {chunk_id: i for i, chunk_id in enumerate(self._ids)}
        where = np.array([previous.get(chunk_id, -1) for chunk_id in lexical.ids])
        new = np.flatnonzero(where < 0)
        if len(new) * 2 > len(where):
            return None
        wanted = [lexical.ids[i] for i in new]
        ids, vectors = self._read(wanted) if wanted else ([], None)
        got = dict(zip(ids, unit_rows(vectors), strict=True)) if ids else {}
        if len(got) < len(set(wanted)):
            return None
        matrix = np.empty((len(where), self._matrix.vectors.shape[1]), dtype=np.float32)
        kept = where >= 0
        matrix[kept] = self._matrix.vectors[where[kept]]
        for i, chunk_id in zip(new.tolist(), wanted, strict=True):
            matrix[i] = got[chunk_id]
        log.info("dense matrix: %d rows kept, %d read from Chroma", kept.sum(), len(new))
        return matrix

    def _read_all(self, lexical: LexicalIndex) -> np.ndarray | None:
        ids, vectors = self._read()
        row = {chunk_id: i for i, chunk_id in enumerate(ids)}
        order = [row.get(chunk_id, -1) for chunk_id in lexical.ids]
        if len(ids) != len(lexical.ids) or -1 in order:
            log.info("Chroma changed since the BM25 cache was built; dense search uses Chroma")
            return None
        log.info("read %d chunk embeddings from Chroma for exact dense search", len(ids))
        return unit_rows(vectors[order])

    def _load(self, key: str, lexical: LexicalIndex) -> np.ndarray | None:
        if self.folder is None:
            return None
        try:
            matrix = np.load(self.folder / f"{key}.npy", allow_pickle=False)
        except (OSError, ValueError):
            return None
        if matrix.ndim != 2 or matrix.shape[0] != len(lexical) or matrix.dtype != np.float32:
            return None
        # a store re-embedded with another model keeps its chunk ids: compare a few rows
        rows = sorted({0, len(lexical) // 2, len(lexical) - 1})
        ids, vectors = self._read([lexical.ids[i] for i in rows])
        stored = dict(zip(ids, unit_rows(vectors), strict=True)) if ids else {}
        for i in rows:
            vector = stored.get(lexical.ids[i])
            if vector is None or not np.allclose(vector, matrix[i], atol=1e-5):
                log.info("dense cache %s no longer matches Chroma; re-reading", self.folder)
                return None
        return matrix

    def _save(self, key: str, matrix: np.ndarray) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f"{key}.{os.getpid()}.tmp"
            with tmp.open("wb") as out:
                np.save(out, matrix, allow_pickle=False)
            os.replace(tmp, self.folder / f"{key}.npy")
            for old in self.folder.glob("*.npy"):
                if old.name != f"{key}.npy":
                    old.unlink(missing_ok=True)
        except OSError as exc:  # a cache: losing it costs one read from Chroma
            log.warning("could not save the dense cache in %s (%s)", self.folder, exc)


class DenseChunkRetriever(BaseRetriever):
    """Exact cosine search over a ``DenseMatrix``, scored like LlamaIndex's Chroma store
    (``exp(-cosine distance)``), so fusion reads both the same way.

    Args:
        matrix: the chunk embeddings, aligned with ``lexical``.
        lexical: the chunk texts and metadata.
        top_k: how many chunks to return.
        mask: which chunks the filters admit (None = all).
        embed_model: embeds the question when the query bundle carries no embedding.
    """

    def __init__(
        self,
        matrix: DenseMatrix,
        lexical: LexicalIndex,
        *,
        top_k: int,
        mask: np.ndarray | None,
        embed_model: Any,
    ) -> None:
        super().__init__()
        self._matrix, self._lexical, self._top_k = matrix, lexical, top_k
        self._mask, self._embed_model = mask, embed_model

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self.nodes(query_bundle)

    def nodes(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        """The ranked chunks (what ``retrieve`` returns, without LlamaIndex's per-call
        instrumentation, for the hybrid retriever that wraps this one)."""
        rows, scores = self.ranked(query_bundle)
        return row_nodes(self._lexical, rows.tolist(), scores.tolist())

    def ranked(self, query_bundle: QueryBundle) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the keyword cache nearest the question, best first, with their scores."""
        embedding = query_bundle.embedding
        if embedding is None:
            embedding = self._embed_model.get_query_embedding(query_bundle.query_str)
        rows, sims = self._matrix.top(embedding, k=self._top_k, mask=self._mask)
        return rows, np.exp(sims.astype(np.float64) - 1.0)
