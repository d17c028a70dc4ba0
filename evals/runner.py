"""Runs an evaluation: builds (or reuses) the eval index, asks every question through
``NewsRAG``'s public API, and records what came back next to the gold data.

The system only ever sees ``Question.query``: gold answers and evidence are read after the
fact, to score. The eval index lives under ``<eval dir>/index-<key>``, where the key hashes the
corpus files' content and the settings that change what is indexed (chunk size, overlap,
embedding model); a run with the same key embeds nothing again.

Example:
    >>> run = evaluate(load_gold(Path("evals/gold/corpus.json"), corpus=(Path("corpus"),)),
    ...                settings=Settings(), eval_dir=Path(".newsrag/evals"))
    >>> run.summary.retrieval.mrr
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from evals import metrics
from evals.baseline import BaselineConfig, BaselineHit, BaselineIndex
from evals.datasets import Dataset, Question
from evals.index import EvalIndex, corpus_digest, embedding_model, open_index
from evals.judging import check_judge, grade_answer
from evals.records import (
    AnswerResult,
    CitedChunk,
    QuestionRecord,
    RetrievalResult,
    RetrievedChunk,
    Summary,
    summarize,
)
from rag import Answer, Hit, Judge, NewsRAG, NewsragError, Settings

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stage is "embedding" (ingest) or "questions"."""


@dataclass(frozen=True)
class RunOptions:
    """What one evaluation does.

    ``k`` chunks are scored per question (the protocol's top 10); ``answers`` also calls
    ``ask`` (with the engine's own ``top_k``); ``baseline`` also runs LlamaIndex's defaults;
    ``answerer`` names the answerer ``ask`` uses (default: the settings'); ``judge`` (a
    configured LLM's name or a ``provider:model[@url]`` spec) grades each answer with
    LlamaIndex's evaluators.
    """

    k: int = 10
    answers: bool = True
    baseline: BaselineConfig | None = None
    mode: str | None = None
    rebuild: bool = False
    answerer: str | None = None
    judge: str | None = None


@dataclass(frozen=True)
class EvalRun:
    """Everything a report needs: the settings used, per-question records and the figures."""

    config: dict[str, object]
    records: tuple[QuestionRecord, ...]
    summary: Summary
    index: EvalIndex
    started_at: str = ""


def retrieve(
    app: NewsRAG, question: Question, *, k: int, mode: str | None = None
) -> RetrievalResult:
    """The top ``k`` chunks of ``NewsRAG.search`` for the question text, scored against its
    gold facts (which the search never sees)."""
    started = time.perf_counter()
    hits = app.search(question.query, top_k=k, mode=mode)  # type: ignore[arg-type]
    ms = (time.perf_counter() - started) * 1000
    return _scored(hits, question, ms)


def answer(
    app: NewsRAG, question: Question, *, answerer: str | None = None, judge: Judge | None = None
) -> AnswerResult:
    """What ``NewsRAG.ask`` answers for the question text (with ``answerer``, default the
    settings'); each citation is then checked for the question's gold facts in the chunk it
    cites, and the ``judge`` (if any) grades it against the gold answer."""
    result: Answer = app.ask(question.query, answerer=answerer)
    texts = {h.chunk_id: h.text for h in result.hits}
    facts = [e.fact for e in question.evidence]
    # one citation per article; each of its quotes is scored on the chunk it was read from
    quoted = [(c, q) for c in result.citations for q in c.spans]
    cited = [texts.get(q.chunk_id, q.text) for _, q in quoted]
    return AnswerResult(
        text=result.text,
        short_answer=result.short_answer,
        abstained=result.abstained,
        citations=tuple(
            CitedChunk(
                n=c.n,
                chunk_id=q.chunk_id,
                article=metrics.article_key(url=c.url, title=c.title),
                facts=tuple(sorted(found)),
            )
            for (c, q), found in zip(quoted, metrics.facts_found(cited, facts), strict=True)
        ),
        verified_share=result.verified_share,
        ms=float(result.timings_ms.get("total", 0.0)),
        answerer=result.answerer,
        grade=None
        if judge is None
        else grade_answer(judge, question=question.query, answer=result, reference=question.answer),
    )


def baseline_retrieve(base: BaselineIndex, question: Question, *, k: int) -> RetrievalResult:
    """The baseline's top ``k`` nodes for the question text, scored like ours."""
    started = time.perf_counter()
    hits = base.search(question.query, top_k=k)
    return _scored(hits, question, (time.perf_counter() - started) * 1000)


def _scored(hits: Sequence[Hit | BaselineHit], question: Question, ms: float) -> RetrievalResult:
    facts = [e.fact for e in question.evidence]
    found = metrics.facts_found([h.text for h in hits], facts)
    chunks = tuple(
        RetrievedChunk(
            rank=rank,
            chunk_id=h.chunk_id if isinstance(h, Hit) else h.node_id,
            article=metrics.article_key(url=h.url, title=h.title),
            title=h.title,
            source=h.source,
            published_at=h.published_at,
            facts=tuple(sorted(f)),
        )
        for rank, (h, f) in enumerate(zip(hits, found, strict=True), start=1)
    )
    return RetrievalResult(chunks=chunks, n_facts=len(facts), ms=round(ms, 2))


