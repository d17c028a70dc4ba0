"""RealTime QA (Kasai et al., NeurIPS 2023 Datasets and Benchmarks): journalists' weekly news
quiz questions, each asked on a date, over the articles a search engine returned for them.

Every question is asked through ``NewsRAG.ask`` as of its date (the end of that day), with
nothing else: no outlet, no filter, nothing from the gold fields. The gold answer and
``answer_in_corpus`` are read afterwards, to score, by the dataset's protocol (SQuAD's
normalisation): short-answer exact match and token F1, wrong short answers (token F1 of 0),
answer-bearing (the gold answer inside the text shown) and false abstentions. The authors'
GPT-3 baseline is scored by the same code.

Example:
    >>> quiz = load_realtimeqa(Path("../shared/datasets/realtimeqa/dev"))
    >>> run = run_quiz(quiz, settings=Settings(), eval_dir=Path(".newsrag/evals"))
    >>> run.records[0].answer.short
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from evals.index import EvalIndex, open_index
from rag import NewsRAG, NewsragError, Settings

SHARED_REALTIMEQA = Path("../shared/datasets/realtimeqa/dev")
_FILES = ("corpus.jsonl", "queries.jsonl")
_BASELINE = "baseline-gpt3-gcs-gen.jsonl"


@dataclass(frozen=True)
class QuizQuestion:
    """One quiz question: what the system sees (``query``, ``date``) and the gold fields."""

    qid: str
    date: str  # YYYY-MM-DD, the day it was asked
    query: str
    answer: str
    answer_in_corpus: bool
    source: str = ""  # who wrote the quiz; for the report only


@dataclass(frozen=True)
class QuizSet:
    """A RealTime QA split: its article file, questions and the authors' baseline answers."""

    name: str
    corpus: Path
    questions: tuple[QuizQuestion, ...]
    baseline: dict[str, str] = field(default_factory=dict)  # qid -> GPT-3's prediction

    def select(self, *, limit: int | None = None) -> QuizSet:
        """The first ``limit`` questions."""
        questions = self.questions[:limit] if limit else self.questions
        return QuizSet(self.name, self.corpus, questions, self.baseline)


@dataclass(frozen=True)
class QuizAnswer:
    """What ``NewsRAG.ask`` said: the short answer, the text shown, and how it was read."""

    short: str | None
    text: str
    abstained: bool
    kind: str  # the answer kind read from the question
    ms: float
    citations: int = 0
    filters: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class QuizRecord:
    """One question with our answer (and the baseline's prediction, when the split has one)."""

    question: QuizQuestion
    answer: QuizAnswer
    baseline: str | None = None


@dataclass(frozen=True)
class QuizRun:
    """Everything a report needs."""

    quiz: QuizSet
    records: tuple[QuizRecord, ...]
    index: EvalIndex
    answerer: str
    started_at: str = ""


def default_folder() -> Path:
    """``../shared/datasets/realtimeqa/dev`` (relative to the working directory)."""
    return SHARED_REALTIMEQA


def load_realtimeqa(folder: Path) -> QuizSet:
    """A split folder with ``corpus.jsonl``, ``queries.jsonl`` and (optionally) the GPT-3
    baseline's ``baseline-gpt3-gcs-gen.jsonl``.

    Raises:
        NewsragError: a file is missing or a line is not a question record.
    """
    missing = [name for name in _FILES if not (folder / name).is_file()]
    if missing:
        raise NewsragError(
            f"{folder} has no {' or '.join(missing)}: point --dataset-dir at a RealTime QA split "
            f"folder (e.g. {SHARED_REALTIMEQA}) holding {' and '.join(_FILES)}."
        )
    questions = []
    for number, record in enumerate(_read_jsonl(folder / "queries.jsonl"), start=1):
        try:
            questions.append(
                QuizQuestion(
                    qid=str(record["question_id"]),
                    date=str(record["question_date"])[:10],
                    query=str(record["query"]),
                    answer=str(record["answer"]),
                    answer_in_corpus=bool(record["answer_in_corpus"]),
                    source=str(record.get("question_source", "")),
                )
            )
        except (KeyError, TypeError) as exc:
            raise NewsragError(
                f"{folder / 'queries.jsonl'} line {number} is not a RealTime QA question "
                f"(missing {exc}); expected question_id, question_date, query, answer, "
                "answer_in_corpus."
            ) from None
    baseline = {}
    if (folder / _BASELINE).is_file():
        baseline = {
            str(r["question_id"]): str(r.get("prediction", ""))
            for r in _read_jsonl(folder / _BASELINE)
        }
    name = f"realtimeqa-{folder.name}"
    return QuizSet(name, folder / "corpus.jsonl", tuple(questions), baseline)


def _read_jsonl(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise NewsragError(f"{path} line {number} is not JSON ({exc.msg}).") from None
    return rows


def ask_quiz(app: NewsRAG, question: QuizQuestion, *, answerer: str | None = None) -> QuizAnswer:
    """Ask ``question.query`` as of ``question.date``; nothing else is passed."""
    started = time.perf_counter()
    answer = app.ask(question.query, as_of=question.date, answerer=answerer)
    ms = (time.perf_counter() - started) * 1000
    short = None if answer.abstained else answer.short_answer
    # what a reader sees: the short answer above the quoted sentences (or the answer's text)
    quoted = " ".join(s.text for s in answer.sentences) if answer.sentences else answer.text
    shown = f"{short}\n{quoted}" if short else quoted
    return QuizAnswer(
        short=short,
        text=shown,
        abstained=answer.abstained,
        kind=answer.answer_kind or "other",
        ms=ms,
        citations=len(answer.citations),
        filters=dict(answer.filters),
    )


def run_quiz(
    quiz: QuizSet,
    *,
    settings: Settings,
    eval_dir: Path,
    answerer: str | None = None,
    rebuild: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> QuizRun:
    """Index the split's articles (reused when unchanged) and ask every question."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    embed = (lambda done, total: progress("embedding", done, total)) if progress else None
    app, index = open_index(
        [quiz.corpus], settings=settings, eval_dir=eval_dir, rebuild=rebuild, progress=embed
    )
    records = []
    for n, question in enumerate(quiz.questions, start=1):
        answer = ask_quiz(app, question, answerer=answerer)
        records.append(QuizRecord(question, answer, quiz.baseline.get(question.qid)))
        if progress:
            progress("questions", n, len(quiz.questions))
    name = answerer or settings.answer.default
    return QuizRun(quiz, tuple(records), index, name, started)
