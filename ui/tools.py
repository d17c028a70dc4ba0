"""The tools newsrag offers MCP clients (Claude Desktop and Claude Code, Cursor, VS Code): one
definition, served over stdio by ``newsrag mcp`` and over streamable HTTP at ``/mcp`` by
``newsrag ui --mcp`` and ``newsrag serve --mcp``.

- ``ask_news``: a question answered from the indexed articles, with numbered citations.
- ``search_news``: the ranked passages, each with its article.
- ``list_sources``: what is indexed (outlets, dates, how many articles).
- ``news_digest``: the period's stories, ranked by outlets and recency (``NewsRAG.digest``).
- ``news_timeline``: a topic's dated developments in order (``NewsRAG.timeline``).
- ``ingest_url``: add an article or feed by URL, only when the operator enables it
  (``NEWSRAG_MCP__ALLOW_INGEST=true``), under the app's address rules.

Each tool is a thin call of ``NewsRAG``'s public API, run off the event loop; a bad argument
or a refusal is a tool error naming the problem.

Example:
    >>> build_tools(NewsRAG.from_env()).run("stdio")
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import anyio
from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError

from rag import Answer, NewsRAG, NewsragError
from ui.access import is_loopback
from ui.openai_api import citations_json, reply_text
from ui.uploads import accept_urls

INSTRUCTIONS = (
    "newsrag answers questions about the AI-industry news articles indexed on this server, "
    "quoting them: every sentence of an answer ends in [n], and citations list the article, "
    "outlet, date, URL and exact quote for each n. Use ask_news for questions, search_news "
    "for raw passages, list_sources to see what is indexed, news_digest for what happened in a "
    "period, news_timeline for how a story unfolded. Dates are YYYY-MM-DD; as_of asks "
    "as if on that day."
)


def build_tools(app: NewsRAG, *, allow_ingest: bool = False, host: str = "127.0.0.1") -> FastMCP:
    """An MCP server holding newsrag's tools (``host``: where its HTTP transport is served,
    for the DNS-rebinding guard of loopback servers)."""
    server = FastMCP(
        "newsrag",
        instructions=INSTRUCTIONS,
        host=host if is_loopback(host) else "0.0.0.0",
        stateless_http=True,
        json_response=True,
        streamable_http_path="/mcp",
    )

    async def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await anyio.to_thread.run_sync(lambda: fn(*args, **kwargs))
        except (NewsragError, ImportError) as exc:
            raise ToolError(str(exc)) from None

    @server.tool()
    async def ask_news(
        question: str,
        outlets: list[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        as_of: str | None = None,
    ) -> dict[str, Any]:
        """Answer a question about AI-industry news from the indexed articles, with numbered
        citations. Returns the answer (sentences ending in [n], then the sources), a short
        answer when the evidence settles one, whether it abstained (nothing indexed supports
        an answer), and the citations (title, outlet, date, url, the quoted spans).

        Args:
            question: what to answer, in plain words.
            outlets: only articles from these outlets (names as list_sources gives them).
            since: only articles published on or after this date (YYYY-MM-DD).
            until: only articles published on or before this date (YYYY-MM-DD).
            as_of: ask as if on this date (YYYY-MM-DD): later articles are not seen.
        """
        if not question.strip():
            raise ToolError("question is empty: ask something, e.g. 'Who founded Anthropic?'")
        answer: Answer = await run(
            app.ask, question, sources=outlets or (), since=since, until=until, as_of=as_of
        )
        return {
            "answer": reply_text(answer),
            "short_answer": answer.short_answer,
            "abstained": answer.abstained,
            "notice": answer.notice,
            "citations": citations_json(answer),
        }

    @server.tool()
    async def search_news(
        query: str,
        outlets: list[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        as_of: str | None = None,
        top_k: int = 8,
    ) -> list[dict[str, Any]]:
        """Search the indexed AI-industry news for passages: the best chunks for the query,
        best first, each with its article's title, outlet, date and URL. Use it to read the
        evidence yourself; ask_news answers with citations.

        Args:
            query: what to look for (a question or keywords).
            outlets: only articles from these outlets.
            since: only articles published on or after this date (YYYY-MM-DD).
            until: only articles published on or before this date (YYYY-MM-DD).
            as_of: as if on this date (YYYY-MM-DD): later articles are not seen.
            top_k: how many passages (1-50).
        """
        if not 1 <= top_k <= 50:
            raise ToolError(f"top_k must be between 1 and 50, not {top_k}.")
        hits = await run(
            app.search, query, sources=outlets or (), since=since, until=until, as_of=as_of,
            top_k=top_k,
        )  # fmt: skip
        return [
            {"text": h.text, "title": h.title, "source": h.source, "url": h.url,
             "published_at": h.published_at, "article_id": h.article_id,
             "score": round(h.score, 4)}
            for h in hits
        ]  # fmt: skip

    @server.tool()
    async def list_sources() -> dict[str, Any]:
        """What this server has indexed: how many articles and chunks, each outlet with its
        number of articles, and the date range of publication."""
        stats = await run(app.stats)
        return {
            "articles": stats.articles,
            "chunks": stats.chunks,
            "outlets": stats.sources,
            "earliest": stats.earliest,
            "latest": stats.latest,
        }

    @server.tool()
    async def news_digest(
        since: str = "7d", as_of: str | None = None, outlets: list[str] | None = None
    ) -> dict[str, Any]:
        """What's new in the indexed AI-industry news: the period's stories (each outlet's
        coverage of one event grouped), ranked by how many outlets reported each and how
        recent it is. Each story has a headline, a cited lead sentence, its outlets and its
        articles with dates; notice says why a digest is empty or what it covers instead.

        Args:
            since: how far back: a duration (24h, 7d, 2w) or a date (YYYY-MM-DD).
            as_of: the end of the period (YYYY-MM-DD; default now).
            outlets: only articles from these outlets.
        """
        digest = await run(app.digest, since, as_of=as_of, sources=outlets or ())
        return asdict(digest)

    @server.tool()
    async def news_timeline(
        topic: str, since: str | None = None, until: str | None = None
    ) -> dict[str, Any]:
        """How a news story unfolded: the dated developments of a topic in date order, one
        cited sentence each (the day it states, else its date heading, else its article's
        publication), one development reported by several outlets listed once with all.

        Args:
            topic: what the story is about, e.g. "OpenAI board".
            since: only developments on or after this date (YYYY-MM-DD).
            until: only developments on or before this date (YYYY-MM-DD).
        """
        if not topic.strip():
            raise ToolError("topic is empty: name a story, e.g. 'OpenAI board'")
        return asdict(await run(app.timeline, topic, since=since, until=until))

    if allow_ingest:

        @server.tool()
        async def ingest_url(url: str) -> dict[str, Any]:
            """Add a news article, or every article of an RSS/Atom feed, to the index by its
            http(s) URL. Unchanged articles are skipped; addresses on this server's own
            network are refused unless the operator allows them.

            Args:
                url: the article's or feed's http(s) URL.
            """
            links = accept_urls(url)
            if links.rejected or len(links.paths) != 1:
                raise ToolError(f"{url!r} is not an http(s) URL; give one like https://…/story")
            app.settings.ingest.allow_private_urls = app.settings.ui.allow_private_urls
            report = await run(app.ingest, links.paths)
            return {
                "added": report.added,
                "updated": report.updated,
                "unchanged": report.skipped,
                "rejected": [{"item": e.item, "reason": e.reason} for e in report.errors],
            }

    return server
