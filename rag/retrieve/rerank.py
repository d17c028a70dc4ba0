"""An optional cross-encoder re-ranking the merged candidates, for users who have one
(``NEWSRAG_RETRIEVAL__RERANKER=/path/to/cross-encoder``): LlamaIndex's
``SentenceTransformerRerank`` over a local sentence-transformers ``CrossEncoder`` folder. The
default needs none.

Example:
    >>> reranker = CrossEncoderReranker("models/ms-marco-MiniLM-L-6-v2")
    >>> reranker.rerank("Who leads Corvid Labs?", hits, top_k=8)
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from rag.errors import ConfigError
from rag.types import Hit

_LOADED: dict[tuple[str, str], Any] = {}
_LOCK = threading.Lock()


def _postprocessor(model: str, device: str) -> Any:
    """One LlamaIndex reranker per (model, device) for the life of the process."""
    key = (model, device)
    with _LOCK:
        if key not in _LOADED:
            from llama_index.core.postprocessor import SentenceTransformerRerank

            try:
                _LOADED[key] = SentenceTransformerRerank(
                    model=model, top_n=1_000, device=device, trust_remote_code=False
                )
            except (OSError, ValueError) as exc:
                raise ConfigError(
                    f"Cannot load the reranker {model!r} ({exc}). Set "
                    "NEWSRAG_RETRIEVAL__RERANKER to a local sentence-transformers cross-encoder "
                    "folder, or unset it to rank without one."
                ) from exc
        return _LOADED[key]


class CrossEncoderReranker:
    """Orders candidates by a cross-encoder's score for (question, chunk).

    Args:
        model: a local folder (or, with a model hub reachable, an id) of a cross-encoder.
        device: torch device.

    Raises:
        ConfigError: the model cannot be loaded.
    """

    def __init__(self, model: str, *, device: str = "cpu") -> None:
        self.model = model
        self._rerank = _postprocessor(model, device)

    def rerank(self, question: str, hits: Sequence[Hit], *, top_k: int) -> list[Hit]:
        """The ``top_k`` of ``hits`` the cross-encoder scores highest (ties keep list order).
        The chunk is read with its title and outlet, as it was embedded."""
        from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

        nodes = [
            NodeWithScore(
                node=TextNode(id_=str(i), text=f"{h.title}\n{h.source}\n\n{h.text}"), score=0.0
            )
            for i, h in enumerate(hits)
        ]
        ranked = self._rerank.postprocess_nodes(nodes, query_bundle=QueryBundle(question))
        scored = sorted((-float(n.score or 0.0), int(n.node.node_id)) for n in ranked)
        return [hits[i] for _, i in scored][:top_k]
