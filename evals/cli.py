"""``newsrag eval``: registered with the ``newsrag`` command through an entry point.

newsrag eval multihop --dataset-dir ../shared/datasets/multihop-rag --limit 200
newsrag eval gold evals/gold/corpus.json --corpus corpus --compare runs/before
newsrag eval realtimeqa --dataset-dir ../shared/datasets/realtimeqa/dev

The group and ``--compare`` live here; the commands in ``evals.multihop_cli`` (multihop, gold)
and ``evals.realtimeqa_cli`` (realtimeqa).
"""

from __future__ import annotations

from pathlib import Path

import click

from evals.markdown import fmt
from evals.multihop_cli import gold, multihop
from evals.realtimeqa_cli import realtimeqa
from evals.report import write_comparison
from rag import NewsragError


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


eval_group.add_command(multihop)
eval_group.add_command(gold)
eval_group.add_command(realtimeqa)
