"""The keyword index: a bm25s index derived from what Chroma holds, cached under the data
directory. It is a cache: losing it loses nothing, it is rebuilt from Chroma when stale."""

from __future__ import annotations

import json
import logging
import math
import re
import shutil
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rag.store import ChunkStore, StoredChunk

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_FORMAT = 1


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-worded, stemmed word tokens (single characters and digits kept)."""
    stop = _stopwords()
    words = [w for w in _TOKEN.findall(text.lower()) if w not in stop]
    return _stemmer().stemWords(words)


def lexical_text(chunk: StoredChunk) -> str:
    """What BM25 indexes for a chunk: its title and outlet as well as its text."""
    meta = chunk.metadata
    return f"{meta.get('title', '')}\n{meta.get('source', '')}\n{chunk.text}"


@dataclass
class LexicalIndex:
    """A BM25 index over chunks, with the chunk records it needs to return hits."""

    fingerprint: str
    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]
    model: Any  # bm25s.BM25, or None when empty

    @classmethod
    def build(cls, chunks: Iterable[StoredChunk], *, fingerprint: str) -> LexicalIndex:
        """Index ``chunks`` (as read from Chroma)."""
        import bm25s

        chunks = list(chunks)
        model = None
        if chunks:
            model = bm25s.BM25()
            model.index([tokenize(lexical_text(c)) for c in chunks], show_progress=False)
        return cls(
            fingerprint=fingerprint,
            ids=[c.id for c in chunks],
            texts=[c.text for c in chunks],
            metadatas=[c.metadata for c in chunks],
            model=model,
        )

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: str, *, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every chunk for ``query`` (0 where ``mask`` is 0)."""
        if self.model is None:
            return np.zeros(0, dtype=np.float32)
        vocab = self.model.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return self.model.get_scores(tokens, weight_mask=mask)

    def match_ceiling(self, query: str) -> float:
        """What a chunk holding each query word once would score (sum of the words' IDF).

        Dividing a BM25 score by this gives how much of the query a chunk matches, weighted by
        word rarity: near 0 for chunks sharing only common words, about 1 for a full match.
        """
        n = len(self.ids)
        if self.model is None or not n:
            return 0.0
        vocab = self.model.vocab_dict
        indptr = self.model.scores["indptr"]
        total = 0.0
        for token in tokenize(query):
            tid = vocab.get(token)
            df = 0 if tid is None else int(indptr[tid + 1] - indptr[tid])
            total += math.log(1 + (n - df + 0.5) / (df + 0.5))
        return total

    def save(self, folder: Path) -> None:
        """Write the index to ``folder`` atomically (a crash leaves the old one or none)."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.model is not None:
            self.model.save(str(tmp / "bm25"))
        records = {
            "format": _FORMAT,
            "fingerprint": self.fingerprint,
            "ids": self.ids,
            "texts": self.texts,
            "metadatas": self.metadatas,
        }
        (tmp / "chunks.json").write_text(json.dumps(records), encoding="utf-8")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        tmp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """Read a saved index; None when absent, unreadable or of another format."""
        try:
            records = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
            if records.get("format") != _FORMAT:
                return None
            model = None
            if records["ids"]:
                import bm25s

                model = bm25s.BM25.load(str(folder / "bm25"))
            return cls(
                records["fingerprint"],
                records["ids"],
                records["texts"],
                records["metadatas"],
                model,
            )
        except (OSError, ValueError, KeyError) as exc:
            log.info("BM25 cache at %s unusable (%s); it will be rebuilt", folder, exc)
            return None


class LexicalCache:
    """Keeps a ``LexicalIndex`` in step with Chroma: loaded from ``folder`` when its
    fingerprint matches the store's, rebuilt from the store and saved otherwise.

    Args:
        store: the source of truth.
        folder: where the index is cached.
        check_interval_s: how long ``get`` trusts the last check.
    """

    def __init__(self, store: ChunkStore, folder: Path, *, check_interval_s: float) -> None:
        self.store, self.folder, self.interval = store, folder, check_interval_s
        self._lock = threading.Lock()
        self._index: LexicalIndex | None = None
        self._checked = 0.0

    def get(self) -> LexicalIndex:
        """The current index (re-checked against Chroma when the last check is old)."""
        if self._index is None or time.monotonic() - self._checked > self.interval:
            self.refresh()
        assert self._index is not None
        return self._index

    def refresh(self) -> None:
        """Compare fingerprints now; load or rebuild when they differ."""
        with self._lock:
            fingerprint = self.store.fingerprint()
            current = self._index
            if current is None or current.fingerprint != fingerprint:
                current = LexicalIndex.load(self.folder)
                if current is None or current.fingerprint != fingerprint:
                    log.info("rebuilding the BM25 index from Chroma")
                    current = LexicalIndex.build(self.store.iter_chunks(), fingerprint=fingerprint)
                    current.save(self.folder)
                self._index = current
            self._checked = time.monotonic()
