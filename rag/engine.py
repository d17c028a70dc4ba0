"""The engine: builds the parts from Settings (see rag.parts), offers ingest, ask, delete, stats."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rag.answer.extractive import ExtractiveAnswerer
from rag.asking import Asker
from rag.config import Settings, from_env, prepare_data_dir
from rag.embed.embedder import Embedder
from rag.errors import NewsragError
from rag.index.catalog import article_text, find_article, list_articles, summarize
from rag.index.keywords import LexicalIndex
from rag.index.sentence_table import TableCache
from rag.index.store import ChunkStore
from rag.parts import (
    Answerers,
    bm25_dir,
    build_asker,
    build_extractive,
    build_lexical_cache,
    build_retriever,
    build_sentence_tables,
)
from rag.retrieve.conversation import Message, as_messages
from rag.retrieve.retriever import Retriever
from rag.types import (
    Answer,
    Article,
    ArticleInfo,
    Digest,
    FeedHealth,
    Hit,
    IngestReport,
    ItemError,
    PollReport,
    Stats,
    Timeline,
)

if TYPE_CHECKING:
    from llama_index.core.base.base_query_engine import BaseQueryEngine
    from llama_index.core.base.base_retriever import BaseRetriever

    from rag.watch import FeedWatcher

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


class NewsRAG:
    """Question answering over an indexed news corpus.

    Example:
        >>> app = NewsRAG(Settings(data_dir="data"))
        >>> app.ingest(["corpus/"]).added
        >>> app.ask("What is Anthropic getting from Google?").text

    Args:
        settings: everything configurable; all state lives under ``settings.data_dir``.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or from_env()
        prepare_data_dir(self.settings.data_dir)
        self.store = ChunkStore(self.settings.chroma, data_dir=self.settings.data_dir)
        self.embedder = Embedder(self.settings.embedding, data_dir=self.settings.data_dir)
        self._lexical = build_lexical_cache(self.settings, self.store, self.embedder)
        self._answerers = Answerers(self)
        self._writing = threading.RLock()  # one ingest or delete at a time in this process

    @classmethod
    def from_env(cls) -> NewsRAG:
        """An engine configured from ``NEWSRAG_*`` environment variables."""
        return cls(from_env())

    # -- parts built on first use (so `stats` and `delete` never load the model; see rag.parts)
    @cached_property
    def retriever(self) -> Retriever:
        """Hybrid retrieval over this engine's store."""
        return build_retriever(self)

    @cached_property
    def sentence_tables(self) -> TableCache:
        """The sentence tables stored at ingest, remembered per article version (shared by
        retrieval and the extractive answerer)."""
        return build_sentence_tables(self)

    @cached_property
    def extractive(self) -> ExtractiveAnswerer:
        """The answerer that needs no LLM."""
        return build_extractive(self)

    @property
    def answerers(self) -> list[str]:
        """Names of the answerers this engine can use: "extractive", then configured LLMs."""
        return ["extractive"] + [llm.name for llm in self.settings.llms]

    @property
    def _bm25_dir(self) -> Path:
        return bm25_dir(self.settings)

    # -- ingest / delete ------------------------------------------------------------------------
    def ingest(
        self,
        items: Sequence[str | Path] = (),
        *,
        feeds: str | Path | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Load, chunk, embed and store articles from paths, URLs and a feed list.

        Unchanged articles are skipped without embedding; changed ones replace their chunks.

        Args:
            items: files, folders and http(s) URLs (articles or feeds).
            feeds: a YAML feed list (``corpus/feeds.yaml``); each unreachable feed is one error.
            progress: called as ``progress(done_chunks, total_chunks)`` while embedding.

        Returns:
            Counts of added, updated, skipped and rejected articles, with per-item reasons.
        """
        from rag.ingest.sources import load_items

        loaded = load_items(items, feeds=feeds, settings=self.settings.ingest)
        return self.ingest_items(loaded, progress=progress)

    def ingest_items(
        self, items: Iterable[Article | ItemError], *, progress: Progress | None = None
    ) -> IngestReport:
        """Store articles already read (``Article`` records, and the ``ItemError`` of items
        that could not be read, which are reported): skip unchanged, replace changed."""
        from rag.index.writer import Indexer

        indexer = Indexer(self.store, self.embedder, self.settings.ingest)
        with self._writing:  # a feed poll and an upload store one after the other
            report = indexer.run(items, progress=progress)
            self.refresh_lexical()
        return report

    # -- feeds ----------------------------------------------------------------------------------
    @cached_property
    def watcher(self) -> FeedWatcher:
        """The feed watcher of this engine (its state lives under ``DATA_DIR/feeds/``)."""
        from rag.watch import FeedWatcher

        return FeedWatcher(self)

    def poll_feeds(self, feeds: str | Path | Sequence[str] | None = None) -> PollReport:
        """Poll the watched feeds once (a YAML feed list, URLs, or ``feeds.file``): a
        conditional GET each, new and edited entries stored, unchanged ones left alone,
        failing feeds backed off. See ``rag.watch``.

        Raises:
            NewsragError: the feed list cannot be read.
        """
        from rag.watch import feed_list

        return self.watcher.poll(feed_list(feeds, self.settings.feeds.file))

    def feed_health(self) -> list[FeedHealth]:
        """How each watched feed is doing: last success, last error and why, back-off."""
        return self.watcher.health()

    def delete(self, key: str) -> ArticleInfo:
        """Remove one article (by id or URL) and its chunks; returns what was removed."""
        info = self.find_article(key)
        ids = [
            c.id
            for c in self.store.iter_chunks(documents=False, where={"article_id": info.article_id})
        ]
        with self._writing:
            self.store.delete_ids(ids)
            self.store.delete_article(info.article_id)
            self.refresh_lexical()
        return info

    def find_article(self, key: str) -> ArticleInfo:
        """The indexed article whose id or URL is ``key``."""
        return find_article(self.articles(), key)

    def article_text(self, article_id: str) -> str:
        """The cleaned body of an indexed article; a citation's ``quote`` is
        ``article_text(c.article_id)[c.quote_start:c.quote_end]``.

        Raises:
            NotFoundError: no such article.
        """
        return article_text(self.store, article_id)

    # -- questions ----------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        history: Sequence[Message | Mapping[str, object]] = (),
        sources: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        top_k: int | None = None,
        answerer: str | None = None,
        as_of: str | date | datetime | None = None,
    ) -> Answer:
        """Answer ``question`` from the indexed articles, with numbered citations.

        Args:
            question: what to answer.
            history: earlier turns of this conversation (``{"role", "content"}`` dicts or
                ``Message``); a follow-up is rewritten with them before retrieval.
            sources: only these outlets (case-insensitive names as indexed).
            since, until: only articles published in this range (dates or ISO timestamps).
            top_k: how many chunks to read (default ``settings.retrieval.top_k``).
            answerer: one of ``answerers`` (default ``settings.answer.default``).
            as_of: ask as of this date (YYYY-MM-DD, the end of that day) or moment: articles
                published later are not seen, and "this week", "yesterday", "on Monday",
                "recently" or "latest" are read relative to it (default: now).

        Raises:
            NewsragError: the question is empty, nothing is indexed, or a filter or the
                as_of date is invalid.
        """
        answer = None
        for item in self.stream(
            question,
            history=history,
            sources=sources,
            since=since,
            until=until,
            top_k=top_k,
            answerer=answerer,
            as_of=as_of,
        ):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None
        return answer

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Message | Mapping[str, object]] = (),
        sources: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        top_k: int | None = None,
        answerer: str | None = None,
        as_of: str | date | datetime | None = None,
    ) -> Iterator[str | Answer]:
        """Like ``ask``, but yields the answer's text in pieces as it is produced, then the
        final ``Answer`` (with citations) as the last item."""
        yield from self._asker.stream(
            question,
            history=history,
            sources=sources,
            since=since,
            until=until,
            top_k=top_k,
            answerer=answerer,
            as_of=as_of,
        )

    def chat(self, messages: Sequence[Message | Mapping[str, object]], **options: object) -> Answer:
        """Answer the last user message of a conversation, reading the earlier ones for
        context. ``options`` are those of ``ask`` (sources, since, until, top_k, as_of)."""
        turns = as_messages(messages)
        if not turns or turns[-1].role != "user":
            raise NewsragError("The conversation must end with a user message.")
        return self.ask(turns[-1].content, history=turns[:-1], **options)  # type: ignore[arg-type]

    def search(
        self,
        question: str,
        *,
        sources: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        top_k: int | None = None,
        mode: Literal["hybrid", "dense", "bm25"] | None = None,
        as_of: str | date | datetime | None = None,
    ) -> list[Hit]:
        """The ranked chunks ``ask`` would read, without composing an answer (for evals).

        Takes the same filters and ``as_of`` as ``ask``; ``mode`` overrides
        ``settings.retrieval.mode``.
        """
        return self._asker.search(
            question, sources=sources, since=since, until=until, top_k=top_k, mode=mode, as_of=as_of
        )

    @cached_property
    def _asker(self) -> Asker:
        return build_asker(self, answerer=self._answerers.get)

    # -- stories ----------------------------------------------------------------------------------
    def digest(
        self,
        since: str = "7d",
        *,
        as_of: str | date | datetime | None = None,
        sources: Sequence[str] = (),
        limit: int | None = None,
    ) -> Digest:
        """What's new: the stories of the period from ``since`` ("24h", "7d", "2w" back
        from ``as_of``, or a date) to ``as_of`` (default now), each the articles about one
        event grouped, ranked by how many outlets covered it and how recent it is. See
        ``rag.digest``.

        Raises:
            NewsragError: a date or duration cannot be read.
        """
        from rag.digest import STORIES, build_digest

        return build_digest(self, since, as_of=as_of, sources=sources, limit=limit or STORIES)

    def timeline(
        self,
        topic: str,
        *,
        since: str | None = None,
        until: str | None = None,
        as_of: str | date | datetime | None = None,
        sources: Sequence[str] = (),
        limit: int | None = None,
    ) -> Timeline:
        """How ``topic`` unfolded: its dated developments, oldest first, each one cited
        sentence (the same development from several outlets is one entry citing all). A
        sentence is dated by the day it states, else its date heading, else its article's
        publication. See ``rag.timeline``.

        Raises:
            NewsragError: the topic is empty, nothing is indexed, or a date is invalid.
        """
        from rag.timeline import DEVELOPMENTS, build_timeline

        return build_timeline(
            self, topic, since=since, until=until, as_of=as_of, sources=sources,
            limit=limit or DEVELOPMENTS,
        )  # fmt: skip

    # -- LlamaIndex ------------------------------------------------------------------------------
    def as_query_engine(self, *, streaming: bool = False, **ask_options: object) -> BaseQueryEngine:
        """This engine as a LlamaIndex query engine (``NewsQueryEngine``): ``query`` gives a
        ``Response`` with the cited answer, the cited chunks as ``source_nodes`` and the short
        answer in ``metadata``. ``ask_options`` are those of ``ask`` (sources, since, until,
        as_of, top_k, answerer, history)."""
        from rag.query_engine import NewsQueryEngine

        return NewsQueryEngine(self, streaming=streaming, **ask_options)

    def as_retriever(self, **search_options: object) -> BaseRetriever:
        """This engine's hybrid search as a LlamaIndex retriever (``NewsRetriever``).
        ``search_options`` are those of ``search`` (sources, since, until, as_of, top_k,
        mode)."""
        from rag.query_engine import NewsRetriever

        return NewsRetriever(self, **search_options)

    # -- listing --------------------------------------------------------------------------------
    def articles(self) -> list[ArticleInfo]:
        """Every indexed article (newest first)."""
        return list_articles(self.store)

    def stats(self) -> Stats:
        """Counts, outlets and date range of what is indexed."""
        found = summarize(
            self.articles(),
            location=self.store.location,
            collection=self.settings.chroma.collection,
        )
        return replace(found, embedding=self.embedder.identity)  # named, never loaded

    # -- the BM25 cache -------------------------------------------------------------------------
    def lexical_index(self) -> LexicalIndex:
        """The BM25 index, re-checked against Chroma at most every ``bm25_check_interval_s``."""
        return self._lexical.get()

    def refresh_lexical(self) -> None:
        """Bring the BM25 cache in step with Chroma now."""
        self._lexical.refresh()
