"""``newsrag eval realtimeqa``: RealTime QA's news quiz, each question asked as of its date and
scored beside the authors' GPT-3 baseline. ``evals.cli`` adds it to the ``eval`` group."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from rag import NewsragError, Settings, parse_llm_spec
from rag.cli import command


@click.command("realtimeqa")
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
    from evals.report import shown_lines

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
    for line in shown_lines(doc, out, quiz_summary, as_json=as_json):
        click.echo(line)
