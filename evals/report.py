"""Writes a run to a folder: ``metrics.json`` (figures + settings), ``per_question.jsonl``
(what came back for each question, with its scores), ``report.md`` and PNG plots; the few lines
a run prints (``summary_lines``); and compares two runs' ``metrics.json``.

Example:
    >>> write_report(run, Path("runs/today"))
    >>> rows = comparison(load_metrics(Path("runs/before")), load_metrics(Path("runs/today")))
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from evals import metrics
from evals.markdown import SHORT_ANSWER_NOTE, fmt, render
from evals.plots import plot_comparison, write_plots
from evals.records import QuestionRecord, RetrievalResult, RetrievalScores, Summary
from evals.runner import EvalRun
from rag import NewsragError

log = logging.getLogger(__name__)
_SECTIONS = ("retrieval", "baseline", "answers", "citations", "latency_ms")
_JUDGE_FIGURES = ("pass_rate", "mean_score")


def _retrieval(scores: RetrievalScores | None, k: int) -> dict[str, float] | None:
    if scores is None:
        return None
    out: dict[str, float] = {"n": scores.n}
    out |= {f"hits@{j}": v for j, v in sorted(scores.hits.items())}
    return out | {
        f"mrr@{k}": scores.mrr,
        f"map@{k}": scores.map,
        f"all_evidence@{k}": scores.all_evidence,
        f"map@{k}_perfect": scores.map_best,
    }


def _answers(summary: Summary) -> dict[str, Any] | None:
    out: dict[str, Any] = asdict(summary.answers) if summary.answers else {}
    if summary.abstention is not None:
        a = summary.abstention
        out["abstention"] = asdict(a)
        out["abstention_rate"] = (
            a.n_abstained / summary.n_questions if summary.n_questions else None
        )
    return out or None


def metrics_doc(run: EvalRun) -> dict[str, Any]:
    """The metrics.json document: figures overall and per question type, then the settings."""
    s, k = run.summary, int(run.config["retrieval"]["k"])  # type: ignore[index]
    types = s.by_type.items()
    latency = dict(s.latency_ms)
    main = "ask" if "ask_p50" in latency else "search"
    return {
        "n_questions": s.n_questions,
        "retrieval": _retrieval(s.retrieval, k),
        "retrieval_by_type": {t: _retrieval(x.retrieval, k) for t, x in types if x.retrieval},
        "baseline": _retrieval(s.baseline, k),
        "baseline_by_type": {t: _retrieval(x.baseline, k) for t, x in types if x.baseline},
        "answers": _answers(s),
        "answers_by_type": {t: _answers(x) for t, x in types},
        "citations": asdict(s.citations) if s.citations else None,
        "citations_by_type": {t: asdict(x.citations) for t, x in types if x.citations},
        "latency_ms": {"p50": latency.get(f"{main}_p50"), "p95": latency.get(f"{main}_p95")}
        | latency,
        "ingest_s": run.index.ingest.seconds,
        "config": run.config,
        "started_at": run.started_at,
        "notes": [SHORT_ANSWER_NOTE],
    } | _judge(s)


def _judge(summary: Summary) -> dict[str, Any]:
    """The judge's columns, only when a judge graded the run (never present otherwise)."""
    if summary.judge is None:
        return {}
    by_type = {t: x.judge for t, x in summary.by_type.items() if x.judge}
    return {
        "judge": {m: asdict(v) for m, v in summary.judge.items()},
        "judge_by_type": {t: {m: asdict(v) for m, v in j.items()} for t, j in by_type.items()},
    }


def question_row(record: QuestionRecord, *, k: int) -> dict[str, Any]:
    """One line of per_question.jsonl: question, gold, answer, short answer, retrieved ids,
    the ranks holding gold facts, and the question's own scores."""
    q = record.question
    row: dict[str, Any] = {
        "qid": q.qid,
        "query": q.query,
        "question_type": q.question_type,
        "gold_answer": q.answer,
        "gold_facts": [e.fact for e in q.evidence],
        "gold_articles": list(record.gold_articles),
        "retrieval": _retrieval_row(record.retrieval, k=k),
    }
    if record.answer is not None:
        a = record.answer
        row["answer"] = {
            **asdict(a),
            "lenient": metrics.lenient_match(a.short_answer, q.answer),
            "exact_match": metrics.exact_match(a.short_answer, q.answer),
            "token_f1": metrics.token_f1(a.short_answer, q.answer),
            "citation_precision": metrics.citation_precision([bool(c.facts) for c in a.citations]),
            "citation_recall": metrics.citation_recall(a.cited_articles, record.gold_articles),
        }
        if a.grade is None:
            del row["answer"]["grade"]
    if record.baseline is not None:
        row["baseline"] = _retrieval_row(record.baseline, k=k)
    return row


def _retrieval_row(result: RetrievalResult, *, k: int) -> dict[str, Any]:
    found = result.found
    return {
        "retrieved_ids": [c.chunk_id for c in result.chunks],
        "hit_ranks": [c.rank for c in result.chunks if c.facts],
        "n_facts": result.n_facts,
        "reciprocal_rank": metrics.reciprocal_rank(found, k=k),
        "average_precision": metrics.average_precision(found, n_facts=result.n_facts, k=k),
        "all_evidence": metrics.all_found(found, n_facts=result.n_facts, k=k),
        "ms": result.ms,
        "chunks": [asdict(c) for c in result.chunks],
    }


def write_report(run: EvalRun, out: Path) -> dict[str, Any]:
    """Write metrics.json, per_question.jsonl, report.md and the plots into ``out`` (created).

    Returns:
        The metrics.json document.
    """
    out.mkdir(parents=True, exist_ok=True)
    k = int(run.config["retrieval"]["k"])  # type: ignore[index]
    doc = metrics_doc(run)
    (out / "metrics.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    with (out / "per_question.jsonl").open("w", encoding="utf-8") as f:
        for record in run.records:
            f.write(json.dumps(question_row(record, k=k), ensure_ascii=False) + "\n")
    plots = write_plots(run, out)
    (out / "report.md").write_text(render(run, plots=plots), encoding="utf-8")
    return doc


def summary_lines(doc: dict[str, Any]) -> list[str]:
    """The few lines a run prints: what was indexed and the overall figures."""
    config, index = doc["config"], doc["config"]["index"]
    k = config["retrieval"]["k"]
    built = "reused" if index["reused"] else f"ingest {doc['ingest_s']:.0f} s"
    lines = [
        f"{config['dataset']}: {doc['n_questions']} questions; index {index['key']} "
        f"({index['articles']} articles, {index['chunks']} chunks, {built})"
    ]
    names = ["hits@1", "hits@4", f"hits@{k}", f"mrr@{k}", f"map@{k}", f"all_evidence@{k}"]
    for section, label in (("retrieval", "newsrag"), ("baseline", "baseline")):
        if doc.get(section):
            n = doc[section]["n"]
            figures = "  ".join(f"{name} {fmt(doc[section].get(name))}" for name in names)
            lines.append(f"{label:9s} {figures}  (n={n})")
        if section == "retrieval" and (best := doc[section].get(f"map@{k}_perfect")):
            lines.append(f"{'':9s} map@{k} of perfect retrieval {fmt(best)} (a chunk a fact)")
    if doc.get("answers") and "lenient" in doc["answers"]:
        a = doc["answers"]
        figures = "  ".join(f"{n} {fmt(a[n])}" for n in ("lenient", "exact_match", "token_f1"))
        lines.append(f"answers   {figures}  (short answers: {a['short_answers']} of {a['n']})")
    if doc.get("answers") and "abstention" in doc["answers"]:
        a = doc["answers"]["abstention"]
        lines.append(
            f"abstain   precision {fmt(a['precision'])}  recall {fmt(a['recall'])}  "
            f"(null questions {a['n_null']}, abstentions {a['n_abstained']})"
        )
    if doc.get("citations"):
        c = doc["citations"]
        lines.append(
            f"citations precision {fmt(c['precision'])}  recall {fmt(c['recall'])}  "
            f"verified share {fmt(c['verified_share'])}"
        )
    if doc.get("judge"):
        parts = [
            f"{check} {fmt(j['pass_rate'])} ({j['unparseable']} unparseable, {j['errors']} errors)"
            for check, j in doc["judge"].items()
        ]
        lines.append("judge     pass rate: " + "  ".join(parts))
    latency = doc["latency_ms"]
    parts = [
        f"{name} p50 {fmt(latency[f'{name}_p50'], 0)} / p95 {fmt(latency[f'{name}_p95'], 0)} ms"
        for name in ("search", "ask", "baseline_search")
        if f"{name}_p50" in latency
    ]
    lines.append("latency   " + "  ".join(parts))
    return lines


def load_metrics(path: Path) -> dict[str, Any]:
    """A run's metrics.json (``path`` is the file or its run folder).

    Raises:
        NewsragError: no metrics.json written by ``newsrag eval`` there.
    """
    file = path / "metrics.json" if path.is_dir() else path
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
        if not isinstance(doc, dict) or "config" not in doc or "retrieval" not in doc:
            raise ValueError
    except (OSError, ValueError):
        raise NewsragError(f"{file}: not a metrics.json written by `newsrag eval`") from None
    return doc


def flatten(doc: dict[str, Any]) -> dict[str, float]:
    """The overall figures of a metrics.json as ``section.name`` -> number."""
    k = doc["config"]["retrieval"]["k"]
    hits = {"hits@1", "hits@4", f"hits@{k}"}  # the protocol's; the curve is in the plots
    out: dict[str, float] = {}
    for section in _SECTIONS:
        for name, value in (doc.get(section) or {}).items():
            if name == "n" or (name.startswith("hits@") and name not in hits):
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                out[f"{section}.{name}"] = float(value)
    for check, figures in (doc.get("judge") or {}).items():
        for name in _JUDGE_FIGURES:
            if isinstance(figures.get(name), int | float):
                out[f"judge.{check}.{name}"] = float(figures[name])
    if isinstance(doc.get("ingest_s"), int | float):
        out["ingest_s"] = float(doc["ingest_s"])
    return out


def comparison(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per figure of either run: metric, before, after, delta (None if one lacks it)."""
    old, new = flatten(before), flatten(after)
    rows = []
    for name in [*new, *(n for n in old if n not in new)]:
        a, b = old.get(name), new.get(name)
        rows.append(
            {
                "metric": name,
                "before": a,
                "after": b,
                "delta": None if a is None or b is None else b - a,
            }
        )
    return rows


def write_comparison(first: Path, second: Path, out: Path) -> tuple[list[dict[str, Any]], bool]:
    """Compare two runs; writes ``compare.md`` and ``compare.png`` into ``out``.

    Returns:
        The rows, and whether both runs asked the same questions (else deltas mislead).
    """
    before, after = load_metrics(first), load_metrics(second)
    same = before["config"].get("questions_digest") == after["config"].get("questions_digest")
    rows = comparison(before, after)
    out.mkdir(parents=True, exist_ok=True)
    lines = [f"# `{second}` compared with `{first}`", ""]
    if not same:
        lines += ["**The two runs asked different questions: the deltas are not comparable.**", ""]
    lines += ["| metric | before | after | Δ |", "| --- | --- | --- | --- |"]
    for r in rows:
        delta = "–" if r["delta"] is None else f"{r['delta']:+.4f}"
        lines.append(f"| {r['metric']} | {fmt(r['before'])} | {fmt(r['after'])} | {delta} |")
    if plot_comparison(rows, out / "compare.png"):
        lines += ["", "![compare.png](compare.png)"]
    (out / "compare.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rows, same


def shown_lines(
    doc: dict[str, Any], out: Path, summary: Callable[[dict[str, Any]], list[str]], *, as_json: bool
) -> list[str]:
    """What an eval command prints once its report is written: ``doc`` as JSON, or its
    ``summary`` lines and where the report is."""
    if as_json:
        return [json.dumps(doc, indent=2)]
    return [*summary(doc), f"report: {out / 'report.md'}"]
