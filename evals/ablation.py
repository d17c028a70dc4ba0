"""What each retrieval lever contributes: the same questions scored with the defaults and with
one lever taken away at a time, in one run, on one index (the levers change no indexed data).

Example:
    >>> rows = ablate(dataset, settings=Settings(), eval_dir=Path(".newsrag/evals"))
    >>> write_ablation(rows, Path("out"))  # ablation.md, ablation.json
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.datasets import Dataset
from evals.markdown import fmt
from evals.runner import RunOptions, evaluate
from rag import Settings

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Lever:
    """One row of the table: a name and the retrieval settings (and mode) it changes."""

    name: str
    retrieval: dict[str, Any]
    mode: str | None = None


LEVERS: tuple[Lever, ...] = (
    Lever("newsrag, defaults", {}),
    Lever("- clause coverage (retrieval.clause_coverage=0)", {"clause_coverage": 0.0}),
    Lever("- sentence re-scoring (retrieval.sentence_rescore=0)", {"sentence_rescore": 0.0}),
    Lever("- outlet sub-queries (retrieval.plan_queries=false)", {"plan_queries": False}),
    Lever("- z-score fusion (confidence-weighted RRF instead)", {"fusion": "rrf"}),
    Lever("BM25 only (mode bm25)", {}, mode="bm25"),
    Lever("dense only (mode dense)", {}, mode="dense"),
)


@dataclass(frozen=True)
class AblationRow:
    """The retrieval figures of one lever setting, and the retrieval settings it ran with."""

    name: str
    n: int
    figures: dict[str, float | None]
    retrieval: dict[str, Any]


def ablate(
    dataset: Dataset,
    *,
    settings: Settings,
    eval_dir: Path,
    k: int = 10,
    levers: Sequence[Lever] = LEVERS,
    progress: Progress | None = None,
) -> list[AblationRow]:
    """Score retrieval on ``dataset`` once per lever (the first is normally the defaults)."""
    rows = []
    for lever in levers:
        changed = settings.model_copy(
            update={"retrieval": settings.retrieval.model_copy(update=lever.retrieval)}
        )
        options = RunOptions(k=k, answers=False, mode=lever.mode)
        run = evaluate(
            dataset, settings=changed, eval_dir=eval_dir, options=options, progress=progress
        )
        scores = run.summary.retrieval
        figures: dict[str, float | None] = {}
        if scores is not None:
            figures = {
                "hits@4": scores.hits.get(4),
                f"hits@{k}": scores.hits.get(k),
                f"mrr@{k}": scores.mrr,
                f"map@{k}": scores.map,
                f"all_evidence@{k}": scores.all_evidence,
            }
        figures["search_p50_ms"] = run.summary.latency_ms.get("search_p50")
        used = dict(run.config["retrieval"])  # type: ignore[call-overload]
        rows.append(AblationRow(lever.name, scores.n if scores else 0, figures, used))
    return rows


def ablation_table(rows: Sequence[AblationRow]) -> list[str]:
    """The rows as a Markdown table (figures to 3 places, latency in ms)."""
    names = list(rows[0].figures) if rows else []
    lines = [
        "| retrieval | " + " | ".join(names) + " |",
        "| --- | " + " | ".join("---" for _ in names) + " |",
    ]
    for row in rows:
        cells = [
            fmt(row.figures[n], 0) if n.endswith("_ms") else fmt(row.figures[n], 3) for n in names
        ]
        lines.append(f"| {row.name} | " + " | ".join(cells) + " |")
    return lines


def write_ablation(rows: Sequence[AblationRow], out: Path, *, title: str = "") -> Path:
    """Write ``ablation.md`` and ``ablation.json`` to ``out``; returns the Markdown path."""
    out.mkdir(parents=True, exist_ok=True)
    n = rows[0].n if rows else 0
    head = [f"# Retrieval ablation{': ' + title if title else ''}", ""]
    head.append(f"Each row takes one lever away from the defaults; {n} questions with evidence.")
    (out / "ablation.md").write_text(
        "\n".join([*head, "", *ablation_table(rows), ""]), encoding="utf-8"
    )
    doc = [{"name": r.name, "n": r.n, **r.figures, "retrieval": r.retrieval} for r in rows]
    (out / "ablation.json").write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return out / "ablation.md"
