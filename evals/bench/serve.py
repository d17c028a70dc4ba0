"""Serving: ``newsrag ui`` started on a free loopback port and its ``/ask`` API driven by
concurrent ``gradio_client`` callers; answers per second, latency, errors and the server's peak
resident memory (the kernel's high-water mark for the process).

Example:
    >>> serving = measure_serving(Path("bench/index"), questions, callers=8, seconds=60)
    >>> serving.answers_per_s, serving.errors, serving.peak_rss_mb
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from evals.bench.query import Latency


@dataclass(frozen=True)
class ServeBench:
    """What the callers saw, and the server's memory."""

    callers: int
    seconds: float
    answers: int
    errors: int
    answers_per_s: float
    latency_ms: Latency
    peak_rss_mb: float
    first_error: str


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) in MB, 0 when unreadable (not Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _wait_until_up(url: str, proc: subprocess.Popen, *, seconds: float) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`newsrag ui` exited early with code {proc.returncode}")
        try:
            if httpx.get(url, timeout=1).is_success:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"`newsrag ui` did not answer at {url} within {seconds:.0f} s")


def measure_serving(
    data_dir: Path,
    questions: Sequence[str],
    *,
    callers: int = 8,
    seconds: float = 60.0,
    start_timeout: float = 180.0,
    env: Mapping[str, str] | None = None,
) -> ServeBench:
    """Serve the index in ``data_dir`` and call ``/ask`` from ``callers`` threads for
    ``seconds``, each cycling through ``questions``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [
        sys.executable,
        "-m",
        "rag.cli",
        "ui",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
    ]
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(env or os.environ)
    )
    try:
        _wait_until_up(url, proc, seconds=start_timeout)
        latencies, errors = _drive(url, questions, callers=callers, seconds=seconds)
        peak = peak_rss_mb(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    return ServeBench(
        callers=callers,
        seconds=seconds,
        answers=len(latencies),
        errors=len(errors),
        answers_per_s=len(latencies) / seconds,
        latency_ms=Latency.of(latencies),
        peak_rss_mb=peak,
        first_error=errors[0] if errors else "",
    )


def _drive(
    url: str, questions: Sequence[str], *, callers: int, seconds: float
) -> tuple[list[float], list[str]]:
    from gradio_client import Client

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    # plain HTTP on loopback: without ssl_verify=False, gradio_client loads the CA bundle for
    # every call (a new httpx client each time), which on a small machine takes CPU from the
    # server being measured
    clients = [Client(url, verbose=False, ssl_verify=False) for _ in range(callers)]
    start = threading.Barrier(callers)

    def caller(index: int) -> None:
        start.wait()
        deadline = time.monotonic() + seconds
        i = index
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                clients[index].predict(questions[i % len(questions)], api_name="/ask")
                with lock:
                    latencies.append((time.perf_counter() - t0) * 1000)
            except Exception as exc:  # every failure is counted and the first one reported
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
            i += callers

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors
