"""Scoring and reporting a RealTime QA run by the dataset's protocol: ``metrics.json``,
``per_question.jsonl``, ``report.md`` (ours beside the authors' GPT-3 baseline, scored by the
same code, overall and per answer kind) and ``realtimeqa.png``.

Figures, each over all questions and over those whose answer is in the corpus:
- ``exact_match`` / ``token_f1`` of the short answer (no short answer scores 0);
- ``short_answers``: share of questions given one; ``wrong_short``: share given one whose
  token F1 is 0 (a confident wrong answer);
- ``answer_bearing``: share whose shown text holds the normalised gold answer;
- ``false_abstention``: share refused although the answer is in the corpus (answerable only);
- ask latency p50 / p95.

Example:
    >>> score_answer(short="Buffalo Bills", text="He plays for the Buffalo Bills.",
    ...              gold="Buffalo Bills")
    Scored(exact=True, f1=1.0, wrong=False, bearing=True)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from evals import metrics
from evals.markdown import fmt
from evals.realtimeqa import QuizRun


@dataclass(frozen=True)
class Scored:
    """One answer scored against the gold answer."""

    exact: bool
    f1: float
    wrong: bool  # a short answer sharing no token with the gold one
    bearing: bool  # the gold answer appears in the text shown


def score_answer(*, short: str | None, text: str, gold: str) -> Scored:
    """The protocol's figures for one answer (SQuAD v1.1's normalisation throughout, which
    reproduces the dataset README's figures for the GPT-3 baseline to the digit)."""
    f1 = metrics.squad_f1(short, gold)
    target = metrics.squad_normalize(gold)
    return Scored(
        exact=short is not None and metrics.squad_normalize(short) == target,
        f1=f1,
        wrong=short is not None and f1 == 0.0,
        bearing=bool(target) and target in metrics.squad_normalize(text),
    )


def figures(
    scored: Sequence[Scored],
    *,
    abstained: Sequence[bool],
    shorts: Sequence[bool],
    answerable: Sequence[bool],
) -> dict[str, float | int | None]:
    """The protocol's figures over a group of questions (all lists aligned)."""
    n = len(scored)
    if not n:
        return {"n": 0}
    refused = [a and ok for a, ok in zip(abstained, answerable, strict=True)]
    n_answerable = sum(answerable)
    return {
        "n": n,
        "exact_match": sum(s.exact for s in scored) / n,
        "token_f1": sum(s.f1 for s in scored) / n,
        "short_answers": sum(shorts) / n,
        "wrong_short": sum(s.wrong for s in scored) / n,
        "answer_bearing": sum(s.bearing for s in scored) / n,
        "abstained": sum(abstained) / n,
        "false_abstention": sum(refused) / n_answerable if n_answerable else None,
    }


def _group(rows: list[dict[str, Any]], who: str) -> dict[str, Any]:
    return figures(
        [Scored(**r[who]["scored"]) for r in rows],
        abstained=[r[who]["abstained"] for r in rows],
        shorts=[r[who]["short"] is not None for r in rows],
        answerable=[r["answer_in_corpus"] for r in rows],
    )


def question_rows(run: QuizRun) -> list[dict[str, Any]]:
    """One row per question: what was asked, the gold answer, ours and the baseline's."""
    rows = []
    for record in run.records:
        q, a = record.question, record.answer
        ours = score_answer(short=a.short, text=a.text, gold=q.answer)
        row: dict[str, Any] = {
            "question_id": q.qid,
            "date": q.date,
            "query": q.query,
            "gold": q.answer,
            "answer_in_corpus": q.answer_in_corpus,
            "kind": a.kind,
            "ours": {
                "short": a.short,
                "text": a.text,
                "abstained": a.abstained,
                "citations": a.citations,
                "filters": a.filters,
                "ms": round(a.ms, 1),
                "scored": asdict(ours),
            },
        }
        if record.baseline is not None:  # GPT-3's prediction is its short answer and its text
            theirs = score_answer(short=record.baseline, text=record.baseline, gold=q.answer)
            row["baseline"] = {
                "short": record.baseline,
                "abstained": False,
                "scored": asdict(theirs),
            }
        rows.append(row)
    return rows


