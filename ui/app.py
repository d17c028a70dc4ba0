"""The chat app (Gradio) over the engine's public API: build it, and serve it.

Three tabs — Chat, Library, Settings — and a small stable API for ``gradio_client``:
``/ask`` (Markdown) and ``/ask_json`` (structured), both taking the question, optional
outlets, since/until dates, answerer name and conversation history.

Example:
    >>> demo = build(NewsRAG(Settings()))
    >>> start(demo, app, host="127.0.0.1", port=7860)
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from rag import ArticleInfo, ConfigError, NewsRAG
from rag.examples import example_questions
from ui.api import add_api
from ui.chat import CONCURRENCY, chat_tab, clean_turns, messages, wire_chat
from ui.feed_status import feed_health_view, feed_section, freshness_line, refresh_seconds
from ui.library import ORDERS, corpus_words, library_tab, library_view
from ui.render import esc
from ui.stories import latest_tab, latest_view, timeline_tab
from ui.style import CSS, theme
from ui.uploads import read_feeds
from ui.watch import BackgroundWatch

log = logging.getLogger(__name__)

DEFAULT_FEEDS = Path("corpus/feeds.yaml")


def build(
    app: NewsRAG,
    *,
    feeds_file: Path | None = DEFAULT_FEEDS,
    watch: BackgroundWatch | None = None,
) -> Any:
    """The Gradio Blocks for ``app``.

    Args:
        app: the engine; the app uses only its public API.
        feeds_file: the feed list offered in the Library tab (missing = no feeds offered).
        watch: the feeds polled in the background (``newsrag ui --watch``): the title then
            says how fresh the index is, the Library shows each feed's health, and an open
            page follows each poll without a reload.
    """
    feeds = read_feeds(feeds_file) if feeds_file and feeds_file.is_file() else []
    with gr.Blocks(title="newsrag", analytics_enabled=False) as demo:
        header = gr.HTML(elem_classes=["nr-top"])
        freshness = gr.HTML(
            elem_classes=["nr-top"], elem_id="feed-freshness", visible=watch is not None
        )
        seen = gr.State(None)  # the watch's (polls, changes) this page last showed
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chat = chat_tab(app)
            with gr.Tab("Latest", id="latest") as latest_tab_:
                latest = latest_tab(app)
            with gr.Tab("Timeline", id="timeline"):
                timeline_tab(app)
            with gr.Tab("Library", id="library"):
                library = library_tab(app, feeds=feeds, source=str(feeds_file or DEFAULT_FEEDS))
                health = feed_section(watch)
            with gr.Tab("Settings", id="settings"):
                answerer = settings_tab(app)
        wire_chat(app, chat, answerer=answerer)
        latest_tab_.select(  # the period's stories, as indexed when the tab is opened
            lambda period, as_of: latest_view(app, period, as_of),
            [latest.period, latest.as_of],
            latest.latest,
            api_visibility="private",
        )

        def corpus_updates(articles: list[ArticleInfo] | None = None) -> tuple[str, Any, Any]:
            view = corpus_view(app.articles() if articles is None else articles)
            return view.header, gr.update(choices=view.outlets), gr.update(examples=view.examples)

        def on_load(stored: object) -> tuple[Any, ...]:
            articles = app.articles()
            view = corpus_view(articles)
            chat_value = messages(clean_turns(stored))
            listing = library_view(app, articles=articles)
            feeds_view = feed_health_view(watch)
            return (
                view.header,
                gr.update(choices=view.outlets),
                gr.update(value=chat_value, examples=view.examples),
                listing.summary,
                listing.rows,
                gr.update(choices=listing.choices),
                freshness_line(watch),
                feeds_view.summary,
                feeds_view.rows,
                (watch.polls, watch.changes) if watch else None,
            )

        corpus_outputs = [header, chat.outlets, chat.chatbot]
        listing_outputs = [library.summary, library.table, library.choice]
        feed_outputs = [freshness, health.summary, health.table, seen]
        demo.load(
            on_load,
            chat.turns,
            [*corpus_outputs, *listing_outputs, *feed_outputs],
            api_visibility="private",
        )
        for event in library.changed:
            event.then(lambda: corpus_updates(), None, corpus_outputs, api_visibility="private")
        if watch is not None:
            outputs = [*corpus_outputs, *listing_outputs, *feed_outputs]
            follow_polls(app, watch, library=library, outputs=outputs)
        add_api(app)
    return demo


def follow_polls(app: NewsRAG, watch: BackgroundWatch, *, library: Any, outputs: list[Any]) -> None:
    """Keep an open page in step with the watch: a timer re-reads the freshness line, the
    feed health after each poll, and what is indexed (title, outlets, examples, the
    Library's list) after a poll that added or updated articles.

    Args:
        library: the Library tab (its search and sort shape the refreshed list).
        outputs: title, outlets, chatbot; list summary, table, choice; freshness line, feed
            summary, feed table and the page's ``seen`` state, in that order.
    """
    timer = gr.Timer(refresh_seconds(watch.every_minutes))

    def on_tick(last: object, query: str, order: str) -> tuple[Any, ...]:
        polls, changes = watch.polls, watch.changes
        shown = tuple(last) if isinstance(last, tuple | list) and len(last) == 2 else (-1, -1)
        corpus: list[Any] = [gr.skip()] * 6
        if changes != shown[1]:
            articles = app.articles()
            view = corpus_view(articles)
            listing = library_view(app, query or "", order or ORDERS[0], articles=articles)
            corpus = [
                view.header,
                gr.update(choices=view.outlets),
                gr.update(examples=view.examples),
                listing.summary,
                listing.rows,
                gr.update(choices=listing.choices),
            ]
        health: list[Any] = [gr.skip()] * 2
        if polls != shown[0]:
            feeds_view = feed_health_view(watch)
            health = [feeds_view.summary, feeds_view.rows]
        return (*corpus, freshness_line(watch), *health, (polls, changes))

    seen = outputs[-1]
    timer.tick(on_tick, [seen, library.query, library.order], outputs, api_visibility="private")


@dataclass(frozen=True)
class CorpusView:
    """What the chat shows about the index: the title line, the outlets to filter by and
    example questions (as the Chatbot's ``examples``)."""

    header: str
    outlets: list[str]
    examples: list[dict[str, str]]


def corpus_view(articles: Sequence[ArticleInfo]) -> CorpusView:
    """The title line, outlet choices and example questions for the indexed ``articles``."""
    outlets = sorted({a.source for a in articles if a.source}, key=str.lower)
    what = (
        f"Answers from {corpus_words(articles)}. "
        "Every claim is cited; click a [n] to see its source."
        if articles
        else "No articles are indexed yet: add some in the Library tab."
    )
    examples = [{"text": q} for q in example_questions(articles)]
    return CorpusView(f"<h1>newsrag</h1><p>{esc(what)}</p>", outlets, examples)


def settings_tab(app: NewsRAG) -> Any:
    """Lay out the Settings tab; returns the answerer choice (one per browser session)."""
    names = app.answerers
    default = app.settings.answer.default
    answerer = gr.Radio(
        names,
        value=default if default in names else names[0],
        label="Answerer",
        info="Who writes the answers: 'extractive' quotes the articles (no LLM); others are "
        "the LLMs configured with NEWSRAG_LLMS. Applies to your next question.",
        elem_id="answerer",
    )
    stats = app.stats()
    gr.HTML(
        "<h3>This server</h3><ul>"
        f"<li>Index: <code>{esc(stats.location)}</code>, collection "
        f"<code>{esc(stats.collection)}</code></li>"
        f"<li>Uploads are kept in <code>{esc(app.settings.data_dir / 'uploads')}</code></li>"
        "<li>API: <code>/ask</code> and <code>/ask_json</code> for <code>gradio_client</code> "
        "(see “Use via API” at the bottom of the page)</li></ul>",
        elem_id="server-info",
    )
    return answerer


def credentials(secret: str | None, file: Path | None = None) -> list[tuple[str, str]] | None:
    """Logins from ``user:password`` (``NEWSRAG_UI__AUTH``) and/or a file of such lines
    (blank lines and ``#`` comments skipped); None when neither is given.

    Raises:
        ConfigError: a line is not ``user:password`` or the file cannot be read.
    """
    lines: list[tuple[str, str]] = []
    if secret:
        lines.append(("NEWSRAG_UI__AUTH", secret))
    if file is not None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"Cannot read the login file {file}: {exc.strerror}.") from None
        lines += [(f"{file}:{i}", t.strip()) for i, t in enumerate(text.splitlines(), 1)]
    pairs = []
    for where, line in lines:
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise ConfigError(f"{where}: a login must look like user:password.")
        pairs.append((user.strip(), password))
    return pairs or None


def start(
    demo: Any,
    app: NewsRAG,
    *,
    host: str,
    port: int | None,
    share: bool = False,
    auth: list[tuple[str, str]] | None = None,
    block: bool = True,
    mcp: bool = False,
    watch: BackgroundWatch | None = None,
) -> None:
    """Queue and launch ``demo``: bound to ``host`` (loopback by default), a public share
    link only when asked, uploads capped at ``ingest.max_file_mb``, several users at once,
    and beside the page the OpenAI-compatible ``/v1`` API (and with ``mcp`` the MCP tools at
    ``/mcp``), which take the same logins or ``NEWSRAG_API__KEYS``.

    Args:
        block: False returns at once (the server runs in a thread; ``demo.close()`` ends it,
            and the caller stops ``watch``).
        watch: feeds to poll in the background, started once the page is up (the first
            poll never delays it) and, when blocking, stopped when the app closes.
    """
    from ui.server import attach, endpoints

    if auth is None and not _is_loopback(host):
        log.warning("serving on %s without a login; set NEWSRAG_UI__AUTH=user:password", host)
    if share:
        log.warning("--share: the app is reachable by anyone with the public link")
    extra = endpoints(app, host=host, logins=auth, mcp=mcp)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=64).launch(
        server_name=host,
        server_port=port,
        share=share,
        auth=auth,
        show_error=True,
        quiet=not block,
        prevent_thread_lock=True,
        max_file_size=int(app.settings.ingest.max_file_mb * 1_000_000),
        theme=theme(),
        css=CSS,
        app_kwargs={"lifespan": extra.lifespan} if extra.lifespan else None,
    )
    attach(demo.app, extra)
    if watch is not None:
        watch.start()
    if not block:
        return
    try:
        demo.block_thread()  # until Ctrl+C, which closes the app
    finally:
        if watch is not None:
            watch.stop()


def serve(
    app: NewsRAG,
    *,
    host: str,
    port: int,
    share: bool = False,
    auth: list[tuple[str, str]] | None = None,
    mcp: bool = False,
    feeds_file: Path | None = DEFAULT_FEEDS,
    watch: BackgroundWatch | None = None,
) -> None:
    """Run the app until interrupted (``auth``: the logins from ``credentials``; ``mcp``:
    also serve the MCP tools at ``/mcp``; ``feeds_file``: the feeds offered in the Library;
    ``watch``: feeds polled in the background while it runs)."""
    demo = build(app, feeds_file=feeds_file, watch=watch)
    start(demo, app, host=host, port=port, share=share, auth=auth, mcp=mcp, watch=watch)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
