"""Crash-safe ingest: an ingest process killed with SIGKILL at 20 random moments, re-run after
each kill, ends in exactly the state of one clean ingest — the same chunks (ids, text,
metadata), the same article body records, no orphans, and the BM25 cache in step with Chroma.

Runs alternate between two versions of the corpus (every third article rewritten), so kills
land in updates as well as in first writes. Takes about three minutes: each run is a fresh
Python process that loads the model. ``NEWSRAG_CRASH_SEED`` picks other moments.
"""

from __future__ import annotations

import contextlib
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
from rag.index.sentence_table import VECTORS, SentenceTable
from rag.index.store import ChunkStore
from tests.conftest import make_settings

pytestmark = [pytest.mark.slow]
KILLS = int(os.environ.get("NEWSRAG_CRASH_KILLS", "10"))
ARTICLES = 100
OUTLETS = ["TechPulse", "AI Wire", "Data Daily", "The Silicon Ledger"]
# One process imports the heavy libraries once, then forks a fresh ingest process per run (it
# loads the model and opens Chroma itself), so a run starts in about a second.
ZYGOTE = """
import os, sys
from pathlib import Path
import rag.engine, rag.ingest.loaders  # the slow imports, done once before any fork
from rag import NewsRAG
from tests.conftest import make_settings
print("zygote", flush=True)
for line in sys.stdin:
    data_dir, corpus = line.rstrip("\\n").split("\\t")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            app = NewsRAG(make_settings(Path(data_dir)))
            app.embedder.embed(["warm up"])
            print("ready", os.getpid(), flush=True)
            r = app.ingest([corpus], progress=lambda done, total: print("progress", flush=True))
            print("done", r.added, r.updated, r.skipped, r.rejected, flush=True)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    print("exited", pid, os.waitstatus_to_exitcode(status), flush=True)
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
    # int8 activations are scaled per batch, so a resumed run's sentence vectors may differ in
    # the last bits from a clean run's: compared by cosine, everything else exactly
    bodies = {
        aid: (doc, {k: v for k, v in meta.items() if k != VECTORS})
        for aid, doc, meta in zip(raw["ids"], raw["documents"], raw["metadatas"], strict=True)
    }
    vectors = {
        aid: SentenceTable.unpack(m) for aid, m in zip(raw["ids"], raw["metadatas"], strict=True)
    }
    cache = json.loads((data_dir / "bm25" / "local-newsrag" / "chunks.json").read_text())
    return {
        "chunks": chunks,
        "bodies": bodies,
        "vectors": vectors,
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
    for aid in sorted(state["vectors"].keys() & clean["vectors"].keys()):
        mine, theirs = state["vectors"][aid], clean["vectors"][aid]
        if mine is None or theirs is None or mine.vectors.shape != theirs.vectors.shape:
            found.append(f"sentence table of {aid}: missing or of another shape")
        elif len(mine.vectors) and (mine.vectors * theirs.vectors).sum(axis=1).min() < 0.97:
            found.append(f"sentence vectors of {aid} differ")
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


class Zygote:
    """The forking process (``script``, ZYGOTE by default); ``run`` starts one run of it on a
    data directory and an input, and returns its pid."""

    def __init__(self, script: str = ZYGOTE) -> None:
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.next() == "zygote"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put("eof")

    def next(self) -> str:
        line = self.lines.get(timeout=180)
        assert line != "eof", "the forking process died"
        return line

    def run(self, data_dir: Path, source: Path) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"{data_dir}\t{source}\n")
        self.proc.stdin.flush()
        line = self.next()
        assert line.startswith("ready "), line
        return int(line.split()[1])

    def until(self, *prefixes: str) -> list[str]:
        """Lines up to and including the first that starts with one of ``prefixes``."""
        seen = [self.next()]
        while not seen[-1].startswith(prefixes):
            seen.append(self.next())
        return seen

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=30)


def test_sigkill_at_random_moments_then_rerun_equals_a_clean_ingest(
    tmp_path: Path, model_loaded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small write batches: many moments to be killed at (the zygote inherits the environment)
    monkeypatch.setenv("NEWSRAG_INGEST__WRITE_BATCH_CHUNKS", "16")
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
    zygote = Zygote()
    try:
        while len(kills) < KILLS and runs < KILLS * 2:
            _write_corpus(corpus, version=runs % 2)
            pid = zygote.run(crashed, corpus)
            runs += 1
            delay = rng.uniform(0.3, 1.1) * batch_s
            if zygote.until("progress", "done", "exited")[-1] == "progress":
                time.sleep(delay)
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            exit_code = int(zygote.until("exited")[-1].split()[2])
            if exit_code == -signal.SIGKILL:
                kills.append(round(delay, 2))
            else:
                assert exit_code == 0, f"run {runs} failed with exit code {exit_code}"
                finished += 1
        _write_corpus(corpus, version=0)
        zygote.run(crashed, corpus)
        seen = zygote.until("exited")
    finally:
        zygote.close()
    out = next((line for line in seen if line.startswith("done")), "")
    assert seen[-1].endswith(" 0") and out, seen

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
