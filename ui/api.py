"""The app's stable API for ``gradio_client``: ``/ask`` (Markdown), ``/ask_json``, and
``/digest_json`` and ``/timeline_json`` (``NewsRAG.digest`` and ``NewsRAG.timeline``).

Both take the question and, optionally, outlets, since/until dates (YYYY-MM-DD), the
answerer's name, the conversation so far (``[{"role", "content"}, ...]``) for follow-ups, and
``as_of`` (YYYY-MM-DD: ask as if on that date).

Example:
    >>> Client("http://127.0.0.1:7860/").predict("Who leads Corvid Labs?", api_name="/ask")
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import gradio as gr

from rag import Answer, NewsRAG, NewsragError
from ui.chat import CONCURRENCY
from ui.render import answer_markdown


def add_api(app: NewsRAG) -> None:
    """Register the stable API endpoints (/ask, /ask_json, /digest_json, /timeline_json) in
    the current Blocks."""

    def _answer(
        question: str,
        outlets: list[str] | None,
        since: str,
        until: str,
        answerer: str,
        history: list[dict[str, Any]] | None,
        as_of: str,
    ) -> Answer:
        try:
            return final_answer(
                app,
                question,
                history=history or [],
                sources=outlets or [],
                since=since or None,
                until=until or None,
                answerer=answerer or None,
                as_of=as_of or None,
            )
        except (NewsragError, ImportError) as exc:
            raise gr.Error(str(exc)) from None

    def ask(
        question: str,
        outlets: list[str] | None = None,
        since: str = "",
        until: str = "",
        answerer: str = "",
        history: list[dict[str, Any]] | None = None,
        as_of: str = "",
    ) -> str:
        """Answer a question from the indexed articles: Markdown with [n] markers and the
        numbered sources. Optional: outlets, since/until (YYYY-MM-DD), answerer, history
        (earlier turns as {"role", "content"} for follow-ups), as_of (YYYY-MM-DD: ask as if
        on that date; later articles are hidden and "this week" counts from it)."""
        answer = _answer(question, outlets, since, until, answerer, history, as_of)
        return answer_markdown(answer)

    def ask_json(
        question: str,
        outlets: list[str] | None = None,
        since: str = "",
        until: str = "",
        answerer: str = "",
        history: list[dict[str, Any]] | None = None,
        as_of: str = "",
    ) -> dict[str, Any]:
        """Like /ask, but the whole answer as JSON: text, short_answer, abstained, sentences
        (with verified), citations (one per article, with its quotes and their offsets),
        filters, searched, timings_ms."""
        answer = _answer(question, outlets, since, until, answerer, history, as_of)
        return answer_json(answer)

    def digest_json(since: str = "7d", as_of: str = "") -> dict[str, Any]:
        """What's new: the stories of the period from since (24h, 7d, 2w or YYYY-MM-DD) to
        as_of (YYYY-MM-DD; empty = now), ranked by how many outlets reported each; each with
        headline, cited lead, outlets and articles."""
        try:
            return asdict(app.digest(since or "7d", as_of=as_of or None))
        except NewsragError as exc:
            raise gr.Error(str(exc)) from None

    def timeline_json(topic: str, since: str = "", until: str = "") -> dict[str, Any]:
        """How a topic unfolded: its dated developments in order, one cited sentence each,
        the same development from several outlets once; since/until (YYYY-MM-DD) bound it."""
        try:
            return asdict(app.timeline(topic, since=since or None, until=until or None))
        except NewsragError as exc:
            raise gr.Error(str(exc)) from None

    options: dict[str, Any] = {"concurrency_limit": CONCURRENCY, "concurrency_id": "answer"}
    gr.api(ask, api_name="ask", **options)
    gr.api(ask_json, api_name="ask_json", **options)
    gr.api(digest_json, api_name="digest_json", **options)
    gr.api(timeline_json, api_name="timeline_json", **options)


def final_answer(app: NewsRAG, question: str, **options: Any) -> Answer:
    """The ``Answer`` that ends ``app.stream`` (the options of ``NewsRAG.stream``).

    Raises:
        NewsragError: the engine refused, or its stream ended without an Answer.
    """
    answer = None
    for item in app.stream(question, **options):
        if isinstance(item, Answer):
            answer = item
    if answer is None:
        raise NewsragError("The engine returned no answer; please ask again.")
    return answer


def answer_json(answer: Answer) -> dict[str, Any]:
    """An answer as plain JSON values (hits left out: they are the engine's working set)."""
    data = asdict(answer)
    data.pop("hits", None)
    data["verified_share"] = answer.verified_share
    return data
