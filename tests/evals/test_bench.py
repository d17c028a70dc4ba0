"""`newsrag bench` end to end on a tiny corpus (figures are printed, never asserted), the goal
table built from given figures, and the eval index key that tells int8 vectors apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from evals.bench.ingest import IngestBench
from evals.bench.query import Latency, QueryBench
from evals.bench.report import format_table, goal_rows, write_outputs
from evals.bench.scale import ScalePoint
from evals.index import embedding_model, index_key
from rag import Settings
from rag.embed.torch_backend import has_amx_bf16
from tests.conftest import CORPUS, DATA

ROOT = Path(__file__).resolve().parents[2]


def _corpus_json(path: Path) -> Path:
    """The test corpus's Markdown articles as MultiHop-RAG records (front matter dropped)."""
    records = []
    for md in sorted(CORPUS.glob("*.md"))[:4]:
        body = md.read_text(encoding="utf-8").split("---", 2)[-1].strip()
        records.append(
            {
                "title": md.stem.replace("-", " "),
                "source": "Test Wire",
                "url": "",
                "published_at": f"2025-01-0{len(records) + 1}T00:00:00+00:00",
                "author": "",
                "category": "tech",
                "body": body,
            }  # fmt: skip
        )
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.loopback
def test_bench_runs_end_to_end_and_writes_its_files(tmp_path: Path) -> None:
    corpus = _corpus_json(tmp_path / "corpus.json")
    out = tmp_path / "out"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    command = [sys.executable, "-m", "rag.cli", "bench", "--corpus", str(corpus),
               "--queries", str(DATA / "gold.json"), "--questions", "3", "--cold-runs", "1",
               "--callers", "2", "--serve-seconds", "3", "--scale", "300", "--scale", "600",
               "--llama-overlap", "20", "--ingest-runs", "2", "--data-dir", str(tmp_path / "d"),
               "--out", str(out)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert {p.name for p in out.iterdir()} == {"bench.json", "bench.md", "bench.png"}
    doc = json.loads((out / "bench.json").read_text(encoding="utf-8"))
    ingest = doc["ingest"]
    chunks_backend = "torch bfloat16" if has_amx_bf16() else "onnx int8 fused"  # the default
    assert ingest["articles"] == 4 and ingest["chunks"] > 4 and ingest["backend"] == chunks_backend
    assert (
        ingest["seconds"] > 0 and ingest["floor_seconds"] > 0 and ingest["torch_floor_seconds"] > 0
    )
    assert len(ingest["floor_ratios"]) == 2 and all(r > 0 for r in ingest["floor_ratios"])
    assert 0 < ingest["model_seconds"] < ingest["seconds"]  # the embedding calls inside it
    assert not (tmp_path / "d" / "bench" / "index-run2").exists()  # the earlier run's copy
    assert ingest["llama_index_nodes"] > 0 and ingest["llama_index_seconds"] > 0
    assert doc["query"]["ask_ms"]["n"] == 3 and len(doc["query"]["cold_ask_s"]) == 1
    serve = doc["serve"]
    assert serve["callers"] == 2 and serve["answers"] > 0 and serve["errors"] == 0
    assert serve["peak_rss_mb"] > 100
    assert [p["chunks"] for p in doc["scale"]] == [300, 600]
    assert all(p["search_ms"]["p50"] > 0 and p["disk_mb"] > 0 for p in doc["scale"])
    names = [g["name"] for g in doc["goals"]]
    assert "ingest / its embedding floor" in names and "/ask errors" in names
    assert "cores" in doc["machine"] and doc["command"].startswith("newsrag bench --corpus")
    assert "| ingest / its embedding floor |" in (out / "bench.md").read_text(encoding="utf-8")
    assert "re-ingest unchanged" in done.stdout  # the table on the terminal


def _results() -> dict:
    lat = Latency.of([10.0, 20.0, 30.0, 40.0])
    return {
        "machine": "2 cores",
        "command": "newsrag bench",
        "ingest": IngestBench(
            articles=2,
            chunks=100,
            backend="onnx int8",
            seconds=10.5,
            floor_seconds=10.0,
            torch_floor_seconds=25.0,
            reingest_seconds=4.0,
            llama_index_seconds=30.0,
            llama_index_nodes=120,
            llama_index_floor_seconds=29.0,
            model_seconds=10.2,
        ),  # fmt: skip
        "query": QueryBench(
            chunks=100, ask_ms=lat, search_ms=lat, floor_ms=Latency.of([5.0, 5.0]), cold_ask_s=[3.0]
        ),
        "scale": [
            ScalePoint(1000, 2.0, 1.5, 0.5, 10.0, 300.0, lat),
            ScalePoint(10000, 20.0, 15.0, 5.0, 100.0, 400.0, lat),
        ],
    }


def test_goal_rows_judge_each_figure_against_its_goal() -> None:
    rows = {r.name: r for r in goal_rows(_results())}
    assert rows["ingest / its embedding floor"].value == "1.05x"
    assert rows["ingest / its embedding floor"].met is True
    assert rows["LlamaIndex default (120 nodes) / ours"].met is True  # 30 / 10.5 = 2.86
    assert rows["embedding throughput vs torch"].value == "2.50x"
    assert rows["model calls inside the ingest"].value == "10.2 s (1.02x the floor)"
    assert rows["re-ingest unchanged"].met is False  # 4 s > 3 s
    assert (
        rows["warm ask p50 (100 chunks)"].value == "25 ms" and rows["warm ask p50 (100 chunks)"].met
    )
    assert rows["retrieval p50 / floor p50"].met is False  # 25 / 5 ms
    assert rows["cold `newsrag ask` (median)"].met is True
    assert "MISSED" in format_table(list(rows.values()))


def test_several_ingest_runs_judge_the_median_run_against_its_floor() -> None:
    results = _results()
    results["ingest"] = replace(results["ingest"], floor_ratios=(1.30, 1.05, 1.08))
    row = {r.name: r for r in goal_rows(results)}["ingest / its embedding floor"]
    assert row.value == "1.08x (median of 3: 1.05-1.30x)" and row.met is True


def test_outputs_hold_every_section_and_the_plot(tmp_path: Path) -> None:
    results = _results()
    written = write_outputs(results, goal_rows(results), tmp_path)
    assert written == ["bench.json", "bench.md", "bench.png"]
    doc = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert doc["ingest"]["chunks"] == 100 and doc["scale"][1]["search_ms"]["p50"] == 25.0
    assert (tmp_path / "bench.png").read_bytes()[:4] == b"\x89PNG"
    assert (
        "| re-ingest unchanged | 4.00 s | <= 3 s | **no** |" in (tmp_path / "bench.md").read_text()
    )


def test_index_key_tells_int8_vectors_from_torch_ones() -> None:
    def key(**embedding: object) -> str:
        return index_key([CORPUS], Settings(embedding=embedding))

    fp32 = key(backend="torch", dtype="float32")
    assert fp32 == key(backend="onnx", quantize="none")  # same vectors
    assert fp32 == key(backend="onnx", quantize="none", graph="plain")
    assert key(backend="onnx", quantize="int8") != fp32
    bf16 = key(backend="torch", dtype="bfloat16")
    assert bf16 not in {fp32, key(backend="onnx")}
    # only the chunks' backend counts: auto on a CPU with AMX writes bf16 chunk vectors
    assert key(backend="auto") == (bf16 if has_amx_bf16() else key(backend="onnx"))
    # the fused int8 graph quantises attention and embeddings: its vectors are not the plain ones
    assert key(backend="onnx", quantize="int8", graph="plain") != key(backend="onnx")


def test_index_key_tells_int8_vectors_of_other_batches_apart() -> None:
    """int8 activations are scaled per model batch: an index built with other batches holds
    other vectors, so an eval must not reuse one for the other. float32 vectors do not depend
    on the batch, and the defaults' key names no batching, so existing indexes keep theirs."""

    def key(batch_size: int = 32, write_batch_chunks: int = 256, **embedding: object) -> str:
        settings = Settings(
            embedding={**embedding, "batch_size": batch_size},
            ingest={"write_batch_chunks": write_batch_chunks},
        )
        return index_key([CORPUS], settings)

    int8 = key(backend="onnx")
    assert len({int8, key(16, backend="onnx"), key(write_batch_chunks=64, backend="onnx")}) == 3
    assert key(backend="torch", dtype="bfloat16") != key(16, backend="torch", dtype="bfloat16")
    assert key(backend="torch", dtype="float32") == key(16, backend="torch", dtype="float32")
    assert "batches" not in embedding_model(Settings(embedding={"backend": "onnx"}))
