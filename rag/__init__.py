"""newsrag's public surface: the engine, its settings, result types and errors."""

from rag.config import Settings
from rag.engine import NewsRAG
from rag.errors import ConfigError, LoadError, NewsragError, NotFoundError, StoreError
from rag.types import Answer, ArticleInfo, Citation, Hit, IngestReport, ItemError, Stats

__all__ = [
    "Answer",
    "ArticleInfo",
    "Citation",
    "ConfigError",
    "Hit",
    "IngestReport",
    "ItemError",
    "LoadError",
    "NewsRAG",
    "NewsragError",
    "NotFoundError",
    "Settings",
    "Stats",
    "StoreError",
]
