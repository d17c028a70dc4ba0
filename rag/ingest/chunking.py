"""Sentence-aware chunking sized by the embedding model's own tokenizer.

The embedded text is a short header (title, outlet, date) plus the chunk body; the body budget is
what the model reads minus the header and special tokens, so nothing is silently cut off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rag.sentences import sentence_spans
from rag.types import Article, Chunk

_MAX_TITLE_TOKENS = 40
_SPECIAL_TOKENS = 2  # [CLS] and [SEP]


@dataclass(frozen=True)
class ChunkPlan:
    """How big chunks may be for one model."""

    max_tokens: int
    overlap_tokens: int


def embed_header(article: Article, *, count_tokens: Callable[[str], int]) -> str:
    """The header embedded before every chunk of ``article`` (title capped in length)."""
    title = article.title.strip()
    words = title.split()
    while words and count_tokens(" ".join(words)) > _MAX_TITLE_TOKENS:
        words = words[:-1]
    title = " ".join(words)
    parts = [p for p in (article.source, _date_label(article)) if p]
    return f"{title}\n{' · '.join(parts)}\n\n" if parts else f"{title}\n\n"


def _date_label(article: Article) -> str:
    return article.published_at.strftime("%Y-%m-%d") if article.published_at else ""


def split_article(
    article: Article,
    article_id: str,
    *,
    plan: ChunkPlan,
    count_tokens: Callable[[str], int],
) -> list[Chunk]:
    """Cut ``article.body`` into chunks whose embedded text fits ``plan.max_tokens``.

    Sentences are packed greedily; neighbours share about ``plan.overlap_tokens`` of trailing
    sentences. A sentence longer than the budget is split on word boundaries.

    Returns:
        Chunks in body order with exact offsets (``body[start:end] == text``).
    """
    header = embed_header(article, count_tokens=count_tokens)
    budget = plan.max_tokens - _SPECIAL_TOKENS - count_tokens(header) - 1
    if budget < 16:
        raise ValueError(f"chunk budget too small ({budget} tokens) for {article.title!r}")
    body = article.body
    pieces = _pieces(body, budget, count_tokens)
    spans = _pack(pieces, budget, min(plan.overlap_tokens, budget // 4))
    chunks = []
    for position, (start, end) in enumerate(spans):
        text = body[start:end]
        chunks.append(
            Chunk(
                id=f"{article_id}:{position:04d}",
                article_id=article_id,
                position=position,
                text=text,
                start=start,
                end=end,
                embed_text=header + text,
                sentences=tuple((a, b) for a, b, _ in pieces if start <= a and b <= end),
            )
        )
    return chunks


def _pieces(
    body: str, budget: int, count_tokens: Callable[[str], int]
) -> list[tuple[int, int, int]]:
    """(start, end, tokens) for each sentence, long sentences cut into word windows."""
    out = []
    for start, end in sentence_spans(body):
        tokens = count_tokens(body[start:end])
        if tokens <= budget:
            out.append((start, end, tokens))
        else:
            out.extend(_word_windows(body, start, end, budget, count_tokens))
    return out


def _word_windows(
    body: str, start: int, end: int, budget: int, count_tokens: Callable[[str], int]
) -> list[tuple[int, int, int]]:
    windows = []
    cursor = start
    while cursor < end:
        hi = end
        # shrink by words until the window fits; halving first keeps this cheap
        while count_tokens(body[cursor:hi]) > budget:
            mid = cursor + (hi - cursor) // 2
            space = body.rfind(" ", cursor + 1, mid if mid > cursor + 1 else hi)
            hi = space if space > cursor else max(cursor + 1, mid)
        piece = body[cursor:hi].rstrip()
        windows.append((cursor, cursor + len(piece), count_tokens(piece)))
        cursor = hi
        while cursor < end and body[cursor].isspace():
            cursor += 1
    return windows


def _pack(pieces: list[tuple[int, int, int]], budget: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy packing of pieces into spans of at most ``budget`` tokens (+1 per joint)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(pieces):
        j, used = i, 0
        while j < len(pieces) and used + pieces[j][2] + (j > i) <= budget:
            used += pieces[j][2] + (j > i)
            j += 1
        j = max(j, i + 1)
        spans.append((pieces[i][0], pieces[j - 1][1]))
        if j >= len(pieces):
            break
        # step back over trailing pieces that fit in the overlap, but always advance
        back, carried = j, 0
        while back - 1 > i and carried + pieces[back - 1][2] <= overlap:
            back -= 1
            carried += pieces[back][2]
        if back == j and j - 1 > i and pieces[j - 1][2] <= budget // 4:
            back = j - 1  # news sentences run past a small overlap: share one whole sentence
        i = back
    return spans
