"""Server mode: the same engine against a real `chroma run` on loopback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag import NewsRAG, StoreError
from tests.conftest import CORPUS, free_port, make_settings, wait_until_up

pytestmark = [pytest.mark.loopback, pytest.mark.slow]


def _chroma_binary() -> str:
    found = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    assert Path(found).exists(), "the chroma CLI ships with the chromadb package"
    return found


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """A real Chroma server on 127.0.0.1, stopped after the test."""
    port = free_port()
    proc = subprocess.Popen(
        [
            _chroma_binary(),
            "run",
            "--path",
            str(tmp_path / "server-db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_up(f"http://127.0.0.1:{port}/api/v2/heartbeat", proc, seconds=60, what="chroma run")
    yield port, proc
    proc.terminate()
    proc.wait(timeout=30)


def test_engine_against_a_chroma_server(
    tmp_path: Path, model_loaded: None, chroma_server: tuple[int, subprocess.Popen[bytes]]
) -> None:
    port, proc = chroma_server
    server = {"host": "127.0.0.1", "port": port, "collection": "news-test"}
    writer = NewsRAG(make_settings(tmp_path / "a", chroma=server))
    report = writer.ingest([str(CORPUS / "quillon-chip.md"), str(CORPUS / "earnings.md")])
    assert (report.added, report.rejected) == (2, 0)
    assert not (tmp_path / "a" / "chroma").exists()  # nothing went to the embedded store

    # a second client with its own data directory sees the same articles through the server
    reader = NewsRAG(make_settings(tmp_path / "b", chroma=server))
    assert reader.stats().articles == 2
    assert reader.stats().location == f"http://127.0.0.1:{port}"
    answer = reader.ask("What does the QX-9 accelerator improve?")
    assert not answer.abstained and answer.citations[0].source == "The Silicon Ledger"
    # a change by one client reaches the other's keyword index
    writer.delete(next(a.article_id for a in writer.articles() if a.source == "TechPulse"))
    hits = reader.retriever.search("Orbital Cloud revenue", mode="bm25")
    assert all(h.source != "TechPulse" for h in hits)

    proc.terminate()
    proc.wait(timeout=30)
    with pytest.raises(
        StoreError, match=rf"Cannot use the Chroma server at http://127.0.0.1:{port}"
    ):
        reader.stats()


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, chroma={"host": "127.0.0.1", "port": free_port()})
    with pytest.raises(StoreError, match="Start it with `chroma run"):
        NewsRAG(settings)
