"""The keyword index: a bm25s index derived from what Chroma holds, cached under the data
directory. It is a cache: losing it loses nothing, it is rebuilt from Chroma when stale."""

from __future__ import annotations

import json
import logging
import re
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rag.sentence_index import SentenceIndex, SentenceWords, TokenStream
from rag.sentence_table import SentenceTable
from rag.store import ChunkStore, StoredChunk

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_FORMAT = 2  # 2: with the sentence index
# Lucene's English stop set, the list bm25s ships as ``bm25s.stopwords.STOPWORDS_EN``: kept
# here so that tokenising a question does not import bm25s (and the scipy it loads).
# fmt: off
_STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
))
# fmt: on
# the files bm25s writes (``BM25.save``) and reads; the cache keeps its layout
_DATA, _INDICES, _INDPTR = "data.csc.index.npy", "indices.csc.index.npy", "indptr.csc.index.npy"
_VOCAB, _PARAMS = "vocab.index.json", "params.index.json"


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-worded, stemmed word tokens (single characters and digits kept)."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in _STOPWORDS]
    return _stemmer().stemWords(words)


def token_stream(text: str) -> TokenStream | None:
    """``tokenize(text)`` with each token's offset in ``text``; None when lower-casing changes
    the text's length (offsets would not point into it)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    found = [(m.start(), m.group()) for m in _TOKEN.finditer(lowered)]
    kept = [(start, word) for start, word in found if word not in _STOPWORDS]
    return TokenStream(_stemmer().stemWords([w for _, w in kept]), [start for start, _ in kept])


def lexical_text(chunk: StoredChunk) -> str:
    """What BM25 indexes for a chunk: its title and outlet as well as its text."""
    meta = chunk.metadata
    return f"{meta.get('title', '')}\n{meta.get('source', '')}\n{chunk.text}"


@dataclass(frozen=True)
class Postings:
    """The BM25 weight of every (word, chunk) pair, computed by bm25s when indexing: a sparse
    matrix stored by word (CSC: ``indptr[w]:indptr[w + 1]`` slices ``indices``/``data``).

    Scoring sums the query words' columns the way ``bm25s.BM25.get_scores`` does, in numpy,
    so that loading and querying never import bm25s; the files are those ``BM25.save`` writes.
    """

    vocab: dict[str, int]
    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    params: dict[str, Any]

    @classmethod
    def index(cls, corpus: list[list[str]]) -> Postings:
        """Index tokenised chunks with bm25s (Lucene BM25, its defaults)."""
        import bm25s

        model = bm25s.BM25()
        model.index(corpus, show_progress=False)
        params = {
            key: getattr(model, key)
            for key in ("k1", "b", "delta", "method", "idf_method", "dtype", "int_dtype")
        }
        params.update(num_docs=len(corpus), version=bm25s.__version__, backend=model.backend)
        scores = model.scores
        return cls(
            dict(model.vocab_dict), scores["data"], scores["indices"], scores["indptr"], params
        )

    def scores(self, tokens: list[str], *, mask: np.ndarray | None) -> np.ndarray:
        """Sum of each token's weight per chunk (float32), times ``mask`` when given."""
        out = np.zeros(int(self.params["num_docs"]), dtype=self.params["dtype"])
        for token in tokens:
            tid = self.vocab.get(token)
            if tid is not None:
                lo, hi = self.indptr[tid], self.indptr[tid + 1]
                np.add.at(out, self.indices[lo:hi], self.data[lo:hi])
        if mask is not None:
            out *= mask
        return out

    def chunk_count(self, token: str) -> int:
        """How many chunks hold ``token``."""
        tid = self.vocab.get(token)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])

    def save(self, folder: Path) -> None:
        """Write the files ``bm25s.BM25.load`` reads."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, array in ((_DATA, self.data), (_INDICES, self.indices), (_INDPTR, self.indptr)):
            np.save(folder / name, array, allow_pickle=False)
        (folder / _VOCAB).write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        (folder / _PARAMS).write_text(json.dumps(self.params, indent=4), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Postings:
        """Read what ``save`` (or ``bm25s.BM25.save``) wrote.

        Raises:
            OSError, ValueError, KeyError: missing, unreadable, or a BM25 variant this
                scorer does not reproduce (BM25L and BM25+ add a per-word constant).
        """
        params = json.loads((folder / _PARAMS).read_text(encoding="utf-8"))
        if params["method"] not in ("lucene", "robertson", "atire"):
            raise ValueError(f"BM25 variant {params['method']!r} is not supported")
        vocab = json.loads((folder / _VOCAB).read_text(encoding="utf-8"))
        arrays = [np.load(folder / name, allow_pickle=False) for name in (_DATA, _INDICES, _INDPTR)]
        return cls(vocab, *arrays, params)


@dataclass(frozen=True)
class ChunkColumns:
    """The metadata that filters and listings read, as arrays aligned with a
    ``LexicalIndex``'s rows (built once per index, not per question)."""

    outlets: tuple[str, ...]  # distinct non-empty outlet names, sorted
    outlet_code: np.ndarray  # per chunk: position in ``outlets``, -1 for none
    published_ts: np.ndarray  # per chunk: epoch seconds, -1 when unknown
    n_articles: int

    @classmethod
    def build(cls, metadatas: Sequence[dict[str, Any]]) -> ChunkColumns:
        """Columns of ``metadatas`` (chunk metadata as the engine writes it)."""
        names = [str(m.get("source", "")) for m in metadatas]
        outlets = tuple(sorted(set(names) - {""}))
        position = {name: i for i, name in enumerate(outlets)}
        return cls(
            outlets=outlets,
            outlet_code=np.array([position.get(n, -1) for n in names], dtype=np.int32),
            published_ts=np.array(
                [int(m.get("published_ts", -1)) for m in metadatas], dtype=np.int64
            ),
            n_articles=len({m.get("article_id") for m in metadatas}),
        )

    def outlet_mask(self, sources: Sequence[str]) -> np.ndarray:
        """True for the chunks of any of ``sources`` (exact indexed names)."""
        wanted = [self.outlets.index(s) for s in set(sources) if s in self.outlets]
        return np.isin(self.outlet_code, np.array(wanted, dtype=np.int32))


