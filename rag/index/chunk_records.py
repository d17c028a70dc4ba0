"""What the keyword cache keeps of each chunk besides its words: its text and metadata, as
bytes back to back (memory-mapped when loaded, decoded one chunk at a time for the hits a
question returns), and the metadata filters read, as arrays (``ChunkColumns``).

Holding a million chunks' texts and metadata as Python objects took several GB; as bytes they
take what they weigh on disk, and only the pages read are resident.

Example:
    >>> records = ChunkRecords.of([("Chips are scarce.", {"source": "Wire"})])
    >>> records.text(0), records.metadata(0)
    ('Chips are scarce.', {'source': 'Wire'})
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_RECORDS = ("texts", "text_ptr", "metas", "meta_ptr")
_COLUMNS = ("outlet_code", "published_ts")


def load_array(path: Path) -> np.ndarray:
    """An ``.npy`` file memory-mapped (as a plain view: slicing a np.memmap costs more per
    call); read whole when it is empty (an empty array cannot be mapped)."""
    try:
        return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
    except ValueError:
        return np.load(path, allow_pickle=False)


def save_arrays(owner: object, folder: Path, names: Sequence[str]) -> None:
    """Write each array attribute of ``owner`` named in ``names`` to ``folder/NAME.npy``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        np.save(folder / f"{name}.npy", getattr(owner, name), allow_pickle=False)


def load_arrays(folder: Path, names: Sequence[str]) -> dict[str, np.ndarray]:
    """What ``save_arrays`` wrote, by name, memory-mapped (``load_array``)."""
    return {name: load_array(folder / f"{name}.npy") for name in names}


@dataclass(frozen=True)
class ChunkRecords:
    """Chunk texts (UTF-8) and metadata (JSON): chunk ``i`` is ``texts[text_ptr[i]:text_ptr[i
    + 1]]`` and ``metas[meta_ptr[i]:meta_ptr[i + 1]]``."""

    texts: np.ndarray
    text_ptr: np.ndarray
    metas: np.ndarray
    meta_ptr: np.ndarray

    @classmethod
    def of(cls, records: Iterable[tuple[str, dict[str, Any]]]) -> ChunkRecords:
        """From (text, metadata) pairs."""
        builder = RecordsBuilder()
        for text, meta in records:
            builder.add(text, meta)
        return builder.finish()

    def __len__(self) -> int:
        return len(self.text_ptr) - 1

    def text(self, i: int) -> str:
        """Chunk ``i``'s text."""
        return self.texts[self.text_ptr[i] : self.text_ptr[i + 1]].tobytes().decode("utf-8")

    def metadata(self, i: int) -> dict[str, Any]:
        """Chunk ``i``'s metadata (a new dict)."""
        return json.loads(self.metas[self.meta_ptr[i] : self.meta_ptr[i + 1]].tobytes())

    def save(self, folder: Path) -> None:
        """Write the arrays into ``folder``."""
        save_arrays(self, folder, _RECORDS)

    @classmethod
    def load(cls, folder: Path) -> ChunkRecords:
        """Map what ``save`` wrote.

        Raises:
            OSError, ValueError: missing or unreadable.
        """
        return cls(**load_arrays(folder, _RECORDS))


class RecordsBuilder:
    """Collects chunk records one at a time (bytes, not Python objects, per chunk)."""

    def __init__(self) -> None:
        self._texts, self._metas = bytearray(), bytearray()
        self._text_ptr, self._meta_ptr = [0], [0]

    def add(self, text: str, meta: dict[str, Any]) -> None:
        """Append one chunk's record."""
        self._texts += text.encode("utf-8")
        self._metas += json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode()
        self._text_ptr.append(len(self._texts))
        self._meta_ptr.append(len(self._metas))

    def finish(self) -> ChunkRecords:
        """The records added, in order."""
        return ChunkRecords(
            np.frombuffer(self._texts, dtype=np.uint8),
            np.array(self._text_ptr, dtype=np.int64),
            np.frombuffer(self._metas, dtype=np.uint8),
            np.array(self._meta_ptr, dtype=np.int64),
        )


@dataclass(frozen=True)
class ChunkColumns:
    """The metadata that filters and listings read, as arrays aligned with a
    ``LexicalIndex``'s rows (built with the index, not per question)."""

    outlets: tuple[str, ...]  # distinct non-empty outlet names, sorted
    outlet_code: np.ndarray  # per chunk: position in ``outlets``, -1 for none
    published_ts: np.ndarray  # per chunk: epoch seconds, -1 when unknown
    n_articles: int

    @classmethod
    def build(cls, metadatas: Sequence[dict[str, Any]]) -> ChunkColumns:
        """Columns of ``metadatas`` (chunk metadata as the engine writes it)."""
        builder = ColumnsBuilder()
        for meta in metadatas:
            builder.add(meta)
        return builder.finish()

    def outlet_mask(self, sources: Sequence[str]) -> np.ndarray:
        """True for the chunks of any of ``sources`` (exact indexed names)."""
        wanted = [self.outlets.index(s) for s in set(sources) if s in self.outlets]
        return np.isin(self.outlet_code, np.array(wanted, dtype=np.int32))

    def published_between(self, since_ts: int, until_ts: int) -> int:
        """How many chunks were published between the two moments (inclusive)."""
        ts = self.published_ts
        return int(np.count_nonzero((ts >= since_ts) & (ts <= until_ts)))

    def save(self, folder: Path) -> None:
        """Write the columns into ``folder``."""
        save_arrays(self, folder, _COLUMNS)
        about = {"outlets": self.outlets, "n_articles": self.n_articles}
        (folder / "columns.json").write_text(json.dumps(about), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> ChunkColumns:
        """Read what ``save`` wrote.

        Raises:
            OSError, ValueError, KeyError: missing or unreadable.
        """
        about = json.loads((folder / "columns.json").read_text(encoding="utf-8"))
        arrays = {name: np.load(folder / f"{name}.npy", allow_pickle=False) for name in _COLUMNS}
        return cls(tuple(about["outlets"]), n_articles=int(about["n_articles"]), **arrays)


class ColumnsBuilder:
    """Collects the filter columns one chunk's metadata at a time."""

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}  # outlet name -> first-seen code
        self._outlet: list[int] = []
        self._ts: list[int] = []
        self._articles: set[str] = set()

    def add(self, meta: dict[str, Any]) -> None:
        """Append one chunk's columns."""
        name = str(meta.get("source", ""))
        self._outlet.append(self._codes.setdefault(name, len(self._codes)) if name else -1)
        self._ts.append(int(meta.get("published_ts", -1)))
        self._articles.add(str(meta.get("article_id")))

    def finish(self) -> ChunkColumns:
        """The columns added, outlets renumbered in sorted order."""
        outlets = tuple(sorted(self._codes))
        rank = {name: i for i, name in enumerate(outlets)}
        to_sorted = np.array([rank[n] for n in self._codes] + [-1], dtype=np.int32)
        return ChunkColumns(
            outlets=outlets,
            outlet_code=to_sorted[np.array(self._outlet, dtype=np.int64)],
            published_ts=np.array(self._ts, dtype=np.int64),
            n_articles=len(self._articles),
        )
