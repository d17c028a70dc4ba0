"""``newsrag bench``: registered with the ``newsrag`` command through an entry point.

newsrag bench --articles 80 --serve-seconds 20 --scale 10000
newsrag bench                      # the whole MultiHop-RAG corpus, 100k-chunk scale point
newsrag bench --articles 20 --questions 5 --cold-runs 1 --callers 0 --scale 0 --no-llama-index \
    --no-torch                     # little besides the feeds bench (about 20 s of it)
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import click

from evals.bench.feeds import ENTRIES, CorpusTooSmall, measure_feeds
from evals.bench.ingest import measure_ingest, subset_corpus
from evals.bench.query import measure_queries
from evals.bench.report import format_table, goal_rows, write_outputs
from evals.bench.scale import run_scale, stored_so_far
from evals.bench.serve import measure_serving
from rag import NewsRAG, NewsragError, Settings
from rag.cli import command
from rag.ingest.web import read_feeds

_DEFAULT_DATASET = Path("../shared/datasets/multihop-rag")


def machine() -> str:
    """Cores, memory and platform of this machine, for the report."""
    mem_gb = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = int(line.split()[1]) / 2**20
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {mem_gb:.0f} GB RAM, {platform.machine()} "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def _questions(path: Path, n: int) -> list[str]:
    records = json.loads(path.read_text(encoding="utf-8"))
    questions = [r["query"] for r in records if r.get("query")]
    if not questions:
        raise NewsragError(f"No questions ('query' fields) in {path}.")
    return questions[:n]


@click.command("bench")
@click.option(
    "--corpus",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=f"A MultiHop-RAG style corpus.json (default {_DEFAULT_DATASET}/corpus.json).",
)
@click.option(
    "--queries",
    "queries_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Questions in MultiHop-RAG's format (default queries-dev.json beside the corpus).",
)
@click.option("--articles", type=click.IntRange(1), default=None, help="First N articles only.")
@click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Skip ingest: time queries and serving on this existing data directory's index.",
)
@click.option("--questions", type=click.IntRange(1), default=50, help="Questions timed.")
@click.option("--no-llama-index", is_flag=True, help="Skip LlamaIndex's default pipeline.")
@click.option(
    "--llama-overlap",
    type=click.IntRange(0),
    default=200,
    help="Its SentenceSplitter overlap (LlamaIndex's default: 200).",
)
@click.option(
    "--ingest-runs",
    type=click.IntRange(1),
    default=1,
    help="Time the ingest and its floor this many times, alternating; medians are reported.",
)
@click.option("--no-torch", is_flag=True, help="Skip the torch embedding comparison.")
@click.option("--cold-runs", type=click.IntRange(0), default=3, help="Cold `newsrag ask` runs.")
@click.option(
    "--callers", type=click.IntRange(0), default=8, help="Concurrent /ask callers (0: skip)."
)
@click.option("--serve-seconds", type=click.FloatRange(1), default=60.0, help="Serving run length.")
@click.option(
    "--scale",
    "scale_sizes",
    type=click.IntRange(0),
    multiple=True,
    default=(100_000,),
    help="Synthetic collection sizes (repeatable; 0 skips scale).",
)
@click.option(
    "--scale-timeout",
    type=click.FloatRange(1),
    default=None,
    help="Seconds per size (default: 30 minutes per 100,000 chunks, at least 30 minutes); a "
    "size that runs out keeps what it stored, and the next run goes on from there.",
)
@click.option(
    "--feeds/--no-feeds",
    default=True,
    help="Watch a loopback mirror of the feed list (feeds.file): first poll, a poll of "
    "unchanged feeds, and a new entry's time to a cited answer.",
)
@click.option(
    "--feed-entries",
    type=click.IntRange(2),
    default=ENTRIES,
    help="Entries in each mirrored feed.",
)
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="Default DATA_DIR/bench/out."
)
@click.option("--json", "as_json", is_flag=True, help="Print bench.json instead of the table.")
@command
def bench(settings: Settings, **options: Any) -> None:
    """Measure ingest, query, feed watching, serving, memory and scale; print a table, write
    bench.json, bench.md and bench.png."""
    o = options
    corpus = o["corpus"] or _DEFAULT_DATASET / "corpus.json"
    queries = o["queries_file"] or corpus.parent / "queries-dev.json"
    for path in (corpus, queries):
        if not path.is_file():
            raise NewsragError(f"Cannot find {path}. Pass --corpus and --queries.")
    work = settings.data_dir / "bench"
    out = o["out"] or work / "out"
    questions = _questions(queries, o["questions"])
    subset, articles = subset_corpus(corpus, work / "corpus.json", articles=o["articles"])
    # one exported ONNX model for every index the bench builds, kept between runs
    cache = settings.embedding.cache_dir or settings.data_dir / "models"
    env = {**os.environ, "NEWSRAG_EMBEDDING__CACHE_DIR": str(cache)}  # for its processes
    settings = settings.model_copy(
        update={
            "embedding": settings.embedding.model_copy(update={"cache_dir": cache}),
            "chroma": settings.chroma.model_copy(update={"host": None}),
        }
    )
    index_settings = settings.model_copy(update={"data_dir": work / "index"})
    results: dict[str, Any] = {
        "machine": machine(),
        "command": "newsrag bench " + " ".join(sys.argv[2:]),
        "embedding": settings.embedding.model_dump(mode="json"),
    }
    if o["index_dir"]:
        index_settings = settings.model_copy(update={"data_dir": o["index_dir"]})
        app = NewsRAG(index_settings)
    else:
        _note("ingest")
        app, results["ingest"] = measure_ingest(
            subset,
            settings=index_settings,
            articles=articles,
            torch_floor=not o["no_torch"],
            llama_index=not o["no_llama_index"],
            llama_overlap=o["llama_overlap"],
            runs=o["ingest_runs"],
        )
    _note("queries")
    results["query"] = measure_queries(app, questions, cold_runs=o["cold_runs"], env=env)
    if o["feeds"]:
        _note("feeds")
        try:
            results["feeds"] = measure_feeds(
                corpus,
                settings=settings.model_copy(update={"data_dir": work / "feeds"}),
                names=[name for name, _ in read_feeds(settings.feeds.file)],
                entries=o["feed_entries"],
            )
        except CorpusTooSmall as exc:
            click.echo(f"bench: feeds skipped: {exc} (lower --feed-entries)", err=True)
    if o["callers"]:
        _note("serving")
        del app  # one process at a time on the embedded store
        results["serve"] = measure_serving(
            index_settings.data_dir,
            questions,
            callers=o["callers"],
            seconds=o["serve_seconds"],
            env=env,
        )
    results["scale"] = []
    for size in sorted(s for s in o["scale_sizes"] if s):
        _note(f"scale {size}")
        folder = work / f"scale-{size}"
        if not stored_so_far(folder, size):  # a stopped run of this size goes on
            shutil.rmtree(folder, ignore_errors=True)
        timeout = o["scale_timeout"] or 1800.0 * max(1.0, size / 100_000)
        results["scale"].append(run_scale(size, folder, timeout_s=timeout, env=env))
        shutil.rmtree(folder, ignore_errors=True)  # kept only when the run stopped
    rows = goal_rows(results)
    write_outputs(results, rows, out)
    if o["as_json"]:
        click.echo((out / "bench.json").read_text(encoding="utf-8"))
    else:
        click.echo(format_table(rows))
        click.echo(f"\nwritten to {out}")


def _note(step: str) -> None:
    click.echo(f"bench: {time.strftime('%H:%M:%S')} {step} …", err=True)
