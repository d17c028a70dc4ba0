"""Query speed: warm in-process ``ask`` with the offline answerer, retrieval against its floor
(the question's embedding + Chroma top-k + BM25 top-k, measured in the same run), and a cold
``newsrag ask`` in a new process.

Example:
    >>> bench = measure_queries(app, questions[:50])
    >>> bench.ask_ms.p50, bench.search_ms.p50 / bench.floor_ms.p50
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rag import NewsRAG


@dataclass(frozen=True)
class Latency:
    """Milliseconds over repeated calls."""

    n: int
    p50: float
    p95: float
    mean: float

    @classmethod
    def of(cls, millis: Sequence[float]) -> Latency:
        """Percentiles of ``millis`` (zeros when empty)."""
        if not millis:
            return cls(0, 0.0, 0.0, 0.0)
        arr = np.asarray(millis, dtype=float)
        return cls(
            len(arr),
            float(np.percentile(arr, 50)),
            float(np.percentile(arr, 95)),
            float(arr.mean()),
        )


@dataclass(frozen=True)
class QueryBench:
    """Warm latencies and cold start."""

    chunks: int
    ask_ms: Latency
    search_ms: Latency
    floor_ms: Latency
    cold_ask_s: list[float]


def _timed_ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def retrieval_floor(app: NewsRAG, question: str, *, top_k: int) -> None:
    """The least work hybrid retrieval must do: embed the question, the Chroma top-k for it and
    the BM25 top-k over the cached index (read through the engine's own parts)."""
    vector = app.embedder.embed_queries([question], remember=False)  # as `search` embeds it
    app.store.collection.query(query_embeddings=vector, n_results=top_k)
    scores = app.lexical_index().scores(question)
    if len(scores) > top_k:
        np.argpartition(-scores, top_k)[:top_k]


def measure_queries(
    app: NewsRAG,
    questions: Sequence[str],
    *,
    top_k: int = 40,
    cold_runs: int = 3,
    env: Mapping[str, str] | None = None,
) -> QueryBench:
    """Time ``ask``, ``search`` and the retrieval floor on each question (interleaved, so load
    from other processes hits all three alike), then ``cold_runs`` cold ``newsrag ask``.

    ``top_k`` for the floor is the candidates each retriever contributes to fusion
    (``retrieval.candidate_k``)."""
    app.ask(questions[0])  # warm: model, BM25 cache, Chroma segments
    asks, searches, floors = [], [], []
    for q in questions:
        floors.append(_timed_ms(lambda q=q: retrieval_floor(app, q, top_k=top_k)))
        searches.append(_timed_ms(lambda q=q: app.search(q, top_k=10)))
        asks.append(_timed_ms(lambda q=q: app.ask(q)))
    cold = [
        cold_ask(app.settings.data_dir, questions[i % len(questions)], env=env)
        for i in range(cold_runs)
    ]
    return QueryBench(
        chunks=app.stats().chunks,
        ask_ms=Latency.of(asks),
        search_ms=Latency.of(searches),
        floor_ms=Latency.of(floors),
        cold_ask_s=cold,
    )


def cold_ask(data_dir: Path, question: str, *, env: Mapping[str, str] | None = None) -> float:
    """Wall seconds of ``newsrag ask QUESTION`` in a new process on the index in ``data_dir``.

    Raises:
        RuntimeError: the command failed (its stderr is quoted).
    """
    command = [sys.executable, "-m", "rag.cli", "ask", question, "--data-dir", str(data_dir)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=dict(env or os.environ))
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"`newsrag ask` failed: {done.stderr.strip()[-500:]}")
    return seconds
