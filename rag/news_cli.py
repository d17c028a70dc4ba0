"""``newsrag watch``, ``feeds``, ``digest`` and ``timeline``: following the news from the
command line. Registered with the ``newsrag`` command through an entry point, like the UI's
and the evals' commands."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from rag.cli import command, echo_sources
from rag.config import Settings


@click.command()
@click.option(
    "--feeds",
    "feeds_file",
    type=click.Path(path_type=Path),
    default=None,
    help="The feed list to watch (default: NEWSRAG_FEEDS__FILE, corpus/feeds.yaml).",
)
@click.option("--once", is_flag=True, help="Poll once and exit (for cron and systemd timers).")
@click.option("--json", "as_json", is_flag=True, help="Print each poll's report as JSON.")
@command
def watch(settings: Settings, feeds_file: Path | None, once: bool, as_json: bool) -> None:
    """Keep the index fresh: poll the feeds every NEWSRAG_FEEDS__EVERY minutes (15)."""
    import threading

    from rag.engine import NewsRAG
    from rag.watch import feed_list

    app = NewsRAG(settings)
    feeds = feed_list(feeds_file, settings.feeds.file)

    def show(report: Any) -> None:
        if as_json:
            click.echo(json.dumps(asdict(report)))
            return
        click.echo(
            f"{report.feeds} feeds: {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.failed} failed, {report.backing_off} "
            f"backing off ({report.chunks_embedded} chunks embedded in {report.seconds:.1f} s)"
        )
        for error in report.errors:
            click.echo(f"  {error.item}: {error.reason}", err=True)

    if once:
        report = app.watcher.poll(feeds)
        show(report)
        if report.failed and report.failed == report.feeds - report.backing_off:
            sys.exit(1)  # every feed it tried failed: offline, or a bad list
        return
    click.echo(f"watching {len(feeds)} feeds every {settings.feeds.every:g} min", err=True)
    app.watcher.run(feeds, stop=threading.Event(), on_poll=show)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@command
def feeds(settings: Settings, as_json: bool) -> None:
    """How each watched feed is doing: last success, last error and why, back-off."""
    from rag.engine import NewsRAG

    health = NewsRAG(settings).feed_health()
    if as_json:
        click.echo(json.dumps([asdict(h) for h in health], indent=2))
        return
    if not health:
        click.echo("No feed has been polled yet. Run `newsrag watch --once`.")
    for h in health:
        state = "ok" if not h.failures else f"failing ({h.failures}x): {h.error}"
        when = h.last_success[:16].replace("T", " ") or "never"
        click.echo(
            f"{h.name or h.url}: {state}; last success {when}; {h.entries_seen} entries, "
            f"{h.articles_added} articles added"
            + (f"; next try {h.next_poll[:16].replace('T', ' ')}" if h.next_poll else "")
        )


@click.command()
@click.option(
    "--since",
    default="7d",
    show_default=True,
    help="How far back: a duration (24h, 7d, 2w) or a date (YYYY-MM-DD).",
)
@click.option(
    "--as-of", "as_of", default=None, help="The end of the period (YYYY-MM-DD; default now)."
)
@click.option("--source", "sources", multiple=True, help="Only this outlet (repeatable).")
@click.option("--limit", type=click.IntRange(1, 200), default=None, help="Stories at most.")
@click.option("--json", "as_json", is_flag=True, help="Print the digest as JSON.")
@command
def digest(
    settings: Settings,
    since: str,
    as_of: str | None,
    sources: tuple[str, ...],
    limit: int | None,
    as_json: bool,
) -> None:
    """What's new: the period's stories (each outlet's coverage of one event grouped),
    ranked by how many outlets reported each and how recent it is."""
    from rag.digest import reported_by
    from rag.engine import NewsRAG

    found = NewsRAG(settings).digest(since, as_of=as_of, sources=sources, limit=limit)
    if as_json:
        click.echo(json.dumps(asdict(found), indent=2, ensure_ascii=False))
        return
    period = (
        f"from {found.since[:10]} to {found.until[:10]}"
        if found.latest
        else "of the undated articles"
    )
    if not found.stories and not found.articles and not found.latest:
        click.echo(found.notice or "No stories in that period.")
        return
    noun = "article" if found.articles == 1 else "articles"
    click.echo(f"Stories {period} ({found.articles} {noun}):")
    if found.notice:
        click.echo(f"({found.notice})")
    for story in found.stories:
        by = reported_by(story)
        click.echo(f"\n{story.citation.n}. {story.headline}" + (f" — {by}" if by else ""))
        click.echo(f"   {story.lead} [{story.citation.n}]")
        for article in story.articles:
            line = " · ".join(p for p in (article.published_at[:10], article.source) if p)
            click.echo(
                f"   - {line + ': ' if line else ''}{article.title}"
                + (f"\n     {article.url}" if article.url else "")
            )


@click.command()
@click.argument("topic")
@click.option("--since", default=None, help="Only developments on/after this date.")
@click.option("--until", default=None, help="Only developments on/before this date.")
@click.option(
    "--as-of", "as_of", default=None, help="Read the news as of this date (later articles unseen)."
)
@click.option("--source", "sources", multiple=True, help="Only this outlet (repeatable).")
@click.option("--limit", type=click.IntRange(1, 100), default=None, help="Developments at most.")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as JSON.")
@command
def timeline(
    settings: Settings,
    topic: str,
    since: str | None,
    until: str | None,
    as_of: str | None,
    sources: tuple[str, ...],
    limit: int | None,
    as_json: bool,
) -> None:
    """How TOPIC unfolded: its dated developments in order, one cited sentence each (one
    development from several outlets shown once, citing all)."""
    from rag.engine import NewsRAG

    found = NewsRAG(settings).timeline(
        topic, since=since, until=until, as_of=as_of, sources=sources, limit=limit
    )
    if as_json:
        click.echo(json.dumps(asdict(found), indent=2, ensure_ascii=False))
        return
    if found.notice:
        click.echo(found.notice)
    for d in found.developments:
        marks = "".join(f"[{n}]" for n in d.citations)
        click.echo(f"{d.day}  {d.text} {marks}")
    echo_sources(found.citations)
