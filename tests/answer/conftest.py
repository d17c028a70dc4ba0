"""The article `make run` ships, indexed once per test module; and a real llama.cpp
OpenAI-compatible server on loopback serving tiny GGUF models whose greedy output is a fixed
text (tiny_gguf.py), shared by the answer tests and the eval judge tests."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

from rag import NewsRAG
from tests.answer.tiny_gguf import write_chain_model
from tests.conftest import free_port, make_settings, wait_until_up

SHIPPED = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory, model_loaded: None) -> NewsRAG:
    """The shipped corpus, indexed with the real model."""
    app = NewsRAG(make_settings(tmp_path_factory.mktemp("shipped")))
    report = app.ingest([str(SHIPPED)])
    assert report.rejected == 0 and report.added == 1, report.errors
    return app


@contextmanager
def serve_chains(folder: Path, chains: Mapping[str, str | list[str]]) -> Iterator[str]:
    """``python -m llama_cpp.server`` with one tiny model per ``alias -> output text`` (each
    word of a text distinct; a list gives the pieces themselves, so one may end a line);
    yields the server's /v1 URL and stops the server after."""
    port = free_port()
    models = [
        {
            "model": str(
                write_chain_model(
                    folder / f"{alias}.gguf", text if isinstance(text, list) else text.split()
                )
            ),
            "model_alias": alias,
            "chat_format": "chatml",
            "n_ctx": 8192,
            "n_threads": 2,
            "verbose": False,
        }
        for alias, text in chains.items()
    ]
    config = folder / "server.json"
    config.write_text(json.dumps({"host": "127.0.0.1", "port": port, "models": models}))
    with (folder / "server.log").open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--config_file", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}/v1"
        try:
            try:
                wait_until_up(f"{base}/models", proc, seconds=120, what="llama.cpp server")
            except AssertionError:
                print((folder / "server.log").read_text()[-2000:])
                raise
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=30)
