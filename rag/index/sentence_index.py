"""Every stored sentence table, and each chunk's sentences as BM25 word ids, kept with the
keyword cache so that re-scoring a question's candidates reads arrays instead of Chroma records
and tokenises nothing.

It is built with the BM25 index from the same chunks (each chunk's text is tokenised once, with
each word's offset, for both) and the article body records' tables, and it is a cache like it:
a chunk whose article had no table of its own version when it was built is left out, and the
rescorer splits that one as before.

Example:
    >>> index = SentenceIndex.build(chunks, streams, tables, vocab)
    >>> words = index.words(row)  # one chunk's sentences: distinct word ids per sentence
    >>> index.vectors(words.rows)  # their unit vectors
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag.embed.vectors import unit_rows
from rag.index.chunk_records import load_arrays, save_arrays
from rag.index.sentence_table import SentenceTable, directions
from rag.index.store import StoredChunk

_ARRAYS = (
    "spans",
    "codes",
    "kept",
    "word_ptr",
    "word_ids",
    "word_sentence",
    "sent_ptr",
    "sent_rows",
)


@dataclass(frozen=True)
class SentenceWords:
    """One chunk's sentences: each sentence's distinct BM25 vocabulary ids, in sentence order
    (``sentence[i]`` is the sentence of ``ids[i]``), how many sentences there are, and their
    rows in a sentence table (the ``SentenceIndex``'s, or the article's own when the chunk was
    read from its table; empty when it was split now)."""

    ids: np.ndarray
    sentence: np.ndarray
    count: int
    rows: np.ndarray


@dataclass(frozen=True)
class TokenStream:
    """A chunk's body words as the BM25 index has them, with each one's offset in the text."""

    tokens: list[str]
    offsets: list[int]


@dataclass(frozen=True)
class BodyWords:
    """A chunk's body words as BM25 vocabulary ids, with each one's offset in the text."""

    ids: np.ndarray
    offsets: np.ndarray


@dataclass(frozen=True)
class SentenceIndex:
    """Sentence tables of all articles (rows ``lo:hi`` of ``spans``/``codes`` per article) and,
    per BM25 row, its chunk's sentences: ``word_ptr[i]:word_ptr[i+1]`` slices ``word_ids`` and
    ``word_sentence``; ``sent_ptr[i]:sent_ptr[i+1]`` slices ``sent_rows``; ``kept[i]`` is False
    for a chunk left out."""

    articles: dict[str, tuple[int, int, str, str]]  # id -> (lo, hi, version, model)
    spans: np.ndarray  # (S, 2) int32 body offsets
    codes: np.ndarray  # (S, dim) int8 directions, as stored
    kept: np.ndarray
    word_ptr: np.ndarray
    word_ids: np.ndarray
    word_sentence: np.ndarray
    sent_ptr: np.ndarray
    sent_rows: np.ndarray

    @classmethod
    def build(
        cls,
        chunks: Sequence[StoredChunk],
        streams: Sequence[TokenStream | None],
        tables: Mapping[str, SentenceTable],
        vocab: Mapping[str, int],
    ) -> SentenceIndex:
        """From chunks (BM25 row order), their token streams (None for chunks whose article
        has no table of their version), the articles' stored tables and the BM25 vocabulary."""
        builder = SentenceIndexBuilder(tables)
        for chunk, stream in zip(chunks, streams, strict=True):
            body = None
            if stream is not None:
                ids = np.array([vocab[t] for t in stream.tokens], dtype=np.int64)
                body = BodyWords(ids, np.asarray(stream.offsets, dtype=np.int64))
            builder.add(chunk, body)
        return builder.finish()

    def words(self, row: int) -> SentenceWords | None:
        """The sentences of BM25 row ``row`` (None for a chunk left out)."""
        if not self.kept[row]:
            return None
        start, end = int(self.sent_ptr[row]), int(self.sent_ptr[row + 1])
        lo, hi = int(self.word_ptr[row]), int(self.word_ptr[row + 1])
        return SentenceWords(
            self.word_ids[lo:hi], self.word_sentence[lo:hi], end - start, self.sent_rows[start:end]
        )

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """Unit vectors of sentence ``rows``."""
        return unit_rows(self.codes[rows].astype(np.float32))

    def tables(self, article_ids: Sequence[str]) -> dict[str, SentenceTable]:
        """The stored table of each of ``article_ids`` this index holds."""
        out = {}
        for aid in article_ids:
            if (entry := self.articles.get(aid)) is not None:
                lo, hi, version, model = entry
                vectors = self.vectors(np.arange(lo, hi))
                out[aid] = SentenceTable(np.array(self.spans[lo:hi]), vectors, model, version)
        return out

    def save(self, folder: Path) -> None:
        """Write the index's files into ``folder`` (the caller makes the write atomic)."""
        save_arrays(self, folder, _ARRAYS)
        (folder / "articles.json").write_text(json.dumps(self.articles), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> SentenceIndex:
        """Read what ``save`` wrote; the arrays are memory-mapped (the OS pages in the rows a
        question touches).

        Raises:
            OSError, ValueError: missing or unreadable.
        """
        articles = json.loads((folder / "articles.json").read_text(encoding="utf-8"))
        arrays = load_arrays(folder, _ARRAYS)
        return cls({k: tuple(v) for k, v in articles.items()}, **arrays)  # type: ignore[arg-type]


class SentenceIndexBuilder:
    """Builds a ``SentenceIndex`` one chunk at a time, in BM25 row order (``add`` needs only
    the vocabulary ids of that chunk's words, so the vocabulary may grow as chunks come)."""

    def __init__(self, tables: Mapping[str, SentenceTable]) -> None:
        self.tables = tables
        self.articles: dict[str, tuple[int, int, str, str]] = {}
        spans, codes = [], []
        lo = 0
        for aid, table in tables.items():
            self.articles[aid] = (lo, lo + len(table.spans), table.version, table.model)
            lo += len(table.spans)
            spans.append(table.spans.astype(np.int32))
            codes.append(directions(table.vectors))
        self._spans, self._codes = spans, codes
        self._kept: list[bool] = []
        self._word_ptr, self._sent_ptr = [0], [0]
        self._word_ids: list[np.ndarray] = []
        self._word_sentence: list[np.ndarray] = []
        self._sent_rows: list[np.ndarray] = []

    def add(self, chunk: StoredChunk, body: BodyWords | None) -> None:
        """The next row's chunk and its body's words (None: left out)."""
        found = _chunk_words(chunk, body, self.tables, self.articles)
        self._kept.append(found is not None)
        if found is not None:
            self._word_ids.append(found[0])
            self._word_sentence.append(found[1])
            self._sent_rows.append(found[2])
        self._word_ptr.append(self._word_ptr[-1] + (len(found[0]) if found else 0))
        self._sent_ptr.append(self._sent_ptr[-1] + (len(found[2]) if found else 0))

    def finish(self) -> SentenceIndex:
        """The index of the chunks added."""
        codes = self._codes
        dim = next((c.shape[1] for c in codes if c.size), 0)
        return SentenceIndex(
            articles=self.articles,
            spans=np.concatenate(self._spans) if self._spans else np.zeros((0, 2), np.int32),
            codes=np.concatenate([c for c in codes if c.size])
            if dim
            else np.zeros((0, 0), np.int8),
            kept=np.array(self._kept, dtype=bool),
            word_ptr=np.array(self._word_ptr, np.int64),
            word_ids=_joined(self._word_ids, np.int32),
            word_sentence=_joined(self._word_sentence, np.int32),
            sent_ptr=np.array(self._sent_ptr, np.int64),
            sent_rows=_joined(self._sent_rows, np.int32),
        )


def _chunk_words(
    chunk: StoredChunk,
    body: BodyWords | None,
    tables: Mapping[str, SentenceTable],
    articles: Mapping[str, tuple[int, int, str, str]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(word ids, their sentence numbers, sentence rows) of one chunk; None when its article
    has no table of the chunk's version or the table does not cover it."""
    if body is None:  # only chunks whose article has a table of their version have one
        return None
    meta = chunk.metadata
    aid = str(meta.get("article_id", ""))
    table = tables[aid]
    start, end = int(meta.get("start", 0)), int(meta.get("end", 0))
    local = table.within(start, end)
    if not len(local):
        return None
    bounds = table.spans[local].astype(np.int64) - start  # chunk-relative, sorted, disjoint
    offsets, ids = body.offsets.astype(np.int64), body.ids.astype(np.int64)
    number = np.searchsorted(bounds[:, 0], offsets, side="right") - 1
    inside = (number >= 0) & (offsets < bounds[np.maximum(number, 0), 1])
    n = int(ids.max()) + 1 if len(ids) else 1  # (sentence, word) pairs as one sortable number
    pairs = np.unique(number[inside] * n + ids[inside])
    rows = local + articles[aid][0]
    return pairs % n, pairs // n, rows


def _joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)
