"""The default answerer: no LLM. It quotes the retrieved sentences that best answer the
question, each followed by ``[n]`` markers pointing at the exact span it came from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

import numpy as np

from rag.answer.base import AnswerRequest, abstain, asked_names, missing_names
from rag.answer.short import short_answer
from rag.answer.sources import by_article
from rag.config import AnswerSettings, RetrievalSettings
from rag.embed.embedder import Embedder
from rag.index.sentence_table import SentenceTable, TableCache, chunk_sentences
from rag.index.words import tokenize
from rag.types import Answer, AnswerSentence, Citation, Hit

_MIN_SENTENCE_CHARS = 25
_MISSING_SHARE = 0.5  # abstain when at least half of the names asked about are unseen
_SAME_SENTENCE = 0.95  # cosine above which two sentences are the same fact (wire copies)


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    start: int  # offsets into the article body
    end: int
    text: str
    rank: int
    vector: np.ndarray | None = None  # stored at ingest; None: embed it now
    words: tuple[str, ...] = ()  # stemmed content words


class ExtractiveAnswerer:
    """Picks sentences by meaning (embedding cosine) and words shared with the question.

    Args:
        embedder: embeds the question (and sentences that have no stored vector).
        settings: how many sentences to quote, and where sentence vectors come from.
        retrieval: the relevance floor below which it abstains.
        tables: the sentence tables stored at ingest (used with ``sentence_vectors=stored``).
    """

    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        settings: AnswerSettings,
        retrieval: RetrievalSettings,
        *,
        tables: TableCache | None = None,
    ) -> None:
        self.embedder = embedder
        self.settings = settings
        self.min_similarity = retrieval.min_dense_similarity
        self.tables = tables if settings.sentence_vectors == "stored" else None

    def stream(self, request: AnswerRequest) -> Iterator[str | Answer]:
        """Yield each quoted sentence with its markers, then the ``Answer``."""
        answer = self.answer(request)
        for sentence in answer.sentences:
            yield f"{sentence.text} {''.join(f'[{n}]' for n in sentence.citations)} "
        if not answer.sentences:
            yield answer.text
        yield answer

    def answer(self, request: AnswerRequest) -> Answer:
        """Compose an answer from the request's hits; abstain when none is relevant enough."""
        question, hits = request.question, list(request.hits)
        candidates = _candidates(hits, self._tables(hits))
        if not candidates:
            return abstain(request)
        vectors = self._vectors(question, candidates)
        meaning = vectors[1:] @ vectors[0]
        wanted = set(tokenize(question))
        words = np.array([_overlap(wanted, c.words) for c in candidates])
        prior = np.array([1.0 / (1 + c.rank) for c in candidates])
        score = 0.65 * meaning + 0.25 * words + 0.10 * prior
        if request.intent.recent:  # "latest": among relevant sentences, newer ones first
            score = score + 0.15 * _recency(candidates)
        # Nothing retrieved is close enough, or most of the names the question asks about
        # appear in no passage (on-topic questions about facts no article holds).
        missing = missing_names(request.standalone, hits, outlets=request.outlets)
        asked = asked_names(request.standalone, outlets=request.outlets)
        mostly_missing = bool(missing) and len(missing) >= _MISSING_SHARE * len(asked)
        if _best_dense(hits) < self.min_similarity or mostly_missing:
            return abstain(request, missing=missing)
        answer = by_article(self._compose(question, hits, candidates, vectors[1:], score))
        quoted = [(s.text, float(score[_index(candidates, s.text)])) for s in answer.sentences]
        short = short_answer(
            request.standalone,
            request.intent,
            quoted,
            hits,
            search=request.search,
            outlets=request.outlets,
        )
        return replace(answer, short_answer=short)

    def _tables(self, hits: list[Hit]) -> Mapping[str, SentenceTable]:
        return self.tables.for_hits(hits) if self.tables is not None else {}

    def _vectors(self, question: str, candidates: list[_Candidate]) -> np.ndarray:
        """The question's vector, then one per candidate (stored, or embedded now)."""
        fresh = [i for i, c in enumerate(candidates) if c.vector is None]
        asked = self.embedder.embed_queries([question])[0]
        rows = np.empty((len(candidates) + 1, len(asked)), dtype=np.float32)
        rows[0] = asked
        for i, c in enumerate(candidates):
            if c.vector is not None:
                rows[i + 1] = c.vector
        if fresh:
            rows[[i + 1 for i in fresh]] = self.embedder.embed([candidates[i].text for i in fresh])
        return rows

    def _compose(
        self,
        question: str,
        hits: list[Hit],
        candidates: list[_Candidate],
        vectors: np.ndarray,
        score: np.ndarray,
    ) -> Answer:
        groups: list[list[int]] = []  # each group: one fact, the indices quoting it
        for i in np.argsort(-score, kind="stable"):
            if score[i] <= 0:
                break
            for group in groups:
                first = group[0]
                # the same sentence up to case and punctuation: a wire copy quoted twice
                same_words = candidates[first].words == candidates[i].words
                if same_words or float(vectors[first] @ vectors[i]) >= _SAME_SENTENCE:
                    if candidates[i].hit.article_id not in {
                        candidates[j].hit.article_id for j in group
                    }:
                        group.append(int(i))
                    break
            else:
                if len(groups) < self.settings.max_sentences:
                    groups.append([int(i)])
        citations: list[Citation] = []
        sentences: list[AnswerSentence] = []
        for group in groups:
            numbers = []
            for i in group:
                citations.append(_citation(len(citations) + 1, candidates[i]))
                numbers.append(len(citations))
            # a quoted sentence is verbatim from every chunk it cites: supported by construction
            text = candidates[group[0]].text
            sentences.append(AnswerSentence(text, tuple(numbers), verified=True, support=1.0))
        return Answer(
            question=question,
            text=" ".join(f"{s.text} {''.join(f'[{n}]' for n in s.citations)}" for s in sentences),
            citations=tuple(citations),
            hits=tuple(hits),
            sentences=tuple(sentences),
        )


