"""What the Library tab accepts before handing it to the engine: uploaded files (type and
size checked, saved under ``DATA_DIR/uploads/`` with safe names), pasted URLs (http(s)
only, so nobody can make the server read its own files) and feeds from ``corpus/feeds.yaml``.

Example:
    >>> batch = accept_uploads(["/tmp/gradio/abc/My story.md"], data_dir / "uploads", max_mb=20)
    >>> batch.paths, batch.rejected
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from rag import ItemError

log = logging.getLogger(__name__)

ACCEPTED_SUFFIXES = (
    ".md",
    ".markdown",
    ".txt",
    ".html",
    ".htm",
    ".json",
    ".jsonl",
    ".xml",
    ".rss",
    ".atom",
)
"""File types the engine reads (Markdown, text, HTML, JSON/JSONL records, RSS/Atom)."""


@dataclass(frozen=True)
class Accepted:
    """Items ready for ``NewsRAG.ingest`` plus those turned away, each with its reason.

    ``names`` maps each saved path back to the name the user gave it, for messages.
    """

    paths: list[str] = field(default_factory=list)
    rejected: list[ItemError] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Feed:
    """One entry of the feed list."""

    name: str
    url: str


def safe_name(name: str) -> str:
    """A file name safe to write anywhere: no directories, no leading dots, only letters,
    digits, ``.``, ``_`` and ``-`` (others become ``-``), at most 80 characters."""
    base = re.split(r"[\\/]", name)[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_") or "upload"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix)[:10]
    return stem[:70] + (f".{suffix.lower()}" if suffix else "")


def accept_uploads(
    files: Sequence[str | Path], uploads_dir: Path, *, max_mb: float, max_files: int = 50
) -> Accepted:
    """Check each uploaded file and copy the good ones to ``uploads_dir``.

    A file is rejected when its type is not one the engine reads, it is larger than
    ``max_mb``, or it is binary. Saved names are ``{safe stem}-{8 hex of content}.{suffix}``,
    so re-uploading the same file overwrites it instead of piling up copies.

    Args:
        files: temporary paths of the uploads (their names are what the user picked).
        uploads_dir: where accepted files are kept (``DATA_DIR/uploads``).
        max_mb: the largest file accepted.
        max_files: files beyond this many are rejected (the first ``max_files`` are kept).

    Returns:
        Paths to ingest, rejected items with reasons, and the user's names of saved paths.
    """
    accepted = Accepted()
    root = uploads_dir.resolve()
    for number, file in enumerate(files, start=1):
        source = Path(file)
        name = source.name
        reason = _problem(source, max_mb=max_mb)
        if number > max_files:
            reason = f"more than {max_files} files in one upload; add the rest separately"
        if reason:
            accepted.rejected.append(ItemError(name, reason))
            continue
        data = source.read_bytes()
        clean = safe_name(name)
        stem, _, suffix = clean.rpartition(".")
        target = uploads_dir / f"{stem}-{hashlib.sha256(data).hexdigest()[:8]}.{suffix}"
        uploads_dir.mkdir(parents=True, exist_ok=True)
        if target.resolve().parent != root:  # safe_name makes this impossible; keep it so
            accepted.rejected.append(ItemError(name, "unsafe file name; rename the file"))
            continue
        shutil.copyfile(source, target)
        accepted.paths.append(str(target))
        accepted.names[str(target)] = name
    return accepted


def _problem(path: Path, *, max_mb: float) -> str | None:
    if path.suffix.lower() not in ACCEPTED_SUFFIXES:
        return (
            f"unsupported file type '{path.suffix or '(none)'}'; "
            f"upload one of {', '.join(ACCEPTED_SUFFIXES)}"
        )
    if not path.is_file():
        return "the upload did not arrive; try again"
    size_mb = path.stat().st_size / 1_000_000
    if size_mb > max_mb:
        return f"file is {size_mb:.1f} MB, larger than the {max_mb:g} MB limit"
    with path.open("rb") as handle:
        if b"\0" in handle.read(8192):
            return "binary file, not text; upload Markdown, text, HTML, JSON or a feed"
    return None


def accept_urls(text: str) -> Accepted:
    """The http(s) URLs pasted one per line (blank lines and ``#`` comments skipped);
    anything else is rejected, so a path typed here is never read from the server's disk."""
    accepted = Accepted()
    for line in text.splitlines():
        item = line.strip()
        if not item or item.startswith("#"):
            continue
        if re.match(r"^https?://[^\s/]+", item, re.IGNORECASE) and " " not in item:
            accepted.paths.append(item)
        else:
            accepted.rejected.append(
                ItemError(item, "not an http(s) URL; paste links like https://example.com/story")
            )
    return accepted


def read_feeds(path: Path) -> list[Feed]:
    """The feeds listed in ``path`` (``feeds: [{name, url}, ...]`` or a bare list); an
    unreadable list or entry is logged and skipped, so the app still starts."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        log.warning("cannot read the feed list %s: %s", path, exc)
        return []
    entries = data.get("feeds", []) if isinstance(data, dict) else data
    feeds = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("name") and entry.get("url"):
            feeds.append(Feed(str(entry["name"]), str(entry["url"])))
        else:
            log.warning("skipping feed list entry without name and url in %s: %r", path, entry)
    return feeds
