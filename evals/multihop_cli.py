"""``newsrag eval multihop`` and ``newsrag eval gold``: question sets in MultiHop-RAG's query
format, scored for retrieval, answers, citations and abstention (``--ablation``: retrieval with
each lever taken away). ``evals.cli`` adds them to the ``eval`` group."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from evals.baseline import LLAMA_INDEX_DEFAULT_OVERLAP, BaselineConfig
from evals.datasets import Dataset, load_gold, load_multihop
from evals.report import shown_lines, summary_lines, write_report
from evals.runner import RunOptions, evaluate
from rag import NewsragError, Settings, parse_llm_spec
from rag.cli import command


def _run_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every eval command takes."""
    options = [
        click.option("--limit", type=click.IntRange(1), default=None, help="First N questions."),
        click.option(
            "--types",
            default="",
            help="Only these question types (comma-separated, e.g. inference_query,null_query).",
        ),
        click.option("--k", type=click.IntRange(1, 100), default=10, help="Chunks scored."),
        click.option(
            "--mode",
            type=click.Choice(["hybrid", "dense", "bm25"]),
            default=None,
            help="Retrieval mode (default: the configured one).",
        ),
        click.option("--no-answers", is_flag=True, help="Score retrieval only (no `ask`)."),
        click.option(
            "--ablation",
            is_flag=True,
            help="Score retrieval with the defaults and with each lever taken away (sentence "
            "re-scoring, outlet sub-queries, z-score fusion; BM25 and dense alone), one row "
            "each, into ablation.md / ablation.json.",
        ),
        click.option(
            "--answerer", default=None, help="A configured answerer by name (default: settings)."
        ),
        click.option(
            "--llm",
            "llm_spec",
            default=None,
            metavar="SPEC",
            help="Answer with this LLM, as for `newsrag ask --llm`: provider:model[@base_url].",
        ),
        click.option(
            "--judge",
            default=None,
            metavar="LLM",
            help="Grade answers with LlamaIndex's faithfulness, relevancy and correctness "
            "evaluators, judged by this LLM: a configured LLM's name or provider:model[@url] "
            "as for `newsrag ask --llm` (e.g. ollama:llama3.1). Off by default.",
        ),
        click.option(
            "--baseline",
            is_flag=True,
            help="Also run LlamaIndex's default pipeline (builds its own index once).",
        ),
        click.option(
            "--baseline-overlap",
            type=click.IntRange(0),
            default=None,
            help=f"Baseline chunk overlap (default {LLAMA_INDEX_DEFAULT_OVERLAP}, "
            "LlamaIndex's and the paper's).",
        ),
        click.option(
            "--out",
            type=click.Path(path_type=Path),
            default=None,
            help="Report folder (default DATA_DIR/evals/runs/NAME-TIME).",
        ),
        click.option("--rebuild", is_flag=True, help="Re-embed the eval index from scratch."),
        click.option("--json", "as_json", is_flag=True, help="Print metrics.json."),
    ]
    return functools.reduce(lambda f, option: option(f), reversed(options), func)


@click.command("multihop")
@click.option(
    "--dataset-dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Folder with corpus.json and queries-dev.json or MultiHopRAG.json (default: "
    "../shared/datasets/multihop-rag when present, else DATA_DIR/evals/datasets/multihop-rag, "
    "downloaded from Hugging Face if missing).",
)
@click.option(
    "--corpus",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="MultiHop-RAG's corpus.json (overrides --dataset-dir's).",
)
@click.option(
    "--queries",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="A query file in MultiHop-RAG's format.",
)
@_run_options
@command
def multihop(
    settings: Settings,
    dataset_dir: Path | None,
    corpus: Path | None,
    queries: Path | None,
    **options: Any,
) -> None:
    """MultiHop-RAG (news, Sep-Dec 2023), scored by the paper's protocol."""
    where = settings.data_dir / "evals" / "datasets" / "multihop-rag"
    data = load_multihop(dataset_dir, corpus=corpus, queries=queries, download_to=where)
    _run(data, settings, **options)


@click.command("gold")
@click.argument("gold_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option(
    "--corpus",
    "corpus",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    default=("corpus",),
    show_default=True,
    help="Articles the questions are about (repeatable).",
)
@_run_options
@command
def gold(settings: Settings, gold_file: Path, corpus: tuple[Path, ...], **options: Any) -> None:
    """A gold set in MultiHop-RAG's query format (e.g. evals/gold/corpus.json) over CORPUS."""
    _run(load_gold(gold_file, corpus=tuple(corpus)), settings, **options)


def _run(
    dataset: Dataset,
    settings: Settings,
    *,
    limit: int | None,
    types: str,
    k: int,
    mode: str | None,
    no_answers: bool,
    ablation: bool,
    answerer: str | None,
    llm_spec: str | None,
    judge: str | None,
    baseline: bool,
    baseline_overlap: int | None,
    out: Path | None,
    rebuild: bool,
    as_json: bool,
) -> None:
    from tqdm import tqdm

    dataset = dataset.select(types=[t for t in types.split(",") if t.strip()], limit=limit)
    if not dataset.questions:
        raise NewsragError("No questions to ask.")
    base = None
    if baseline or baseline_overlap is not None:
        overlap = LLAMA_INDEX_DEFAULT_OVERLAP if baseline_overlap is None else baseline_overlap
        base = BaselineConfig(chunk_overlap=overlap, model_path=settings.embedding.model)
    if llm_spec:
        llm = parse_llm_spec(llm_spec)
        settings = settings.model_copy(update={"llms": [*settings.llms, llm]})
        answerer = llm.name
    options = RunOptions(
        k=k,
        answers=not no_answers,
        baseline=base,
        mode=mode,
        rebuild=rebuild,
        answerer=answerer,
        judge=judge,
    )
    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, disable=as_json or None)
        bar = bars[stage]
        if done < bar.n:  # the next run of an ablation starts over
            bar.reset()
        bar.total = total
        bar.update(done - bar.n)

    eval_dir = settings.data_dir / "evals"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if ablation:
        _ablation(
            dataset,
            settings,
            eval_dir,
            k=k,
            progress=progress,
            bars=bars,
            out=out or eval_dir / "runs" / f"{dataset.name}-ablation-{stamp}",
        )
        return
    try:
        run = evaluate(
            dataset, settings=settings, eval_dir=eval_dir, options=options, progress=progress
        )
    finally:
        for bar in bars.values():
            bar.close()
    out = out or eval_dir / "runs" / f"{dataset.name}-{stamp}"
    doc = write_report(run, out)
    for line in shown_lines(doc, out, summary_lines, as_json=as_json):
        click.echo(line)


def _ablation(
    dataset: Dataset,
    settings: Settings,
    eval_dir: Path,
    *,
    k: int,
    progress: Callable[[str, int, int], None],
    bars: dict[str, Any],
    out: Path,
) -> None:
    from evals.ablation import ablate, ablation_table, write_ablation

    try:
        rows = ablate(dataset, settings=settings, eval_dir=eval_dir, k=k, progress=progress)
    finally:
        for bar in bars.values():
            bar.close()
    written = write_ablation(rows, out, title=dataset.name)
    for line in ablation_table(rows):
        click.echo(line)
    click.echo(f"report: {written}")
