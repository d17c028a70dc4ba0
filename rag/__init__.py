"""newsrag's public surface: the engine, its settings, result types and errors.

Names are imported on first use (PEP 562), so ``import rag`` and ``newsrag --help`` do not
pay for LlamaIndex, Chroma or the embedding model.

The pipeline, one subpackage per stage; a stage imports only the stages before it:

    ingest/    files, URLs, feeds -> Article -> Chunk
    embed/     texts -> vectors (the embedding model and its backends)
    index/     chunks + vectors -> Chroma, the keyword cache, sentence tables
    retrieve/  question + filters -> ranked Hits
    answer/    question + Hits -> Answer with numbered citations

Beside them: ``config`` (Settings), ``errors``, ``types`` (the dataclasses callers see) and
``recent`` (a small LRU memory), which any stage may use; ``engine`` (``NewsRAG``, which builds
the stages from Settings through ``parts``), ``query_engine`` (it as a LlamaIndex query engine
and retriever) and ``cli`` (the ``newsrag`` command) sit on top.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.answer.backends import parse_llm_spec
    from rag.answer.judge import Grade, Judge, Verdict
    from rag.config import Settings
    from rag.engine import NewsRAG
    from rag.errors import ConfigError, LoadError, NewsragError, NotFoundError, StoreError
    from rag.retrieve.conversation import Message
    from rag.types import (
        Answer,
        AnswerSentence,
        ArticleInfo,
        Citation,
        FeedHealth,
        Hit,
        IngestReport,
        ItemError,
        PollReport,
        Quote,
        Stats,
    )

# public name -> the module that defines it
_HOMES = {
    "Answer": "rag.types",
    "AnswerSentence": "rag.types",
    "ArticleInfo": "rag.types",
    "Citation": "rag.types",
    "ConfigError": "rag.errors",
    "FeedHealth": "rag.types",
    "Grade": "rag.answer.judge",
    "Hit": "rag.types",
    "IngestReport": "rag.types",
    "ItemError": "rag.types",
    "Judge": "rag.answer.judge",
    "LoadError": "rag.errors",
    "Message": "rag.retrieve.conversation",
    "NewsRAG": "rag.engine",
    "NewsragError": "rag.errors",
    "NotFoundError": "rag.errors",
    "PollReport": "rag.types",
    "Settings": "rag.config",
    "Stats": "rag.types",
    "StoreError": "rag.errors",
    "Verdict": "rag.answer.judge",
    "Quote": "rag.types",
    "parse_llm_spec": "rag.answer.backends",
}

__all__ = [
    "Answer",
    "AnswerSentence",
    "ArticleInfo",
    "Citation",
    "ConfigError",
    "FeedHealth",
    "Grade",
    "Hit",
    "IngestReport",
    "ItemError",
    "Judge",
    "LoadError",
    "Message",
    "NewsRAG",
    "NewsragError",
    "NotFoundError",
    "PollReport",
    "Quote",
    "Settings",
    "Stats",
    "StoreError",
    "Verdict",
    "parse_llm_spec",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'rag' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
