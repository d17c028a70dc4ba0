"""The LlamaIndex baseline: built once from a corpus.json-shaped file, reused after."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.baseline import BaselineConfig, BaselineIndex, load_documents
from rag import NewsragError

RECORDS = [
    {"title": "Quillon unveils the QX-9", "source": "The Silicon Ledger", "url": "https://sl.example/qx9",
     "published_at": "2025-02-03", "body": "Quillon Semiconductor unveiled the QX-9 accelerator. "
     "It delivers 4x the inference throughput of the QX-7."},
    {"title": "Lumen Grid opens a data center", "source": "Data Daily", "url": "https://dd.example/lg",
     "published_at": "2025-02-20", "body": "Lumen Grid opened a 200-megawatt data center in Norway "
     "that runs on hydroelectric energy."},
]  # fmt: skip


def test_documents_keep_the_metadata_the_paper_embeds(tmp_path: Path) -> None:
    path = tmp_path / "corpus.json"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    first = load_documents([path])[0]
    assert first.metadata["title"] == "Quillon unveils the QX-9" and first.text.startswith(
        "Quillon"
    )
    embedded = first.get_metadata_str(mode="embed")
    assert "The Silicon Ledger" in embedded and "sl.example" not in embedded
    with pytest.raises(NewsragError, match="no documents"):
        load_documents([])


def test_built_once_then_reused(tmp_path: Path) -> None:
    path = tmp_path / "corpus.json"
    path.write_text(json.dumps(RECORDS), encoding="utf-8")
    config = BaselineConfig(chunk_size=128, chunk_overlap=10)
    built = BaselineIndex.open(corpus=[path], folder=tmp_path / "base", config=config)
    hits = built.search("Which data center runs on hydroelectric power in Norway?", top_k=1)
    assert built.nodes == 2 and hits[0].url == "https://dd.example/lg"
    assert "hydroelectric" in hits[0].text and "Data Daily" not in hits[0].text
    path.write_text("[]", encoding="utf-8")  # a reused index never reads the corpus again
    reused = BaselineIndex.open(corpus=[path], folder=tmp_path / "base", config=config)
    assert reused.nodes == 2
    assert reused.search("QX-9 throughput", top_k=2)[0].title == "Quillon unveils the QX-9"
