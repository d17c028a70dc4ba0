"""The Latest view (the period's stories, ``NewsRAG.digest``) and the Timeline view (how a
topic unfolded, ``NewsRAG.timeline``): their HTML and their tabs.

Everything from an article is escaped; links are only http(s) (``ui.render``). A story's or
development's ``[n]`` links to source ``n`` in the same view, whose card shows the article
and every sentence of it used, highlighted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from rag import NewsRAG, NewsragError
from rag.digest import reported_by
from rag.types import Digest, Timeline
from ui.render import card_html, error_html, esc, external_link

PERIODS = {"24 hours": "24h", "7 days": "7d", "30 days": "30d"}
_LATEST, _TIMELINE = 0, -1  # the ``turn`` of card ids: unique per view on the page


def _marker(n: int, turn: int) -> str:
    return f'<a class="nr-cite" href="#nr-{turn}-src-{n}">[{n}]</a>'


def _when(moment: str) -> str:
    return moment[:10]


def digest_html(digest: Digest, *, bodies: dict[str, str] | None = None) -> str:
    """The period's stories: headline, how many outlets, the cited lead, the articles."""
    period = (
        f"{_when(digest.since)} to {_when(digest.until)}"
        if digest.latest
        else "the undated articles"
    )
    noun = "article" if digest.articles == 1 else "articles"
    out = [
        '<div class="nr-answer nr-digest">',
        f'<div class="nr-header">Stories from {esc(period)} · {digest.articles} {noun}</div>',
    ]
    if digest.notice:
        out.append(f'<div class="nr-notice" role="note">{esc(digest.notice)}</div>')
    if digest.stories:
        out.append('<ol class="nr-stories">')
    for story in digest.stories:
        meta = " · ".join(p for p in (reported_by(story), _when(story.latest)) if p)
        articles = "".join(
            "<li>"
            + esc(" · ".join(p for p in (a.published_at[:10], a.source) if p))
            + (": " if a.published_at or a.source else "")
            + external_link(a.url, esc(a.title or "Untitled"))
            + "</li>"
            for a in story.articles
        )
        out.append(
            '<li class="nr-story">'
            f'<div class="nr-card-head">{esc(story.headline)}</div>'
            + (f'<div class="nr-meta">{esc(meta)}</div>' if meta else "")
            + f'<p class="nr-text">{esc(story.lead)} {_marker(story.citation.n, _LATEST)}</p>'
            f'<ul class="nr-story-articles">{articles}</ul></li>'
        )
    if digest.stories:
        out.append("</ol>")
        out.append('<div class="nr-sources"><div class="nr-sources-title">Sources</div>')
        out.extend(
            card_html(s.citation, turn=_LATEST, body=(bodies or {}).get(s.citation.article_id))
            for s in digest.stories
        )
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def timeline_html(timeline: Timeline, *, bodies: dict[str, str] | None = None) -> str:
    """A topic's developments in date order, each with its day, its sentence and the
    outlets that reported it; then the sources."""
    out = ['<div class="nr-answer nr-timeline">']
    count = len(timeline.developments)
    out.append(
        f'<div class="nr-header">How “{esc(timeline.topic)}” unfolded · {count} '
        f"{'development' if count == 1 else 'developments'} from "
        f"{timeline.articles_read} articles read</div>"
    )
    if timeline.notice:
        out.append(f'<div class="nr-notice" role="note">{esc(timeline.notice)}</div>')
    if timeline.developments:
        out.append('<ol class="nr-steps">')
    for d in timeline.developments:
        marks = "".join(_marker(n, _TIMELINE) for n in d.citations)
        outlets = ", ".join(d.outlets)
        out.append(
            f'<li class="nr-step"><span class="nr-day">{esc(d.day)}</span> '
            f'<span class="nr-step-text">{esc(d.text)} {marks}</span>'
            + (f'<div class="nr-meta">{esc(outlets)}</div>' if outlets else "")
            + "</li>"
        )
    if timeline.developments:
        out.append("</ol>")
        out.append('<div class="nr-sources"><div class="nr-sources-title">Sources</div>')
        out.extend(
            card_html(c, turn=_TIMELINE, body=(bodies or {}).get(c.article_id))
            for c in timeline.citations
        )
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def _bodies(app: NewsRAG, article_ids: list[str]) -> dict[str, str]:
    """Article bodies for the source cards (an article deleted meanwhile is left out)."""
    found = {}
    for aid in dict.fromkeys(article_ids):
        try:
            found[aid] = app.article_text(aid)
        except NewsragError:
            continue
    return found


def latest_view(app: NewsRAG, period: str, as_of: str) -> str:
    """The Latest view's HTML for a period label ("7 days") as of a date ("" = now)."""
    try:
        digest = app.digest(PERIODS.get(period, "7d"), as_of=as_of.strip() or None)
    except NewsragError as exc:
        return error_html(str(exc))
    return digest_html(digest, bodies=_bodies(app, [s.citation.article_id for s in digest.stories]))


def timeline_view(app: NewsRAG, topic: str, since: str, until: str) -> str:
    """The Timeline view's HTML for ``topic`` (an empty topic asks for one)."""
    if not topic.strip():
        return '<div class="nr-notice">Type a topic, e.g. “OpenAI board”, then Show.</div>'
    try:
        timeline = app.timeline(topic, since=since.strip() or None, until=until.strip() or None)
    except NewsragError as exc:
        return error_html(str(exc))
    return timeline_html(timeline, bodies=_bodies(app, [c.article_id for c in timeline.citations]))


@dataclass
class StoryTabs:
    """The Latest and Timeline outputs, refreshed when the corpus changes."""

    latest: Any
    period: Any
    as_of: Any
    refresh: Any


def latest_tab(app: NewsRAG) -> StoryTabs:
    """Lay out the Latest tab inside the current ``gr.Tab``."""
    with gr.Row(equal_height=True):
        period = gr.Radio(
            list(PERIODS), value="7 days", label="Stories of the last", scale=3, elem_id="period"
        )
        as_of = gr.Textbox(
            label="As of (YYYY-MM-DD, empty = now)",
            placeholder="now",
            scale=2,
            elem_id="latest-as-of",
        )
        refresh = gr.Button("Refresh", scale=1, elem_id="latest-refresh")
    latest = gr.HTML(elem_id="latest-view")
    private: dict[str, Any] = {"api_visibility": "private"}

    def show(p: str, when: str) -> str:
        return latest_view(app, p, when)

    for event in (period.change, refresh.click, as_of.submit):
        event(show, [period, as_of], latest, **private)
    return StoryTabs(latest, period, as_of, refresh)


def timeline_tab(app: NewsRAG) -> Any:
    """Lay out the Timeline tab inside the current ``gr.Tab``; returns its output."""
    with gr.Row(equal_height=True):
        topic = gr.Textbox(label="Topic", placeholder="OpenAI board", scale=3, elem_id="tl-topic")
        since = gr.Textbox(label="From (YYYY-MM-DD)", scale=1)
        until = gr.Textbox(label="To (YYYY-MM-DD)", scale=1)
        go = gr.Button("Show", variant="primary", scale=1, elem_id="tl-go")
    view = gr.HTML(elem_id="timeline-view")
    private: dict[str, Any] = {"api_visibility": "private"}

    def show(t: str, a: str, b: str) -> str:
        return timeline_view(app, t, a, b)

    for event in (go.click, topic.submit):
        event(show, [topic, since, until], view, **private)
    return view