@dataclass
class LexicalIndex:
    """A BM25 index over chunks, with the chunk records it needs to return hits."""

    fingerprint: str
    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]
    postings: Postings | None  # None when empty
    sentences: SentenceIndex | None = None  # None: built without sentence tables

    @classmethod
    def build(
        cls,
        chunks: Iterable[StoredChunk],
        *,
        fingerprint: str,
        tables: dict[str, SentenceTable] | None = None,
    ) -> LexicalIndex:
        """Index ``chunks`` (as read from Chroma); with the articles' stored sentence
        ``tables``, a ``SentenceIndex`` of the chunks they cover too."""
        chunks = list(chunks)
        corpus: list[list[str]] = []
        streams: list[TokenStream | None] = []
        for chunk in chunks:
            meta = chunk.metadata
            table = (tables or {}).get(str(meta.get("article_id", "")))
            stream = None
            if table is not None and table.version == meta.get("content_hash"):
                stream = token_stream(chunk.text)
            if stream is None:
                corpus.append(tokenize(lexical_text(chunk)))
            else:  # the same tokens, the body's with their offsets
                corpus.append(tokenize(f"{meta.get('title', '')}\n{meta.get('source', '')}"))
                corpus[-1].extend(stream.tokens)
            streams.append(stream)
        postings = Postings.index(corpus) if chunks else None
        sentences = None
        if tables and postings is not None:
            sentences = SentenceIndex.build(chunks, streams, tables, postings.vocab)
        return cls(
            fingerprint=fingerprint,
            ids=[c.id for c in chunks],
            texts=[c.text for c in chunks],
            metadatas=[c.metadata for c in chunks],
            postings=postings,
            sentences=sentences,
        )

    @cached_property
    def rows(self) -> dict[str, int]:
        """Each chunk id's row."""
        return {chunk_id: i for i, chunk_id in enumerate(self.ids)}

    def sentence_words(self, chunk_id: str) -> SentenceWords | None:
        """The chunk's sentences as word ids, from the ``SentenceIndex`` (None when it has
        none for this chunk)."""
        if self.sentences is None or (row := self.rows.get(chunk_id)) is None:
            return None
        return self.sentences.words(row)

    @cached_property
    def columns(self) -> ChunkColumns:
        """The metadata filters and listings read, as arrays (built on first use)."""
        return ChunkColumns.build(self.metadatas)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: str, *, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every chunk for ``query`` (0 where ``mask`` is 0)."""
        if self.postings is None:
            return np.zeros(0, dtype=np.float32)
        return self.postings.scores(tokenize(query), mask=mask)

    def match_ceiling(self, query: str) -> float:
        """What a chunk holding each query word once would score (sum of the words' IDF).

        Dividing a BM25 score by this gives how much of the query a chunk matches, weighted by
        word rarity: near 0 for chunks sharing only common words, about 1 for a full match.
        """
        return float(self.idf(tokenize(query)).sum())

    def idf(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25's IDF of each token, ``log(1 + (n - df + 0.5) / (df + 0.5))`` over n chunks."""
        n = len(self.ids)
        if self.postings is None or not n:
            return np.zeros(len(tokens), dtype=np.float64)
        df = np.array([self.postings.chunk_count(t) for t in tokens], dtype=np.float64)
        return np.log1p((n - df + 0.5) / (df + 0.5))

    def save(self, folder: Path) -> None:
        """Write the index to ``folder`` atomically (a crash leaves the old one or none)."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.postings is not None:
            self.postings.save(tmp / "bm25")
        if self.sentences is not None:
            self.sentences.save(tmp / "sentences")
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
            postings = Postings.load(folder / "bm25") if records["ids"] else None
            found = (folder / "sentences").is_dir()
            sentences = SentenceIndex.load(folder / "sentences") if found else None
            return cls(
                records["fingerprint"],
                records["ids"],
                records["texts"],
                records["metadatas"],
                postings,
                sentences,
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
        table_model: the embedding model whose stored sentence tables go into the index's
            ``SentenceIndex`` (None: build none).
    """

    def __init__(
        self,
        store: ChunkStore,
        folder: Path,
        *,
        check_interval_s: float,
        table_model: str | None = None,
    ) -> None:
        self.store, self.folder, self.interval = store, folder, check_interval_s
        self.table_model = table_model
        self._lock = threading.Lock()
        self._index: LexicalIndex | None = None
        self._checked = 0.0

    def get(self) -> LexicalIndex:
        """The current index (re-checked against Chroma when the last check is old)."""
        if self._stale():
            self._refresh(only_if_stale=True)
        assert self._index is not None
        return self._index

    def refresh(self) -> None:
        """Compare fingerprints now; load or rebuild when they differ."""
        self._refresh(only_if_stale=False)

    def _stale(self) -> bool:
        return self._index is None or time.monotonic() - self._checked > self.interval

    def _refresh(self, *, only_if_stale: bool) -> None:
        with self._lock:
            if only_if_stale and not self._stale():
                return  # callers that waited here while another thread checked
            fingerprint = self.store.fingerprint()
            current = self._index
            if current is None or current.fingerprint != fingerprint:
                current = LexicalIndex.load(self.folder)
                if current is None or current.fingerprint != fingerprint:
                    log.info("rebuilding the BM25 index from Chroma")
                    tables = None
                    if self.table_model is not None:
                        tables = {
                            aid: table
                            for aid, table in self.store.iter_sentence_tables()
                            if table.model == self.table_model
                        }
                    current = LexicalIndex.build(
                        self.store.iter_chunks(), fingerprint=fingerprint, tables=tables
                    )
                    current.save(self.folder)
                self._index = current
            self._checked = time.monotonic()
