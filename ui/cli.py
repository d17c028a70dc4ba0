"""``newsrag ui``: registered with the ``newsrag`` command through an entry point."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rag.cli import command

if TYPE_CHECKING:
    from rag import Settings


@click.command()
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default 7860).")
@click.option(
    "--share",
    is_flag=True,
    default=False,
    help="Also open a public gradio.live link (off by default; set a login first).",
)
@click.option(
    "--auth-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File of user:password lines allowed to log in (default: NEWSRAG_UI__AUTH_FILE).",
)
@click.option(
    "--ingest",
    "ingest_first",
    multiple=True,
    help="Ingest these paths before serving (unchanged articles are skipped).",
)
@command
def ui(
    settings: Settings,
    host: str | None,
    port: int | None,
    share: bool,
    auth_file: Path | None,
    ingest_first: tuple[str, ...],
) -> None:
    """Serve the chat app in the browser."""
    # Gradio keeps incoming uploads in its own folder (/tmp/gradio): keep them under the data
    # directory too, so nothing the app receives is written anywhere else
    os.environ.setdefault(
        "GRADIO_TEMP_DIR", str(settings.data_dir.resolve() / "uploads" / "incoming")
    )
    from rag import NewsRAG  # here, so `newsrag ui --help` loads no engine
    from ui.app import credentials, serve

    secret = settings.ui.auth.get_secret_value() if settings.ui.auth else None
    auth = credentials(secret, auth_file or settings.ui.auth_file)  # fails before slow work
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
    serve(
        app,
        host=host or settings.ui.host,
        port=port or settings.ui.port,
        share=share,
        auth=auth,
    )
