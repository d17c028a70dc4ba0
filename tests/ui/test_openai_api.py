"""The OpenAI-compatible API driven by the official ``openai`` client, as front ends and SDK
users call it: models, a plain and a streamed completion with citations, a follow-up, and the
errors in OpenAI's shape (a wrong key, an unknown model, a bad filter), the server serving on."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator

import httpx
import openai
import pytest
import uvicorn
from openai import OpenAI

from rag import NewsRAG
from tests.conftest import free_port
from ui.access import Access
from ui.server import endpoints, headless

pytestmark = [pytest.mark.loopback, pytest.mark.slow]
KEY = "sk-test-newsrag"


@pytest.fixture(scope="module")
def base_url(corpus_engine: NewsRAG) -> Iterator[str]:
    """`newsrag serve` in this process: the headless API with one key, on loopback."""
    port = free_port()
    extra = endpoints(corpus_engine, host="127.0.0.1", logins=None, keys=[KEY])
    config = uvicorn.Config(headless(corpus_engine, extra), host="127.0.0.1", port=port,
                            log_level="warning")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client(base_url: str) -> OpenAI:
    return OpenAI(base_url=base_url, api_key=KEY, max_retries=0)


def ask(client: OpenAI, *messages: dict[str, str], **extra: object) -> object:
    return client.chat.completions.create(
        model="newsrag", messages=list(messages), extra_body=extra or None
    )


def test_models_and_a_cited_completion(client: OpenAI, corpus_engine: NewsRAG) -> None:
    assert [m.id for m in client.models.list()] == ["newsrag"]
    reply = ask(client, {"role": "user", "content": "Who is the CEO of Corvid Labs?"})
    message = reply.choices[0].message
    answer = corpus_engine.ask("Who is the CEO of Corvid Labs?")
    assert message.content.startswith(answer.text.strip())
    assert "\n\nSources:\n[1] " in message.content  # any client shows the sources
    extra = message.model_extra
    assert extra["short_answer"] == "Mira Okafor"
    assert [c["n"] for c in extra["citations"]] == [c.n for c in answer.citations]
    assert all(c["quotes"] and c["url"].startswith("https://") for c in extra["citations"])
    assert reply.choices[0].finish_reason == "stop" and reply.model == "newsrag"


def test_a_streamed_completion_ends_with_its_citations(client: OpenAI) -> None:
    stream = client.chat.completions.create(
        model="newsrag",
        messages=[{"role": "user", "content": "How many jobs did Orbital Cloud cut?"}],
        stream=True,
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "400 jobs" in text and "Sources:" in text
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert last.model_extra["citations"] and last.model_extra["citations"][0]["quotes"]
    assert len(chunks) > 3  # the answer arrives in pieces


def test_earlier_messages_are_the_conversation(client: OpenAI) -> None:
    reply = ask(
        client,
        {"role": "system", "content": "You are a helpful news assistant."},
        {"role": "user", "content": "How many jobs did Orbital Cloud cut?"},
        {"role": "assistant", "content": "Orbital Cloud is cutting 400 jobs. [1]"},
        {
            "role": "user",
            "content": [{"type": "text", "text": "What did its chief executive say?"}],
        },
    )
    assert "Karen Holt" in reply.choices[0].message.content


def test_filters_ride_in_the_body(client: OpenAI) -> None:
    reply = ask(client, {"role": "user", "content": "Orbital Cloud news"}, sources=["TechPulse"],
                as_of="2025-06-30")  # fmt: skip
    citations = reply.choices[0].message.model_extra["citations"]
    assert citations and {c["source"] for c in citations} == {"TechPulse"}


def test_errors_come_in_openais_shape_and_the_server_goes_on(client: OpenAI, base_url: str) -> None:
    wrong = OpenAI(base_url=base_url, api_key="sk-wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as denied:
        wrong.models.list()
    assert denied.value.status_code == 401
    assert denied.value.body["code"] == "invalid_api_key"
    with pytest.raises(openai.NotFoundError) as unknown:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    assert "The model 'gpt-4o' does not exist. Available: newsrag." in str(unknown.value)
    with pytest.raises(openai.BadRequestError, match="Cannot read the as_of date 'soon'"):
        ask(client, {"role": "user", "content": "Layoffs?"}, as_of="soon")
    with pytest.raises(openai.BadRequestError, match="The last message must be a user message"):
        ask(client, {"role": "assistant", "content": "hello"})
    raw = httpx.post(f"{base_url}/chat/completions", content=b"{not json",
                     headers={"Authorization": f"Bearer {KEY}"})  # fmt: skip
    assert raw.status_code == 400 and raw.json()["error"]["message"] == (
        "The request body is not JSON."
    )
    assert ask(client, {"role": "user", "content": "Who leads Corvid Labs?"}).choices


def test_who_may_call() -> None:
    public = Access.build(keys=[], logins=None, host="0.0.0.0")
    assert "set NEWSRAG_API__KEYS" in public.refusal({})  # reachable from elsewhere: never open
    assert Access.build(keys=[], logins=None, host="127.0.0.1").refusal({}) is None
    login = Access.build(keys=[], logins=[("ann", "pw")], host="127.0.0.1")
    basic = "Basic " + base64.b64encode(b"ann:pw").decode()
    assert login.refusal({"authorization": basic}) is None
    assert login.refusal({"authorization": "Bearer ann:pw"}) is None
    assert login.refusal({"authorization": "Bearer ann:nope"}).startswith("Invalid credentials")
    assert login.refusal({}).startswith("Missing credentials")
