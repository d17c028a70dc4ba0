"""Answers graded by an LLM judge with LlamaIndex's evaluators: faithfulness (is the answer
supported by the passages it was written from), relevancy (do answer and passages fit the
question) and correctness (a 1-5 score against a reference answer).

The judge's raw text is parsed here, strictly: a verdict that is not a clear YES/NO, or a score
line that is not a number from 1 to 5, is recorded as unparseable (``parsed=False``, no score,
no pass), never read as a pass or a score. LlamaIndex's own rule for faithfulness and relevancy
(any "yes" anywhere in the text passes) is not used for that reason.

Example:
    >>> judge = Judge.from_spec("ollama:llama3.1")
    >>> grade = judge.grade(question="Who leads Corvid Labs?", answer="Dana Reyes [1].",
    ...                     contexts=["Corvid Labs, led by Dana Reyes"], reference="Dana Reyes")
    >>> grade.correctness.score, grade.faithfulness.passing
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rag.config import LLMSettings

log = logging.getLogger(__name__)

CHECKS = ("faithfulness", "relevancy", "correctness")
CORRECTNESS_PASS = 4.0  # LlamaIndex's default threshold on its 1-5 scale
_RAW_CHARS = 300  # judge text kept per verdict, for reading a report
_YES_NO = re.compile(r"^[\W_]*(?:answer\s*:\s*)?[\W_]*(yes|no)\b", re.I)
_SCORE = re.compile(r"^[\W_]*(?:score\s*:\s*)?(\d+(?:\.\d+)?)\s*(?:/\s*5(?:\.0+)?)?[\s.*]*$", re.I)


@dataclass(frozen=True)
class Verdict:
    """One evaluator's verdict on one answer.

    ``parsed`` is False when the judge's text held no verdict in the expected form (then
    ``passing`` and ``score`` are None) or when the call failed (``error`` says how).
    ``score`` is 1.0/0.0 for faithfulness and relevancy, 1-5 for correctness.
    """

    metric: str
    parsed: bool
    passing: bool | None = None
    score: float | None = None
    raw: str = ""
    error: str | None = None


@dataclass(frozen=True)
class Grade:
    """The verdicts on one answer; a check that was not run is None."""

    judge: str
    faithfulness: Verdict | None = None
    relevancy: Verdict | None = None
    correctness: Verdict | None = None


def parse_yes_no(text: str) -> bool | None:
    """True for a reply that starts with YES, False for NO (optionally after ``Answer:``);
    None for anything else."""
    m = _YES_NO.match(text.strip())
    return None if m is None else m.group(1).lower() == "yes"


def parse_score(text: str) -> float | None:
    """The 1-5 score on the first non-empty line (``4``, ``4.5``, ``Score: 4``, ``4/5``);
    None when that line is anything else or the number is out of range."""
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    m = _SCORE.match(line)
    if m is None:
        return None
    score = float(m.group(1))
    return score if 1.0 <= score <= 5.0 else None


def _correctness_parser(text: str) -> tuple[float | None, str]:
    """For ``CorrectnessEvaluator``: never raises; an unparseable reply keeps its whole text."""
    score = parse_score(text)
    if score is None:
        return None, text
    _, _, reasoning = text.strip().partition("\n")
    return score, reasoning.strip()


class Judge:
    """An LLM that grades answers with LlamaIndex's Faithfulness-, Relevancy- and
    CorrectnessEvaluator.

    Args:
        settings: the judge's LLM configuration (the same shape as an answerer's).
        correctness_pass: correctness scores at or above this pass.

    Raises:
        ImportError: the backend's extra is not installed (the message has the pip line).
        ConfigError: a required setting is missing.
    """

    def __init__(self, settings: LLMSettings, *, correctness_pass: float = CORRECTNESS_PASS):
        from llama_index.core.evaluation import (
            CorrectnessEvaluator,
            FaithfulnessEvaluator,
            RelevancyEvaluator,
        )

        from rag.answer.backends import build_llm

        self.name = settings.name
        llm = build_llm(settings)
        self._evaluators: dict[str, Any] = {
            "faithfulness": FaithfulnessEvaluator(llm=llm),
            "relevancy": RelevancyEvaluator(llm=llm),
            "correctness": CorrectnessEvaluator(
                llm=llm, score_threshold=correctness_pass, parser_function=_correctness_parser
            ),
        }
        self.correctness_pass = correctness_pass

    @classmethod
    def from_spec(cls, spec: str, *, llms: Sequence[LLMSettings] = ()) -> Judge:
        """The judge named ``spec``: a configured LLM of that name (``llms``), else a spec as
        ``newsrag ask --llm`` takes (``provider:model[@base_url]``), run at temperature 0.

        Raises:
            ConfigError: an unknown provider (the message lists the valid ones).
            ImportError: the backend's extra is not installed.
        """
        from rag.answer.backends import parse_llm_spec

        configured = next((cfg for cfg in llms if cfg.name == spec), None)
        if configured is not None:
            return cls(configured)
        return cls(parse_llm_spec(spec).model_copy(update={"temperature": 0.0}))

    def grade(
        self,
        *,
        question: str,
        answer: str,
        contexts: Sequence[str],
        reference: str,
        checks: Sequence[str] = CHECKS,
    ) -> Grade:
        """Run the ``checks`` on one answer.

        Args:
            question: what was asked.
            answer: the answer text as the user saw it.
            contexts: the passages the answer was written from (faithfulness, relevancy).
            reference: the gold answer (correctness only).
            checks: a subset of ``CHECKS``; faithfulness and relevancy are skipped when there
                are no contexts.

        Returns:
            A Grade; a failed call is a Verdict with ``error`` set, not an exception.
        """
        unknown = [c for c in checks if c not in CHECKS]
        if unknown:
            raise ValueError(f"unknown check {unknown[0]!r}; use {', '.join(CHECKS)}")
        verdicts = {}
        for metric in checks:
            if metric != "correctness" and not contexts:
                continue
            verdicts[metric] = self._verdict(
                metric,
                query=question,
                response=answer,
                contexts=list(contexts),
                **({"reference": reference} if metric == "correctness" else {}),
            )
        return Grade(judge=self.name, **verdicts)

    def _verdict(self, metric: str, **kwargs: Any) -> Verdict:
        try:
            result = self._evaluators[metric].evaluate(**kwargs)
        except Exception as exc:  # network, server or backend errors: one verdict, not the run
            log.warning("judge %r failed on %s: %s", self.name, metric, exc, exc_info=True)
            return Verdict(metric, parsed=False, error=f"{type(exc).__name__}: {exc}"[:_RAW_CHARS])
        raw = str(result.feedback or "")
        if metric == "correctness":
            score = result.score
            if score is None:
                return Verdict(metric, parsed=False, raw=raw[:_RAW_CHARS])
            return Verdict(metric, True, score >= self.correctness_pass, score, raw[:_RAW_CHARS])
        passing = parse_yes_no(raw)
        if passing is None:
            return Verdict(metric, parsed=False, raw=raw[:_RAW_CHARS])
        return Verdict(metric, True, passing, 1.0 if passing else 0.0, raw[:_RAW_CHARS])
