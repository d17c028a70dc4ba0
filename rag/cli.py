"""The ``newsrag`` command: thin click commands over the engine. Errors are one line, exit 1."""

from __future__ import annotations

import ast
import functools
import importlib.util
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from rag.config import OFFLINE_ENV, Settings, from_env, prepare_data_dir
from rag.errors import ConfigError, NewsragError

log = logging.getLogger("rag.cli")


def _settings(data_dir: Path | None) -> Settings:
    settings = from_env()
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


def _setup_logging(settings: Settings, verbose: bool) -> None:
    """Warnings to stderr (everything with -v); full detail, tracebacks included, to a log file."""
    logs = prepare_data_dir(settings.data_dir) / "logs"
    try:
        logs.mkdir(exist_ok=True)
        to_file = logging.FileHandler(logs / "newsrag.log", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"Cannot write the log in {logs} ({exc.strerror or exc}). Point --data-dir or "
            "NEWSRAG_DATA_DIR at a folder newsrag can write."
        ) from None
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    to_file.setLevel(logging.INFO)
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    to_err = logging.StreamHandler(sys.stderr)
    to_err.setLevel(logging.INFO if verbose else logging.WARNING)
    to_err.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    to_err.addFilter(lambda record: record.exc_info is None)  # tracebacks go to the file only
    root.handlers = [to_file, to_err]
    for noisy in ("httpx", "chromadb", "sentence_transformers", "urllib3", "trafilatura"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def command(func: Callable[..., Any]) -> Callable[..., Any]:
    """Adds --data-dir/-v, builds Settings, and turns errors into one line and exit code 1."""

    @click.option(
        "--data-dir",
        type=click.Path(path_type=Path),
        default=None,
        help="Where all state lives (default: $NEWSRAG_DATA_DIR or .newsrag).",
    )
    @click.option("-v", "--verbose", is_flag=True, help="Show progress logs on stderr.")
    @functools.wraps(func)
    def wrapper(data_dir: Path | None, verbose: bool, **kwargs: Any) -> Any:
        settings: Settings | None = None
        try:
            settings = _settings(data_dir)
            _setup_logging(settings, verbose)
            return func(settings, **kwargs)
        except NewsragError as exc:
            log.debug("command failed", exc_info=True)
            raise click.ClickException(str(exc)) from None
        except ImportError as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:  # `newsrag stats | head`: the reader left; stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except KeyboardInterrupt:
            raise click.ClickException("interrupted; nothing already stored was lost") from None
        except Exception as exc:  # the log keeps the traceback; the user gets one line
            if settings is None:  # before the log existed: nothing else to point at
                raise click.ClickException(
                    f"unexpected error: {type(exc).__name__}: {exc}"
                ) from None
            log.error("unexpected error", exc_info=True)
            where = settings.data_dir / "logs" / "newsrag.log"
            raise click.ClickException(
                f"unexpected error: {type(exc).__name__}: {exc} (details in {where})"
            ) from None

    return wrapper


class PluginGroup(click.Group):
    """A group that also offers commands other packages register under the
    ``newsrag.commands`` entry point (the UI and the evals), so ``rag`` never imports them."""

    def _plugins(self) -> dict[str, Any]:
        from importlib.metadata import entry_points

        return {ep.name: ep for ep in entry_points(group="newsrag.commands")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in self._plugins():
            found = self._plugins()[cmd_name].load()
        return found

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``. A plugin is described by its docstring, read from
        its source: importing it would load the whole engine just to print one line."""
        plugins = self._plugins()
        rows: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            found = super().get_command(ctx, name)
            if found is None:
                doc = _docstring(plugins[name].value)
                found = click.Command(name, help=doc) if doc else self.get_command(ctx, name)
            if found is not None and not found.hidden:
                rows.append((name, found))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in rows])


def _docstring(target: str) -> str | None:
    """The docstring of ``module:function`` read from the module's source without running it;
    None when it cannot be read that way."""
    module, _, name = target.partition(":")
    try:
        spec = importlib.util.find_spec(module)
        source = Path(spec.origin).read_text(encoding="utf-8")  # type: ignore[union-attr, arg-type]
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
                return ast.get_docstring(node)
    except (ImportError, OSError, SyntaxError, TypeError, ValueError, AttributeError):
        pass
    return None


@click.group(cls=PluginGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """newsrag: questions answered from AI-industry news, with numbered citations."""
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


@main.command()
@click.argument("items", nargs=-1)
@click.option(
    "--feeds",
    type=click.Path(path_type=Path),
    default=None,
    help="A YAML list of RSS/Atom feeds to pull (e.g. corpus/feeds.yaml).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@command
def ingest(settings: Settings, items: tuple[str, ...], feeds: Path | None, as_json: bool) -> None:
    """Add articles from files, folders, URLs and feeds (no argument: corpus/)."""
    from tqdm import tqdm

    from rag.engine import NewsRAG

    if not items and feeds is None:
        items = ("corpus",)
    bar = tqdm(total=0, unit="chunk", desc="embedding", disable=as_json or None, file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    report = NewsRAG(settings).ingest(list(items), feeds=feeds, progress=progress)
    bar.close()
    if as_json:
        click.echo(
            json.dumps({**asdict(report), "errors": [asdict(e) for e in report.errors]}, indent=2)
        )
    else:
        for error in report.errors:
            click.echo(f"rejected: {error.item}: {error.reason}", err=True)
        click.echo(
            f"{report.added} added, {report.updated} updated, {report.skipped} unchanged, "
            f"{report.rejected} rejected ({report.chunks_written} chunks embedded, "
            f"{report.duplicates} syndicated copies) in {report.seconds:.1f} s"
        )
    if report.rejected:
        sys.exit(1)


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--top-k", type=click.IntRange(1, 100), default=None, help="Chunks to read.")
@click.option("--source", "sources", multiple=True, help="Only this outlet (repeatable).")
@click.option("--since", default=None, help="Only articles published on/after this date.")
@click.option("--until", default=None, help="Only articles published on/before this date.")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="DATE",
    help="Ask as of this date (YYYY-MM-DD): later articles are not seen, and 'this week' or "
    "'yesterday' are read from it (default: now).",
)
@click.option("--answerer", default=None, help="A configured answerer by name (default: settings).")
@click.option(
    "--llm",
    "llm_spec",
    default=None,
    help="Answer with this LLM: provider:model[@base_url], e.g. ollama:llama3.1.",
)
@command
def ask(
    settings: Settings,
    question: str,
    as_json: bool,
    top_k: int | None,
    sources: tuple[str, ...],
    since: str | None,
    until: str | None,
    as_of: str | None,
    answerer: str | None,
    llm_spec: str | None,
) -> None:
    """Answer QUESTION from the indexed articles, with numbered citations."""
    from rag.answer.backends import parse_llm_spec
    from rag.engine import NewsRAG

    if llm_spec:
        llm = parse_llm_spec(llm_spec)
        settings = settings.model_copy(update={"llms": [*settings.llms, llm]})
        answerer = llm.name
    answer = NewsRAG(settings).ask(
        question,
        sources=sources,
        since=since,
        until=until,
        top_k=top_k,
        answerer=answerer,
        as_of=as_of,
    )
    if as_json:
        click.echo(json.dumps(answer_json(answer), indent=2, ensure_ascii=False))
        return
    if answer.short_answer:
        click.echo(f"Short answer: {answer.short_answer}\n")
    if answer.notice:
        click.echo(f"({answer.notice})\n")
    for sentence in answer.sentences:
        marks = "".join(f"[{n}]" for n in sentence.citations)
        flag = "  (unverified)" if sentence.verified is False else ""
        click.echo(f"{sentence.text} {marks}{flag}")
    if not answer.sentences:
        click.echo(answer.text)
    echo_sources(answer.citations)


def echo_sources(citations: Any) -> None:
    """The numbered sources after a blank line, one per article; a missing outlet or date
    left unsaid."""
    if citations:
        click.echo("")
    for c in citations:
        byline = ", ".join(p for p in (c.source, c.published_at[:10]) if p)
        click.echo(
            f"[{c.n}] {c.title}"
            + (f" — {byline}" if byline else "")
            + (f"\n    {c.url}" if c.url else "")
        )


def answer_json(answer: Any) -> dict[str, Any]:
    """The ``ask --json`` document."""
    keys = ("n", "article_id", "title", "source", "url", "published_at", "quote")

    def citation(c: Any) -> dict[str, Any]:
        quotes = [{"text": q.text, "start": q.start, "end": q.end} for q in c.spans]
        return {**{k: getattr(c, k) for k in keys}, "quotes": quotes}

    return {
        "question": answer.question,
        "answer": answer.text,
        "short_answer": answer.short_answer,
        "abstained": answer.abstained,
        "notice": answer.notice,
        "answer_kind": answer.answer_kind,
        "answerer": answer.answerer,
        "searched": answer.searched,
        "filters": answer.filters,
        "sentences": [
            {"text": s.text, "citations": list(s.citations), "verified": s.verified}
            for s in answer.sentences
        ],
        "verified_share": answer.verified_share,
        "citations": [citation(c) for c in answer.citations],
        "timings_ms": answer.timings_ms,
    }


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--articles", "list_articles", is_flag=True, help="List every indexed article.")
@command
def stats(settings: Settings, as_json: bool, list_articles: bool) -> None:
    """What is indexed: articles, chunks, outlets, date range, where the index lives."""
    from rag.engine import NewsRAG

    app = NewsRAG(settings)
    result = app.stats()
    articles = app.articles() if list_articles else []
    if as_json:
        payload = asdict(result)
        if list_articles:
            payload["article_list"] = [asdict(a) for a in articles]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{result.articles} articles, {result.chunks} chunks in {result.location} "
        f"(collection {result.collection!r})"
    )
    if result.earliest:
        click.echo(f"published {result.earliest[:10]} … {result.latest[:10]}")
    click.echo(f"embedding on this machine: {result.embedding}")
    for source, n in result.sources.items():
        click.echo(f"  {n:5d}  {source}")
    for a in articles:
        click.echo(
            f"{a.article_id}  {a.published_at[:10] or 'undated   '}  {a.source or '-'}"
            f"  {a.title}" + (f"  (copy of {a.duplicate_of})" if a.duplicate_of else "")
        )


@main.command()
@click.argument("key")
@command
def delete(settings: Settings, key: str) -> None:
    """Remove one article (by id or URL) and its chunks."""
    from rag.engine import NewsRAG

    info = NewsRAG(settings).delete(key)
    click.echo(f"deleted {info.article_id}: {info.title} ({info.chunks} chunks)")


if __name__ == "__main__":  # pragma: no cover
    main()
