"""``newsrag ui``: registered with the ``newsrag`` command through an entry point."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import click

from rag.cli import command
from rag.errors import ConfigError

if TYPE_CHECKING:
    from rag import NewsRAG, Settings
    from ui.watch import BackgroundWatch

# options several commands share
_host = click.option("--host", default=None, help="Interface to bind (default 127.0.0.1).")
_port = click.option("--port", type=int, default=None, help="Port (default 7860).")
_ingest = click.option(
    "--ingest",
    "ingest_first",
    multiple=True,
    help="Ingest these paths before serving (unchanged articles are skipped).",
)
_mcp = click.option(
    "--mcp", is_flag=True, help="Also serve the MCP tools at /mcp (streamable HTTP)."
)
_watch = click.option(
    "--watch",
    is_flag=True,
    help="Keep the index fresh: poll the feeds in the background, now and every "
    "NEWSRAG_FEEDS__EVERY minutes (15).",
)
_feeds = click.option(
    "--feeds",
    "feeds_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The feed list watched, and offered in the app's Library (default: "
    "NEWSRAG_FEEDS__FILE, corpus/feeds.yaml).",
)


@click.command()
@_host
@_port
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
@_ingest
@_mcp
@_watch
@_feeds
@command
def ui(
    settings: Settings,
    host: str | None,
    port: int | None,
    share: bool,
    auth_file: Path | None,
    ingest_first: tuple[str, ...],
    mcp: bool,
    watch: bool,
    feeds_file: Path | None,
) -> None:
    """Serve the chat app in the browser (with the OpenAI-compatible API at /v1)."""
    # Gradio keeps incoming uploads in its own folder (/tmp/gradio): keep them under the data
    # directory too, so nothing the app receives is written anywhere else
    os.environ.setdefault(
        "GRADIO_TEMP_DIR", str(settings.data_dir.resolve() / "uploads" / "incoming")
    )
    from rag import NewsRAG  # here, so `newsrag ui --help` loads no engine
    from ui.app import credentials, serve

    secret = settings.ui.auth.get_secret_value() if settings.ui.auth else None
    auth = credentials(secret, auth_file or settings.ui.auth_file)  # fails before slow work
    host, port = host or settings.ui.host, port or settings.ui.port
    check_address(host, port)  # and so does an address it cannot serve on
    feeds_file = feeds_file or settings.feeds.file
    app = NewsRAG(settings)
    watching = background_watch(app, feeds_file) if watch else None  # a bad list fails here
    ingest_before(app, ingest_first)
    serve(
        app,
        host=host,
        port=port,
        share=share,
        auth=auth,
        mcp=mcp,
        feeds_file=feeds_file,
        watch=watching,
    )


@click.command("serve")
@_host
@_port
@_ingest
@_mcp
@_watch
@_feeds
@command
def serve_api(
    settings: Settings,
    host: str | None,
    port: int | None,
    ingest_first: tuple[str, ...],
    mcp: bool,
    watch: bool,
    feeds_file: Path | None,
) -> None:
    """Serve the OpenAI-compatible API (/v1) without the page, for headless use (with
    --watch, polling the feeds in the background as `newsrag ui --watch` does)."""
    import uvicorn

    from rag import NewsRAG
    from ui.app import credentials
    from ui.server import endpoints, headless

    secret = settings.ui.auth.get_secret_value() if settings.ui.auth else None
    logins = credentials(secret, settings.ui.auth_file)
    host, port = host or settings.ui.host, port or settings.ui.port
    check_address(host, port)
    app = NewsRAG(settings)
    watching = background_watch(app, feeds_file or settings.feeds.file) if watch else None
    ingest_before(app, ingest_first)
    extra = endpoints(app, host=host, logins=logins, mcp=mcp)
    if not extra.access.keys and not extra.access.logins and extra.access.required:
        click.echo(
            f"warning: serving on {host} with no NEWSRAG_API__KEYS: every call will be refused",
            err=True,
        )
    click.echo(f"OpenAI-compatible API at http://{host}:{port}/v1", err=True)
    if watching is not None:
        watching.start()
    try:
        uvicorn.run(headless(app, extra), host=host, port=port, log_level="warning")
    finally:
        if watching is not None:
            watching.stop()


@click.command("mcp")
@_ingest
@command
def mcp_stdio(settings: Settings, ingest_first: tuple[str, ...]) -> None:
    """Serve the MCP tools over stdio, for MCP clients that start a command."""
    from rag import NewsRAG
    from ui.tools import build_tools

    app = NewsRAG(settings)
    ingest_before(app, ingest_first)
    build_tools(app, allow_ingest=settings.mcp.allow_ingest).run("stdio")


def background_watch(app: NewsRAG, feeds_file: Path) -> BackgroundWatch:
    """The feeds of ``feeds_file`` to poll while the app runs, reporting on stderr.

    Raises:
        NewsragError: the feed list cannot be read.
    """
    from rag.watch import feed_list
    from ui.feed_status import minutes_words
    from ui.watch import BackgroundWatch

    feeds = feed_list(feeds_file, feeds_file)
    every = minutes_words(app.settings.feeds.every)
    click.echo(f"watching {len(feeds)} feeds from {feeds_file} every {every}", err=True)
    return BackgroundWatch(
        app,
        feeds,
        source=str(feeds_file),
        say=lambda line: click.echo(line, err=True),
    )


def ingest_before(app: object, items: tuple[str, ...]) -> None:
    """Ingest ``items`` (if any) before serving, reporting on stderr (stdout may be a
    protocol's)."""
    if not items:
        return
    report = app.ingest(list(items))  # type: ignore[attr-defined]
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.skipped} unchanged, "
        f"{report.rejected} rejected",
        err=True,
    )
    for error in report.errors:
        click.echo(f"rejected: {error.item}: {error.reason}", err=True)


def check_address(host: str, port: int) -> None:
    """Bind ``host:port`` once and let go, so an address the app cannot serve on is named
    before anything slow starts.

    Raises:
        ConfigError: the port is out of range or taken, or the host is not this machine's.
    """
    how = "Pick another with --port or NEWSRAG_UI__PORT."
    if not 0 < port < 65536:
        raise ConfigError(f"Port {port} is not a TCP port (1-65535). {how}")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise ConfigError(
            f"Cannot serve on host {host!r} ({exc.strerror}). Give an address of this machine "
            "with --host or NEWSRAG_UI__HOST: 127.0.0.1 (this machine only) or 0.0.0.0 (every "
            "interface)."
        ) from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"Port {port} on {host} is already in use (another `newsrag ui`?). {how}"
                ) from None
            if exc.errno == errno.EACCES:
                raise ConfigError(
                    f"Port {port} needs administrator rights on this machine. Use a port above "
                    f"1023. {how}"
                ) from None
            raise ConfigError(
                f"Cannot serve on {host}:{port} ({exc.strerror}). Give an address of this "
                "machine with --host or NEWSRAG_UI__HOST (127.0.0.1 or 0.0.0.0)."
            ) from None
