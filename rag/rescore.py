"""Re-scoring retrieved chunks by their best sentence.

A news question often strings together several things it asks about ("who was accused of X, as
reported by Y, and fined for Z?"), and the evidence for each is usually one sentence of some
article. Chunk-level scores dilute that sentence among 250 others' words, so the merged list is
re-ordered by how well a single sentence of each chunk matches a single clause of the question:
the share of the clause's words the sentence holds, weighted by rarity (the BM25 index's IDF),
plus the cosine of the sentence's stored vector to the clause's vector. The list's own order
stays the main signal; the sentence score moves chunks within it.

Example:
    >>> rescorer = Rescorer()
    >>> reordered = rescorer.rescore(hits, clauses=["fined for Z"], vectors=None, tables={},
    ...                              lexical=index, weight=0.8)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rag.bm25 import LexicalIndex, tokenize
from rag.recent import Recent
from rag.sentence_table import SentenceTable, chunk_sentences
from rag.types import Hit

# words that say what is asked, not what it is about
_ASKING = "what which who whom whose has have had did does do be been according reported article"
_RECENT_CHUNKS = 20_000  # chunks' sentence words kept in memory (~2 kB each)


@dataclass(frozen=True)
class _Words:
    """One chunk's sentences: each sentence's distinct BM25 vocabulary ids, in sentence order
    (``sentence[i]`` is the sentence of ``ids[i]``), how many sentences there are, and their
    rows in the article's stored sentence table (empty when the chunk was split now)."""

    ids: np.ndarray
    sentence: np.ndarray
    count: int
    rows: np.ndarray


class Rescorer:
    """Re-orders merged lists by their chunks' best sentence; remembers each chunk's sentence
    words for the BM25 index they were read against."""

    def __init__(self) -> None:
        self._words: Recent[tuple[str, str], _Words] = Recent(_RECENT_CHUNKS)

    def rescore(
        self,
        hits: Sequence[Hit],
        *,
        clauses: Sequence[str],
        vectors: np.ndarray | None,
        tables: Mapping[str, SentenceTable],
        lexical: LexicalIndex,
        weight: float,
    ) -> list[Hit]:
        """``hits`` re-ordered by ``z(list order) + weight * z(best sentence match)``.

        Args:
            hits: the merged list, best first.
            clauses: the question's clauses (``planner.clauses``).
            vectors: one unit vector per clause, or None to match words only.
            tables: stored sentence tables by article id; a chunk whose article has none is
                split into sentences now and matched by words only.
            lexical: the BM25 index (vocabulary and IDF).
            weight: how far sentence matches may move a chunk (0 keeps the order).
        """
        if len(hits) < 2 or weight <= 0 or lexical.postings is None:
            return list(hits)
        words = [self._chunk_words(h, tables.get(h.article_id), lexical) for h in hits]
        match = _lexical_match(words, _clause_weights(clauses, lexical))
        if vectors is not None and len(vectors):
            match += _dense_match(hits, words, tables, vectors)
        order = -np.log1p(np.arange(len(hits)))
        score = _z(order) + weight * _z(match)
        return [hits[i] for i in np.argsort(-score, kind="stable")]

    def _chunk_words(self, hit: Hit, table: SentenceTable | None, lexical: LexicalIndex) -> _Words:
        key = (lexical.fingerprint, hit.chunk_id)
        if (known := self._words.get(key)) is not None:
            return known
        assert lexical.postings is not None
        vocab = lexical.postings.vocab
        rows, spans = chunk_sentences(hit, table)
        ids: list[int] = []
        sentence: list[int] = []
        for n, (start, end) in enumerate(spans):
            text = hit.text[start - hit.start : end - hit.start]
            found = {vocab[t] for t in tokenize(text) if t in vocab}
            ids.extend(found)
            sentence.extend([n] * len(found))
        words = _Words(np.array(ids, np.int64), np.array(sentence, np.int64), len(spans), rows)
        self._words.put(key, words)
        return words


def _clause_weights(clauses: Sequence[str], lexical: LexicalIndex) -> np.ndarray:
    """(clauses, vocabulary): each clause word's share of the clause's IDF (asking words and
    words the index never saw weigh nothing)."""
    assert lexical.postings is not None
    vocab = lexical.postings.vocab
    asking = _asking_tokens()
    weights = np.zeros((len(clauses), len(vocab)), dtype=np.float32)
    for row, clause in enumerate(clauses):
        tokens = list(dict.fromkeys(t for t in tokenize(clause) if t not in asking))
        idf = lexical.idf(tokens)
        total = float(idf.sum())
        for token, value in zip(tokens, idf, strict=True):
            if total > 0 and (tid := vocab.get(token)) is not None:
                weights[row, tid] = value / total
    return weights


def _lexical_match(words: Sequence[_Words], weights: np.ndarray) -> np.ndarray:
    """Per chunk, the best share of one clause's IDF that one of its sentences holds."""
    out = np.zeros(len(words))
    counts = np.array([w.count for w in words])
    offsets = np.concatenate([[0], np.cumsum(counts)])
    ids = np.concatenate([w.ids for w in words])
    if not len(ids):
        return out
    sentence = np.concatenate([w.sentence + o for w, o in zip(words, offsets, strict=False)])
    per_sentence = np.zeros((len(weights), int(offsets[-1])))
    for row, clause in enumerate(weights):
        per_sentence[row] = np.bincount(sentence, weights=clause[ids], minlength=int(offsets[-1]))
    owner = np.repeat(np.arange(len(words)), counts)
    np.maximum.at(out, owner, per_sentence.max(axis=0))
    return out


def _dense_match(
    hits: Sequence[Hit],
    words: Sequence[_Words],
    tables: Mapping[str, SentenceTable],
    vectors: np.ndarray,
) -> np.ndarray:
    """Per chunk, the best cosine of one of its stored sentence vectors to one clause."""
    out = np.zeros(len(hits))
    blocks, owners = [], []
    for i, (hit, w) in enumerate(zip(hits, words, strict=True)):
        table = tables.get(hit.article_id)
        if table is not None and len(w.rows):
            blocks.append(table.vectors[w.rows])
            owners.append(np.full(len(w.rows), i))
    if blocks:
        sims = (np.concatenate(blocks) @ vectors.T).max(axis=1)
        np.maximum.at(out, np.concatenate(owners), sims)
    return out


@lru_cache(maxsize=1)
def _asking_tokens() -> frozenset[str]:
    return frozenset(tokenize(_ASKING))


def _z(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / (values.std() + 1e-6)
