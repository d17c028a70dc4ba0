"""The Library tab: what is indexed (search, sort, count, date range), delete, and adding
articles from uploads, pasted URLs or the feeds of ``corpus/feeds.yaml`` with progress.

The handlers are plain functions of the engine so they can be tested without a browser;
``library_tab`` lays out the components and wires them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import gradio as gr

from rag import ArticleInfo, IngestReport, ItemError, NewsRAG, NewsragError
from ui.render import error_html, esc
from ui.uploads import ACCEPTED_SUFFIXES, Feed, accept_uploads, accept_urls

log = logging.getLogger(__name__)

Order = Literal["Newest first", "Oldest first", "Outlet A–Z", "Title A–Z"]
ORDERS: tuple[Order, ...] = ("Newest first", "Oldest first", "Outlet A–Z", "Title A–Z")
HEADERS = ["Published", "Outlet", "Title", "Chunks", "Copy of", "URL", "ID"]
Progress = Callable[..., Any]


@dataclass(frozen=True)
class LibraryView:
    """What the tab shows for one search: the summary line, table rows, delete choices."""

    summary: str
    rows: list[list[object]]
    choices: list[tuple[str, str]]


def select_articles(
    articles: Sequence[ArticleInfo], *, query: str = "", order: str = "Newest first"
) -> list[ArticleInfo]:
    """The articles whose title, outlet or URL contains every word of ``query``
    (case-insensitive), sorted by ``order`` (one of ``ORDERS``)."""
    words = query.lower().split()
    found = [
        a for a in articles if all(w in f"{a.title} {a.source} {a.url}".lower() for w in words)
    ]
    if order == "Oldest first":
        return sorted(found, key=lambda a: (not a.published_at, a.published_at, a.title))
    if order == "Outlet A–Z":
        return sorted(found, key=lambda a: (not a.source, a.source.lower(), a.published_at))
    if order == "Title A–Z":
        return sorted(found, key=lambda a: a.title.lower())
    return sorted(found, key=lambda a: (bool(a.published_at), a.published_at), reverse=True)


def library_view(
    app: NewsRAG,
    query: str = "",
    order: str = "Newest first",
    *,
    articles: Sequence[ArticleInfo] | None = None,
) -> LibraryView:
    """The summary, rows and delete choices for ``query`` and ``order`` (over ``articles``
    when the caller has just listed them, else over ``app.articles()``)."""
    articles = app.articles() if articles is None else articles
    shown = select_articles(articles, query=query, order=order)
    titles = {a.article_id: a.title for a in articles}
    rows = [
        [
            a.published_at[:10],
            a.source,
            a.title,
            a.chunks,
            titles.get(a.duplicate_of, a.duplicate_of) if a.duplicate_of else "",
            a.url,
            a.article_id,
        ]
        for a in shown
    ]
    choices = [(_label(a), a.article_id) for a in shown]
    return LibraryView(summary_line(shown, total=len(articles), query=query), rows, choices)


def summary_line(shown: Sequence[ArticleInfo], *, total: int, query: str = "") -> str:
    """ "11 articles from 5 outlets, 2025-01-14 to 2025-06-18" ("3 of 11 …" when searching)."""
    if not total:
        return "No articles are indexed yet. Add some below."
    words = corpus_words(shown)
    if query.strip():  # "2 of 6 articles from 2 outlets": what matched, out of everything
        return f"{len(shown)} of {total} articles" + words[len(counted(len(shown), "article")) :]
    return words


def counted(n: int, noun: str) -> str:
    """ "1 article", "2 articles"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def corpus_words(articles: Sequence[ArticleInfo]) -> str:
    """What is indexed, in words that agree: "1 article from 1 outlet, 2025-05-30",
    "12 articles from 3 outlets, 2023-09-26 to 2023-12-30", "1 article" (no outlet or date
    given: nothing is said about them)."""
    outlets = {a.source for a in articles if a.source}
    dates = sorted(a.published_at[:10] for a in articles if a.published_at)
    words = counted(len(articles), "article")
    if outlets:
        words += f" from {counted(len(outlets), 'outlet')}"
    if dates:
        words += f", {dates[0]}" if dates[0] == dates[-1] else f", {dates[0]} to {dates[-1]}"
    return words


def _label(a: ArticleInfo) -> str:
    byline = ", ".join(p for p in (a.source, a.published_at[:10]) if p)
    return f"{a.title} — {byline}" if byline else a.title


def delete_article(app: NewsRAG, article_id: str | None) -> str:
    """Delete one article; returns the notice to show.

    Raises:
        NewsragError: nothing is selected or the article is no longer indexed.
    """
    if not article_id:
        raise NewsragError("Pick an article to delete first (click its row or choose it).")
    info = app.delete(article_id)
    where = f"{info.source}, " if info.source else ""
    chunks = "1 chunk" if info.chunks == 1 else f"{info.chunks} chunks"
    return f"Deleted “{info.title}” ({where}{chunks})."


