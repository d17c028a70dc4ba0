"""PNG plots (matplotlib, files only): a run's retrieval by question type, the distribution of
the first hit's rank, Hits@K for K = 1..k, latency; and the difference between two runs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals.records import Summary
from evals.runner import EvalRun

if TYPE_CHECKING:
    from matplotlib.axes import Axes

log = logging.getLogger(__name__)


def write_plots(run: EvalRun, out: Path) -> list[str]:
    """Write the plots into ``out``; returns their file names (none when nothing to plot)."""
    plt = _pyplot()
    written = []
    for name, draw in (
        ("by_type.png", _by_type),
        ("hit_rank.png", _hit_rank),
        ("hits_at_k.png", _hits_at_k),
        ("latency.png", _latency),
    ):
        fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
        try:
            if draw(ax, run):
                fig.tight_layout()
                fig.savefig(out / name)
                written.append(name)
        finally:
            plt.close(fig)
    return written


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only; never open a window
    import matplotlib.pyplot as plt

    return plt


def _hit_rank(ax: Axes, run: EvalRun) -> bool:
    k = int(run.config["retrieval"]["k"])  # type: ignore[index]
    firsts = [
        next((c.rank for c in r.retrieval.chunks if c.facts), k + 1)
        for r in run.records
        if r.retrieval.n_facts
    ]
    if not firsts:
        return False
    counts = [firsts.count(rank) for rank in range(1, k + 2)]
    labels = [str(rank) for rank in range(1, k + 1)] + ["none"]
    ax.bar(labels, counts)
    ax.set(xlabel=f"rank of the first chunk holding a gold fact (top {k})", ylabel="questions")
    ax.set_title("Where the first hit lands")
    return True


def _hits_at_k(ax: Axes, run: EvalRun) -> bool:
    s: Summary = run.summary
    if s.retrieval is None:
        return False
    for label, scores in (("newsrag", s.retrieval), ("LlamaIndex defaults", s.baseline)):
        if scores is not None:
            ks = sorted(scores.hits)
            ax.plot(ks, [scores.hits[k] for k in ks], marker="o", label=label)
    ax.set(xlabel="K (chunks read)", ylabel="Hits@K", ylim=(0, 1), title="Hits@K")
    ax.grid(alpha=0.3)
    ax.legend()
    return True


def _by_type(ax: Axes, run: EvalRun) -> bool:
    k = int(run.config["retrieval"]["k"])  # type: ignore[index]
    types = [t for t, s in run.summary.by_type.items() if s.retrieval or s.answers]
    if not types:
        return False
    figures = {
        f"Hits@{k}": lambda s: s.retrieval.hits[k] if s.retrieval else None,
        f"MRR@{k}": lambda s: s.retrieval.mrr if s.retrieval else None,
        f"all-evidence@{k}": lambda s: s.retrieval.all_evidence if s.retrieval else None,
        "lenient": lambda s: s.answers.lenient if s.answers else None,
        "citation recall": lambda s: s.citations.recall if s.citations else None,
        **{
            f"judge: {check}": lambda s, c=check: (
                s.judge[c].pass_rate if s.judge and c in s.judge else None
            )
            for check in ("faithfulness", "relevancy", "correctness")
        },
    }
    series = {label: [get(run.summary.by_type[t]) for t in types] for label, get in figures.items()}
    series = {label: v for label, v in series.items() if any(x is not None for x in v)}
    width = 0.8 / max(len(series), 1)
    for i, (label, values) in enumerate(series.items()):
        xs = [x - 0.4 + width * (i + 0.5) for x in range(len(types))]
        ax.bar(xs, [v or 0.0 for v in values], width, label=label)
    ax.set_xticks(list(range(len(types))), [t.removesuffix("_query") for t in types])
    ax.set(ylim=(0, 1), title="By question type")
    ax.legend(fontsize="small")
    return True


def _latency(ax: Axes, run: EvalRun) -> bool:
    series = {
        "search": [r.retrieval.ms for r in run.records],
        "ask": [r.answer.ms for r in run.records if r.answer],
    }
    series = {k: v for k, v in series.items() if v}
    if not series:
        return False
    ax.hist(list(series.values()), bins=30, label=list(series))
    ax.set(xlabel="ms per question", ylabel="questions", title="Latency")
    ax.legend()
    return True


def plot_comparison(rows: list[dict[str, Any]], path: Path) -> bool:
    """Bars of before/after for the 0..1 figures of two runs; False when there are none."""
    shown = [
        r
        for r in rows
        if r["before"] is not None
        and r["after"] is not None
        and 0 <= r["before"] <= 1
        and 0 <= r["after"] <= 1
        and not r["metric"].startswith("latency")
    ]
    if not shown:
        return False
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, max(3, 0.35 * len(shown))), dpi=110)
    try:
        ys = range(len(shown))
        ax.barh([y + 0.2 for y in ys], [r["before"] for r in shown], 0.4, label="before")
        ax.barh([y - 0.2 for y in ys], [r["after"] for r in shown], 0.4, label="after")
        ax.set_yticks(list(ys), [r["metric"] for r in shown])
        ax.set(xlim=(0, 1), title="Two runs compared")
        ax.legend()
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return True
