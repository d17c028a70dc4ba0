"""The ONNX Runtime embedding backend against sentence-transformers on the same weights: the same
tokens, the same vectors (fp32, fused or not) or nearly (int8), exported once into the data
directory; the default graph really runs ONNX Runtime's fused transformer kernels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest

from rag import ConfigError, Settings
from rag.config import EmbeddingSettings
from rag.embed.embedder import Embedder, default_model_path
from rag.embed.onnx_backend import OnnxModel
from rag.embed.onnx_export import _export_plain, _fuse, fused_ops, model_digest, read_spec
from tests.conftest import make_settings

TEXTS = [
    "Anthropic's Claude 3.5 beat GPT-4o on coding, über-fast; naïve café — 2023!",
    "OpenAI raised $6.6 billion.",
    "x",
    "The chip maker said demand for data-centre GPUs kept rising through the quarter. " * 20,
]


@pytest.fixture(scope="module")
def torch_embedder(model_loaded: None) -> Embedder:
    return Embedder(EmbeddingSettings(backend="torch", dtype="float32"))


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-data")


@pytest.fixture(scope="module")
def fp32(models_dir: Path) -> Embedder:
    return Embedder(
        EmbeddingSettings(backend="onnx", quantize="none", threads=2), data_dir=models_dir
    )


@pytest.mark.slow
def test_fp32_onnx_gives_the_torch_vectors(fp32: Embedder, torch_embedder: Embedder) -> None:
    got, want = fp32.embed(TEXTS), torch_embedder.embed(TEXTS)
    assert got.shape == want.shape == (len(TEXTS), 384) and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert (got * want).sum(axis=1).min() > 0.9999  # the long text is truncated alike
    # length-sorted batches put each text back in its own row
    single = np.vstack([fp32.embed([t]) for t in TEXTS])
    assert np.allclose(single, got, atol=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("graph", ["fused", "plain"])
def test_int8_is_close_to_torch(graph: str, models_dir: Path, torch_embedder: Embedder) -> None:
    int8 = Embedder(EmbeddingSettings(backend="onnx", graph=graph), data_dir=models_dir)
    cosine = (int8.embed(TEXTS) * torch_embedder.embed(TEXTS)).sum(axis=1)
    # measured on 400 MultiHop-RAG chunks of ~240 word pieces: mean 0.994, min 0.985 (both graphs)
    assert cosine.min() > 0.97 and cosine.mean() > 0.98
    assert int8.identity == f"all-MiniLM-L6-v2 (onnx int8 {graph})"
    assert torch_embedder.identity == "all-MiniLM-L6-v2 (torch)"
    # a padded batch gives each text nearly the vector it gets alone: int8 activations are scaled
    # per batch (0.969 for "x" next to a 256-piece text, both graphs); fp32 is exact, see above
    alone = np.vstack([int8.embed([t]) for t in TEXTS])
    assert (alone * int8.embed(TEXTS)).sum(axis=1).min() > 0.95


@pytest.mark.slow
def test_the_default_graph_runs_the_fused_kernels(models_dir: Path, fp32: Embedder) -> None:
    int8 = Embedder(EmbeddingSettings(backend="onnx"), data_dir=models_dir)
    layers = 6  # all-MiniLM-L6-v2
    want = {
        "EmbedLayerNormalization": 1,
        "Attention": layers,
        "SkipLayerNormalization": 2 * layers,
        "BiasGelu": layers,
    }
    assert fused_ops(int8.model.path) == want and int8.model.fused
    assert fused_ops(fp32.model.path) == want  # quantize=none is fused too
    kinds = {n.op_type for n in onnx.load(str(int8.model.path)).graph.node}
    assert {"QAttention", "QEmbedLayerNormalization", "MatMulInteger"} <= kinds
    plain = Embedder(EmbeddingSettings(backend="onnx", graph="plain"), data_dir=models_dir)
    assert not any(fused_ops(plain.model.path).values()) and not plain.model.fused
    # the session is fed the inputs the backend builds, nothing more, nothing less
    assert [i.name for i in int8.model.session.get_inputs()] == [
        "input_ids",
        "attention_mask",
        "token_type_ids",
    ]


def test_the_cache_key_changes_with_everything_that_changes_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rag.embed import onnx_export

    folder = Path(default_model_path())
    keys = {model_digest(folder, q, g) for q in ("int8", "none") for g in ("fused", "plain")}
    assert len(keys) == 4
    fused = model_digest(folder, "int8", "fused")
    monkeypatch.setattr(onnx_export, "_FUSE_VERSION", onnx_export._FUSE_VERSION + 1)
    assert model_digest(folder, "int8", "fused") != fused
    assert model_digest(folder, "int8") == model_digest(folder, "int8", "fused")  # the default
    real = onnx_export.version
    monkeypatch.setattr(
        onnx_export, "version", lambda name: "0.0" if name == "transformers" else real(name)
    )
    assert model_digest(folder, "int8", "fused") != fused  # the export depends on transformers


@pytest.mark.slow
def test_a_graph_that_does_not_fuse_right_is_kept_unfused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from rag.embed import onnx_export

    model = Path(default_model_path())
    eager = _export_plain(model, tmp_path / "eager.onnx", eager=True)
    folder = tmp_path / "odd"
    folder.mkdir()
    conf = json.loads((model / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps({**conf, "num_hidden_layers": 7}))
    assert _fuse(folder, eager, tmp_path / "a.onnx") == eager  # 6 fused layers, not 7
    assert "did not fuse" in caplog.text
    (folder / "config.json").write_text(json.dumps(conf))
    monkeypatch.setattr(onnx_export, "_max_deviation", lambda path, reference, **_: 0.5)
    assert _fuse(folder, eager, tmp_path / "b.onnx") == eager  # fused, but its output is off
    assert "differs" in caplog.text
    monkeypatch.undo()
    fused = _fuse(folder, eager, tmp_path / "c.onnx")
    assert fused == tmp_path / "c.onnx" and all(fused_ops(fused).values())
    assert onnx_export._max_deviation(fused, eager) < 1e-4


@pytest.mark.slow
def test_tokens_match_the_torch_tokenizer(fp32: Embedder, torch_embedder: Embedder) -> None:
    for text in TEXTS:
        assert fp32.tokenize()(text) == torch_embedder.tokenize()(text)
        assert fp32.count_tokens(text) == torch_embedder.count_tokens(text)
        # with [CLS]/[SEP], untruncated: what the chunking tests measure
        assert len(fp32.model.tokenizer.encode(text)) == len(
            torch_embedder.model.tokenizer.encode(text)
        )
    assert (fp32.max_tokens, fp32.dimension) == (256, 384)
    assert fp32.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_the_export_is_built_once_under_the_data_dir(fp32: Embedder, models_dir: Path) -> None:
    fp32.embed(["load"])
    built = list((models_dir / "models").glob("*/model.onnx"))
    assert len(built) == 1
    stamp = built[0].stat().st_mtime_ns
    again = OnnxModel.load(
        Path(default_model_path()), cache_dir=models_dir / "models", quantize="none"
    )
    assert again.path == built[0] and built[0].stat().st_mtime_ns == stamp


@pytest.mark.parametrize("amx", [False, True])
def test_the_engine_embeds_with_int8_onnx_by_default_or_bf16_chunks_where_amx_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, amx: bool
) -> None:
    from rag import NewsRAG

    monkeypatch.setattr("rag.embed.torch_backend.has_amx_bf16", lambda: amx)
    app = NewsRAG(make_settings(tmp_path / "d"))
    want = "torch bfloat16; questions onnx none fused" if amx else "onnx int8 fused"
    assert app.embedder.identity == f"all-MiniLM-L6-v2 ({want})"
    assert Embedder(Settings().embedding, data_dir=tmp_path).onnx is not amx  # nothing loaded


def test_models_it_cannot_reproduce_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cls-model"
    for name in ("modules.json", "sentence_bert_config.json", "1_Pooling/config.json"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(default_model_path()) / name, folder / name)
    pooling = folder / "1_Pooling" / "config.json"
    conf = json.loads(pooling.read_text())
    pooling.write_text(
        json.dumps({**conf, "pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True})
    )
    with pytest.raises(ConfigError, match="NEWSRAG_EMBEDDING__BACKEND=torch"):
        read_spec(folder)
    assert read_spec(Path(default_model_path())).max_tokens == 256


@pytest.mark.slow
def test_span_vectors_come_from_the_same_pass_on_both_backends(
    fp32: Embedder, torch_embedder: Embedder
) -> None:
    text = TEXTS[0] + " " + TEXTS[1]
    spans = [[(0, len(TEXTS[0])), (len(TEXTS[0]) + 1, len(text))]]
    long_spans = [[(0, 40), (len(TEXTS[3]) - 60, len(TEXTS[3]))]]  # the second is past the limit
    for embedder in (fp32, torch_embedder):
        pooled, parts = embedder.embed_spans([text, TEXTS[3]], [spans[0], long_spans[0]])
        assert np.allclose(pooled, embedder.embed([text, TEXTS[3]]), atol=1e-4)
        assert parts[0].shape == (2, 384)
        assert np.allclose(np.linalg.norm(parts[0], axis=1), 1.0, atol=1e-5)
        # each sentence's vector is nearer its own sentence embedded alone than the other's
        alone = embedder.embed([TEXTS[0], TEXTS[1]])
        sims = parts[0] @ alone.T
        assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]
        assert np.any(parts[1][0]) and not np.any(parts[1][1])  # never read: zeros
    onnx_parts = fp32.embed_spans([text], spans)[1][0]
    torch_parts = torch_embedder.embed_spans([text], spans)[1][0]
    assert (onnx_parts * torch_parts).sum(axis=1).min() > 0.999


@pytest.mark.slow
def test_word_pieces_given_by_the_chunker_give_the_vectors_of_tokenizing(
    models_dir: Path,
) -> None:
    """Chunks read from the word pieces their chunker kept give exactly the vectors (and
    sentence vectors) of tokenizing their text, in a batch mixing both, past the token
    limit too."""
    int8 = Embedder(EmbeddingSettings(backend="onnx"), data_dir=models_dir)
    tokenize = int8.tokenize()
    sentences = TEXTS[3].split(". ")
    sentences = [s if s.endswith(".") else s + "." for s in sentences if s.strip()]
    texts, spans, tokens = [], [], []
    for n in (3, len(sentences)):  # the second runs past the model's 256 tokens
        text = "Chip makers\nTechPulse · 2025-01-14\n\n" + " ".join(sentences[:n])
        header_end = text.index("\n\n") + 2
        cut, at = [], header_end
        for s in sentences[:n]:
            cut.append((at, at + len(s)))
            at += len(s) + 1
        texts.append(text)
        spans.append(cut)
        tokens.append(
            (tuple(tokenize(text[:header_end])), *(tuple(tokenize(s)) for s in sentences[:n]))
        )
    texts.append(TEXTS[0])
    spans.append([(0, 20)])
    tokens.append(None)  # tokenized by the model
    assert [t for seg in tokens[1] for t in seg] == tokenize(texts[1])
    want_vectors, want_parts = int8.embed_spans(texts, spans)
    got_vectors, got_parts = int8.embed_spans(texts, spans, tokens=tokens)
    assert np.array_equal(got_vectors, want_vectors)
    for got, want in zip(got_parts, want_parts, strict=True):
        assert np.array_equal(got, want)
    assert not np.any(got_parts[1][-1])  # the last sentence is past the limit: never read
