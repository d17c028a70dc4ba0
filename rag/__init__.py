"""newsrag's public surface: the engine, its settings, result types and errors.

Names are imported on first use (PEP 562), so ``import rag`` and ``newsrag --help`` do not
pay for LlamaIndex, Chroma or the embedding model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.answer.backends import parse_llm_spec
    from rag.config import Settings
    from rag.conversation import Message
    from rag.engine import NewsRAG
    from rag.errors import ConfigError, LoadError, NewsragError, NotFoundError, StoreError
    from rag.grading import Grade, Judge, Verdict
    from rag.types import (
        Answer,
        AnswerSentence,
        ArticleInfo,
        Citation,
        Hit,
        IngestReport,
        ItemError,
        Stats,
    )

# public name -> the module that defines it
_HOMES = {
    "Answer": "rag.types",
    "AnswerSentence": "rag.types",
    "ArticleInfo": "rag.types",
    "Citation": "rag.types",
    "ConfigError": "rag.errors",
    "Grade": "rag.grading",
    "Hit": "rag.types",
    "IngestReport": "rag.types",
    "ItemError": "rag.types",
    "Judge": "rag.grading",
    "LoadError": "rag.errors",
    "Message": "rag.conversation",
    "NewsRAG": "rag.engine",
    "NewsragError": "rag.errors",
    "NotFoundError": "rag.errors",
    "Settings": "rag.config",
    "Stats": "rag.types",
    "StoreError": "rag.errors",
    "Verdict": "rag.grading",
    "parse_llm_spec": "rag.answer.backends",
}

__all__ = [
    "Answer",
    "AnswerSentence",
    "ArticleInfo",
    "Citation",
    "ConfigError",
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
