"""Crash-safe ingest: an ingest process killed with SIGKILL at 20 random moments, re-run after
each kill, ends in exactly the state of one clean ingest — the same chunks (ids, text,
metadata), the same article body records, no orphans, and the BM25 cache in step with Chroma.

Runs alternate between two versions of the corpus (every third article rewritten), so kills
land in updates as well as in first writes. Takes about three minutes: each run is a fresh
Python process that loads the model. ``NEWSRAG_CRASH_SEED`` picks other moments.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from rag import NewsRAG
from rag.config import ChromaSettings
from rag.store import ChunkStore
from tests.conftest import make_settings

pytestmark = [pytest.mark.slow]
KILLS = int(os.environ.get("NEWSRAG_CRASH_KILLS", "20"))
ARTICLES = 100
OUTLETS = ["TechPulse", "AI Wire", "Data Daily", "The Silicon Ledger"]
CHILD = """
import sys
from rag import NewsRAG
from tests.conftest import make_settings
app = NewsRAG(make_settings(__import__("pathlib").Path(sys.argv[1])))
app.embedder.embed(["warm up"])
print("ready", flush=True)
report = app.ingest([sys.argv[2]], progress=lambda done, total: print("progress", flush=True))
print("done", report.added, report.updated, report.skipped, report.rejected, flush=True)
"""


def _write_corpus(folder: Path, *, version: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    folder.mkdir(exist_ok=True)
    words = ["model", "chip", "cloud", "robot", "funding", "lawsuit", "benchmark", "startup"]
    for n in range(ARTICLES):
        topic = rng.sample(words, 3)
        edited = version and n % 3 == 0
        body = " ".join(
            f"Company{n} said its {topic[i % 3]} work grew {rng.randint(2, 90)}% in quarter "
            f"{i % 4 + 1}, according to {rng.choice(OUTLETS)} reporting number {n}-{i}."
            + (f" Revised in version {version}." if edited else "")
            for i in range(rng.randint(1, 3))
        )
        (folder / f"story-{n:03d}.md").write_text(
            f"---\ntitle: Company{n} reports on {topic[0]}\nsource: {OUTLETS[n % 4]}\n"
            f"url: https://news.example/{n}\npublished_at: 2025-0{n % 9 + 1}-1{n % 10}\n---\n\n"
            f"{body}\n",
            encoding="utf-8",
        )
    for n in range(1, 13, 3):  # wire copies: the same story under another outlet and URL
        text = (folder / f"story-{n:03d}.md").read_text(encoding="utf-8")
        copy = text.replace(f"https://news.example/{n}", f"https://wire.example/{n}")
        copy = copy.replace("published_at: 2025-0", "published_at: 2024-0")
        (folder / f"wire-{n:03d}.md").write_text(copy, encoding="utf-8")


def _state(data_dir: Path) -> dict[str, Any]:
    store = ChunkStore(ChromaSettings(), data_dir=data_dir)
    chunks = {c.id: (c.text, c.metadata) for c in store.iter_chunks()}
    raw = store._articles.get(include=["documents", "metadatas"])  # noqa: SLF001 - a test's look
    bodies = dict(
        zip(raw["ids"], zip(raw["documents"], raw["metadatas"], strict=True), strict=True)
    )
    cache = json.loads((data_dir / "bm25" / "local-newsrag" / "chunks.json").read_text())
    return {
        "chunks": chunks,
        "bodies": bodies,
        "fingerprint": store.fingerprint(),
        "bm25_fingerprint": cache["fingerprint"],
        "bm25_ids": sorted(cache["ids"]),
    }


def _problems(state: dict[str, Any], clean: dict[str, Any]) -> list[str]:
    found = []
    for key in ("chunks", "bodies"):
        mine, theirs = state[key], clean[key]
        found += [f"{key}: missing {k}" for k in sorted(theirs.keys() - mine.keys())]
        found += [f"{key}: extra {k}" for k in sorted(mine.keys() - theirs.keys())]
        for k in sorted(mine.keys() & theirs.keys()):
            if mine[k] != theirs[k]:
                (text, meta), (text2, meta2) = mine[k], theirs[k]
                keys = [f for f in meta.keys() | meta2.keys() if meta.get(f) != meta2.get(f)]
                found.append(f"{key}: {k} differs in {'text ' if text != text2 else ''}{keys}")
    per_article: dict[str, int] = {}
    for _, meta in state["chunks"].values():
        per_article[meta["article_id"]] = per_article.get(meta["article_id"], 0) + 1
    for _, meta in state["chunks"].values():
        if per_article[meta["article_id"]] != meta["n_chunks"]:
            found.append(f"article {meta['article_id']}: {per_article[meta['article_id']]} chunks")
    found += [f"orphan chunks of {a}" for a in per_article if a not in state["bodies"]]
    found += [f"orphan body {a}" for a in state["bodies"] if a not in per_article]
    if state["bm25_fingerprint"] != state["fingerprint"]:
        found.append(f"BM25 {state['bm25_fingerprint']} != Chroma {state['fingerprint']}")
    if state["bm25_ids"] != sorted(state["chunks"]):
        found.append("BM25 chunk ids differ from Chroma's")
    return found


def _start(data_dir: Path, corpus: Path) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
    """The ingest process and a queue of the lines it prints (ready, progress…, done)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir), str(corpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line.strip())
        lines.put("eof")

    threading.Thread(target=read, daemon=True).start()
    return proc, lines


