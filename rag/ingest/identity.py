"""Stable article ids, content fingerprints and near-duplicate (syndication) signatures."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

import numpy as np

from rag.types import Article

_WORD = re.compile(r"\w+", re.UNICODE)


def article_id(article: Article) -> str:
    """A stable id: from the canonical URL when there is one, else from title + body.

    The same story re-ingested from the same URL keeps its id even if its text changed, so the
    new version replaces the old one.
    """
    key = f"url:{article.url}" if article.url else f"text:{article.title}\n{article.body}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def chunk_id_parts(chunk_id: str) -> tuple[str, str] | None:
    """The article id and version prefix (content hash, first 8) in a chunk id
    ``{article id}-{version[:8]}:{position}``; None for an id of another shape."""
    head, colon, position = chunk_id.rpartition(":")
    aid, dash, prefix = head.rpartition("-")
    if not (colon and dash and aid and len(prefix) == 8 and position.isdigit()):
        return None
    return aid, prefix


def chunk_versions(chunk_ids: Iterable[str]) -> dict[str, dict[str, list[str]]] | None:
    """The chunk ids by article id, then by version prefix (``chunk_id_parts``); None when an
    id has another shape, so the caller reads the chunks' metadata instead."""
    found: dict[str, dict[str, list[str]]] = {}
    for cid in chunk_ids:
        parts = chunk_id_parts(cid)
        if parts is None:
            return None
        found.setdefault(parts[0], {}).setdefault(parts[1], []).append(cid)
    return found


def content_hash(article: Article) -> str:
    """Fingerprint of everything that ends up in the index; changes when any of it does."""
    published = article.published_at.isoformat() if article.published_at else ""
    fields = (
        article.title,
        article.source,
        article.url,
        published,
        article.author,
        article.category,
        article.body,
    )
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()[:16]


_PERMUTATIONS = 64
_SEEDS = np.random.default_rng(20250101).integers(1, 2**63 - 1, size=_PERMUTATIONS, dtype=np.uint64)
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def minhash(text: str, *, shingle: int = 3) -> str:
    """A MinHash signature of the text's word shingles, as hex (64 x 32 bits).

    Two signatures agree in about the share of positions equal to the Jaccard similarity of
    the two texts' shingle sets, so wire copies with a changed byline or sentence score high.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    grams = {" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))}
    digests = b"".join(hashlib.blake2b(g.encode(), digest_size=8).digest() for g in grams)
    hashes = np.frombuffer(digests, dtype=np.uint64)[:, None]
    with np.errstate(over="ignore"):
        mixed = (hashes ^ _SEEDS[None, :]) * _MULTIPLIER
    mins = (mixed.min(axis=0) >> np.uint64(32)).astype(">u4")
    return mins.tobytes().hex()


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of two MinHash signatures (0 when either is missing)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    x = np.frombuffer(bytes.fromhex(a), dtype=">u4")
    y = np.frombuffer(bytes.fromhex(b), dtype=">u4")
    return float((x == y).mean())