def run_questions(
    app: NewsRAG,
    questions: Sequence[Question],
    *,
    options: RunOptions = RunOptions(),
    base: BaselineIndex | None = None,
    judge: Judge | None = None,
    progress: Progress | None = None,
) -> list[QuestionRecord]:
    """Ask every question; one record each, in order.

    Raises:
        NewsragError: the judge failed on every check of the first answer it graded.
    """
    records = []
    for done, question in enumerate(questions, start=1):
        record = QuestionRecord(
            question=question,
            retrieval=retrieve(app, question, k=options.k, mode=options.mode),
            answer=answer(app, question, answerer=options.answerer, judge=judge)
            if options.answers
            else None,
            baseline=baseline_retrieve(base, question, k=options.k) if base else None,
        )
        if done == 1 and record.answer is not None and record.answer.grade is not None:
            check_judge(record.answer.grade)
        records.append(record)
        if progress:
            progress("questions", done, len(questions))
    return records


def evaluate(
    dataset: Dataset,
    *,
    settings: Settings,
    eval_dir: Path,
    options: RunOptions = RunOptions(),
    progress: Progress | None = None,
) -> EvalRun:
    """Index the dataset's corpus (or reuse its index), ask every question, score.

    Raises:
        NewsragError: the corpus could not be indexed, or the judge is unreachable.
        ImportError: the judge's LLM backend is not installed.
    """
    started = datetime.now(UTC).isoformat(timespec="seconds")
    names = ["extractive", *(llm.name for llm in settings.llms)]
    if options.answerer is not None and options.answerer not in names:
        raise NewsragError(
            f"No answerer named {options.answerer!r}. Configured: {', '.join(names)}."
        )
    judge = None
    if options.judge and not options.answers:
        raise NewsragError("The judge grades answers: drop --no-answers to use --judge.")
    if options.judge:  # built first: a bad spec fails before any embedding
        judge = Judge.from_spec(options.judge, llms=settings.llms)
    embedding = (lambda done, total: progress("embedding", done, total)) if progress else None
    app, index = open_index(
        dataset.corpus,
        settings=settings,
        eval_dir=eval_dir,
        rebuild=options.rebuild,
        progress=embedding,
    )
    base = None
    if options.baseline is not None:
        b = options.baseline
        model = b.model_path or embedding_model(settings)
        parts = f"{corpus_digest(dataset.corpus)}|{b.chunk_size}|{b.chunk_overlap}|{model}"
        key = hashlib.sha256(parts.encode()).hexdigest()[:16]
        base = BaselineIndex.open(
            corpus=dataset.corpus,
            folder=eval_dir / f"baseline-{key}",
            config=options.baseline,
            show_progress=progress is not None,
        )
    records = run_questions(
        app, dataset.questions, options=options, base=base, judge=judge, progress=progress
    )
    config = describe(dataset, settings=app.settings, index=index, options=options, base=base)
    config["answerer"] = ", ".join(sorted({r.answer.answerer for r in records if r.answer}))
    if judge is not None:
        config["judge"] = {"llm": judge.name, "correctness_pass": judge.correctness_pass}
    return EvalRun(config, tuple(records), summarize(records, k=options.k), index, started)


def describe(
    dataset: Dataset,
    *,
    settings: Settings,
    index: EvalIndex,
    options: RunOptions,
    base: BaselineIndex | None,
) -> dict[str, object]:
    """The settings that produced a run, for metrics.json and the report."""
    questions = json.dumps([(q.query, q.answer) for q in dataset.questions]).encode()
    retrieval = settings.retrieval
    return {
        "dataset": dataset.name,
        "questions_file": dataset.source,
        "questions": len(dataset.questions),
        "questions_digest": hashlib.sha256(questions).hexdigest()[:16],
        "corpus": [str(p) for p in dataset.corpus],
        "index": {
            "key": index.key,
            "path": str(index.data_dir),
            "reused": index.reused,
            "articles": index.articles,
            "chunks": index.chunks,
            "ingest_seconds": index.ingest.seconds,
        },
        "retrieved_unit": (
            f"chunk of at most {min(settings.ingest.chunk_tokens, 256)} word pieces of the "
            "embedding model's tokenizer, title/outlet/date header included; neighbours overlap "
            f"by whole sentences, up to {settings.ingest.overlap_tokens} word pieces"
        ),
        "embedding_model": embedding_model(settings),
        "retrieval": {
            **retrieval.model_dump(mode="json"),
            "mode": options.mode or retrieval.mode,
            "k": options.k,
        },
        "answers": {"enabled": options.answers, "top_k": retrieval.top_k},
        "baseline": None
        if base is None or options.baseline is None
        else {"pipeline": options.baseline.describe(), "nodes": base.nodes},
    }
