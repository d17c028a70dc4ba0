"""What one evaluated question leaves behind, and the figures summed over many of them.

Records hold what the system returned (chunk ids, cited articles, the answer) next to the
question's gold data; ``summarize`` turns a list of them into the figures of a report, overall
and per question type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from evals import metrics
from evals.datasets import Question
from evals.judging import JudgeScores, score_judge
from rag import Grade


@dataclass(frozen=True)
class RetrievedChunk:
    """One retrieved chunk: where it came from and which gold facts it holds."""

    rank: int
    chunk_id: str
    article: str  # metrics.article_key of its article
    title: str
    source: str = ""
    published_at: str = ""
    facts: tuple[int, ...] = ()


@dataclass(frozen=True)
class RetrievalResult:
    """The ranked chunks returned for one question and how long that took."""

    chunks: tuple[RetrievedChunk, ...]
    n_facts: int
    ms: float

    @property
    def found(self) -> list[frozenset[int]]:
        """Gold-fact indices per rank, the input of the retrieval metrics."""
        return [frozenset(c.facts) for c in self.chunks]


@dataclass(frozen=True)
class CitedChunk:
    """One quote of an answer's citation ``[n]``: the chunk it was read from and the gold facts
    that chunk holds."""

    n: int
    chunk_id: str
    article: str  # metrics.article_key of the cited article
    facts: tuple[int, ...] = ()


@dataclass(frozen=True)
class AnswerResult:
    """What ``NewsRAG.ask`` answered."""

    text: str
    short_answer: str | None
    abstained: bool
    citations: tuple[CitedChunk, ...]
    verified_share: float | None
    ms: float
    answerer: str = "extractive"
    grade: Grade | None = None  # the LLM judge's verdicts, only with a judge

    @property
    def cited_articles(self) -> tuple[str, ...]:
        """Article keys of the citations, in order, without repeats."""
        return tuple(dict.fromkeys(c.article for c in self.citations))


@dataclass(frozen=True)
class QuestionRecord:
    """One question, its gold data, and what our system (and the baseline) returned."""

    question: Question
    retrieval: RetrievalResult
    answer: AnswerResult | None = None
    baseline: RetrievalResult | None = None

    @property
    def gold_articles(self) -> tuple[str, ...]:
        """Article keys of the gold evidence."""
        return tuple(
            dict.fromkeys(
                metrics.article_key(url=e.url, title=e.title) for e in self.question.evidence
            )
        )


@dataclass(frozen=True)
class RetrievalScores:
    """Retrieval figures over the answerable questions (null questions have no evidence)."""

    n: int
    hits: dict[int, float]  # K -> Hits@K for K = 1..k
    mrr: float
    map: float
    all_evidence: float
    map_best: float = 0.0
    """MAP@k of perfect retrieval with each gold fact in its own chunk: what MAP is out of."""


@dataclass(frozen=True)
class AnswerScores:
    """Answer figures over answerable questions. ``short_answers`` counts the answers that had
    a short answer at all; a missing short answer counts as wrong for lenient, EM and F1."""

    n: int
    short_answers: int
    lenient: float
    exact_match: float
    token_f1: float
    abstained: int


@dataclass(frozen=True)
class CitationScores:
    """Citation figures over answerable questions: precision averaged over answers that cite,
    recall over all of them (an abstention cites nothing: 0), verified share over answers
    with checked sentences."""

    n: int
    citing: int
    precision: float | None
    recall: float | None
    verified_share: float | None


@dataclass(frozen=True)
class AbstentionScores:
    """Abstention against null questions: positive = should not answer."""

    n_null: int
    n_abstained: int
    precision: float | None
    recall: float | None


@dataclass(frozen=True)
class Summary:
    """All figures of one run; ``by_type`` maps a question type to its own Summary."""

    n_questions: int
    retrieval: RetrievalScores | None
    baseline: RetrievalScores | None = None
    answers: AnswerScores | None = None
    citations: CitationScores | None = None
    abstention: AbstentionScores | None = None
    latency_ms: dict[str, float | None] = field(default_factory=dict)
    by_type: dict[str, Summary] = field(default_factory=dict)
    judge: dict[str, JudgeScores] | None = None  # per evaluator, only with a judge


def score_retrieval(results: Sequence[RetrievalResult], *, k: int) -> RetrievalScores | None:
    """Hits@1..k, MRR@k, MAP@k and all-evidence@k over questions with gold facts."""
    kept = [(r.found, r.n_facts) for r in results if r.n_facts > 0]
    if not kept:
        return None
    return RetrievalScores(
        n=len(kept),
        hits={j: _avg(metrics.hit_at(f, k=j) for f, _ in kept) for j in range(1, k + 1)},
        mrr=_avg(metrics.reciprocal_rank(f, k=k) for f, _ in kept),
        map=_avg(metrics.average_precision(f, n_facts=n, k=k) for f, n in kept),
        all_evidence=_avg(metrics.all_found(f, n_facts=n, k=k) for f, n in kept),
        map_best=_avg(metrics.best_average_precision(n, k=k) for _, n in kept),
    )


def _answered(records: Sequence[QuestionRecord]) -> list[tuple[AnswerResult, QuestionRecord]]:
    return [(r.answer, r) for r in records if r.answer is not None and not r.question.is_null]


def score_answers(records: Sequence[QuestionRecord]) -> AnswerScores | None:
    """Lenient accuracy, EM and token F1 of ``short_answer`` over questions that are not null."""
    kept = _answered(records)
    if not kept:
        return None
    pairs = [(a.short_answer, r.question.answer) for a, r in kept]
    return AnswerScores(
        n=len(kept),
        short_answers=sum(s is not None for s, _ in pairs),
        lenient=_avg(float(metrics.lenient_match(s, g)) for s, g in pairs),
        exact_match=_avg(float(metrics.exact_match(s, g)) for s, g in pairs),
        token_f1=_avg(metrics.token_f1(s, g) for s, g in pairs),
        abstained=sum(a.abstained for a, _ in kept),
    )


def score_citations(records: Sequence[QuestionRecord]) -> CitationScores | None:
    """Citation precision (cited chunk holds a gold fact), recall (gold articles cited) and
    verified share, over questions that are not null."""
    kept = _answered(records)
    if not kept:
        return None
    precision = [metrics.citation_precision([bool(c.facts) for c in a.citations]) for a, _ in kept]
    return CitationScores(
        n=len(kept),
        citing=sum(bool(a.citations) for a, _ in kept),
        precision=metrics.mean(precision),
        recall=metrics.mean(
            [metrics.citation_recall(a.cited_articles, r.gold_articles) for a, r in kept]
        ),
        verified_share=metrics.mean([a.verified_share for a, _ in kept]),
    )


def score_abstention(records: Sequence[QuestionRecord]) -> AbstentionScores | None:
    """Precision and recall of abstaining, taking null questions as the positives."""
    kept = [r for r in records if r.answer is not None]
    if not kept:
        return None
    counts = metrics.precision_recall(
        [bool(r.answer and r.answer.abstained) for r in kept], [r.question.is_null for r in kept]
    )
    return AbstentionScores(
        n_null=sum(r.question.is_null for r in kept),
        n_abstained=counts.true_positive + counts.false_positive,
        precision=counts.precision,
        recall=counts.recall,
    )


def latency(records: Sequence[QuestionRecord]) -> dict[str, float | None]:
    """Median and 95th-percentile milliseconds of search, ask and baseline search."""
    series = {
        "search": [r.retrieval.ms for r in records],
        "ask": [r.answer.ms for r in records if r.answer],
        "baseline_search": [r.baseline.ms for r in records if r.baseline],
    }
    out: dict[str, float | None] = {}
    for name, values in series.items():
        if values:
            out[f"{name}_p50"] = metrics.percentile(values, 50)
            out[f"{name}_p95"] = metrics.percentile(values, 95)
    return out


def summarize(records: Sequence[QuestionRecord], *, k: int, by_type: bool = True) -> Summary:
    """Every figure of a report, overall and (``by_type``) per question type."""
    types = sorted({r.question.question_type for r in records}) if by_type else []
    baseline = [r.baseline for r in records if r.baseline is not None]
    return Summary(
        n_questions=len(records),
        retrieval=score_retrieval([r.retrieval for r in records], k=k),
        baseline=score_retrieval(baseline, k=k) if baseline else None,
        answers=score_answers(records),
        citations=score_citations(records),
        abstention=score_abstention(records),
        latency_ms=latency(records),
        judge=score_judge(records),
        by_type={
            t: summarize([r for r in records if r.question.question_type == t], k=k, by_type=False)
            for t in types
        },
    )


def _avg(values: object) -> float:
    items = list(values)  # type: ignore[call-overload]
    return sum(items) / len(items) if items else 0.0
