"""The chat app served for real on loopback, driven through its stable API (`/ask`,
`/ask_json`) with gradio_client, as the README shows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gradio_client import Client

from rag import NewsRAG
from ui.app import build

pytestmark = [pytest.mark.loopback, pytest.mark.slow]


@pytest.fixture(scope="module")
def served_api(corpus_engine: NewsRAG) -> Iterator[str]:
    demo = build(corpus_engine)
    demo.queue(default_concurrency_limit=8).launch(
        server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True
    )
    try:
        yield demo.local_url
    finally:
        demo.close()


def test_ask_endpoint_answers_with_sources(served_api: str) -> None:
    client = Client(served_api, verbose=False)
    endpoints = client.view_api(return_format="dict")["named_endpoints"]
    assert set(endpoints) == {"/ask", "/ask_json", "/digest_json", "/timeline_json"}  # no UI events
    digest = client.predict("30d", "2025-06-30", api_name="/digest_json")
    assert digest["stories"][0]["citation"]["source"] == "TechPulse"
    timeline = client.predict("Orbital Cloud", "", "", api_name="/timeline_json")
    assert [d["day"] for d in timeline["developments"]][:2] == ["2025-04-02", "2025-05-30"]
    reply = client.predict("How many jobs did Orbital Cloud cut?", api_name="/ask")
    assert "400" in reply and "[1]" in reply
    assert "**Sources**" in reply and "AI Wire" in reply
    assert "https://aiwire.example/" in reply  # each source links to its article
    assert reply.startswith("_Filters: none (all indexed articles) · answered by extractive_")


def test_ask_json_takes_filters_and_history(served_api: str) -> None:
    client = Client(served_api, verbose=False)
    data = client.predict(
        "How much revenue did Orbital Cloud report?",
        outlets=["techpulse"],
        since="2025-06-01",
        api_name="/ask_json",
    )
    assert data["filters"] == {"sources": ["TechPulse"], "since": "2025-06-01"}
    assert data["citations"] and {c["source"] for c in data["citations"]} == {"TechPulse"}
    first = data["citations"][0]
    assert set(first) >= {"n", "title", "url", "published_at", "quote", "quote_start", "quote_end"}
    assert data["abstained"] is False and "$12.4 billion" in data["text"]
    assert data["sentences"][0]["citations"] and "hits" not in data

    follow = client.predict(
        "What did its chief executive say?",
        history=[
            {"role": "user", "content": "How many jobs did Orbital Cloud cut?"},
            {"role": "assistant", "content": "Orbital Cloud is cutting 400 jobs. [1]"},
        ],
        api_name="/ask_json",
    )
    assert follow["searched"] == "What did its chief executive say? (Orbital Cloud)"


def test_ask_json_as_of_a_date(served_api: str) -> None:
    client = Client(served_api, verbose=False)
    data = client.predict(
        "What is the latest news about Orbital Cloud?", as_of="2025-06-01", api_name="/ask_json"
    )
    assert data["filters"] == {"as_of": "2025-06-01"}
    assert data["citations"] and all(c["published_at"] <= "2025-06-02" for c in data["citations"])
    assert data["answer_kind"] == "other"
    for c in data["citations"]:  # one entry per article, each quote with its offsets
        assert c["quotes"] and all(q["end"] > q["start"] for q in c["quotes"])
    with pytest.raises(Exception, match=r"Cannot read the as_of date 'soon'"):
        client.predict("Layoffs?", as_of="soon", api_name="/ask")


def test_api_errors_carry_the_engines_message(served_api: str) -> None:
    client = Client(served_api, verbose=False)
    with pytest.raises(Exception, match=r"Cannot read the since date 'someday'"):
        client.predict("Layoffs?", since="someday", api_name="/ask")
