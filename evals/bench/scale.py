"""Scale: a synthetic collection of N chunks (random unit vectors, Zipf-distributed words) written
straight into the engine's store, then BM25 built and hybrid ``search`` timed. Run one size per
process (``python -m evals.bench.scale N DIR``), so its peak memory is its own.

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


def _batch(rng: np.random.Generator, vocab: np.ndarray, start: int, n: int, dim: int) -> tuple:
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


def measure_scale(chunks: int, folder: Path, *, settings: Settings | None = None) -> ScalePoint:
    """Build a synthetic collection of ``chunks`` in ``folder`` and time hybrid search on it."""
    settings = (settings or Settings()).model_copy(update={"data_dir": folder})
    app = NewsRAG(settings)
    dim = app.embedder.dimension
    rng = np.random.default_rng(7)
    vocab = _vocabulary(rng)
    started = time.perf_counter()
    for start in range(0, chunks, _BATCH):
        ids, texts, vectors, metas = _batch(rng, vocab, start, min(_BATCH, chunks - start), dim)
        app.store.upsert(ids, texts, vectors, metas)
    stored = time.perf_counter()
    app.refresh_lexical()
    built = time.perf_counter()
    app.search(QUESTIONS[0])  # warm
    millis = []
    for q in QUESTIONS * 4:
        t0 = time.perf_counter()
        app.search(q, top_k=10)
        millis.append((time.perf_counter() - t0) * 1000)
    disk = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20
    return ScalePoint(
        chunks=chunks,
        build_s=built - started,
        store_s=stored - started,
        bm25_s=built - stored,
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
        raise RuntimeError(f"the {chunks}-chunk scale run took over {timeout_s:.0f} s") from exc
    if done.returncode != 0:
        raise RuntimeError(f"the {chunks}-chunk scale run failed: {done.stderr.strip()[-500:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return ScalePoint(**{**data, "search_ms": Latency(**data["search_ms"])})


if __name__ == "__main__":  # a worker process: print the point as one JSON line
    point = measure_scale(int(sys.argv[1]), Path(sys.argv[2]))
    sys.stdout.write(json.dumps(asdict(point)) + "\n")
