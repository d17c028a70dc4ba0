"""``newsrag ui``: registered with the ``newsrag`` command through an entry point."""

from __future__ import annotations

import click

from rag import NewsRAG, Settings
from rag.cli import command


@click.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
@click.option(
    "--ingest",
    "ingest_first",
    multiple=True,
    help="Ingest these paths before serving (unchanged articles are skipped).",
)
@command
def ui(
    settings: Settings, host: str | None, port: int | None, ingest_first: tuple[str, ...]
) -> None:
    """Serve the chat app in the browser."""
    from ui.app import serve

    app = NewsRAG(settings)
    if ingest_first:
        report = app.ingest(list(ingest_first))
        click.echo(
            f"{report.added} added, {report.updated} updated, {report.skipped} unchanged, "
            f"{report.rejected} rejected",
            err=True,
        )
        for error in report.errors:
            click.echo(f"rejected: {error.item}: {error.reason}", err=True)
    serve(app, host=host or settings.ui.host, port=port or settings.ui.port)
