"""The torch bfloat16 backend and the choice of backends: chunks in bfloat16 where the CPU has
AMX units (read from /proc/cpuinfo), questions on float32 ONNX Runtime, so `ask` never needs
torch.
bfloat16 runs on any CPU (emulated where AMX is not), so these run everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag import NewsRAG
from rag.config import EmbeddingSettings
from rag.embed.embedder import Embedder, backends
from rag.embed.onnx_backend import OnnxModel
from rag.embed.torch_backend import TorchModel, has_amx_bf16
from tests.conftest import CORPUS, DATA, make_settings

TEXTS = [
    "Anthropic's Claude 3.5 beat GPT-4o on coding, über-fast; naïve café — 2023!",
    "OpenAI raised $6.6 billion.",
    "x",
    "The chip maker said demand for data-centre GPUs kept rising through the quarter. " * 20,
]


def _cpuinfo(tmp_path: Path, flags: str) -> Path:
    path = tmp_path / f"cpuinfo-{abs(hash(flags))}"
    path.write_text(
        f"processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: {flags}\n\nprocessor\t: 1\n",
        encoding="utf-8",
    )
    return path


def test_amx_is_read_from_the_cpu_flags(tmp_path: Path) -> None:
    assert has_amx_bf16(_cpuinfo(tmp_path, "fpu avx512f amx_bf16 amx_tile amx_int8"))
    # bfloat16 dot products without the tile units do not count, nor does a missing file
    assert not has_amx_bf16(_cpuinfo(tmp_path, "fpu avx512f avx512_bf16 avx512_vnni"))
    assert not has_amx_bf16(tmp_path / "no-such-file")


@pytest.mark.parametrize("amx", [False, True])
def test_backends_follow_the_settings_and_the_cpu(
    monkeypatch: pytest.MonkeyPatch, amx: bool
) -> None:
    monkeypatch.setattr("rag.embed.torch_backend.has_amx_bf16", lambda: amx)

    def kinds(**settings: str) -> tuple[str, str]:
        return backends(EmbeddingSettings(**settings))

    assert kinds() == (("bf16", "onnx-fp32") if amx else ("onnx", "onnx"))
    assert kinds(dtype="float32") == ("onnx", "onnx")  # auto never picks float32 torch
    assert kinds(backend="onnx") == ("onnx", "onnx")
    assert kinds(backend="torch") == (("bf16", "bf16") if amx else ("torch", "torch"))
    assert kinds(backend="torch", dtype="float32") == ("torch", "torch")
    assert kinds(backend="torch", dtype="bfloat16") == ("bf16", "bf16")  # asked for: honoured


@pytest.fixture(scope="module")
def torch32(model_loaded: None) -> Embedder:
    return Embedder(EmbeddingSettings(backend="torch", dtype="float32"))


@pytest.mark.slow
def test_bf16_chunks_are_torch_s_vectors_and_questions_stay_on_onnx(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, torch32: Embedder
) -> None:
    monkeypatch.setattr("rag.embed.torch_backend.has_amx_bf16", lambda: True)
    auto = Embedder(EmbeddingSettings(), data_dir=tmp_path)
    assert isinstance(auto.model, TorchModel) and isinstance(auto.query_model, OnnxModel)
    got, want = auto.embed(TEXTS), torch32.embed(TEXTS)
    assert got.shape == want.shape == (len(TEXTS), 384) and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    # measured on 361 MultiHop-RAG chunks: mean 0.99998, min 0.99997 (int8 ONNX: 0.994, 0.979)
    assert (got * want).sum(axis=1).min() > 0.9995
    alone = np.vstack([auto.embed([t]) for t in TEXTS])  # padding in a batch changes nothing
    assert (alone * got).sum(axis=1).min() > 0.9995
    # questions: the float32 ONNX model (torch's vectors), as an all-ONNX float32 embedder gives
    onnx = Embedder(EmbeddingSettings(backend="onnx", quantize="none"), data_dir=tmp_path)
    assert onnx.query_model is auto.query_model
    question = "How much did OpenAI raise?"
    asked = auto.embed_queries([question])
    assert np.array_equal(asked, onnx.embed_queries([question]))
    assert float(asked[0] @ torch32.embed_queries([question])[0]) > 0.9999
    parts = auto.embed_question_parts(question + " And who led it?", ["And who led it?"])
    assert np.array_equal(
        parts, onnx.embed_question_parts(question + " And who led it?", ["And who led it?"])
    )
    # sentence vectors from the same bf16 pass, read from the chunker's word pieces or not
    tokenize = auto.tokenize()
    text = TEXTS[0] + " " + TEXTS[1]
    spans = [(0, len(TEXTS[0])), (len(TEXTS[0]) + 1, len(text))]
    tokens = ((), tuple(tokenize(TEXTS[0])), tuple(tokenize(TEXTS[1])))
    pooled, parts_ = auto.embed_spans([text], [spans])
    given, given_parts = auto.embed_spans([text], [spans], tokens=[tokens])
    assert np.allclose(pooled, given, atol=1e-6) and np.allclose(
        parts_[0], given_parts[0], atol=1e-6
    )
    torch_parts = torch32.embed_spans([text], [spans])[1][0]
    assert (parts_[0] * torch_parts).sum(axis=1).min() > 0.999


@pytest.mark.slow
def test_an_index_of_bf16_chunks_answers_onnx_questions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_loaded: None
) -> None:
    monkeypatch.setattr("rag.embed.torch_backend.has_amx_bf16", lambda: True)
    app = NewsRAG(make_settings(tmp_path / "data"))
    assert app.embedder.identity == "all-MiniLM-L6-v2 (torch bfloat16; questions onnx none fused)"
    report = app.ingest([str(CORPUS)])
    assert report.rejected == 0 and report.chunks_written > 0
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    for item in gold:
        if not item["evidence_list"]:
            continue
        hits = app.retriever.search(item["query"], top_k=4, mode="dense")
        titles = {h.title for h in hits}
        assert {e["title"] for e in item["evidence_list"]} & titles, item["query"]