def _first_write(lines: queue.Queue[str]) -> bool:
    """Wait until the process has written its first batch; False when it finished first."""
    while True:
        line = lines.get(timeout=120)
        if line == "progress":
            return True
        if line.startswith("done") or line == "eof":
            return False


def test_sigkill_at_random_moments_then_rerun_equals_a_clean_ingest(
    tmp_path: Path, model_loaded: None
) -> None:
    corpus = tmp_path / "corpus"  # one folder, rewritten: an article's origin is its path
    _write_corpus(corpus, version=0)
    marks: list[float] = []
    started = time.monotonic()
    clean_app = NewsRAG(make_settings(tmp_path / "clean"))
    report = clean_app.ingest([str(corpus)], progress=lambda *_: marks.append(time.monotonic()))
    ingest_s = time.monotonic() - started
    assert report.rejected == 0 and report.added == ARTICLES + 4
    clean = _state(tmp_path / "clean")
    copies = {m["article_id"] for _, m in clean["chunks"].values() if m["duplicate_of"]}
    assert len(copies) == 4
    # a batch is embedded, then written: killing 0.3-1.1 batch-times after the first write
    # lands in the next batch's embedding or its writes
    batch_s = statistics.median(b - a for a, b in zip(marks, marks[1:], strict=False))

    rng = random.Random(int(os.environ.get("NEWSRAG_CRASH_SEED", "2026")))
    crashed, kills, runs, finished = tmp_path / "crashed", [], 0, 0
    while len(kills) < KILLS and runs < KILLS * 2:
        _write_corpus(corpus, version=runs % 2)
        proc, lines = _start(crashed, corpus)
        runs += 1
        if _first_write(lines):
            delay = rng.uniform(0.3, 1.1) * batch_s
            time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills.append(round(delay, 2))
        else:
            finished += 1
        proc.wait(timeout=30)
    _write_corpus(corpus, version=0)
    final, lines = _start(crashed, corpus)
    final.wait(timeout=300)
    out = " ".join(iter(lines.get, "eof")).replace("progress ", "")
    assert final.returncode == 0 and "done" in out, out

    problems = _problems(_state(crashed), clean)
    print(
        f"\ncrash-safe ingest: {ARTICLES + 4} articles, {len(clean['chunks'])} chunks, clean "
        f"ingest {ingest_s:.1f} s; {runs} runs alternating two corpus versions, {len(kills)} "
        f"SIGKILLs at {kills} s after a first batch was written ({finished} runs finished "
        f"first; a batch takes {batch_s:.2f} s); final run "
        f"(added updated skipped rejected): {out.strip()}; differences from a clean ingest: "
        f"{len(problems)} {problems[:5]}"
    )
    assert len(kills) == KILLS
    assert not problems, problems[:20]
