"""BM25 postings: the weight of every (word, chunk) pair, computed in numpy from the chunks'
word ids with bm25s's Lucene BM25 (its defaults and its arithmetic, so the weights are the
ones ``bm25s.BM25.index`` gives), stored in the files ``bm25s.BM25.save`` writes.

Indexing from one flat array of word ids keeps a large corpus small in memory: a million
chunks of 150 words are 600 MB of int32, where lists of token strings took gigabytes.

Example:
    >>> vocab = {"chip": 0, "deal": 1}
    >>> postings = Postings.from_token_ids(np.array([0, 1, 0], np.int32), np.array([2, 1]), vocab)
    >>> [round(float(s), 3) for s in postings.scores(["chip"], mask=None)]
    [0.063, 0.086]
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# the files bm25s writes (``BM25.save``) and reads; the cache keeps its layout
_DATA, _INDICES, _INDPTR = "data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy"
_VOCAB, _PARAMS = "vocab.index.json", "params.index.json"
# bm25s's defaults: Lucene BM25 (Kamphuis et al., ECIR 2020)
_PARAMS_DEFAULT = {
    "k1": 1.5,
    "b": 0.75,
    "delta": 0.5,
    "method": "lucene",
    "idf_method": "lucene",
    "dtype": "float32",
    "int_dtype": "int32",
    "backend": "numpy",
}


@dataclass(frozen=True)
class Postings:
    """A sparse (chunk x word) weight matrix stored by word (CSC: ``indptr[w]:indptr[w + 1]``
    slices ``indices``/``data``, chunks ascending).

    Scoring sums the query words' columns the way ``bm25s.BM25.get_scores`` does, in numpy,
    so that building, loading and querying never import bm25s.
    """

    vocab: dict[str, int]
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    params: dict[str, Any]

    @classmethod
    def index(cls, corpus: Sequence[Sequence[str]]) -> Postings:
        """Index tokenised chunks (words get ids in order of first use)."""
        vocab: dict[str, int] = {}
        ids = [vocab.setdefault(word, len(vocab)) for doc in corpus for word in doc]
        lengths = np.array([len(doc) for doc in corpus], dtype=np.int64)
        return cls.from_token_ids(np.array(ids, dtype=np.int32), lengths, vocab)

    @classmethod
    def from_token_ids(
        cls, ids: np.ndarray, lengths: np.ndarray, vocab: dict[str, int]
    ) -> Postings:
        """Index chunks given as ``ids`` (every chunk's word ids, chunk after chunk) and each
        chunk's word count, ``vocab`` naming the ids.

        The weight of word w in chunk d is ``idf(w) * tf / (tf + k1 * (1 - b + b * len(d) /
        avg_len))`` with ``idf(w) = log(1 + (n - df + 0.5) / (df + 0.5))``, evaluated in the
        order and precision bm25s uses (float64, stored as float32).
        """
        p = dict(_PARAMS_DEFAULT)
        lengths = np.asarray(lengths, dtype=np.int64)
        n_docs, n_vocab = len(lengths), len(vocab)
        docs = np.repeat(np.arange(n_docs, dtype=np.int32), lengths)
        order = np.argsort(ids, kind="stable")  # by word; chunks stay ascending within a word
        words, docs = ids[order].astype(np.int32, copy=False), docs[order]
        del order
        first = np.ones(len(words), dtype=bool)  # the first entry of each (word, chunk) pair
        first[1:] = (words[1:] != words[:-1]) | (docs[1:] != docs[:-1])
        starts = np.flatnonzero(first)
        del first
        tf = np.diff(np.append(starts, len(words))).astype(np.float64)
        words, docs = words[starts], docs[starts]
        del starts
        df = np.bincount(words, minlength=n_vocab)
        levels, level = np.unique(df, return_inverse=True)  # few distinct df values: exact logs
        logs = [math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) if d else 0.0 for d in levels.tolist()]
        idf = np.array(logs, dtype=np.float64)[level].astype(np.float32)
        k1, b = p["k1"], p["b"]
        avg = lengths.mean() if n_docs else 0.0
        norm = k1 * ((1 - b) + b * lengths.astype(np.float64) / avg) if avg else np.zeros(n_docs)
        weights = idf[words].astype(np.float64) * (tf / (norm[docs] + tf))
        indptr = np.zeros(n_vocab + 1, dtype=np.int64)
        np.cumsum(df, out=indptr[1:])
        p.update(num_docs=n_docs, version="newsrag")
        return cls(vocab, weights.astype(np.float32), docs, indptr, p)

    def scores(self, tokens: list[str], *, mask: np.ndarray | None) -> np.ndarray:
        """Sum of each token's weight per chunk (float32), times ``mask`` when given."""
        out = np.zeros(int(self.params["num_docs"]), dtype=self.params["dtype"])
        for token in tokens:
            tid = self.vocab.get(token)
            if tid is not None:
                lo, hi = self.indptr[tid], self.indptr[tid + 1]
                np.add.at(out, self.indices[lo:hi], self.data[lo:hi])
        if mask is not None:
            out *= mask
        return out

    def match_shares(self, tokens: Sequence[str], others: Sequence[str]) -> list[float]:
        """For each of ``tokens``, how well the best chunk holding it matches ``others`` (their
        summed weights), as a share of the best chunk of all (1.0 when ``others`` match none;
        0.0 for a token no chunk holds)."""
        scores = self.scores(list(others), mask=None)
        best = float(scores.max()) if len(scores) else 0.0
        if best <= 0:
            return [1.0] * len(tokens)
        out = []
        for token in tokens:
            tid = self.vocab.get(token)
            rows = self.indices[self.indptr[tid] : self.indptr[tid + 1]] if tid is not None else []
            out.append(float(scores[rows].max()) / best if len(rows) else 0.0)
        return out

    def chunk_count(self, token: str) -> int:
        """How many chunks hold ``token``."""
        tid = self.vocab.get(token)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])

    def save(self, folder: Path) -> None:
        """Write the files ``bm25s.BM25.load`` reads."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in ((_DATA, self.data), (_INDICES, self.indices), (_INDPTR, self.indptr)):
            np.save(folder / name, array, allow_pickle=False)
        (folder / _VOCAB).write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        (folder / _PARAMS).write_text(json.dumps(self.params, indent=4), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Postings:
        """Read what ``save`` (or ``bm25s.BM25.save``) wrote.

        Raises:
            OSError, ValueError, KeyError: missing, unreadable, or a BM25 variant this
                scorer does not reproduce (BM25L and BM25+ add a per-word constant).
        """
        params = json.loads((folder / _PARAMS).read_text(encoding="utf-8"))
        if params["method"] not in ("lucene", "robertson", "atire"):
            raise ValueError(f"BM25 variant {params['method']!r} is not supported")
        vocab = json.loads((folder / _VOCAB).read_text(encoding="utf-8"))
        arrays = [np.load(folder / name, allow_pickle=False) for name in (_DATA, _INDICES, _INDPTR)]
        return cls(vocab, *arrays, params)
