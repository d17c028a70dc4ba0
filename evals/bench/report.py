"""The bench's outputs: the figures as rows (goal, measured, met?), printed as a table and
written as ``bench.json``, ``bench.md`` and ``bench.png`` (cost vs corpus size).

Example:
    >>> rows = goal_rows(results)
    >>> write_outputs(results, rows, Path("bench-out"))
"""

from __future__ import annotations

import json
import logging
import statistics
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Row:
    """One figure: what, the measured value as text, the goal as text, and whether it holds
    (``None`` when there is no goal or it was not measured)."""

    name: str
    value: str
    goal: str
    met: bool | None


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def goal_rows(results: dict[str, Any]) -> list[Row]:
    """The figures the issue sets goals for, from the bench's result sections."""
    rows: list[Row] = []
    ing = results.get("ingest")
    if ing:
        floor = (  # several runs: the median of each run against its own floor
            statistics.median(ing.floor_ratios)
            if ing.floor_ratios
            else _ratio(ing.seconds, ing.floor_seconds)
        )
        rows.append(
            Row(f"ingest {ing.chunks} chunks ({ing.backend})", f"{ing.seconds:.1f} s", "", None)
        )
        value = f"{floor:.2f}x"
        if ing.floor_ratios:
            low, high = min(ing.floor_ratios), max(ing.floor_ratios)
            value += f" (median of {len(ing.floor_ratios)}: {low:.2f}-{high:.2f}x)"
        rows.append(Row("ingest / its embedding floor", value, "<= 1.10x", floor <= 1.10))
        if ing.model_seconds:
            slowed = _ratio(ing.model_seconds, ing.floor_seconds)
            rows.append(
                Row(
                    "model calls inside the ingest",
                    f"{ing.model_seconds:.1f} s ({slowed:.2f}x the floor)",
                    "",
                    None,
                )
            )
        if ing.llama_index_seconds is not None:
            speed = ing.llama_index_seconds / ing.seconds
            rows.append(
                Row(
                    f"LlamaIndex default ({ing.llama_index_nodes} nodes) / ours",
                    f"{speed:.2f}x ({ing.llama_index_seconds:.1f} s)",
                    ">= 2x",
                    speed >= 2,
                )
            )
            li_floor = _ratio(ing.llama_index_seconds, ing.llama_index_floor_seconds)
            rows.append(Row("LlamaIndex default / its torch floor", f"{li_floor:.2f}x", "", None))
        if ing.torch_floor_seconds is not None:
            gain = ing.torch_floor_seconds / ing.floor_seconds
            rows.append(Row("embedding throughput vs torch", f"{gain:.2f}x", ">= 2x", gain >= 2))
        rows.append(
            Row(
                "re-ingest unchanged",
                f"{ing.reingest_seconds:.2f} s",
                "<= 3 s",
                ing.reingest_seconds <= 3,
            )
        )
    q = results.get("query")
    if q:
        rows.append(
            Row(
                f"warm ask p50 ({q.chunks} chunks)",
                f"{q.ask_ms.p50:.0f} ms",
                "<= 50 ms",
                q.ask_ms.p50 <= 50,
            )
        )
        rows.append(Row("warm ask p95", f"{q.ask_ms.p95:.0f} ms", "<= 150 ms", q.ask_ms.p95 <= 150))
        ratio = _ratio(q.search_ms.p50, q.floor_ms.p50)
        rows.append(
            Row(
                "retrieval p50 / floor p50",
                f"{ratio:.2f}x ({q.search_ms.p50:.0f} / {q.floor_ms.p50:.0f} ms)",
                "<= 1.3x",
                ratio <= 1.3,
            )
        )
        if q.cold_ask_s:
            cold = sorted(q.cold_ask_s)[len(q.cold_ask_s) // 2]
            rows.append(Row("cold `newsrag ask` (median)", f"{cold:.2f} s", "<= 4 s", cold <= 4))
    if results.get("feeds"):
        rows += feed_rows(results["feeds"])
    s = results.get("serve")
    if s:
        rows.append(
            Row(
                f"/ask, {s.callers} callers, {s.seconds:.0f} s",
                f"{s.answers_per_s:.1f} answers/s",
                ">= 20/s",
                s.answers_per_s >= 20,
            )
        )
        rows.append(
            Row("/ask p50 / p95", f"{s.latency_ms.p50:.0f} / {s.latency_ms.p95:.0f} ms", "", None)
        )
        rows.append(Row("/ask errors", str(s.errors), "0", s.errors == 0))
        rows.append(
            Row("server peak RSS", f"{s.peak_rss_mb:.0f} MB", "<= 1200 MB", s.peak_rss_mb <= 1200)
        )
    for point in results.get("scale", []):
        rows.append(
            Row(
                f"scale {point.chunks:,} chunks",
                f"search p50 {point.search_ms.p50:.0f} ms, build {point.build_s:.0f} s, "
                f"disk {point.disk_mb:.0f} MB, peak RSS {point.peak_rss_mb:.0f} MB",
                "",
                None,
            )
        )
    return rows


def feed_rows(f: Any) -> list[Row]:
    """The feeds bench's figures (a ``FeedBench``): a poll of unchanged feeds should send one
    conditional request per feed and read and embed nothing."""
    u, new = f.unchanged, f.new_entry
    only_conditional = u.requests == u.conditional == f.feeds
    return [
        Row(
            f"feeds: first poll ({f.feeds} feeds, {f.feeds * f.entries_per_feed} entries)",
            f"{f.first.seconds:.1f} s, {f.first.chunks_embedded} chunks embedded",
            "",
            None,
        ),
        Row("feeds: poll of unchanged feeds", f"{u.seconds:.2f} s", "", None),
        Row(
            "feeds: its requests",
            f"{u.requests} sent, {u.conditional} conditional, {u.not_modified} got 304",
            f"{f.feeds}, all conditional",
            only_conditional,
        ),
        Row(
            "feeds: its entries read / chunks embedded",
            f"{u.entries_read} / {u.chunks_embedded}",
            "0 / 0",
            u.entries_read == 0 and u.chunks_embedded == 0,
        ),
        Row(
            "feeds: new entry, poll storing it",
            f"{new.seconds:.2f} s ({new.requests} requests, {new.chunks_embedded} chunks embedded)",
            "",
            None,
        ),
        Row(
            "feeds: new entry, first answer",
            f"{f.answer_s * 1000:.0f} ms, {'cites it' if f.answerable else 'does not cite it'}",
            "cites it",
            f.answerable,
        ),
        Row(
            "feeds: new entry published -> answered",
            f"{f.answerable_s:.2f} s + up to {f.every_minutes:g} min until a poll (feeds.every)",
            "",
            None,
        ),
    ]


def format_table(rows: list[Row]) -> str:
    """The rows as aligned plain text for the terminal."""
    width = max((len(r.name) for r in rows), default=10)
    vwidth = max((len(r.value) for r in rows), default=10)
    mark = {True: "ok", False: "MISSED", None: ""}
    return "\n".join(
        f"{r.name:<{width}}  {r.value:<{vwidth}}  {r.goal:<10}  {mark[r.met]}".rstrip()
        for r in rows
    )


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def write_outputs(results: dict[str, Any], rows: list[Row], out: Path) -> list[str]:
    """Write ``bench.json``, ``bench.md`` and, when there are scale points, ``bench.png``;
    returns the file names written."""
    out.mkdir(parents=True, exist_ok=True)
    payload = {key: _plain(value) for key, value in results.items()}
    payload["goals"] = [asdict(r) for r in rows]
    (out / "bench.json").write_text(json.dumps(payload, indent=2), encoding="utf-8")
    md = [
        "# newsrag bench",
        "",
        f"Machine: {results['machine']}",
        "",
        f"Command: `{results['command']}`",
        "",
    ]
    md += ["| figure | measured | goal | met |", "| --- | --- | --- | --- |"]
    mark = {True: "yes", False: "**no**", None: ""}
    md += [f"| {r.name} | {r.value} | {r.goal} | {mark[r.met]} |" for r in rows]
    (out / "bench.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    written = ["bench.json", "bench.md"]
    if results.get("scale"):
        _plot_scale(results["scale"], out / "bench.png")
        written.append("bench.png")
    return written


def _plot_scale(points: list[Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [p.chunks for p in points]
    panels = (
        ("search p50 (ms)", [p.search_ms.p50 for p in points]),
        ("build (s)", [p.build_s for p in points]),
        ("disk (MB)", [p.disk_mb for p in points]),
        ("peak RSS (MB)", [p.peak_rss_mb for p in points]),
    )
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.4), dpi=110)
    try:
        for ax, (title, values) in zip(axes, panels, strict=True):
            ax.plot(sizes, values, marker="o")
            ax.set_xscale("log")
            ax.set_title(title)
            ax.set_xlabel("chunks")
            ax.grid(alpha=0.3)
        fig.suptitle("newsrag cost vs corpus size (synthetic chunks)")
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
