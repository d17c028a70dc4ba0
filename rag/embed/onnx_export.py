"""Exporting a sentence-transformers model to ONNX, once and offline: ``torch.onnx.export`` of its
transformer, with ``graph="fused"`` rewritten by ONNX Runtime's transformer optimizer into its
fused BERT kernels (checked against the plain graph on a padded batch before it is kept), and
optionally quantised to int8. ``OnnxModel`` (``rag/embed/onnx_backend.py``) runs the result.

Example:
    >>> export_onnx(Path("model/"), Path("out/model-int8.onnx"), quantize="int8")
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rag.errors import ConfigError

log = logging.getLogger(__name__)
Quantize = Literal["none", "int8"]
Graph = Literal["fused", "plain"]
# bump when the fused export changes (exporter arguments, optimizer options, checks)
_FUSE_VERSION = 1
# the fused kernels of a BERT encoder; a fused graph must have them all
FUSED_OPS = ("EmbedLayerNormalization", "Attention", "SkipLayerNormalization", "BiasGelu")
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_SUPPORTED_MODULES = (
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
)


@dataclass(frozen=True)
class ModelSpec:
    """What the ONNX backend needs to know about a sentence-transformers folder."""

    folder: Path
    max_tokens: int
    dimension: int


def read_spec(folder: Path) -> ModelSpec:
    """Check that ``folder`` is a Transformer + mean Pooling (+ Normalize) model and read its sizes.

    Raises:
        ConfigError: a module or pooling mode the ONNX backend does not reproduce.
    """
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    kinds = [m["type"] for m in modules]
    odd = [k for k in kinds if k not in _SUPPORTED_MODULES]
    pooling = next((m for m in modules if m["type"].endswith(".Pooling")), None)
    pool_conf = (
        json.loads((folder / pooling["path"] / "config.json").read_text(encoding="utf-8"))
        if pooling
        else {}
    )
    if odd or not pool_conf.get("pooling_mode_mean_tokens"):
        raise ConfigError(
            f"The ONNX backend supports Transformer + mean Pooling (+ Normalize) models; "
            f"{folder} has {kinds} with pooling {pool_conf or 'none'}. "
            "Set NEWSRAG_EMBEDDING__BACKEND=torch for this model."
        )
    st_conf = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    return ModelSpec(
        folder, int(st_conf["max_seq_length"]), int(pool_conf["word_embedding_dimension"])
    )


def model_digest(folder: Path, quantize: Quantize, graph: Graph = "fused") -> str:
    """A short key over the model's files, the quantisation, the graph and the exporter versions
    (torch, transformers and onnx write the graph; onnxruntime fuses and quantises it)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in {".json", ".safetensors", ".bin", ".txt"}:
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(str(path.stat().st_size).encode())
            digest.update(hashlib.sha256(path.read_bytes()[: 1 << 20]).digest())
    digest.update(f"{quantize} torch={version('torch')} ort={version('onnxruntime')}".encode())
    if graph == "fused":
        versions = f"transformers={version('transformers')} onnx={version('onnx')}"
        digest.update(f" fused-v{_FUSE_VERSION} {versions}".encode())
    return digest.hexdigest()[:16]