def metrics_doc(run: QuizRun, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``metrics.json``: figures over all and answerable questions, per kind, and latency."""
    answerable = [r for r in rows if r["answer_in_corpus"]]
    has_baseline = bool(rows) and all("baseline" in r for r in rows)
    doc: dict[str, Any] = {
        "dataset": run.quiz.name,
        "answerer": run.answerer,
        "started_at": run.started_at,
        "index": {
            "key": run.index.key,
            "articles": run.index.articles,
            "chunks": run.index.chunks,
            "reused": run.index.reused,
        },
        "ingest_s": round(run.index.ingest.seconds, 1),
        "n_questions": len(rows),
        "n_answerable": len(answerable),
        "ours": {"all": _group(rows, "ours"), "answerable": _group(answerable, "ours")},
    }
    if has_baseline:
        doc["baseline"] = {
            "name": "GPT-3 (text-davinci-002) + Google search, the authors' run",
            "all": _group(rows, "baseline"),
            "answerable": _group(answerable, "baseline"),
        }
    kinds = sorted({r["kind"] for r in rows})
    doc["by_kind"] = {
        kind: {
            "ours": _group([r for r in answerable if r["kind"] == kind], "ours"),
            **(
                {"baseline": _group([r for r in answerable if r["kind"] == kind], "baseline")}
                if has_baseline
                else {}
            ),
            "n_all": sum(r["kind"] == kind for r in rows),
        }
        for kind in kinds
    }
    latencies = [r["ours"]["ms"] for r in rows]
    doc["latency_ms"] = {
        "ask_p50": metrics.percentile(latencies, 50),
        "ask_p95": metrics.percentile(latencies, 95),
    }
    return doc


_FIGURES = (
    ("exact_match", "short answer exact match"),
    ("token_f1", "short answer token F1"),
    ("short_answers", "questions given a short answer"),
    ("wrong_short", "wrong short answers (F1 = 0)"),
    ("answer_bearing", "answer-bearing (gold answer in the text shown)"),
    ("false_abstention", "false abstentions"),
)


def render(doc: dict[str, Any]) -> str:
    """``report.md``."""
    base = doc.get("baseline")
    index = doc["index"]
    lines = [
        f"# {doc['dataset']}: {doc['n_questions']} questions ({doc['n_answerable']} with the "
        "answer in the corpus)",
        "",
        f"Answerer: {doc['answerer']}. Each question asked as of its date. Index "
        f"{index['key']}: {index['articles']} articles, {index['chunks']} chunks"
        + (" (reused)." if index["reused"] else f" (built in {doc['ingest_s']:.0f} s)."),
        "",
        "| figure | ours, all | ours, answerable |"
        + (" GPT-3, all | GPT-3, answerable |" if base else ""),
        "| --- | --- | --- |" + (" --- | --- |" if base else ""),
    ]
    for key, label in _FIGURES:
        cells = [fmt(doc["ours"]["all"].get(key), 3), fmt(doc["ours"]["answerable"].get(key), 3)]
        if base:
            cells += [fmt(base["all"].get(key), 3), fmt(base["answerable"].get(key), 3)]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "## By answer kind (answerable questions)", ""]
    header = "| kind | questions (all / answerable) | EM | F1 | wrong | answer-bearing |"
    lines += [header + (" GPT-3 EM |" if base else ""), "| --- " * (6 + bool(base)) + "|"]
    for kind, group in doc["by_kind"].items():
        g = group["ours"]
        cells = [
            f"{group['n_all']} / {g['n']}",
            *(fmt(g.get(k), 3) for k in ("exact_match", "token_f1", "wrong_short")),
            fmt(g.get("answer_bearing"), 3),
        ]
        if base:
            cells.append(fmt(group["baseline"].get("exact_match"), 3))
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    latency = doc["latency_ms"]
    lines += [
        "",
        f"`ask` p50 {fmt(latency['ask_p50'], 0)} ms, p95 {fmt(latency['ask_p95'], 0)} ms.",
        "",
        "![ours beside GPT-3](realtimeqa.png)",
    ]
    return "\n".join(lines) + "\n"


def plot(doc: dict[str, Any], path: Path) -> None:
    """Bars of each figure on the answerable questions: ours beside GPT-3's."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = [k for k, _ in _FIGURES]
    ours = [doc["ours"]["answerable"].get(k) or 0.0 for k in keys]
    fig, ax = plt.subplots(figsize=(8, 4), dpi=110)
    try:
        xs = range(len(keys))
        width = 0.38 if doc.get("baseline") else 0.6
        ax.bar([x - width / 2 for x in xs], ours, width, label=f"newsrag ({doc['answerer']})")
        if doc.get("baseline"):
            theirs = [doc["baseline"]["answerable"].get(k) or 0.0 for k in keys]
            ax.bar([x + width / 2 for x in xs], theirs, width, label="GPT-3 + search")
        ax.set_xticks(list(xs), [k.replace("_", " ") for k in keys], rotation=20, ha="right")
        ax.set_ylim(0, 1)
        ax.set_title(f"{doc['dataset']}, {doc['n_answerable']} answerable questions")
        ax.legend()
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)


def write_quiz_report(run: QuizRun, out: Path) -> dict[str, Any]:
    """Write the run's files into ``out``; returns the metrics document."""
    out.mkdir(parents=True, exist_ok=True)
    rows = question_rows(run)
    doc = metrics_doc(run, rows)
    (out / "metrics.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    with (out / "per_question.jsonl").open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    plot(doc, out / "realtimeqa.png")
    (out / "report.md").write_text(render(doc), encoding="utf-8")
    return doc


def summary_lines(doc: dict[str, Any]) -> list[str]:
    """What ``newsrag eval realtimeqa`` prints."""
    index = doc["index"]
    built = "reused" if index["reused"] else f"ingest {doc['ingest_s']:.0f} s"
    lines = [
        f"{doc['dataset']}: {doc['n_questions']} questions ({doc['n_answerable']} answerable); "
        f"index {index['key']} ({index['articles']} articles, {index['chunks']} chunks, {built})"
    ]
    names = ("exact_match", "token_f1", "wrong_short", "answer_bearing", "false_abstention")
    for who, label in (("ours", "newsrag"), ("baseline", "GPT-3")):
        if doc.get(who):
            for scope in ("answerable", "all"):
                g = doc[who][scope]
                parts = "  ".join(f"{n} {fmt(g.get(n), 3)}" for n in names)
                lines.append(f"{label:8s} {scope:10s} {parts}")
    latency = doc["latency_ms"]
    lines.append(
        f"latency  ask p50 {fmt(latency['ask_p50'], 0)} / p95 {fmt(latency['ask_p95'], 0)} ms"
    )
    return lines
