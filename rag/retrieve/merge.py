"""Merging the ranked lists of a question's sub-queries (one per named outlet, plus the whole
question) into one list, taking each list's best in turn and capping chunks per article, so
every outlet a question names gets its evidence and one long article cannot fill the list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rag.retrieve.planner import Part
from rag.retrieve.retriever import SearchFilters
from rag.types import Hit


def round_robin(lists: Sequence[Sequence[Hit]], *, top_k: int, per_article: int) -> list[Hit]:
    """Take the next unseen hit of each list in turn. A first pass admits at most
    ``per_article`` chunks of one article (0 = no cap); a second pass fills what is left."""
    chosen: list[Hit] = []
    seen: set[str] = set()
    counts: dict[str, int] = {}
    for cap in [per_article, 0] if per_article else [0]:
        cursors = [0] * len(lists)
        moved = True
        while len(chosen) < top_k and moved:
            moved = False
            for i, hits in enumerate(lists):
                while cursors[i] < len(hits):
                    hit = hits[cursors[i]]
                    cursors[i] += 1
                    if hit.chunk_id in seen or (cap and counts.get(hit.article_id, 0) >= cap):
                        continue
                    chosen.append(hit)
                    seen.add(hit.chunk_id)
                    counts[hit.article_id] = counts.get(hit.article_id, 0) + 1
                    moved = True
                    break
                if len(chosen) >= top_k:
                    break
    return chosen


def part_filters(part: Part, base: SearchFilters) -> SearchFilters | None:
    """The filters for one part: its outlets within the caller's (None when they exclude
    each other), and the day it states within the caller's dates (dropped if they clash)."""
    sources = part.sources or base.sources
    if base.sources and part.sources:
        sources = tuple(s for s in part.sources if s in base.sources)
        if not sources:
            return None
    since, until = base.since_ts, base.until_ts
    if part.since_ts is not None and part.until_ts is not None:
        lo = max(part.since_ts, since if since is not None else part.since_ts)
        hi = min(part.until_ts, until if until is not None else part.until_ts)
        if lo <= hi:
            since, until = lo, hi
    return replace(base, sources=sources, since_ts=since, until_ts=until)
