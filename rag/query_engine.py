"""newsrag as LlamaIndex parts, for people who build with LlamaIndex: a query engine over
``NewsRAG.ask`` and a retriever over ``NewsRAG.search``. Thin layers: every answer, citation
and filter is the engine's own.

Example:
    >>> engine = app.as_query_engine(as_of="2025-06-01")
    >>> response = engine.query("Who founded Anthropic?")
    >>> str(response), response.metadata["short_answer"], response.source_nodes[0].metadata
    >>> tool = QueryEngineTool.from_defaults(engine, name="news", description="AI news")
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.response.schema import Response, StreamingResponse
from llama_index.core.callbacks import CallbackManager
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from rag.types import Answer, Hit

if TYPE_CHECKING:
    from rag.engine import NewsRAG


class NewsQueryEngine(BaseQueryEngine):
    """A LlamaIndex query engine answering with ``NewsRAG.ask``.

    ``query``/``aquery`` return a ``Response`` (or, with ``streaming``, a ``StreamingResponse``
    whose ``source_nodes`` and ``metadata`` fill in when its text is consumed): the cited
    answer as text, one ``NodeWithScore`` per quoted span of a cited chunk, and in
    ``metadata`` the short answer, whether it abstained, the verified share, the notice, the
    answer kind and the structured citations.

    Args:
        app: the engine.
        streaming: yield the answer's text as it is produced.
        ask_options: what ``NewsRAG.ask`` takes (sources, since, until, as_of, top_k,
            answerer, history).
    """

    def __init__(
        self,
        app: NewsRAG,
        *,
        streaming: bool = False,
        callback_manager: CallbackManager | None = None,
        **ask_options: Any,
    ) -> None:
        super().__init__(callback_manager)
        self._app, self._streaming, self._options = app, streaming, ask_options

    def _get_prompt_modules(self) -> dict[str, Any]:
        return {}  # no LlamaIndex prompts: the engine writes its own answers

    def _query(self, query_bundle: QueryBundle) -> Response | StreamingResponse:
        question = query_bundle.query_str
        if not self._streaming:
            answer = self._app.ask(question, **self._options)
            return Response(answer.text, source_nodes=cited_nodes(answer), metadata=_about(answer))
        nodes: list[NodeWithScore] = []
        about: dict[str, Any] = {}
        items = self._app.stream(question, **self._options)  # a bad option fails here, at once

        def pieces() -> Iterator[str]:
            for item in items:
                if isinstance(item, Answer):
                    nodes.extend(cited_nodes(item))
                    about.update(_about(item))
                else:
                    yield item

        return StreamingResponse(pieces(), source_nodes=nodes, metadata=about)

    async def _aquery(self, query_bundle: QueryBundle) -> Response | StreamingResponse:
        return await asyncio.to_thread(self._query, query_bundle)

    def retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        """The chunks ``ask`` would read, as nodes."""
        options = {k: v for k, v in self._options.items() if k in _SEARCH_OPTIONS}
        return hit_nodes(self._app.search(query_bundle.query_str, **options))


class NewsRetriever(BaseRetriever):
    """A LlamaIndex retriever over ``NewsRAG.search`` (hybrid dense + BM25, re-scored by
    sentence): one ``NodeWithScore`` per chunk, with the article's metadata.

    Args:
        app: the engine.
        search_options: what ``NewsRAG.search`` takes (sources, since, until, as_of, top_k,
            mode).
    """

    def __init__(
        self,
        app: NewsRAG,
        *,
        callback_manager: CallbackManager | None = None,
        **search_options: Any,
    ) -> None:
        super().__init__(callback_manager=callback_manager)
        self._app, self._options = app, search_options

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return hit_nodes(self._app.search(query_bundle.query_str, **self._options))

    async def _aretrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return await asyncio.to_thread(self._retrieve, query_bundle)


_SEARCH_OPTIONS = {"sources", "since", "until", "as_of", "top_k", "mode"}


def hit_nodes(hits: list[Hit]) -> list[NodeWithScore]:
    """Retrieved chunks as LlamaIndex nodes."""
    return [NodeWithScore(node=TextNode(id_=h.chunk_id, text=h.text, metadata=_hit_meta(h)),
                          score=h.score) for h in hits]  # fmt: skip


def cited_nodes(answer: Answer) -> list[NodeWithScore]:
    """One node per quoted span of an answer's citations: the chunk it was quoted from, with
    the citation's number, the quote and its offsets in the article body."""
    hits = {h.chunk_id: h for h in answer.hits}
    nodes = []
    for citation in answer.citations:
        for quote in citation.spans:
            hit = hits.get(quote.chunk_id)
            meta = {
                "n": citation.n,
                "article_id": citation.article_id,
                "title": citation.title,
                "source": citation.source,
                "url": citation.url,
                "published_at": citation.published_at,
                "quote": quote.text,
                "quote_start": quote.start,
                "quote_end": quote.end,
            }
            node = TextNode(
                id_=f"{quote.chunk_id}#{quote.start}",
                text=hit.text if hit is not None else quote.text,
                metadata=meta,
            )
            nodes.append(NodeWithScore(node=node, score=hit.score if hit is not None else None))
    return nodes


def _hit_meta(hit: Hit) -> dict[str, Any]:
    return {
        "article_id": hit.article_id,
        "title": hit.title,
        "source": hit.source,
        "url": hit.url,
        "published_at": hit.published_at,
        "start": hit.start,
        "end": hit.end,
    }


def _about(answer: Answer) -> dict[str, Any]:
    return {
        "short_answer": answer.short_answer,
        "abstained": answer.abstained,
        "verified_share": answer.verified_share,
        "notice": answer.notice,
        "answer_kind": answer.answer_kind,
        "answerer": answer.answerer,
        "searched": answer.searched,
        "filters": dict(answer.filters),
        "citations": [
            {"n": c.n, "title": c.title, "source": c.source, "url": c.url,
             "published_at": c.published_at,
             "quotes": [{"text": q.text, "start": q.start, "end": q.end} for q in c.spans]}
            for c in answer.citations
        ],
    }  # fmt: skip
