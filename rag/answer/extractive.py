"""The default answerer: no LLM. It quotes the retrieved sentences that best answer the
question, each followed by ``[n]`` markers pointing at the exact span it came from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.bm25 import tokenize
from rag.config import AnswerSettings, RetrievalSettings
from rag.embeddings import Embedder
from rag.sentences import sentence_spans
from rag.types import Answer, AnswerSentence, Citation, Hit

NOT_FOUND = "I could not find this in the indexed articles."
_MIN_SENTENCE_CHARS = 25
_SAME_SENTENCE = 0.95  # cosine above which two sentences are the same fact (wire copies)


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    start: int  # offsets into the article body
    end: int
    text: str
    rank: int


class ExtractiveAnswerer:
    """Picks sentences by meaning (embedding cosine) and words shared with the question.

    Args:
        embedder: embeds the question and candidate sentences.
        settings: how many sentences to quote.
        retrieval: the relevance floor below which it abstains.
    """

    def __init__(
        self, embedder: Embedder, settings: AnswerSettings, retrieval: RetrievalSettings
    ) -> None:
        self.embedder = embedder
        self.settings = settings
        self.min_similarity = retrieval.min_dense_similarity

    def answer(self, question: str, hits: list[Hit], *, searched: str = "") -> Answer:
        """Compose an answer from ``hits``; abstain when none is relevant enough."""
        candidates = _candidates(hits)
        if not candidates:
            return _abstain(question, hits, searched)
        vectors = self.embedder.embed([question] + [c.text for c in candidates])
        meaning = vectors[1:] @ vectors[0]
        words = np.array([_overlap(question, c.text) for c in candidates])
        prior = np.array([1.0 / (1 + c.rank) for c in candidates])
        score = 0.65 * meaning + 0.25 * words + 0.10 * prior
        if (
            float(meaning.max()) < self.min_similarity + 0.1
            and _best_dense(hits) < self.min_similarity
        ):
            return _abstain(question, hits, searched)
        return self._compose(question, hits, candidates, vectors[1:], score)

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
                if float(vectors[group[0]] @ vectors[i]) >= _SAME_SENTENCE:
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
                c = candidates[i]
                citations.append(
                    Citation(
                        n=len(citations) + 1,
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
                )
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


def _candidates(hits: list[Hit]) -> list[_Candidate]:
    seen: set[tuple[str, int]] = set()
    out = []
    for rank, hit in enumerate(hits):
        for start, end in sentence_spans(hit.text):
            text = hit.text[start:end]
            key = (hit.article_id, hit.start + start)
            if len(text) < _MIN_SENTENCE_CHARS or key in seen or text.startswith("#"):
                continue
            seen.add(key)
            out.append(_Candidate(hit, hit.start + start, hit.start + end, text, rank))
    return out


def _overlap(question: str, sentence: str) -> float:
    """Share of the question's content words found in the sentence."""
    wanted = set(tokenize(question))
    return len(wanted & set(tokenize(sentence))) / len(wanted) if wanted else 0.0


def _best_dense(hits: list[Hit]) -> float:
    scores = [h.dense_score for h in hits if h.dense_score is not None]
    return max(scores, default=0.0)


def _abstain(question: str, hits: list[Hit], searched: str) -> Answer:
    scope = f" I searched {searched}." if searched else ""
    closest = ""
    if hits:
        h = hits[0]
        date = f", {h.published_at[:10]}" if h.published_at else ""
        closest = (
            f" The closest article was “{h.title}” ({h.source or 'unknown outlet'}{date}), "
            "which does not answer it."
        )
    return Answer(
        question=question, text=NOT_FOUND + scope + closest, abstained=True, hits=tuple(hits)
    )