def _citation(n: int, c: _Candidate) -> Citation:
    return Citation(
        n=n,
        article_id=c.hit.article_id,
        title=c.hit.title,
        source=c.hit.source,
        url=c.hit.url,
        published_at=c.hit.published_at,
        quote=c.text,
        quote_start=c.start,
        quote_end=c.end,
        chunk_id=c.hit.chunk_id,
    )


def _candidates(hits: list[Hit], tables: Mapping[str, SentenceTable]) -> list[_Candidate]:
    seen: set[tuple[str, int]] = set()
    out = []
    for rank, hit in enumerate(hits):
        for start, end, vector in _sentences(hit, tables.get(hit.article_id)):
            text = hit.text[start - hit.start : end - hit.start]
            key = (hit.article_id, start)
            if len(text) < _MIN_SENTENCE_CHARS or key in seen or text.startswith("#"):
                continue
            seen.add(key)
            out.append(_Candidate(hit, start, end, text, rank, vector, tuple(tokenize(text))))
    return out


def _sentences(hit: Hit, table: SentenceTable | None) -> list[tuple[int, int, np.ndarray | None]]:
    """(start, end, stored vector) in body offsets for each sentence of the hit's chunk (no
    stored vector when the chunk was split now)."""
    rows, spans = chunk_sentences(hit, table)
    if len(rows):
        assert table is not None
        return [(a, b, table.vectors[r]) for (a, b), r in zip(spans, rows, strict=True)]
    return [(a, b, None) for a, b in spans]


def _index(candidates: list[_Candidate], text: str) -> int:
    return next(i for i, c in enumerate(candidates) if c.text == text)


def _recency(candidates: list[_Candidate]) -> np.ndarray:
    """0 for the oldest dated candidate … 1 for the newest (undated: 0)."""
    dates = sorted({c.hit.published_at for c in candidates if c.hit.published_at})
    rank = {d: i / max(1, len(dates) - 1) for i, d in enumerate(dates)}
    return np.array([rank.get(c.hit.published_at, 0.0) for c in candidates])


def _overlap(wanted: set[str], words: tuple[str, ...]) -> float:
    """Share of the question's content words found in the sentence."""
    return len(wanted.intersection(words)) / len(wanted) if wanted else 0.0


def _best_dense(hits: list[Hit]) -> float:
    scores = [h.dense_score for h in hits if h.dense_score is not None]
    return max(scores, default=0.0)
