"""The Chat tab: streamed, cited answers with follow-ups, filters next to the chat, example
questions on an empty chat, and a conversation kept per browser.

The conversation lives in the browser (``gr.BrowserState``): each browser has its own, it
survives a page reload with its citations intact, and the server keeps no chat state. Each
turn is ``{"id", "q", "a", "html"}``: the question, the answer's plain text (the history the
engine reads for follow-ups) and its rendered HTML.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from rag import Answer, NewsRAG, NewsragError
from ui.render import answer_html, error_html, question_html, streaming_html

log = logging.getLogger(__name__)

MAX_TURNS = 30  # kept per browser; older turns drop off (follow-ups read the last few only)
CONCURRENCY = 8  # questions answered at once across all users
Turn = dict[str, Any]
_FAILED = "Something went wrong answering this; the server log has the details."


@dataclass
class ChatTab:
    """The chat's components, for wiring and for other tabs to refresh."""

    chatbot: Any
    question: Any
    send: Any
    new_chat: Any
    outlets: Any
    since: Any
    until: Any
    as_of: Any
    turns: Any


def clean_turns(stored: object) -> list[Turn]:
    """The turns read back from the browser, dropping anything malformed (the browser's
    storage is not ours to trust, and an old format must not break the page)."""
    if not isinstance(stored, list):
        return []
    keep = []
    for turn in stored:
        if (
            isinstance(turn, dict)
            and isinstance(turn.get("id"), int)
            and all(isinstance(turn.get(k), str) for k in ("q", "a", "html"))
        ):
            keep.append({k: turn[k] for k in ("id", "q", "a", "html")})
    return keep[-MAX_TURNS:]


def messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """The Chatbot's messages for ``turns``."""
    out = []
    for turn in turns:
        out.append({"role": "user", "content": question_html(turn["q"])})
        out.append({"role": "assistant", "content": turn["html"]})
    return out


