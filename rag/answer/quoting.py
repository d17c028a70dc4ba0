"""Composing an extractive answer from scored sentences: the best ones quoted verbatim, wire
copies of one sentence merged with all their citations, and what each outlet a question
names reported."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.answer.candidates import Candidate
from rag.types import Answer, AnswerSentence, Citation, Hit, Quote

_SAME_SENTENCE = 0.95  # cosine above which two sentences are the same fact (wire copies)
_KEEP = 0.75  # quote sentences scoring at least this share of the best one's score
_NAMED_KEEP = 0.5  # a named outlet's sentence is quoted scoring this share of the best one


def quote(
    question: str,
    hits: list[Hit],
    candidates: list[Candidate],
    vectors: np.ndarray,
    score: np.ndarray,
    *,
    lead: int | None = None,
    named: Sequence[tuple[str, ...]] = (),
    sides: Sequence[np.ndarray] = (),
    max_sentences: int = 4,
) -> Answer:
    """The answer quoting the best sentences (``lead`` first when given), the same
    sentence from several outlets merged into one with all their citations, the best
    sentence of each outlet the question ``named`` that any retrieved article is from, and
    the best of the sentences each of ``sides`` marks (each side of "Gemini vs Claude")."""
    groups: list[list[int]] = []  # each group: one fact, the indices quoting it
    floor = max(0.0, _KEEP * float(score.max()))  # only sentences that address the question
    order = np.argsort(-score, kind="stable")
    if lead is not None:
        order = np.array([lead, *(i for i in order if i != lead)])
    for i in order:
        if score[i] <= floor and i != lead:
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
            if len(groups) < max_sentences:
                groups.append([int(i)])
    wanted = [np.array([c.hit.source in sources for c in candidates]) for sources in named]
    if wanted or sides:
        groups = _with_each(groups, score, [*wanted, *sides], lead)
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


def _with_each(
    groups: list[list[int]], score: np.ndarray, parts: Sequence[np.ndarray], lead: int | None
) -> list[list[int]]:
    """``groups`` with the best sentence of each part (a mask over the sentences: a named
    outlet's, one side of a comparison) that none of them quotes, when it scores at least
    half the best one, in place of the last sentences no part needs ("Did The Verge report
    X, and TechCrunch Y?": what each of them reported)."""
    groups = [list(g) for g in groups]
    order = np.argsort(-score, kind="stable")
    floor = _NAMED_KEEP * float(score.max())
    for part in parts:
        if _quoting(groups, part):
            continue
        best = next((int(i) for i in order if part[i] and score[i] >= floor), None)
        if best is None:
            continue
        # a sentence may give way unless it leads or is all another part has quoted
        spare = [
            k
            for k, group in enumerate(groups)
            if lead not in group and not any(_quoting(groups, p) == [k] for p in parts)
        ]
        if spare:
            groups[spare[-1]] = [best]
        else:
            groups.append([best])
    return groups


def _quoting(groups: list[list[int]], part: np.ndarray) -> list[int]:
    """The groups quoting a sentence of ``part``."""
    return [k for k, g in enumerate(groups) if any(part[i] for i in g)]


def _citation(n: int, c: Candidate) -> Citation:
    return Citation.quoting(n, c.hit, Quote(c.text, c.start, c.end, c.hit.chunk_id))
