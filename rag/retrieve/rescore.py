"""Re-scoring retrieved chunks by their best sentence.

A news question often strings together several things it asks about ("who was accused of X, as
reported by Y, and fined for Z?"), and the evidence for each is usually one sentence of some
article. Chunk-level scores dilute that sentence among 250 others' words, so the merged list is
re-ordered by how well a single sentence of each chunk matches a single clause of the question:
the share of the clause's words the sentence holds, weighted by rarity (the BM25 index's IDF),
plus the cosine of the sentence's stored vector to the clause's vector. The list's own order
stays the main signal; the sentence score moves chunks within it.

With ``coverage`` set, the list is then taken greedily: each next chunk is the best by that
score plus a bonus for matching a clause better than every chunk already taken, so a question
about three things gets its three pieces of evidence near the top rather than three chunks
about the first.

Example:
    >>> rescorer = Rescorer()
    >>> reordered = rescorer.rescore(hits, clauses=["fined for Z"], vectors=None, tables={},
    ...                              lexical=index, weight=0.8, coverage=0.6)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from rag.index.keywords import LexicalIndex
from rag.index.sentence_index import SentenceWords
from rag.index.sentence_table import SentenceTable, chunk_sentences
from rag.index.words import tokenize
from rag.recent import Recent
from rag.types import Hit

# words that say what is asked, not what it is about
_ASKING = "what which who whom whose has have had did does do be been according reported article"
_RECENT_CHUNKS = 20_000  # chunks' sentence words kept in memory (~2 kB each)


@dataclass(frozen=True)
class _Read:
    """A chunk's sentence words and where their ``rows`` point: the BM25 index's
    ``SentenceIndex`` (``indexed``) or the article's own table."""

    words: SentenceWords
    indexed: bool


class Rescorer:
    """Re-orders merged lists by their chunks' best sentence. A chunk the keyword cache's
    ``SentenceIndex`` holds is read from it; any other is split and tokenised here, and its
    words are remembered for the BM25 index they were read against."""

    def __init__(self) -> None:
        self._words: Recent[tuple[str, str], SentenceWords] = Recent(_RECENT_CHUNKS)

    def rescore(
        self,
        hits: Sequence[Hit],
        *,
        clauses: Sequence[str],
        vectors: np.ndarray | None,
        tables: Mapping[str, SentenceTable]
        | Callable[[Sequence[Hit]], Mapping[str, SentenceTable]],
        lexical: LexicalIndex,
        weight: float,
        coverage: float = 0.0,
    ) -> list[Hit]:
        """``hits`` re-ordered by ``z(list order) + weight * z(best sentence match)``, then
        (``coverage`` > 0, two or more clauses) taken greedily by that score plus ``coverage``
        times the most a chunk's sentence match to one clause exceeds the best so far.

        Args:
            hits: the merged list, best first.
            clauses: the question's clauses (``planner.clauses``).
            vectors: one unit vector per clause, or None to match words only.
            tables: stored sentence tables by article id, for the chunks the BM25 index's
                ``SentenceIndex`` lacks, or a lookup called with just those hits
                (``TableCache.for_hits``); a chunk in neither is split into sentences now and
                matched by words only.
            lexical: the BM25 index (vocabulary and IDF).
            weight: how far sentence matches may move a chunk (0 keeps the order).
            coverage: the weight of matching a clause no chunk taken so far matches as well.
        """
        if len(hits) < 2 or weight <= 0 or lexical.postings is None:
            return list(hits)
        indexed = [lexical.sentence_words(h.chunk_id) for h in hits]
        if callable(tables):
            unindexed = [h for h, w in zip(hits, indexed, strict=True) if w is None]
            tables = tables(unindexed) if unindexed else {}
        read = [
            _Read(w, indexed=True)
            if w is not None
            else _Read(self._split(h, tables.get(h.article_id), lexical), indexed=False)
            for h, w in zip(hits, indexed, strict=True)
        ]
        words = [r.words for r in read]
        by_words = _lexical_match(words, _clause_weights(clauses, lexical))
        by_vectors = (
            _dense_match(hits, read, tables, lexical, vectors)
            if vectors is not None and len(vectors)
            else np.zeros_like(by_words)
        )
        match = by_words.max(axis=1) + by_vectors.max(axis=1)
        order = -np.log1p(np.arange(len(hits)))
        score = _z(order) + weight * _z(match)
        if coverage > 0 and len(clauses) > 1:
            return [hits[i] for i in _covering(score, _z(by_words + by_vectors), coverage)]
        return [hits[i] for i in np.argsort(-score, kind="stable")]

    def _split(self, hit: Hit, table: SentenceTable | None, lexical: LexicalIndex) -> SentenceWords:
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
        words = SentenceWords(
            np.array(ids, np.int64), np.array(sentence, np.int64), len(spans), rows
        )
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


