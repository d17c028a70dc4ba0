"""The engine's parts, built from its Settings: the keyword cache, the hybrid retriever, the
sentence tables, the answerers by name and the ``Asker`` that routes a question to them (or to
the digest, the timeline, a small-talk reply or an article's record).

``NewsRAG`` keeps each part and builds most on first use, so ``stats`` and ``delete`` never
load the model; building them here keeps the engine a list of what it offers.

Example:
    >>> retriever = build_retriever(app)  # what ``app.retriever`` holds
    >>> answerer = Answerers(app).get("extractive")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rag.answer.base import Answerer
from rag.answer.extractive import ExtractiveAnswerer
from rag.asking import Asker
from rag.config import Settings
from rag.embed.embedder import Embedder
from rag.errors import NewsragError
from rag.index.keywords import LexicalCache
from rag.index.sentence_table import SentenceTable, TableCache
from rag.index.store import ChunkStore
from rag.retrieve.phrasing import SmallTalk
from rag.retrieve.retriever import Retriever
from rag.retrieve.story_request import StoryRequest
from rag.types import Answer

if TYPE_CHECKING:
    from rag.engine import NewsRAG


def bm25_dir(settings: Settings) -> Path:
    """The folder of the keyword cache of ``settings``' store and collection (under
    ``DATA_DIR/bm25``)."""
    name = settings.chroma.collection
    where = "server" if settings.chroma.host else "local"
    return settings.data_dir / "bm25" / f"{where}-{name}"


def build_lexical_cache(settings: Settings, store: ChunkStore, embedder: Embedder) -> LexicalCache:
    """The BM25 cache over ``store``, kept in ``bm25_dir(settings)`` (never loads the model)."""
    return LexicalCache(
        store,
        bm25_dir(settings),
        check_interval_s=settings.retrieval.bm25_check_interval_s,
        table_model=embedder.name,
    )


def build_retriever(app: NewsRAG) -> Retriever:
    """Hybrid retrieval over ``app``'s store, keyword index and sentence tables."""
    return Retriever(
        app.settings.retrieval,
        vector_store=app.store.vector_store(),
        embed_model=app.embedder.as_llama_index(),
        lexical=app.lexical_index,
        embeddings=app.store.embeddings,
        dense_dir=app.settings.data_dir / "dense" / bm25_dir(app.settings).name,
        tables=app.sentence_tables,
    )


def build_sentence_tables(app: NewsRAG) -> TableCache:
    """The sentence tables ``app`` stored at ingest, falling back to those of its keyword
    index, remembered per article version."""

    def indexed(article_ids: Sequence[str]) -> dict[str, SentenceTable]:
        sentences = app.lexical_index().sentences
        return sentences.tables(article_ids) if sentences is not None else {}

    return TableCache(app.store.sentence_tables, model=app.embedder.name, local=indexed)


def build_extractive(app: NewsRAG) -> ExtractiveAnswerer:
    """The answerer that needs no LLM, reading ``app``'s sentence tables."""
    return ExtractiveAnswerer(
        app.embedder,
        app.settings.answer,
        app.settings.retrieval,
        tables=app.sentence_tables,
    )


class Answerers:
    """The answerers of one engine by name: "extractive" (the engine's own), then each
    configured LLM, built on first use and then kept.

    Args:
        app: the engine; its settings are read at each lookup.
    """

    def __init__(self, app: NewsRAG) -> None:
        self._app = app
        self._llms: dict[str, Answerer] = {}

    def get(self, name: str | None) -> Answerer:
        """The answerer called ``name`` (None: ``settings.answer.default``).

        Raises:
            NewsragError: no answerer has that name.
        """
        settings = self._app.settings
        name = name or settings.answer.default
        if name == "extractive":
            return self._app.extractive
        if name not in self._llms:
            config = next((llm for llm in settings.llms if llm.name == name), None)
            if config is None:
                raise NewsragError(
                    f"No answerer named {name!r}. Configured: {', '.join(self._app.answerers)}."
                )
            from rag.answer.llm import LLMAnswerer

            self._llms[name] = LLMAnswerer(
                config, self._app.embedder, min_similarity=settings.retrieval.min_dense_similarity
            )
        return self._llms[name]


def build_asker(app: NewsRAG, *, answerer: Callable[[str | None], Answerer]) -> Asker:
    """The ``Asker`` behind ``app``'s ``ask``, ``stream`` and ``search``.

    Args:
        app: the engine: its retriever, keyword index, articles, digest and timeline.
        answerer: the answerer of a name (None: the default).
    """

    def about(*asked: object) -> Answer:
        from rag.greeting import article_answer

        return article_answer(app, *asked)  # type: ignore[arg-type]

    def talk(kind: SmallTalk, message: str, as_of: datetime | None) -> Answer:
        from rag.greeting import talk_answer

        return talk_answer(kind, message, app.articles(), as_of)

    def stories(story: StoryRequest, question: str, **options: object) -> Answer:
        from rag.stories import story_answer

        return story_answer(app, story, question, **options)  # type: ignore[arg-type]

    return Asker(
        app.settings,
        retriever=lambda: app.retriever,
        lexical=app.lexical_index,
        answerer=answerer,
        stories=stories,
        talk=talk,
        about=about,
    )