def add_articles(
    app: NewsRAG,
    *,
    files: Sequence[str] = (),
    urls: str = "",
    feed_names: Sequence[str] = (),
    feeds: Sequence[Feed] = (),
    progress: Progress | None = None,
) -> str:
    """Check and ingest uploads, pasted URLs and picked feeds; returns the HTML report.

    Items the UI turns away (wrong type, too large, too many, not a URL) are listed with those
    the engine rejects (a URL on a private address, unless ``ui.allow_private_urls``), each
    with its reason; everything else in the batch is still ingested.
    """
    limits = app.settings.ui
    # the app fetches for whoever can open it: its own network only when the admin allows it
    app.settings.ingest.allow_private_urls = limits.allow_private_urls
    uploads = accept_uploads(
        files,
        app.settings.data_dir / "uploads",
        max_mb=app.settings.ingest.max_file_mb,
        max_files=limits.max_upload_files,
    )
    links = accept_urls(urls)
    by_name = {f.name: f.url for f in feeds}
    picked = [by_name[n] for n in feed_names if n in by_name]
    items = uploads.paths + links.paths + picked
    rejected = uploads.rejected + links.rejected
    if not items and not rejected:
        raise NewsragError("Nothing to add: upload files, paste URLs or pick feeds first.")
    report = IngestReport()
    if items:

        def on_progress(done: int, total: int) -> None:
            if progress is not None:
                progress((done, total), desc="Embedding chunks", unit="chunks")

        if progress is not None:
            progress((0, len(items)), desc="Reading and chunking", unit="items")
        report = app.ingest(items, progress=on_progress)
    names = uploads.names
    rejected += [ItemError(names.get(e.item, e.item), e.reason) for e in report.errors]
    return report_html(report, rejected)


def report_html(report: IngestReport, rejected: Sequence[ItemError]) -> str:
    """The outcome of one Add: counts, then one line per rejected item with its reason."""
    out = [
        f"<p><strong>{report.added} added, {report.updated} updated, {report.skipped} "
        f"unchanged, {len(rejected)} rejected</strong> ({report.chunks_written} chunks in "
        f"{report.seconds:.1f} s)</p>"
    ]
    if report.duplicates:
        out.append(f"<p>{report.duplicates} recognised as copies of articles already indexed.</p>")
    if rejected:
        items = "".join(
            f'<li><code class="nr-item">{esc(e.item)}</code>: {esc(e.reason)}</li>'
            for e in rejected
        )
        out.append(f'<p><strong>Rejected</strong></p><ul class="nr-rejected">{items}</ul>')
    return "".join(out)


@dataclass
class LibraryTab:
    """The components other parts of the app refresh or listen to."""

    summary: Any
    query: Any
    order: Any
    table: Any
    choice: Any
    changed: list[Any]  # events after which the corpus changed (ingest, delete)


def library_tab(
    app: NewsRAG, *, feeds: Sequence[Feed], source: str = "corpus/feeds.yaml"
) -> LibraryTab:
    """Lay out the Library tab inside the current ``gr.Tab`` and wire its events
    (``feeds``: those offered to add, read from the feed list ``source``)."""
    with gr.Row():
        query = gr.Textbox(label="Search", placeholder="title, outlet or URL", scale=3)
        order = gr.Radio(list(ORDERS), value=ORDERS[0], label="Sort", scale=2)
    summary = gr.Markdown(elem_id="library-summary")
    table = gr.Dataframe(
        headers=HEADERS,
        datatype=["str", "str", "str", "number", "str", "str", "str"],
        column_widths=["10%", "12%", "34%", "7%", "14%", "15%", "8%"],
        latex_delimiters=[],
        interactive=False,
        wrap=True,
        max_height=420,
        elem_id="library-table",
    )
    with gr.Row(equal_height=True):
        choice = gr.Dropdown(
            label="Article (click a row to pick it)", choices=[], scale=4, elem_id="delete-pick"
        )
        delete = gr.Button("Delete article", variant="stop", scale=1, elem_id="delete-btn")
    with gr.Accordion("Add articles", open=True):
        max_mb = app.settings.ingest.max_file_mb
        files = gr.File(
            label=f"Upload files ({', '.join(ACCEPTED_SUFFIXES)}; up to {max_mb:g} MB each)",
            file_count="multiple",
            elem_id="upload",
        )
        urls = gr.Textbox(
            label="Article or feed URLs, one per line",
            lines=3,
            placeholder="https://example.com/story.html",
        )
        picked = gr.CheckboxGroup(
            [f.name for f in feeds], label=f"Feeds from {source}", visible=bool(feeds)
        )
        add = gr.Button("Add to library", variant="primary", elem_id="add-btn")
        report = gr.HTML(elem_id="add-report")

    def show(q: str, o: str) -> tuple[str, list[list[object]], Any]:
        view = library_view(app, q, o)
        return view.summary, view.rows, gr.update(choices=view.choices, value=None)

    def pick(event: gr.SelectData) -> Any:
        row = event.row_value or []
        return gr.update(value=row[-1]) if row else gr.update()

    def on_delete(article_id: str | None) -> None:
        try:
            gr.Info(delete_article(app, article_id))
        except NewsragError as exc:
            raise gr.Error(str(exc)) from None

    def on_add(
        upload: list[str] | None,
        text: str,
        names: list[str],
        progress: Any = gr.Progress(),  # noqa: B008 - Gradio's way to inject progress
    ) -> tuple[str, Any, Any]:
        try:
            html = add_articles(
                app, files=upload or [], urls=text, feed_names=names, feeds=feeds, progress=progress
            )
        except NewsragError as exc:  # shown where the report goes; the inputs stay as they are
            return error_html(str(exc)), gr.skip(), gr.skip()
        return html, None, ""

    listing = [summary, table, choice]
    private: dict[str, Any] = {"api_visibility": "private"}
    query.change(show, [query, order], listing, trigger_mode="always_last", **private)
    order.change(show, [query, order], listing, **private)
    table.select(pick, None, choice, **private)
    one_at_a_time: dict[str, Any] = {"concurrency_limit": 1, "concurrency_id": "corpus"}
    deleted = delete.click(on_delete, choice, None, **one_at_a_time, **private)
    deleted.then(show, [query, order], listing, **private)
    added = add.click(
        on_add, [files, urls, picked], [report, files, urls], **one_at_a_time, **private
    )
    added.then(show, [query, order], listing, **private)
    return LibraryTab(summary, query, order, table, choice, changed=[deleted, added])