def _covering(score: np.ndarray, per_clause: np.ndarray, coverage: float) -> list[int]:
    """Row order taken greedily: the best ``score`` plus ``coverage`` times how far the row's
    match to some clause (``per_clause``, rows x clauses) exceeds the best taken so far."""
    best = np.full(per_clause.shape[1], per_clause.min())
    left = np.ones(len(score), dtype=bool)
    out: list[int] = []
    for _ in range(len(score)):
        gain = np.maximum(per_clause - best, 0.0).max(axis=1)
        pick = int(np.argmax(np.where(left, score + coverage * gain, -np.inf)))
        out.append(pick)
        left[pick] = False
        best = np.maximum(best, per_clause[pick])
    return out


def _lexical_match(words: Sequence[SentenceWords], weights: np.ndarray) -> np.ndarray:
    """(chunks, clauses): the best share of each clause's IDF that one of the chunk's
    sentences holds."""
    out = np.zeros((len(words), len(weights)))
    counts = np.array([w.count for w in words])
    offsets = np.concatenate([[0], np.cumsum(counts)])
    ids = np.concatenate([w.ids for w in words])
    if not len(ids):
        return out
    sentence = np.concatenate([w.sentence + o for w, o in zip(words, offsets, strict=False)])
    per_sentence = np.zeros((int(offsets[-1]), len(weights)))
    for row, clause in enumerate(weights):
        per_sentence[:, row] = np.bincount(
            sentence, weights=clause[ids], minlength=int(offsets[-1])
        )
    owner = np.repeat(np.arange(len(words)), counts)
    np.maximum.at(out, owner, per_sentence)
    return out


def _dense_match(
    hits: Sequence[Hit],
    read: Sequence[_Read],
    tables: Mapping[str, SentenceTable],
    lexical: LexicalIndex,
    vectors: np.ndarray,
) -> np.ndarray:
    """(chunks, clauses): the best cosine of one of the chunk's stored sentence vectors to
    each clause (0 for a chunk without vectors)."""
    out = np.zeros((len(hits), len(vectors)))
    blocks, owners = [], []
    indexed = [(i, r.words.rows) for i, r in enumerate(read) if r.indexed and len(r.words.rows)]
    if indexed and lexical.sentences is not None:  # one gather for all of them
        blocks.append(lexical.sentences.vectors(np.concatenate([rows for _, rows in indexed])))
        owners.extend(np.full(len(rows), i) for i, rows in indexed)
    for i, (hit, r) in enumerate(zip(hits, read, strict=True)):
        table = tables.get(hit.article_id)
        if not r.indexed and table is not None and len(r.words.rows):
            blocks.append(table.vectors[r.words.rows])
            owners.append(np.full(len(r.words.rows), i))
    if blocks:
        sims = np.concatenate(blocks) @ vectors.T
        np.maximum.at(out, np.concatenate(owners), sims)
    return out


@lru_cache(maxsize=1)
def _asking_tokens() -> frozenset[str]:
    return frozenset(tokenize(_ASKING))


def _z(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / (values.std() + 1e-6)
