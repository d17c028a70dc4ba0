"""The error hierarchy. Every message says what happened and what to do next."""

from __future__ import annotations


class NewsragError(Exception):
    """Base class for every error newsrag raises on purpose."""


class ConfigError(NewsragError):
    """A setting has a value newsrag cannot use."""


class LoadError(NewsragError):
    """One input item (file, record, feed entry, URL) could not be turned into an article.

    Args:
        item: what the user gave us (a path, ``path#record``, or a URL).
        reason: what is wrong and what to do about it.
    """

    def __init__(self, item: str, reason: str) -> None:
        super().__init__(f"{item}: {reason}")
        self.item = item
        self.reason = reason


class StoreError(NewsragError):
    """The vector store could not be reached or refused an operation."""


class NotFoundError(NewsragError):
    """An article id (or URL) is not in the index."""
