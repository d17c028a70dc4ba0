"""The vector store: the only importer of chromadb. Embedded under the data directory, or a
``chroma run`` server when ``chroma.host`` is set. Chroma is the single source of truth."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from rag.config import ChromaSettings
from rag.embed.vectors import unit_rows
from rag.errors import StoreError
from rag.index.sentence_table import SentenceTable, has_table
from rag.index.sharing import WriteStamp

log = logging.getLogger(__name__)
T = TypeVar("T")
_PAGE = 2000
_ID_PAGE = 50_000  # ids alone are small: fewer, larger pages


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as Chroma holds it."""

    id: str
    text: str
    metadata: dict[str, Any]


class ChunkStore:
    """Chunks with their embeddings and flat metadata in one cosine-space Chroma collection.

    Args:
        settings: embedded or server, and the collection name.
        data_dir: where the embedded store lives (``data_dir/chroma``).
    """

    def __init__(self, settings: ChromaSettings, *, data_dir: Path) -> None:
        self.settings = settings
        self.data_dir = data_dir
        # the embedded store may be shared with other processes (the app and `newsrag
        # ingest`): writes take turns, and a write elsewhere makes this process open it again
        self._stamp = None if settings.host else WriteStamp(data_dir / "chroma")
        self._reopening = threading.Lock()
        self._open()

    def _open(self) -> None:
        self._client = self._guard(self._connect, fresh=False)
        self._collection = self._guard(
            lambda: self._open_collection(self.settings.collection), fresh=False
        )
        # one record per article: its full body, for showing quotes in their paragraph
        self._articles = self._guard(
            lambda: self._open_collection(f"{self.settings.collection}-articles"), fresh=False
        )

    def _fresh(self) -> None:
        """Open the embedded store again when another process has written to it since this
        one opened it (Chroma's embedded client would go on reading what it loaded)."""
        if self._stamp is None or not self._stamp.changed():
            return
        with self._reopening:
            if not self._stamp.changed():
                return  # another thread did it
            self._stamp.look()
            from chromadb.api.shared_system_client import SharedSystemClient

            # a new client on the same path reuses the process's loaded system unless it is
            # dropped; reads still running on the old one finish on it
            key = self._client._identifier
            SharedSystemClient._identifier_to_system.pop(key, None)
            SharedSystemClient._identifier_to_refcount.pop(key, None)
            log.info("The Chroma store at %s changed in another process; reopened", self.location)
            self._open()

    def _writing(self) -> AbstractContextManager[None]:
        """One write at a time across processes, on a store opened after the last one."""
        return nullcontext() if self._stamp is None else self._stamp.writing()

    # -- connection -------------------------------------------------------------------------
    @property
    def location(self) -> str:
        """Where the chunks live, for stats and messages."""
        if self.settings.host:
            scheme = "https" if self.settings.ssl else "http"
            return f"{scheme}://{self.settings.host}:{self.settings.port}"
        return str(self.data_dir / "chroma")

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaClientSettings

        client_settings = ChromaClientSettings(anonymized_telemetry=False)
        if self.settings.host:
            return chromadb.HttpClient(
                host=self.settings.host,
                port=self.settings.port,
                ssl=self.settings.ssl,
                settings=client_settings,
            )
        path = self.data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=client_settings)

    def _open_collection(self, name: str) -> Any:
        collection = self._client.get_or_create_collection(
            name,
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )
        space = (collection.configuration.get("hnsw") or {}).get("space", "cosine")
        if space != "cosine":
            raise StoreError(
                f"Collection {name!r} uses {space!r} distance, not cosine. "
                "Pick another name with NEWSRAG_CHROMA__COLLECTION or delete that collection."
            )
        return collection

    def _guard(self, call: Callable[[], T], *, fresh: bool = True) -> T:
        """Run a Chroma call, turning connection failures into one clear StoreError (first
        catching up with other processes' writes, unless ``fresh`` is off while opening)."""
        try:
            if fresh:
                self._fresh()
            return call()
        except StoreError:
            raise
        except Exception as exc:  # chromadb raises many unrelated types for a dead server
            if self.settings.host:
                raise StoreError(
                    f"Cannot use the Chroma server at {self.location} ({type(exc).__name__}: "
                    f"{exc}). Start it with `chroma run --path DIR --port {self.settings.port}`, "
                    "or unset NEWSRAG_CHROMA__HOST to use the embedded store."
                ) from exc
            raise StoreError(
                f"The Chroma store at {self.location} failed ({type(exc).__name__}: {exc})."
            ) from exc

    # -- reads ------------------------------------------------------------------------------
    @property
    def collection(self) -> Any:
        """The raw Chroma collection (for the LlamaIndex vector store inside ``rag``)."""
        return self._collection

    def count(self) -> int:
        """Number of chunks."""
        return self._guard(lambda: self._collection.count())

    def iter_chunks(
        self, *, documents: bool = True, where: dict | None = None
    ) -> Iterator[StoredChunk]:
        """Every chunk (optionally only those matching ``where``), paged, in id order per page."""
        include = ["metadatas", "documents"] if documents else ["metadatas"]
        offset = 0
        while True:
            page = self._guard(
                lambda o=offset: self._collection.get(
                    where=where, limit=_PAGE, offset=o, include=include
                )
            )
            ids = page["ids"]
            docs = page.get("documents") or [""] * len(ids)
            for chunk_id, text, meta in zip(ids, docs, page["metadatas"], strict=True):
                yield StoredChunk(chunk_id, text or "", dict(meta or {}))
            if len(ids) < _PAGE:
                return
            offset += _PAGE

    def ids(self, *, where: dict | None = None) -> list[str]:
        """The id of every chunk (optionally only those matching ``where``), read without
        their metadata or text: 20-30 times quicker than ``iter_chunks``."""
        found: list[str] = []
        while True:
            offset = len(found)
            page = self._guard(
                lambda o=offset: self._collection.get(
                    where=where, limit=_ID_PAGE, offset=o, include=[]
                )
            )
            found.extend(page["ids"])
            if len(page["ids"]) < _ID_PAGE:
                return found

    def fingerprint(self, ids: Sequence[str] | None = None) -> str:
        """A hash of every chunk id (``ids`` when the caller has just read them). Chunk ids
        embed the article's content hash, so any add, change or delete changes it."""
        ordered = sorted(self.ids() if ids is None else ids)
        return hashlib.sha256("\n".join(ordered).encode()).hexdigest()[:16] + f"-{len(ordered)}"

    # -- writes -----------------------------------------------------------------------------
    def upsert(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        embeddings: np.ndarray,
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        """Write chunks (same id = replace), in batches Chroma accepts."""
        batch = max(1, min(self._guard(lambda: self._client.get_max_batch_size()), 4000))
        for i in range(0, len(ids), batch):
            sl = slice(i, i + batch)
            with self._writing():
                self._guard(
                    lambda s=sl: self._collection.upsert(
                        ids=list(ids[s]),
                        documents=list(texts[s]),
                        embeddings=embeddings[s],
                        metadatas=list(metadatas[s]),
                    )
                )

    def delete_ids(self, ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        for i in range(0, len(ids), _PAGE):
            with self._writing():
                self._guard(lambda s=i: self._collection.delete(ids=list(ids[s : s + _PAGE])))

    def set_metadata(self, ids: Sequence[str], metadatas: Sequence[dict[str, Any]]) -> None:
        """Replace the metadata of existing chunks (text and vectors unchanged)."""
        for i in range(0, len(ids), _PAGE):
            with self._writing():
                self._guard(
                    lambda s=i: self._collection.update(
                        ids=list(ids[s : s + _PAGE]), metadatas=list(metadatas[s : s + _PAGE])
                    )
                )

    def vector_store(self) -> Any:
        """This collection as a LlamaIndex ``ChromaVectorStore``."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=_Current(self))

    # -- article bodies ---------------------------------------------------------------------
    def put_articles(self, bodies: Sequence[tuple[str, str, np.ndarray, dict[str, Any]]]) -> None:
        """Store articles' full bodies: (id, body, vector, metadata) each, ``vector`` being
        the mean of its chunks' (normalised here)."""
        if not bodies:
            return
        vectors = unit_rows(np.stack([v for _, _, v, _ in bodies]))
        with self._writing():
            self._guard(
                lambda: self._articles.upsert(
                    ids=[a for a, _, _, _ in bodies],
                    documents=[b for _, b, _, _ in bodies],
                    embeddings=vectors,
                    metadatas=[m for _, _, _, m in bodies],
                )
            )

    def article_body(self, article_id: str) -> str | None:
        """The stored body of ``article_id``; None when there is no record."""
        found = self._guard(lambda: self._articles.get(ids=[article_id], include=["documents"]))
        docs = found.get("documents") or []
        return docs[0] if docs else None

    def article_versions(self) -> dict[str, str]:
        """The content hash of every stored article body record, by article id. A record
        without a sentence table (written by an older version) has no version, so the next
        ingest rewrites it once."""
        return {
            article_id: str((meta or {}).get("content_hash", "")) if has_table(meta) else ""
            for article_id, meta in self._article_metadatas()
        }

    def _article_metadatas(self) -> Iterator[tuple[str, dict[str, Any] | None]]:
        """Every article body record's id and metadata, paged."""
        offset = 0
        while True:
            page = self._guard(
                lambda o=offset: self._articles.get(limit=_PAGE, offset=o, include=["metadatas"])
            )
            yield from zip(page["ids"], page["metadatas"], strict=True)
            if len(page["ids"]) < _PAGE:
                return
            offset += _PAGE

    def sentence_tables(self, article_ids: Sequence[str]) -> dict[str, SentenceTable]:
        """The stored sentence table of each of ``article_ids`` that has one."""
        if not article_ids:
            return {}
        found = self._guard(
            lambda: self._articles.get(ids=list(dict.fromkeys(article_ids)), include=["metadatas"])
        )
        tables = {}
        for article_id, meta in zip(found["ids"], found["metadatas"], strict=True):
            table = SentenceTable.unpack(meta)
            if table is not None:
                tables[article_id] = table
        return tables

    def iter_sentence_tables(self) -> Iterator[tuple[str, SentenceTable]]:
        """Every stored article's sentence table (records without one are skipped), paged."""
        for article_id, meta in self._article_metadatas():
            if (table := SentenceTable.unpack(meta)) is not None:
                yield article_id, table

    def delete_article(self, article_id: str) -> None:
        """Remove an article's body record (its chunks are removed separately)."""
        with self._writing():
            self._guard(lambda: self._articles.delete(ids=[article_id]))

    # -- embeddings -------------------------------------------------------------------------
    def embeddings(self, ids: Sequence[str] | None = None) -> tuple[list[str], np.ndarray]:
        """Every chunk's id and embedding (or only those of ``ids`` Chroma holds), as float32
        rows in the order of the returned ids, paged."""
        got: list[str] = []
        pages: list[np.ndarray] = []
        start = 0
        while ids is None or start < len(ids):
            page = self._guard(
                lambda s=start: self._collection.get(
                    **(
                        {"limit": _PAGE, "offset": s}
                        if ids is None
                        else {"ids": list(ids[s : s + _PAGE])}
                    ),
                    include=["embeddings"],
                )
            )
            got.extend(page["ids"])
            if page["ids"]:
                pages.append(np.asarray(page["embeddings"], dtype=np.float32))
            start += _PAGE
            if ids is None and len(page["ids"]) < _PAGE:
                break
        return got, np.vstack(pages) if pages else np.zeros((0, 0), dtype=np.float32)


class _Current:
    """The store's collection as it is now (opened again after another process wrote), for
    LlamaIndex, which keeps the collection it is given."""

    def __init__(self, store: ChunkStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        self._store._fresh()
        return getattr(self._store._collection, name)
