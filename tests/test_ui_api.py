"""The chat app served for real on loopback, driven through its stable `/ask` API."""

from __future__ import annotations

import pytest
from gradio_client import Client

from rag import NewsRAG
from ui.app import build

pytestmark = [pytest.mark.loopback, pytest.mark.slow]


def test_ask_endpoint_answers_with_sources(corpus_engine: NewsRAG) -> None:
    demo = build(corpus_engine)
    demo.queue(default_concurrency_limit=8).launch(
        server_name="127.0.0.1", server_port=None, prevent_thread_lock=True, quiet=True
    )
    try:
        client = Client(demo.local_url, verbose=False)
        assert "/ask" in client.view_api(return_format="dict")["named_endpoints"]
        reply = client.predict("How many jobs did Orbital Cloud cut?", api_name="/ask")
        assert "400" in reply and "[1]" in reply
        assert "**Sources**" in reply and "AI Wire" in reply
        assert "https://aiwire.example/" in reply  # each source links to its article
    finally:
        demo.close()
