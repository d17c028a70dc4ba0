"""``newsrag eval``: registered with the ``newsrag`` command through an entry point.

newsrag eval multihop --dataset-dir ../shared/datasets/multihop-rag --limit 200
newsrag eval gold evals/gold/corpus.json --corpus corpus --compare runs/before
newsrag eval realtimeqa --dataset-dir ../shared/datasets/realtimeqa/dev
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from evals.baseline import LLAMA_INDEX_DEFAULT_OVERLAP, BaselineConfig
from evals.datasets import Dataset, load_gold, load_multihop
from evals.markdown import fmt
from evals.report import write_comparison, write_report
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


@click.group("eval", invoke_without_command=True)
@click.option(
    "--compare",
    nargs=2,
    type=click.Path(path_type=Path, exists=True),
    default=None,
    metavar="RUN1 RUN2",
    help="Print and plot how RUN2 differs from RUN1 (run folders or metrics.json).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="With --compare: where compare.md/compare.png go (default: RUN2's folder).",
)
@click.pass_context
def eval_group(ctx: click.Context, compare: tuple[Path, Path] | None, out: Path | None) -> None:
    """Measure retrieval, answers, citations and abstention on a question set.

    Each run writes metrics.json, per_question.jsonl, report.md and PNG plots.
    """
    if compare:
        try:
            _compare(*compare, out=out)
        except NewsragError as exc:
            raise click.ClickException(str(exc)) from None
    elif ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


def _compare(first: Path, second: Path, *, out: Path | None) -> None:
    folder = out or (second if second.is_dir() else second.parent)
    rows, same = write_comparison(first, second, folder)
    if not same:
        click.echo("warning: the two runs asked different questions; deltas mislead", err=True)
    width = max(len(r["metric"]) for r in rows)
    for r in rows:
        delta = "–" if r["delta"] is None else f"{r['delta']:+.4f}"
        click.echo(f"{r['metric']:{width}s}  {fmt(r['before'])} -> {fmt(r['after'])}  {delta}")
    click.echo(f"written: {folder / 'compare.md'}")


@eval_group.command("multihop")
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


@eval_group.command("gold")
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


@eval_group.command("realtimeqa")
@click.option(
    "--dataset-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="A RealTime QA split folder with corpus.jsonl and queries.jsonl (default: "
    "../shared/datasets/realtimeqa/dev).",
)
@click.option("--limit", type=click.IntRange(1), default=None, help="First N questions.")
@click.option("--answerer", default=None, help="A configured answerer by name (default: settings).")
@click.option(
    "--llm",
    "llm_spec",
    default=None,
    metavar="SPEC",
    help="Answer with this LLM, as for `newsrag ask --llm`: provider:model[@base_url].",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Report folder (default DATA_DIR/evals/runs/realtimeqa-SPLIT-TIME).",
)
@click.option("--rebuild", is_flag=True, help="Re-embed the eval index from scratch.")
@click.option("--json", "as_json", is_flag=True, help="Print metrics.json.")
@command
def realtimeqa(
    settings: Settings,
    dataset_dir: Path | None,
    limit: int | None,
    answerer: str | None,
    llm_spec: str | None,
    out: Path | None,
    rebuild: bool,
    as_json: bool,
) -> None:
    """RealTime QA: news quiz questions, each asked as of its date (the authors' GPT-3 beside)."""
    from tqdm import tqdm

    from evals.quiz_report import summary_lines as quiz_summary
    from evals.quiz_report import write_quiz_report
    from evals.realtimeqa import default_folder, load_realtimeqa, run_quiz

    folder = dataset_dir or default_folder()
    if not folder.is_dir():
        raise NewsragError(
            f"No RealTime QA split at {folder}. Pass --dataset-dir with a folder holding "
            "corpus.jsonl and queries.jsonl."
        )
    quiz = load_realtimeqa(folder).select(limit=limit)
    if llm_spec:
        llm = parse_llm_spec(llm_spec)
        settings = settings.model_copy(update={"llms": [*settings.llms, llm]})
        answerer = llm.name
    bars: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in bars:
            bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, disable=as_json or None)
        bars[stage].total = total
        bars[stage].update(done - bars[stage].n)

    eval_dir = settings.data_dir / "evals"
    try:
        run = run_quiz(
            quiz,
            settings=settings,
            eval_dir=eval_dir,
            answerer=answerer,
            rebuild=rebuild,
            progress=progress,
        )
    finally:
        for bar in bars.values():
            bar.close()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = out or eval_dir / "runs" / f"{quiz.name}-{stamp}"
    doc = write_quiz_report(run, out)
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    for line in quiz_summary(doc):
        click.echo(line)
    click.echo(f"report: {out / 'report.md'}")


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
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    for line in summary_lines(doc):
        click.echo(line)
    click.echo(f"report: {out / 'report.md'}")


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
