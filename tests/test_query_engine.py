"""newsrag used the way LlamaIndex users use query engines and retrievers: directly, through a
QueryEngineTool and a RetrieverQueryEngine, and by an agent whose (mock) LLM picks the tool."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.base.base_query_engine import BaseQueryEngine
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.llms.types import ChatMessage, MessageRole, ToolCallBlock
from llama_index.core.base.response.schema import Response, StreamingResponse
from llama_index.core.llms import MockLLM
from llama_index.core.llms.mock import MockFunctionCallingLLM
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.tools import QueryEngineTool

from rag import NewsRAG, NewsragError
from tests.conftest import run_async

pytestmark = pytest.mark.slow
QUESTION = "Who is the CEO of Corvid Labs?"


def test_query_gives_the_cited_answer_with_its_sources(corpus_engine: NewsRAG) -> None:
    engine = corpus_engine.as_query_engine()
    assert isinstance(engine, BaseQueryEngine)
    response = engine.query(QUESTION)
    assert isinstance(response, Response)
    answer = corpus_engine.ask(QUESTION)
    assert str(response) == answer.text and "[1]" in str(response)
    assert response.metadata["short_answer"] == "Mira Okafor"
    assert response.metadata["abstained"] is False
    assert response.metadata["verified_share"] == 1.0
    assert response.metadata["answer_kind"] == "person"
    assert response.source_nodes
    for node in response.source_nodes:
        meta = node.node.metadata
        assert {"n", "title", "source", "url", "published_at", "quote"} <= set(meta)
        assert meta["quote"] in node.node.get_content()  # the quote inside its chunk
        body = corpus_engine.article_text(meta["article_id"])
        assert body[meta["quote_start"] : meta["quote_end"]] == meta["quote"]
        assert f"[{meta['n']}]" in str(response)
    again = run_async(lambda: engine.aquery(QUESTION))
    assert str(again) == str(response)


def test_streaming_and_options(corpus_engine: NewsRAG) -> None:
    engine = corpus_engine.as_query_engine(streaming=True, sources=["TechPulse"])
    response = engine.query("How much revenue did Orbital Cloud report?")
    assert isinstance(response, StreamingResponse)
    pieces = list(response.response_gen)
    assert len(pieces) >= 1 and "$12.4 billion" in "".join(pieces)
    # filled in once the text has been read
    assert response.source_nodes
    assert {n.node.metadata["source"] for n in response.source_nodes} == {"TechPulse"}
    assert response.metadata["filters"] == {"sources": ["TechPulse"]}
    with pytest.raises(NewsragError, match="Cannot read the as_of date"):
        corpus_engine.as_query_engine(as_of="whenever").query(QUESTION)


def test_retriever_through_llama_index_query_engines(corpus_engine: NewsRAG) -> None:
    retriever = corpus_engine.as_retriever(top_k=3)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve("QX-9 inference accelerator")
    assert len(nodes) == 3 and "QX-9" in nodes[0].node.get_content()
    assert nodes[0].node.metadata["source"] and nodes[0].score is not None
    assert [n.node.node_id for n in nodes] == [
        h.chunk_id for h in corpus_engine.search("QX-9 inference accelerator", top_k=3)
    ]
    # a LlamaIndex user's own pipeline on our retriever (the LLM given explicitly)
    pipeline = RetrieverQueryEngine.from_args(retriever, llm=MockLLM(max_tokens=8))
    response = pipeline.query("QX-9 inference accelerator")
    assert [n.node.node_id for n in response.source_nodes] == [n.node.node_id for n in nodes]


def test_query_engine_tool_and_an_agent_choosing_it(corpus_engine: NewsRAG) -> None:
    tool = QueryEngineTool.from_defaults(
        corpus_engine.as_query_engine(),
        name="ai_news",
        description="Answers questions about AI-industry news with numbered citations.",
    )
    output = tool.call(QUESTION)
    assert "Mira Okafor" in output.content and "[1]" in output.content
    assert output.raw_output.metadata["short_answer"] == "Mira Okafor"

    def choose(messages: list[ChatMessage], **kwargs: Any) -> ChatMessage:
        """The mock LLM: call the tool offered with the user's question, then report."""
        if any(m.role == MessageRole.TOOL for m in messages):
            return ChatMessage(role=MessageRole.ASSISTANT, content="Done.")
        (offered,) = kwargs["tools"]
        call = ToolCallBlock(
            tool_call_id="call-1",
            tool_name=offered.metadata.name,
            tool_kwargs={"input": messages[-1].content},
        )
        return ChatMessage(role=MessageRole.ASSISTANT, blocks=[call])

    llm = MockFunctionCallingLLM(response_generator=choose, is_chat_model=True)
    agent = FunctionAgent(tools=[tool], llm=llm)

    async def run() -> tuple[Any, list[Any]]:
        handler = agent.run(user_msg=QUESTION)
        results = []
        async for event in handler.stream_events():
            if type(event).__name__ == "ToolCallResult":
                results.append(event)
        return await handler, results

    final, results = run_async(run)
    assert [r.tool_name for r in results] == ["ai_news"]
    assert "Mira Okafor" in results[0].tool_output.content
    assert str(final).strip() == "Done."
