"""The LLM judge's columns: LlamaIndex's faithfulness, relevancy and correctness evaluators,
run through ``rag.Judge`` on each answer, and their figures over many answers.

Only when a judge is configured (``newsrag eval ... --judge SPEC``): without one, no judge
figure exists anywhere in a run. A verdict the judge wrote in no readable form counts as
unparseable, never as a pass or a score; rates are over the parsed verdicts only, next to how
many were unparseable or failed.

What is graded: correctness on every answer (an abstention against "Insufficient information."
is graded too); faithfulness and relevancy on answers that do not abstain, against the passages
the answerer read (``Answer.hits``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evals import metrics
from rag import Answer, Grade, Judge, NewsragError, Verdict

if TYPE_CHECKING:
    from evals.records import QuestionRecord

CHECKS = ("faithfulness", "relevancy", "correctness")


@dataclass(frozen=True)
class JudgeScores:
    """One evaluator's figures: ``pass_rate`` and ``mean_score`` over parsed verdicts (None
    when there are none); ``unparseable`` and ``errors`` count the verdicts that are not."""

    n: int
    parsed: int
    unparseable: int
    errors: int
    pass_rate: float | None
    mean_score: float | None


def grade_answer(judge: Judge, *, question: str, answer: Answer, reference: str) -> Grade:
    """The judge's verdicts on one answer (see the module docstring for what is graded)."""
    checks = ("correctness",) if answer.abstained else CHECKS
    return judge.grade(
        question=question,
        answer=answer.text,
        contexts=[h.text for h in answer.hits],
        reference=reference,
        checks=checks,
    )


def check_judge(grade: Grade) -> None:
    """Stop a run whose first graded answer got only failed calls (a judge that is down or
    misconfigured would otherwise fail on every question).

    Raises:
        NewsragError: every verdict of ``grade`` is an error.
    """
    verdicts = [v for v in _verdicts(grade) if v is not None]
    if verdicts and all(v.error for v in verdicts):
        raise NewsragError(
            f"The judge {grade.judge!r} failed ({verdicts[0].error}). Check that it is running "
            "and configured (as for `newsrag ask --llm`), or run without --judge."
        )


def _verdicts(grade: Grade) -> tuple[Verdict | None, ...]:
    return (grade.faithfulness, grade.relevancy, grade.correctness)


def score_verdicts(verdicts: Sequence[Verdict]) -> JudgeScores:
    """Figures of one evaluator's verdicts."""
    parsed = [v for v in verdicts if v.parsed]
    return JudgeScores(
        n=len(verdicts),
        parsed=len(parsed),
        unparseable=sum(not v.parsed and v.error is None for v in verdicts),
        errors=sum(v.error is not None for v in verdicts),
        pass_rate=metrics.mean([float(bool(v.passing)) for v in parsed]),
        mean_score=metrics.mean([v.score for v in parsed]),
    )


def score_judge(records: Sequence[QuestionRecord]) -> dict[str, JudgeScores] | None:
    """Per evaluator, the figures over every graded answer; None when nothing was graded."""
    grades = [r.answer.grade for r in records if r.answer is not None and r.answer.grade]
    if not grades:
        return None
    out = {}
    for metric in CHECKS:
        verdicts = [v for g in grades if (v := getattr(g, metric)) is not None]
        if verdicts:
            out[metric] = score_verdicts(verdicts)
    return out