def export_onnx(folder: Path, target: Path, *, quantize: Quantize, graph: Graph = "fused") -> Path:
    """Export the model's transformer to ``target`` (``last_hidden_state``, dynamic batch and
    sequence axes); with ``fused``, rewritten into ONNX Runtime's fused transformer kernels; with
    ``int8``, dynamic per-channel int8 weights. Written atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        built = _export_plain(folder, Path(tmp) / "model.onnx", eager=graph == "fused")
        if graph == "fused":
            built = _fuse(folder, built, Path(tmp) / "model-fused.onnx")
        if quantize == "int8":
            built = _quantize(built, Path(tmp) / "model-int8.onnx")
        os.replace(built, target)
    return target


def _export_plain(folder: Path, out: Path, *, eager: bool) -> Path:
    """``torch.onnx.export`` of the transformer; ``eager`` attention (instead of SDPA) writes the
    MatMul/Softmax pattern the optimizer knows how to fuse."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    options = {"attn_implementation": "eager"} if eager else {}
    model = AutoModel.from_pretrained(str(folder), local_files_only=True, **options).eval()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*_INPUTS, "last_hidden_state")}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about the attention mask's shape
        torch.onnx.export(
            Hidden(),
            (sample, sample, torch.zeros_like(sample)),
            str(out),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    return out


def _fuse(folder: Path, source: Path, out: Path) -> Path:
    """``source`` rewritten by ORT's BERT optimizer (Python fusions only, no ORT-level rewrites,
    so the file runs on any CPU); ``source`` itself if the graph does not fuse completely or the
    fused output differs from it on a right-padded batch."""
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    layers = int(config.get("num_hidden_layers", 0))
    try:
        with _quiet():
            fused = optimize_model(
                str(source),
                model_type="bert",
                num_heads=int(config.get("num_attention_heads", 0)),
                hidden_size=int(config.get("hidden_size", 0)),
                opt_level=0,
            )
        counts = fused.get_fused_operator_statistics()
    except Exception as exc:  # noqa: BLE001 - an architecture the BERT optimizer cannot read
        log.warning("the ONNX graph of %s cannot be fused (%s); using it unfused", folder, exc)
        return source
    want = {
        "EmbedLayerNormalization": 1,
        "Attention": layers,
        "SkipLayerNormalization": 2 * layers,
        "BiasGelu": layers,
    }
    if layers == 0 or any(counts.get(op, 0) != n for op, n in want.items()):
        got = {op: counts.get(op, 0) for op in want}
        log.warning(
            "the ONNX graph of %s did not fuse (%s, want %s); using it unfused", folder, got, want
        )
        return source
    fused.save_model_to_file(str(out))
    worst = _max_deviation(out, source, vocab_size=int(config.get("vocab_size", 30522)))
    if worst > 1e-3:
        log.warning(
            "the fused ONNX graph of %s differs from the plain one (%.2g); unfused", folder, worst
        )
        return source
    return out


def _max_deviation(path: Path, reference: Path, *, vocab_size: int = 30522) -> float:
    """Largest absolute difference of the two graphs' hidden states on a right-padded batch
    (the rows of different lengths are what the fused attention mask must get right)."""
    import onnxruntime as ort

    rng = np.random.default_rng(0)
    ids = rng.integers(1, min(vocab_size, 20000), size=(3, 24), dtype=np.int64)
    mask = np.ones_like(ids)
    mask[1, 17:] = 0
    mask[2, 5:] = 0
    ids[mask == 0] = 0
    feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    outs = [
        ort.InferenceSession(str(p), providers=["CPUExecutionProvider"]).run(None, feed)[0]
        for p in (path, reference)
    ]
    return float(np.abs((outs[0] - outs[1]) * mask[..., None]).max())


def _quantize(source: Path, out: Path) -> Path:
    """Dynamic int8 weights, per output channel (per-tensor ones give cosine ~0.94 to fp32, per
    channel ~0.99); a fused graph gets ``QAttention`` and ``QEmbedLayerNormalization``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet():
        quantize_dynamic(
            source,
            out,
            weight_type=QuantType.QInt8,
            per_channel=True,
            # the fused ops are in ORT's domain, which ONNX shape inference cannot type
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    return out


@contextmanager
def _quiet() -> Iterator[None]:
    """The optimizer and the quantiser log a line per node or tensor, on the root logger and
    their own ones; only errors get through while they run."""
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def fused_ops(path: Path) -> dict[str, int]:
    """How many of each fused transformer kernel (plain or quantised) the graph at ``path``
    holds, e.g. ``{"Attention": 6, ...}``; all zeros for an unfused graph."""
    import onnx

    kinds = [node.op_type for node in onnx.load(str(path), load_external_data=False).graph.node]
    return {op: sum(k in (op, f"Q{op}") for k in kinds) for op in FUSED_OPS}
