"""One embedded Chroma store used by several processes: the app answering questions while
`newsrag ingest` or `newsrag watch` adds articles from a terminal.

Chroma's embedded client is not process-safe: a process keeps the index it loaded, so once
another process writes, its reads fail ("Error finding id") and its own writes would be made
over a stale view. Two files beside the store keep the processes in step:

- the write lock: one process writes at a time (an advisory ``flock``, also taken in turn by
  a process's threads);
- the write stamp: a token every write replaces; a process that finds it changed since it
  last looked opens the store again before its next read or write.

Example:
    >>> stamp = WriteStamp(folder)
    >>> with stamp.writing():   # waits for any other writer, then marks the store as changed
    ...     collection.upsert(...)
    >>> stamp.changed()          # False here; True once another process has written
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; the stamp still lets readers catch up
    fcntl = None  # type: ignore[assignment]


class WriteStamp:
    """The write lock and stamp of the embedded store in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "newsrag-writes"
        self.lock_path = folder / "newsrag-write.lock"
        self._seen = self._read()

    def _read(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def changed(self) -> bool:
        """Whether some process wrote since this one last looked (or wrote)."""
        return self._read() != self._seen

    def look(self) -> None:
        """Take the current stamp as seen (just before opening the store again)."""
        self._seen = self._read()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock for one write, then replace the stamp (also when the write
        fails part-way: what it did write is on disk)."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.lock_path, "a+") as handle:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                self._replace()
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def _replace(self) -> None:
        token = uuid.uuid4().hex
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(token, encoding="utf-8")
        os.replace(temporary, self.path)
        self._seen = token
