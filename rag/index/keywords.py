"""The keyword index: BM25 (bm25s's Lucene weights) over what Chroma holds, cached under the data
directory. It is a cache: losing it loses nothing, it is rebuilt from Chroma when stale."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.chunk_records import ChunkColumns, ChunkRecords, ColumnsBuilder, RecordsBuilder
from rag.index.postings import Postings
from rag.index.sentence_index import SentenceIndex, SentenceIndexBuilder, SentenceWords
from rag.index.sentence_table import SentenceTable
from rag.index.store import ChunkStore, StoredChunk
from rag.index.words import WordRows, WordRowsBuilder, chunk_words, header_text, tokenize
from rag.ingest.identity import chunk_versions

log = logging.getLogger(__name__)
# 2: with the sentence index; 3: records as bytes, postings without bm25s; 4: no _INGEST_ONLY;
# 5: with each row's words
_FORMAT = 5
# chunk metadata only ingest reads (from Chroma): kept out of the records every hit is built from
_INGEST_ONLY = frozenset({"minhash"})
_PARSED_RECORDS = 20_000


@dataclass
class LexicalIndex:
    """A BM25 index over chunks, with the chunk records it needs to return hits and the
    metadata columns filters read."""

    fingerprint: str
    ids: list[str]
    records: ChunkRecords
    columns: ChunkColumns
    postings: Postings | None  # None when empty
    sentences: SentenceIndex | None = None  # None: built without sentence tables
    words: WordRows | None = None  # None: saved by a version that kept no words

    @classmethod
    def build(
        cls,
        chunks: Iterable[StoredChunk],
        *,
        fingerprint: str,
        tables: dict[str, SentenceTable] | None = None,
        previous: LexicalIndex | None = None,
    ) -> LexicalIndex:
        """Index ``chunks`` (as read from Chroma, in one pass: each chunk's words become
        vocabulary ids as it comes); with the articles' stored sentence ``tables``, a
        ``SentenceIndex`` of the chunks they cover too.

        The words of a chunk the ``previous`` index holds are read from its rows instead of
        tokenizing the text again, as long as the chunk's text, title and outlet are unchanged:
        the index is the same with or without it (after an ingest or a delete, only the new
        chunks are tokenized)."""
        reuse = previous is not None and previous.words is not None
        rows = WordRowsBuilder(
            previous.words if reuse else None, previous.vocab_names() if reuse else ()
        )
        ids: list[str] = []
        records, columns = RecordsBuilder(), ColumnsBuilder()
        sentences = SentenceIndexBuilder(tables) if tables else None
        for chunk in chunks:
            meta = chunk.metadata
            table = (tables or {}).get(str(meta.get("article_id", "")))
            streamed = table is not None and table.version == meta.get("content_hash")
            row = previous.held(chunk) if reuse and streamed else None
            if row is not None:
                body = rows.add_previous(row)
            else:
                body = rows.add(chunk_words(chunk, streamed=streamed))
            if sentences is not None:
                sentences.add(chunk, body)
            ids.append(chunk.id)
            records.add(chunk.text, {k: v for k, v in meta.items() if k not in _INGEST_ONLY})
            columns.add(meta)
        words, vocab = rows.finish(), rows.vocab
        postings = None
        if ids:
            lengths = np.diff(words.word_ptr)
            postings = Postings.from_token_ids(words.words, lengths, vocab)
        return cls(
            fingerprint=fingerprint,
            ids=ids,
            records=records.finish(),
            columns=columns.finish(),
            postings=postings,
            sentences=sentences.finish() if sentences is not None and ids else None,
            words=words,
        )

    def held(self, chunk: StoredChunk) -> int | None:
        """The row holding ``chunk`` with the same text, title and outlet, its body words read
        with their offsets (None: no such row)."""
        row = self.rows.get(chunk.id)
        if row is None or self.words is None or not self.words.streamed[row]:
            return None
        if self.records.text(row) != chunk.text:
            return None
        same = header_text(self.records.metadata(row)) == header_text(chunk.metadata)
        return row if same else None

    def vocab_names(self) -> list[str]:
        """Each word id's word."""
        vocab = self.postings.vocab if self.postings is not None else {}
        names = [""] * len(vocab)
        for name, i in vocab.items():
            names[i] = name
        return names

    @cached_property
    def rows(self) -> dict[str, int]:
        """Each chunk id's row."""
        return {chunk_id: i for i, chunk_id in enumerate(self.ids)}

    def text(self, row: int) -> str:
        """The text of the chunk in ``row``."""
        return self.records.text(row)

    def metadata(self, row: int) -> dict[str, Any]:
        """The metadata of the chunk in ``row`` (a new dict). Parsed records are remembered
        (up to ``_PARSED_RECORDS`` of them): every question builds a few hundred hits, most of
        them chunks seen before."""
        parsed = self._parsed.get(row)
        if parsed is None:
            if len(self._parsed) >= _PARSED_RECORDS:
                self._parsed.clear()
            parsed = self._parsed[row] = self.records.metadata(row)
        return dict(parsed)

    @cached_property
    def _parsed(self) -> dict[int, dict[str, Any]]:
        return {}

    def sentence_words(self, chunk_id: str) -> SentenceWords | None:
        """The chunk's sentences as word ids, from the ``SentenceIndex`` (None when it has
        none for this chunk)."""
        if self.sentences is None or (row := self.rows.get(chunk_id)) is None:
            return None
        return self.sentences.words(row)

    def __len__(self) -> int:
        return len(self.ids)

    def chunk_count(self, token: str) -> int:
        """How many chunks hold ``token`` (a ``tokenize`` token)."""
        return self.postings.chunk_count(token) if self.postings is not None else 0

    def match_shares(self, tokens: Sequence[str], others: Sequence[str]) -> list[float]:
        """``Postings.match_shares``: how well the best chunk holding each token matches
        ``others``, as a share of the best chunk of all."""
        if self.postings is None:
            return [0.0] * len(tokens)
        return self.postings.match_shares(tokens, others)

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
        """Write the index to ``folder`` atomically (a crash leaves the old one or none; of
        two processes saving at once, one's index is kept whole)."""
        for left in folder.parent.glob(f"{folder.name}.*.tmp"):  # of a process that crashed
            if not _alive(left):
                shutil.rmtree(left, ignore_errors=True)
        tag = f"{os.getpid()}-{threading.get_ident()}"
        tmp = folder.with_name(f"{folder.name}.{tag}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.postings is not None:
            self.postings.save(tmp / "bm25")
        if self.sentences is not None:
            self.sentences.save(tmp / "sentences")
        self.records.save(tmp / "records")
        self.columns.save(tmp / "columns")
        if self.words is not None:
            self.words.save(tmp / "words")
        about = {"format": _FORMAT, "fingerprint": self.fingerprint, "ids": self.ids}
        (tmp / "chunks.json").write_text(json.dumps(about), encoding="utf-8")
        old = folder.with_name(f"{folder.name}.{tag}.old")
        shutil.rmtree(old, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):  # another process moved it first
            folder.rename(old)
        try:
            tmp.rename(folder)
        except OSError:  # another process put its index in place meanwhile: keep that one
            shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        """Read a saved index (its records memory-mapped); None when absent, unreadable or of
        another format."""
        try:
            about = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
            if about.get("format") != _FORMAT:
                return None
            postings = Postings.load(folder / "bm25") if about["ids"] else None
            found = (folder / "sentences").is_dir()
            sentences = SentenceIndex.load(folder / "sentences") if found else None
            return cls(
                about["fingerprint"],
                about["ids"],
                ChunkRecords.load(folder / "records"),
                ChunkColumns.load(folder / "columns"),
                postings,
                sentences,
                WordRows.load(folder / "words"),
            )
        except (OSError, ValueError, KeyError) as exc:
            log.info("BM25 cache at %s unusable (%s); it will be rebuilt", folder, exc)
            return None


def _alive(left: Path) -> bool:
    """Whether the process that named ``left`` ("bm25.<pid>-<thread>.tmp") still runs."""
    try:
        os.kill(int(left.name.rsplit(".", 2)[-2].split("-")[0]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:  # another user's process
        return True
    return True


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

    def _tables(
        self, model: str, previous: LexicalIndex | None, ids: Sequence[str]
    ) -> dict[str, SentenceTable]:
        """Every stored article's sentence table of ``model``, in article id order. A table the
        ``previous`` index holds is taken from it when the article's chunks are all of that
        table's version (a new version's chunks are written before its table, so it is still
        the stored one); the other articles' tables are read from Chroma, all of them when
        there is no previous index or a chunk id (of ``ids``, the store's) has another shape."""
        held = previous.sentences.articles if previous and previous.sentences else {}
        versions = chunk_versions(ids) if held else None
        if not versions:
            found = dict(self.store.iter_sentence_tables())
        else:
            kept = [
                aid
                for aid, prefixes in versions.items()
                if (entry := held.get(aid)) is not None and set(prefixes) == {entry[2][:8]}
            ]
            assert previous is not None and previous.sentences is not None
            found = previous.sentences.tables(kept)
            missing = [a for a in versions if a not in found]
            for start in range(0, len(missing), 1000):
                found.update(self.store.sentence_tables(missing[start : start + 1000]))
        return {aid: found[aid] for aid in sorted(found) if found[aid].model == model}

    def _stale(self) -> bool:
        return self._index is None or time.monotonic() - self._checked > self.interval

    def _refresh(self, *, only_if_stale: bool) -> None:
        with self._lock:
            if only_if_stale and not self._stale():
                return  # callers that waited here while another thread checked
            ids = self.store.ids()  # read once: the fingerprint's and the tables' to reuse
            fingerprint = self.store.fingerprint(ids)
            current = self._index
            if current is None or current.fingerprint != fingerprint:
                loaded = LexicalIndex.load(self.folder)
                previous = loaded if loaded is not None else current  # lends its chunks' words
                current = loaded
                if current is None or current.fingerprint != fingerprint:
                    log.info("rebuilding the BM25 index from Chroma")
                    tables = None
                    if self.table_model is not None:
                        tables = self._tables(self.table_model, previous, ids)
                    current = LexicalIndex.build(
                        self.store.iter_chunks(),
                        fingerprint=fingerprint,
                        tables=tables,
                        previous=previous,
                    )
                    current.save(self.folder)
                    if current.words is not None:  # read from disk again when needed
                        current = replace(current, words=WordRows.load(self.folder / "words"))
                self._index = current
            self._checked = time.monotonic()
