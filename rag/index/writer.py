"""Writes articles into the store: skip unchanged, replace changed, record syndicated copies.

Each chunk id embeds its article's content hash, so a new version is written beside the old one
and the old one is deleted only after the new one is complete: a crash never leaves an article
with no chunks, and an incomplete version is found (``n_chunks``) and replaced on the next run.
A version counts as complete only when its body record carries the same content hash, so a
crash between writing the chunks and the body is also repaired by the next run.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC

import numpy as np

from rag.config import IngestSettings
from rag.embed.embedder import Embedder
from rag.index.sentence_table import build_table
from rag.index.store import ChunkStore
from rag.ingest.chunking import ChunkPlan, split_article
from rag.ingest.identity import article_id, chunk_versions, content_hash, minhash, similarity
from rag.types import Article, Chunk, IngestReport, ItemError

log = logging.getLogger(__name__)


@dataclass
class _Stored:
    """What the store holds for one article id: chunk ids per content hash."""

    versions: dict[str, list[str]] = field(default_factory=dict)
    n_chunks: dict[str, int] = field(default_factory=dict)
    signature: str = ""
    published_at: str = ""
    body_version: str = ""  # content hash of the stored body record

    def complete(self, version: str) -> bool:
        chunks_done = len(self.versions.get(version, ())) == self.n_chunks.get(version, -1)
        return chunks_done and self.body_version == version


@dataclass
class _Pending:
    article: Article
    article_id: str
    version: str
    chunks: list[Chunk]
    signature: str
    duplicate_of: str
    replaces: list[str]  # chunk ids of other versions, deleted once this one is written
    updated: bool
    copies: list[str] = field(default_factory=list)  # written articles found to copy this one


class Indexer:
    """One ingest run over a stream of loaded articles and load errors."""

    def __init__(self, store: ChunkStore, embedder: Embedder, settings: IngestSettings) -> None:
        self.store, self.embedder, self.settings = store, embedder, settings
        self._leftovers: list[str] = []  # chunk ids to delete once the run's writes are done
        self._lock = threading.Lock()  # guards handing planned articles to the embedder
        self._handed: set[str] = set()  # article ids whose chunks are being embedded or written
        self._planned_chunks = 0
        self.plan = ChunkPlan(
            max_tokens=min(settings.chunk_tokens, 256), overlap_tokens=settings.overlap_tokens
        )
        self._tokenize = embedder.tokenize()

    def run(
        self,
        items: Iterable[Article | ItemError],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Ingest ``items``; errors are counted and reported, never raised per item.

        A planner thread reads, deduplicates and chunks the items while this one embeds the
        batches already planned (the model runs outside the GIL), so loading and chunking
        overlap the embedding. ``progress(done, total)`` counts chunks: ``total`` is what has
        been planned so far, so it grows until every item is read.
        """
        started = time.perf_counter()
        stored = self._stored()
        errors: list[ItemError] = []
        pending: dict[str, _Pending] = {}
        counts = {"skipped": 0, "duplicates": 0}
        planned: queue.SimpleQueue[_Pending | BaseException | None] = queue.SimpleQueue()
        stop = threading.Event()

        def plan_all() -> None:
            seen: set[str] = set()
            try:
                for item in items:
                    if stop.is_set():
                        break
                    if isinstance(item, ItemError):
                        errors.append(item)
                        continue
                    plan = self._plan(item, stored, seen, counts, pending)
                    if plan is not None:
                        with self._lock:
                            pending[plan.article_id] = plan
                            self._planned_chunks += len(plan.chunks)
                        planned.put(plan)
            except BaseException as exc:  # noqa: BLE001 - re-raised by the embedding thread
                planned.put(exc)
            finally:
                planned.put(None)

        planner = threading.Thread(target=plan_all, name="newsrag-plan", daemon=True)
        planner.start()
        try:
            written = self._write(self._batches(planned), progress)
        finally:
            stop.set()
            planner.join()
        if self._leftovers:  # of interrupted updates of articles now skipped as complete
            self.store.delete_ids(self._leftovers)
        return IngestReport(
            added=sum(not p.updated for p in pending.values()),
            updated=sum(p.updated for p in pending.values()),
            skipped=counts["skipped"],
            rejected=len(errors),
            chunks_written=written,
            duplicates=counts["duplicates"],
            errors=tuple(errors),
            seconds=round(time.perf_counter() - started, 3),
        )

    def _stored(self) -> dict[str, _Stored]:
        """What the store holds, by article id: read from every chunk id and the metadata of
        each version's first chunk (a chunk id is ``{article id}-{version[:8]}:{position}``),
        which is 3-4 times quicker than every chunk's metadata; that full scan is the fallback
        for an id of another shape. A version whose first chunk is missing is keyed by its id
        prefix, so it never counts as complete: it is replaced like any stale version."""
        stored = self._stored_from_ids()
        if stored is None:
            stored = self._stored_from_metadata()
        for aid, version in self.store.article_versions().items():
            if aid in stored:
                stored[aid].body_version = version
            else:  # a body whose chunks were never written or already deleted
                self.store.delete_article(aid)
        return stored

    def _stored_from_metadata(self) -> dict[str, _Stored]:
        stored: dict[str, _Stored] = {}
        for chunk in self.store.iter_chunks(documents=False):
            m = chunk.metadata
            entry = stored.setdefault(str(m.get("article_id")), _Stored())
            version = str(m.get("content_hash", ""))
            entry.versions.setdefault(version, []).append(chunk.id)
            entry.n_chunks[version] = int(m.get("n_chunks", -1))
            entry.signature = str(m.get("minhash", ""))
            entry.published_at = str(m.get("published_at", ""))
        return stored

    def _stored_from_ids(self) -> dict[str, _Stored] | None:
        by_article = chunk_versions(self.store.ids())
        if by_article is None:
            return None
        firsts = {}
        for chunk in self.store.iter_chunks(documents=False, where={"position": 0}):
            m = chunk.metadata
            aid, version = str(m.get("article_id", "")), str(m.get("content_hash", ""))
            if not chunk.id.startswith(f"{aid}-{version[:8]}:"):
                return None
            firsts[(aid, version[:8])] = (version, m)
        stored: dict[str, _Stored] = {}
        for aid, prefixes in sorted(by_article.items()):
            entry = stored.setdefault(aid, _Stored())
            for prefix, ids in sorted(prefixes.items()):
                version, m = firsts.get((aid, prefix), (prefix, {}))
                entry.versions[version] = sorted(ids)
                entry.n_chunks[version] = int(m.get("n_chunks", -1))
                if m:
                    entry.signature = str(m.get("minhash", ""))
                    entry.published_at = str(m.get("published_at", ""))
        return stored

    def _plan(
        self,
        article: Article,
        stored: dict[str, _Stored],
        seen: set[str],
        counts: dict[str, int],
        pending: dict[str, _Pending],
    ) -> _Pending | None:
        aid, version = article_id(article), content_hash(article)
        if aid in seen:  # the same article twice in one run (a feed and a file, say)
            counts["skipped"] += 1
            return None
        seen.add(aid)
        old = stored.get(aid)
        stale = [
            cid for v, ids in (old.versions.items() if old else ()) if v != version for cid in ids
        ]
        if old and old.complete(version):
            counts["skipped"] += 1
            self._leftovers.extend(stale)  # leftovers of an interrupted update, if any
            return None
        sig = minhash(article.body)
        published = _iso(article)
        duplicate_of, copies = self._duplicate_of(aid, sig, published, stored, pending)
        counts["duplicates"] += bool(duplicate_of)
        entry = stored.setdefault(aid, _Stored())
        entry.signature, entry.published_at = sig, published
        partial = old.versions.get(version, []) if old else []
        chunks = split_article(
            article, f"{aid}-{version[:8]}", plan=self.plan, tokenize=self._tokenize
        )
        return _Pending(
            article,
            aid,
            version,
            chunks,
            sig,
            duplicate_of,
            stale + partial,
            updated=bool(old and any(old.complete(v) for v in old.versions if v != version)),
            copies=copies,
        )

    def _duplicate_of(
        self,
        aid: str,
        sig: str,
        published: str,
        stored: dict[str, _Stored],
        pending: dict[str, _Pending],
    ) -> tuple[str, list[str]]:
        """The article this one is a syndicated copy of; the earliest published is the original,
        so a newly ingested older copy takes that role and the other is relabelled: before it
        is written if it is still waiting, else (returned second) by this one's write."""
        limit = self.settings.duplicate_similarity
        for other, entry in stored.items():
            if other == aid or similarity(sig, entry.signature) < limit:
                continue
            if published and entry.published_at and published < entry.published_at:
                with self._lock:
                    if other in pending and other not in self._handed:
                        pending[other].duplicate_of = aid
                        return "", []
                return "", [other]
            return other, []
        return "", []

    def _relabel(self, copy: str, original: str) -> None:
        chunks = list(self.store.iter_chunks(documents=False, where={"article_id": copy}))
        self.store.set_metadata(
            [c.id for c in chunks], [{**c.metadata, "duplicate_of": original} for c in chunks]
        )

    def _write(
        self, batches: Iterator[list[_Pending]], progress: Callable[[int, int], None] | None
    ) -> int:
        """Embed and store each batch. Batch k is written by one writer thread while batch k+1
        is embedded (writes stay in order, one at a time)."""
        done = 0
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsrag-write") as writer:
            # started now, not after the first batch: a thread starting while the model's
            # threads spin can wait a quarter of a second for a core
            writer.submit(lambda: None)
            writing: tuple[int, Future[None]] | None = None
            for batch in batches:
                chunks = [c for p in batch for c in p.chunks]
                vectors, sentence_vectors = self.embedder.embed_spans(
                    [c.embed_text for c in chunks],
                    [_sentences_in(c) for c in chunks],
                    tokens=[c.tokens for c in chunks],
                )
                if writing is not None:
                    done = self._finished(writing, done, progress)
                job = writer.submit(self._store, batch, vectors, sentence_vectors)
                writing = (len(chunks), job)
            if writing is not None:
                done = self._finished(writing, done, progress)
        return done

    def _batches(
        self, planned: queue.SimpleQueue[_Pending | BaseException | None]
    ) -> Iterator[list[_Pending]]:
        """Whole articles as the planner hands them on, about ``write_batch_chunks`` chunks a
        batch; the planner's error, if it had one, once the batches before it are out.

        The batches are the same whatever the timing: int8 activations are scaled per model
        batch, so the same chunks in other batches would get slightly different vectors."""
        batch: list[_Pending] = []
        size = 0
        while True:
            got = planned.get()
            if isinstance(got, BaseException):
                raise got
            if got is not None:
                batch.append(got)
                size += len(got.chunks)
            if batch and (got is None or size >= self.settings.write_batch_chunks):
                with self._lock:
                    self._handed.update(p.article_id for p in batch)
                yield batch
                batch, size = [], 0
            if got is None:
                return

    def _finished(
        self,
        writing: tuple[int, Future[None]],
        done: int,
        progress: Callable[[int, int], None] | None,
    ) -> int:
        """Wait for a batch's write (raising its error), then report it done."""
        n, job = writing
        job.result()
        done += n
        if progress:
            with self._lock:
                total = self._planned_chunks
            progress(done, total)
        return done

    def _store(
        self, batch: list[_Pending], vectors: np.ndarray, sentence_vectors: list[np.ndarray]
    ) -> None:
        """One write per batch: every chunk first, then the copies written earlier relabelled
        as copies of these, then the bodies that mark these complete (a crash before that
        plans them again, relabelling again), then the chunks of the versions they replace."""
        self.store.upsert(
            [c.id for item in batch for c in item.chunks],
            [c.text for item in batch for c in item.chunks],
            vectors,
            [_metadata(item, c) for item in batch for c in item.chunks],
        )
        for item in batch:
            for copy in item.copies:
                self._relabel(copy, item.article_id)
        bodies, offset = [], 0
        for item in batch:
            n = len(item.chunks)
            mean = vectors[offset : offset + n].mean(axis=0)
            table = build_table(
                item.chunks, sentence_vectors[offset : offset + n], model=self.embedder.name
            )
            meta = {"content_hash": item.version, "title": item.article.title, **table.pack()}
            bodies.append((item.article_id, item.article.body, mean, meta))
            offset += n
        self.store.put_articles(bodies)
        for item in batch:
            fresh = {c.id for c in item.chunks}
            leftovers = [cid for cid in item.replaces if cid not in fresh]
            if leftovers:
                self.store.delete_ids(leftovers)
            log.debug("indexed %s (%d chunks)", item.article_id, len(item.chunks))


def _sentences_in(chunk: Chunk) -> list[tuple[int, int]]:
    """The chunk's sentences as offsets into its embedded text (header + body slice)."""
    shift = len(chunk.embed_text) - len(chunk.text) - chunk.start
    return [(a + shift, b + shift) for a, b in chunk.sentences]


def _iso(article: Article) -> str:
    return article.published_at.astimezone(UTC).isoformat() if article.published_at else ""


def _metadata(item: _Pending, chunk: Chunk) -> dict[str, str | int]:
    a = item.article
    published = a.published_at.astimezone(UTC) if a.published_at else None
    return {
        "article_id": item.article_id,
        "content_hash": item.version,
        "position": chunk.position,
        "n_chunks": len(item.chunks),
        "start": chunk.start,
        "end": chunk.end,
        "title": a.title,
        "source": a.source,
        "url": a.url,
        "published_at": published.isoformat() if published else "",
        "published_ts": int(published.timestamp()) if published else -1,
        "author": a.author,
        "category": a.category,
        "origin": a.origin,
        "minhash": item.signature,
        "duplicate_of": item.duplicate_of,
    }
