"""The ONNX Runtime embedding backend: a sentence-transformers model exported once, offline,
with ``torch.onnx.export`` and optionally quantised to int8, then run by ONNX Runtime with mean
pooling and L2 normalisation in numpy.

With ``graph="fused"`` (the default) the export uses eager attention and is rewritten by ONNX
Runtime's transformer optimizer before quantising: embeddings + layer norm, attention, bias + GELU
and residual + layer norm each become one kernel (``EmbedLayerNormalization``, ``Attention``,
``BiasGelu``, ``SkipLayerNormalization``), and int8 turns attention into ``QAttention``. The fused
fp32 graph is checked against the plain one on a padded batch before it is kept; a model whose
graph does not fuse (or disagrees) keeps the unfused export, with a warning.

The exported file is cached under ``DATA_DIR/models/`` in a folder named by the model's files, the
quantisation, the graph and the exporter's versions, so it is built once and rebuilt only when one
changes.

Example:
    >>> model = OnnxModel.load(Path("model/"), cache_dir=Path(".newsrag/models"), quantize="int8")
    >>> model.encode(["OpenAI raised money."], batch_size=32).shape
    (1, 384)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rag.errors import ConfigError
from rag.vectors import unit_rows

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


class OnnxModel:
    """A sentence-transformers model run by ONNX Runtime.

    Args:
        spec: the model folder and its sizes.
        onnx_path: the exported (and possibly quantised) ONNX file.
        threads: ONNX Runtime intra-op threads; 0 lets it pick (one per physical core).
    """

    def __init__(self, spec: ModelSpec, onnx_path: Path, *, threads: int = 0) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.spec = spec
        self.path = onnx_path
        # untruncated, for counting word pieces; a truncating copy feeds the model
        self.tokenizer = Tokenizer.from_file(str(spec.folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self._feed = Tokenizer.from_file(str(spec.folder / "tokenizer.json"))
        self._feed.no_padding()
        self._feed.enable_truncation(spec.max_tokens)
        # the special tokens the model's input starts and ends with ([CLS] … [SEP])
        around = self._feed.encode("").ids
        self._around = (around[0], around[-1]) if len(around) == 2 else None
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(onnx_path), options, providers=["CPUExecutionProvider"]
        )

    @classmethod
    def load(
        cls,
        folder: Path,
        *,
        cache_dir: Path,
        quantize: Quantize = "int8",
        graph: Graph = "fused",
        threads: int = 0,
    ) -> OnnxModel:
        """The model from ``cache_dir``, exporting it there first if it is not built yet."""
        spec = read_spec(folder)
        name = f"{folder.name}-{model_digest(folder, quantize, graph)}"
        target = cache_dir / name / ("model-int8.onnx" if quantize == "int8" else "model.onnx")
        if not target.exists():
            log.info(
                "exporting %s to ONNX (%s, %s) at %s; done once", folder, quantize, graph, target
            )
            export_onnx(folder, target, quantize=quantize, graph=graph)
        return cls(spec, target, threads=threads)

    @property
    def fused(self) -> bool:
        """Whether the loaded graph runs ONNX Runtime's fused transformer kernels."""
        return all(fused_ops(self.path).values())

    def count_tokens(self, text: str) -> int:
        """Word pieces in ``text`` without special tokens."""
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def token_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without special tokens."""
        return list(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def encode(self, texts: Sequence[str], *, batch_size: int) -> np.ndarray:
        """L2-normalised mean-pooled vectors, float32 (len(texts), dimension). Texts are batched
        by length, so short ones are not padded to the longest of the whole call."""
        return self.encode_spans(texts, None, batch_size=batch_size)[0]

    def encode_spans(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]] | None,
        *,
        batch_size: int,
        tokens: Sequence[Sequence[Sequence[int]] | None] | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector and, from the same forward pass, one vector per character span of
        it (``spans[i]`` for ``texts[i]``): the mean of the token states inside the span, in
        context, normalised. A span the model never read (past its token limit) gets zeros.

        ``tokens[i]``, when given, is ``texts[i]`` already tokenized (no special tokens) in
        segments, a header's and then one per span: the model reads those ids and each span
        pools its own segment, the same as tokenizing the text would give, without doing it.
        """
        given = list(tokens) if tokens is not None and self._around else [None] * len(texts)
        todo = [i for i, segments in enumerate(given) if segments is None]
        encoded = dict(zip(todo, self._feed.encode_batch([texts[i] for i in todo]), strict=True))
        feeds: list[_Feed] = []
        for i in range(len(texts)):
            segments = given[i]
            if segments is None:
                feeds.append(_Feed(encoded[i].ids, offsets=encoded[i].offsets))
            else:
                feeds.append(self._segmented(segments))
        order = np.argsort([-len(f.ids) for f in feeds], kind="stable")
        out = np.empty((len(texts), self.spec.dimension), dtype=np.float32)
        parts: list[np.ndarray] = [np.zeros((0, self.spec.dimension), np.float32)] * len(texts)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            batch = [feeds[i] for i in rows]
            hidden, mask = self._run([f.ids for f in batch])
            out[rows] = unit_rows(_mean(hidden, mask))
            if spans is not None:
                for k, i in enumerate(rows):
                    feed = batch[k]
                    if feed.offsets is not None:
                        parts[i] = span_vectors(hidden[k], feed.offsets, spans[i])
                    else:
                        parts[i] = range_vectors(hidden[k], feed.ranges, len(spans[i]))
        return out, parts

    def _segmented(self, segments: Sequence[Sequence[int]]) -> _Feed:
        """The model's input from word-piece segments (a header, then one per span): special
        tokens around, truncated as the tokenizer would; each span's token range."""
        assert self._around is not None
        first, last = self._around
        ids = [first]
        ranges = []
        for k, segment in enumerate(segments):
            if k:
                ranges.append((len(ids), len(ids) + len(segment)))
            ids.extend(segment)
        limit = self.spec.max_tokens - 1
        ids = ids[:limit]
        ids.append(last)
        return _Feed(ids, ranges=[(min(a, limit), min(b, limit)) for a, b in ranges])

    def _run(self, rows: list[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, got in enumerate(rows):
            ids[row, : len(got)] = got
            mask[row, : len(got)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return self.session.run(None, feed)[0], mask


@dataclass(frozen=True)
class _Feed:
    """One text's model input: its token ids and, to pool spans, either each token's
    character offsets or each span's token range."""

    ids: Sequence[int]
    offsets: Sequence[tuple[int, int]] | None = None
    ranges: Sequence[tuple[int, int]] = ()


def range_vectors(hidden: np.ndarray, ranges: Sequence[tuple[int, int]], n: int) -> np.ndarray:
    """Normalised mean of the token states in each of ``n`` token ranges (``hidden[a:b]``);
    zeros for an empty range or one not given."""
    out = np.zeros((n, hidden.shape[-1]), dtype=np.float32)
    for j, (a, b) in enumerate(ranges[:n]):
        if b > a:
            out[j] = hidden[a:b].mean(axis=0)
    return unit_rows(out)


def span_vectors(
    hidden: np.ndarray, offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> np.ndarray:
    """Normalised mean of the token states (``hidden[t]`` for token ``t`` at character
    ``offsets[t]``) lying inside each character span; zeros where no token does."""
    out = np.zeros((len(spans), hidden.shape[-1]), dtype=np.float32)
    if not spans:
        return out
    n = min(len(hidden), len(offsets))  # a padded batch row is longer than its text
    hidden = hidden[:n]
    ends = np.array([end for _, end in offsets[:n]])
    starts = np.array([start for start, _ in offsets[:n]])
    real = ends > starts  # special tokens have empty offsets
    for j, (lo, hi) in enumerate(spans):
        inside = real & (starts >= lo) & (ends <= hi)
        if inside.any():
            out[j] = hidden[inside].mean(axis=0)
    return unit_rows(out)


def _mean(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
