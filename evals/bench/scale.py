"""Scale: a synthetic collection of N chunks (random unit vectors, Zipf-distributed words) written
straight into the engine's store, then BM25 built and hybrid ``search`` timed. Run one size per
process (``python -m evals.bench.scale N DIR``), so its peak memory is its own.

Writing a million chunks to Chroma takes about an hour here, so the store phase saves its
progress (``DIR/scale-progress.json``, after each batch): a stopped run started again on the same
``DIR`` goes on from the last batch written (each batch is drawn from its own seed, so the chunks
are the same), and ``--store-only`` stops after the store phase.

Example:
    >>> point = measure_scale(100_000, Path("bench/scale-100000"))
    >>> point.build_s, point.search_ms.p50, point.disk_mb, point.peak_rss_mb
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from evals.bench.query import Latency
from evals.bench.serve import peak_rss_mb
from rag import NewsRAG, Settings

_WORDS_PER_CHUNK = 150
_VOCAB = 30_000
_BATCH = 5_000
_PROGRESS = "scale-progress.json"
QUESTIONS = (
    "Which company announced a new language model?",
    "What did the regulator decide about the merger?",
    "How much funding did the startup raise?",
    "Who is the chief executive of the chip maker?",
    "When will the new data centre open?",
)


@dataclass(frozen=True)
class ScalePoint:
    """Cost at one collection size."""

    chunks: int
    build_s: float
    store_s: float
    bm25_s: float
    disk_mb: float
    peak_rss_mb: float
    search_ms: Latency


def _vocabulary(rng: np.random.Generator) -> np.ndarray:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    lengths = rng.integers(3, 10, size=_VOCAB)
    return np.array(["".join(rng.choice(letters, size=n)) for n in lengths])


def _batch(vocab: np.ndarray, start: int, n: int, dim: int) -> tuple:
    rng = np.random.default_rng((7, start))  # a batch's own seed: a resumed run draws the same
    ranks = np.minimum(rng.zipf(1.2, size=(n, _WORDS_PER_CHUNK)), _VOCAB) - 1
    texts = [" ".join(vocab[row]) for row in ranks]
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"syn{start + i:08d}-0" for i in range(n)]
    metas = [
        {
            "article_id": f"syn{start + i:08d}",
            "position": 0,
            "n_chunks": 1,
            "start": 0,
            "end": len(texts[i]),
            "title": f"Synthetic article {start + i}",
            "source": f"Outlet {(start + i) % 50}",
            "url": "",
            "published_at": "2024-01-01T00:00:00+00:00",
            "published_ts": 1704067200 + (start + i) * 60,
        }
        for i in range(n)
    ]
    return ids, texts, vectors, metas


def _store(app: NewsRAG, chunks: int, folder: Path) -> float:
    """Write the synthetic chunks not yet written (per ``folder``'s progress file); the
    seconds spent storing, this run and the earlier ones."""
    progress_file = folder / _PROGRESS
    progress = _progress(folder, chunks)
    dim = app.embedder.dimension
    vocab = _vocabulary(np.random.default_rng(7))
    for start in range(progress["stored"], chunks, _BATCH):
        t0 = time.perf_counter()
        app.store.upsert(*_batch(vocab, start, min(_BATCH, chunks - start), dim))
        progress["stored"] = min(start + _BATCH, chunks)
        progress["store_s"] += time.perf_counter() - t0
        progress_file.write_text(json.dumps(progress), encoding="utf-8")
    return float(progress["store_s"])


def _progress(folder: Path, chunks: int) -> dict:
    """The saved progress of a ``chunks``-sized run in ``folder``, or a fresh one (nothing
    saved, unreadable, or a run of another size)."""
    fresh = {"chunks": chunks, "stored": 0, "store_s": 0.0}
    try:
        saved = json.loads((folder / _PROGRESS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return fresh
    return saved if saved.get("chunks") == chunks else fresh


def stored_so_far(folder: Path, chunks: int) -> int:
    """How many of ``chunks`` synthetic chunks a run in ``folder`` has stored (0: none, or a
    run of another size)."""
    return int(_progress(folder, chunks)["stored"])


def measure_scale(
    chunks: int, folder: Path, *, settings: Settings | None = None, store_only: bool = False
) -> ScalePoint | None:
    """Build a synthetic collection of ``chunks`` in ``folder`` (going on from a stopped run's
    progress) and time hybrid search on it; None with ``store_only`` (the store phase only)."""
    settings = (settings or Settings()).model_copy(update={"data_dir": folder})
    folder.mkdir(parents=True, exist_ok=True)
    app = NewsRAG(settings)
    store_s = _store(app, chunks, folder)
    if store_only:
        return None
    t0 = time.perf_counter()
    app.refresh_lexical()
    bm25_s = time.perf_counter() - t0
    app.search(QUESTIONS[0])  # warm
    millis = []
    for q in QUESTIONS * 4:
        t0 = time.perf_counter()
        app.search(q, top_k=10)
        millis.append((time.perf_counter() - t0) * 1000)
    disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
    return ScalePoint(
        chunks=chunks,
        build_s=store_s + bm25_s,
        store_s=store_s,
        bm25_s=bm25_s,
        disk_mb=disk,
        peak_rss_mb=peak_rss_mb(os.getpid()),  # ru_maxrss would count the forking parent
        search_ms=Latency.of(millis),
    )


def run_scale(
    chunks: int, folder: Path, *, timeout_s: float, env: Mapping[str, str] | None = None
) -> ScalePoint:
    """``measure_scale`` in a new process (its own peak memory).

    Raises:
        RuntimeError: the run failed or took longer than ``timeout_s``.
    """
    command = [sys.executable, "-m", "evals.bench.scale", str(chunks), str(folder)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, env=env)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(
            f"the {chunks}-chunk scale run took over {timeout_s:.0f} s "
            f"({stored_so_far(folder, chunks)} of {chunks} chunks stored); run the same command "
            f"again to go on from there, or raise --scale-timeout"
        ) from exc
    if done.returncode != 0:
        raise RuntimeError(f"the {chunks}-chunk scale run failed: {done.stderr.strip()[-500:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return ScalePoint(**{**data, "search_ms": Latency(**data["search_ms"])})


if __name__ == "__main__":  # a worker process: print the point as one JSON line
    point = measure_scale(
        int(sys.argv[1]), Path(sys.argv[2]), store_only="--store-only" in sys.argv[3:]
    )
    if point is not None:
        sys.stdout.write(json.dumps(asdict(point)) + "\n")
