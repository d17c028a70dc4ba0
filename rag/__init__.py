"""newsrag's public surface: the engine, its settings, result types and errors."""

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
