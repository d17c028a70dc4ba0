"""Each article's sentences with a vector apiece, written at ingest so answering needs no model run.

The vectors come from the chunk embedding's own forward pass (the mean of the token states inside
the sentence, read in its chunk's context), so they cost ingest nothing. They are stored with the
article's body record as flat strings (Chroma metadata holds scalars only): body offsets as int32
and directions as int8, about 0.5 kB per sentence.

Example:
    >>> table = SentenceTable(np.array([[0, 12]]), np.ones((1, 4), np.float32) / 2, "m")
    >>> SentenceTable.unpack(table.pack()).spans.tolist()
    [[0, 12]]
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rag.embed.vectors import unit_rows
from rag.ingest.sentences import sentence_spans
from rag.recent import Recent
from rag.types import Chunk, Hit

SPANS, VECTORS, MODEL = "sentence_spans", "sentence_vectors", "sentence_model"
TableLookup = Callable[[Sequence[str]], Mapping[str, "SentenceTable"]]
_RECENT_TABLES = 2048  # articles' sentence tables kept in memory (~20 kB each)


@dataclass(frozen=True)
class SentenceTable:
    """Sentences of one article body: ``spans`` (n, 2) offsets, ``vectors`` (n, dim) unit rows,
    and the embedding model that made them."""

    spans: np.ndarray
    vectors: np.ndarray
    model: str
    version: str = ""  # the content hash of the body the offsets point into

    def pack(self) -> dict[str, str]:
        """The table as metadata fields. Directions keep int8 precision (cosine error < 0.001)."""
        return {
            SPANS: _b64(self.spans.astype(np.int32)),
            VECTORS: _b64(directions(self.vectors)),
            MODEL: self.model,
        }

    @classmethod
    def unpack(cls, meta: Mapping[str, object] | None) -> SentenceTable | None:
        """The table stored in ``meta``; None when the record has none (written before tables
        existed) or it is malformed."""
        if not has_table(meta):
            return None
        assert meta is not None
        version = str(meta.get("content_hash", ""))
        try:
            spans = np.frombuffer(base64.b64decode(str(meta[SPANS])), np.int32).reshape(-1, 2)
            raw = np.frombuffer(base64.b64decode(str(meta[VECTORS])), dtype=np.int8)
        except (ValueError, binascii.Error):
            return None
        if not len(spans):
            return cls(spans, np.zeros((0, 0), np.float32), str(meta.get(MODEL, "")), version)
        if raw.size % len(spans):
            return None
        vectors = unit_rows(raw.reshape(len(spans), -1))
        return cls(spans, vectors, str(meta.get(MODEL, "")), version)

    def within(self, start: int, end: int) -> np.ndarray:
        """Row indices of the sentences inside body[start:end], in body order."""
        inside = (self.spans[:, 0] >= start) & (self.spans[:, 1] <= end)
        return np.flatnonzero(inside)


class TableCache:
    """The sentence tables of hits' articles, each for the very version its hit was cut from.
    Tables are remembered by (article, version), so a re-ingested article is read afresh and
    never mixed with the old; retrieval and the extractive answerer share one cache.

    Args:
        lookup: reads stored tables by article id (``ChunkStore.sentence_tables``).
        model: the embedding model the tables must come from (others are ignored).
        local: read first, for the tables it has of the wanted version (the keyword cache's
            ``SentenceIndex``); ``lookup`` is asked for the rest.
    """

    def __init__(
        self, lookup: TableLookup, *, model: str, local: TableLookup | None = None
    ) -> None:
        self._lookup, self._model, self._local = lookup, model, local
        self._recent: Recent[tuple[str, str], SentenceTable] = Recent(_RECENT_TABLES)

    def for_hits(self, hits: Sequence[Hit]) -> dict[str, SentenceTable]:
        """Each hit's article table by article id (articles without a usable table left out)."""
        wanted = {h.article_id: h.version for h in hits}
        out: dict[str, SentenceTable] = {}
        for aid, version in wanted.items():
            if (table := self._recent.get((aid, version))) is not None:
                out[aid] = table
        for source in (self._local, self._lookup):
            missing = [aid for aid in wanted if aid not in out]
            if source is None or not missing:
                continue
            for aid, table in source(missing).items():
                if table.model != self._model or table.version != wanted[aid]:
                    continue
                out[aid] = table
                self._recent.put((aid, wanted[aid]), table)
        return out


def chunk_sentences(
    hit: Hit, table: SentenceTable | None
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The sentences of a hit's chunk as body offsets, with their rows in the article's stored
    table; when the table does not cover the chunk, it is split now and the rows are empty."""
    rows = table.within(hit.start, hit.end) if table is not None else np.zeros(0, dtype=np.int64)
    if len(rows):
        assert table is not None
        return rows, [(int(a), int(b)) for a, b in table.spans[rows]]
    return rows, [(hit.start + a, hit.start + b) for a, b in sentence_spans(hit.text)]


def directions(vectors: np.ndarray) -> np.ndarray:
    """Rows as int8 directions, each scaled so its largest component is +-127 (what ``pack``
    stores; exact again for vectors that ``unpack`` read from such directions)."""
    peak = np.maximum(np.abs(vectors).max(axis=1, keepdims=True, initial=0.0), 1e-12)
    return np.round(vectors / peak * 127).astype(np.int8)


def has_table(meta: Mapping[str, object] | None) -> bool:
    """Whether a body record carries a sentence table (possibly an empty one)."""
    return bool(meta) and all(isinstance(meta.get(k), str) for k in (SPANS, VECTORS))  # type: ignore[union-attr]


def build_table(
    chunks: Sequence[Chunk], vectors: Sequence[np.ndarray], *, model: str
) -> SentenceTable:
    """One article's table from its chunks and each chunk's sentence vectors (in the order of
    ``chunk.sentences``). A sentence two chunks share keeps its first chunk's vector; sentences
    the model never read (all-zero vectors) are left out."""
    rows: dict[tuple[int, int], np.ndarray] = {}
    for chunk, found in zip(chunks, vectors, strict=True):
        for span, vector in zip(chunk.sentences, found, strict=True):
            if span not in rows and np.any(vector):
                rows[span] = vector
    order = sorted(rows)
    dim = vectors[0].shape[1] if len(vectors) else 0
    stacked = np.stack([rows[s] for s in order]) if order else np.zeros((0, dim), np.float32)
    return SentenceTable(np.array(order, dtype=np.int32).reshape(-1, 2), stacked, model)


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")