def history(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """The conversation as the engine reads it: questions and answers as plain text."""
    out = []
    for turn in turns:
        out.append({"role": "user", "content": turn["q"]})
        out.append({"role": "assistant", "content": turn["a"]})
    return out


def article_bodies(app: NewsRAG, answer: Answer) -> dict[str, str]:
    """The body of every cited article, for showing each quote within its paragraph; an
    article deleted since it was cited is left out (its card shows the quote alone)."""
    bodies: dict[str, str] = {}
    for citation in answer.citations:
        if citation.article_id in bodies:
            continue
        try:
            bodies[citation.article_id] = app.article_text(citation.article_id)
        except NewsragError:
            log.info("no body for cited article %s", citation.article_id)
    return bodies


def respond(
    app: NewsRAG,
    question: str,
    turns: object,
    *,
    outlets: Sequence[str] = (),
    since: str = "",
    until: str = "",
    answerer: str | None = None,
    as_of: str = "",
) -> Iterator[tuple[list[dict[str, str]], list[Turn] | None, str]]:
    """Answer ``question`` in the conversation ``turns``, streaming.

    Yields ``(chat messages, turns or None while unchanged, question box text)``: first the
    question with an empty answer, then the answer as it grows, then the finished answer
    with its source cards and the new turns.

    When the engine refuses (nothing indexed, a bad date, an unknown outlet) or fails, the
    last item shows the reason in place of the answer, keeps the turns unchanged and puts
    the question back in the box to be fixed and asked again.
    """
    past = clean_turns(turns)
    question = question.strip()
    shown = [*messages(past), {"role": "user", "content": question_html(question)}]
    shown.append({"role": "assistant", "content": streaming_html("")})
    yield shown, None, ""
    pieces: list[str] = []
    answer: Answer | None = None
    try:
        for item in app.stream(
            question,
            history=history(past),
            sources=list(outlets),
            since=since.strip() or None,
            until=until.strip() or None,
            answerer=answerer or None,
            as_of=as_of.strip() or None,
        ):
            if isinstance(item, Answer):
                answer = item
            else:
                pieces.append(item)
                shown[-1] = {"role": "assistant", "content": streaming_html("".join(pieces))}
                yield shown, None, ""
        if answer is None:  # the engine's contract is to end with the Answer
            raise NewsragError("The engine returned no answer; please ask again.")
    except (NewsragError, ImportError) as exc:  # ImportError: an LLM backend's extra is missing
        shown[-1] = {"role": "assistant", "content": error_html(str(exc))}
        yield shown, None, question
        return
    except Exception:  # the log keeps the traceback; the user gets a notice, never a trace
        log.exception("answering %r failed", question)
        shown[-1] = {"role": "assistant", "content": error_html(_FAILED)}
        yield shown, None, question
        return
    turn_id = (past[-1]["id"] + 1) if past else 1
    html = answer_html(answer, turn=turn_id, bodies=article_bodies(app, answer))
    new = [*past, {"id": turn_id, "q": question, "a": answer.reply, "html": html}][-MAX_TURNS:]
    yield messages(new), new, ""


def chat_tab(app: NewsRAG) -> ChatTab:
    """Lay out the Chat tab inside the current ``gr.Tab`` (events: ``wire_chat``)."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=4):
            chatbot = gr.Chatbot(
                show_label=False,
                elem_id="chat",
                layout="panel",
                height=620,
                latex_delimiters=[],  # "$300 million" is money, not maths
                feedback_options=None,
                buttons=["copy_all"],
                placeholder="Ask about the indexed AI-industry news. Every claim is cited.",
            )
            with gr.Row(equal_height=True):
                question = gr.Textbox(
                    label="Question",
                    show_label=False,
                    placeholder="Ask a question, or a follow-up…",
                    scale=5,
                    elem_id="question",
                    autofocus=True,
                )
                send = gr.Button("Ask", variant="primary", scale=1, elem_id="ask-btn")
            new_chat = gr.Button("New chat", size="sm", elem_id="new-chat")
        with gr.Column(scale=1, min_width=240, elem_id="filters"):
            gr.Markdown("### Filters\nApply to your next question.")
            outlets = gr.Dropdown(label="Outlets", multiselect=True, choices=[], elem_id="outlets")
            since = gr.Textbox(label="Since", placeholder="YYYY-MM-DD", elem_id="since")
            until = gr.Textbox(label="Until", placeholder="YYYY-MM-DD", elem_id="until")
            as_of = gr.Textbox(
                label="As of",
                placeholder="YYYY-MM-DD (default: today)",
                info="Ask as if on this date: later articles are hidden, and 'this week' or "
                "'yesterday' count from it.",
                elem_id="as-of",
            )
    turns = gr.BrowserState([], storage_key="newsrag-chat")
    return ChatTab(chatbot, question, send, new_chat, outlets, since, until, as_of, turns)


def wire_chat(app: NewsRAG, tab: ChatTab, *, answerer: Any) -> None:
    """Connect the chat's events; ``answerer`` is the Settings tab's choice (per session)."""

    def on_ask(
        question: str,
        turns: object,
        outlets: list[str],
        since: str,
        until: str,
        as_of: str,
        name: str,
    ) -> Iterator[tuple[Any, Any, str]]:
        if not (question or "").strip():
            gr.Warning("Type a question first.")
            return
        for shown, new, box in respond(
            app,
            question,
            turns,
            outlets=outlets or [],
            since=since or "",
            until=until or "",
            answerer=name,
            as_of=as_of or "",
        ):
            yield shown, gr.skip() if new is None else new, box

    inputs = [tab.question, tab.turns, tab.outlets, tab.since, tab.until, tab.as_of, answerer]
    outputs = [tab.chatbot, tab.turns, tab.question]
    options: dict[str, Any] = {
        "api_visibility": "private",
        "concurrency_limit": CONCURRENCY,
        "concurrency_id": "answer",
    }
    tab.question.submit(on_ask, inputs, outputs, **options)
    tab.send.click(on_ask, inputs, outputs, **options)

    def on_example(event: gr.SelectData) -> str:
        return str(event.value.get("text", "")) if isinstance(event.value, dict) else ""

    tab.chatbot.example_select(on_example, None, tab.question, api_visibility="private").then(
        on_ask, inputs, outputs, **options
    )
    tab.new_chat.click(lambda: ([], []), None, [tab.chatbot, tab.turns], api_visibility="private")
