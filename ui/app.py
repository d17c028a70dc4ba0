"""The chat app (Gradio) over the engine's public API: questions in, cited answers out."""

from __future__ import annotations

import html
import logging
import os
from typing import Any

from rag import Answer, NewsRAG, NewsragError

log = logging.getLogger(__name__)


def render(answer: Answer) -> str:
    """An answer as Markdown: the text with ``[n]`` markers, then the numbered sources."""
    lines = [answer.text]
    if answer.citations:
        lines.append("\n**Sources**")
    for c in answer.citations:
        date = c.published_at[:10] or "undated"
        title = html.escape(c.title)
        link = f"[{title}]({c.url})" if c.url.startswith(("http://", "https://")) else title
        lines.append(
            f"{c.n}. {link} — {html.escape(c.source or 'unknown outlet')}, {date}  \n"
            f"   > {html.escape(c.quote)}"
        )
    return "\n".join(lines)


def build(app: NewsRAG) -> Any:
    """The Gradio Blocks for ``app``; ``/ask`` is the stable API endpoint."""
    import gradio as gr

    def respond(message: str, history: list[dict[str, Any]]) -> str:
        try:
            return render(app.ask(message))
        except NewsragError as exc:
            raise gr.Error(str(exc)) from None

    stats = app.stats()
    with gr.Blocks(title="newsrag") as demo:
        gr.Markdown(
            f"# newsrag\nAnswers from {stats.articles} indexed articles, every claim "
            "cited. Ask about AI-industry news."
        )
        gr.ChatInterface(
            respond,
            api_name="ask",
            concurrency_limit=8,
            examples=["What is Anthropic getting from Google?"],
        )
    return demo


def serve(app: NewsRAG, *, host: str, port: int) -> None:
    """Run the app until interrupted (loopback by default; never shared publicly)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    demo = build(app)
    auth = None
    if app.settings.ui.auth is not None:
        user, _, password = app.settings.ui.auth.get_secret_value().partition(":")
        auth = (user, password)
    demo.queue(default_concurrency_limit=8).launch(
        server_name=host, server_port=port, share=False, auth=auth, show_error=True
    )
