"""Sentence-aware chunking sized by the embedding model's own tokenizer.

The embedded text is a short header (title, outlet, date) plus the chunk body; the body budget is
what the model reads minus the header and special tokens, so nothing is silently cut off. Each
sentence is tokenized once, to size it; a chunk keeps those word pieces (``Chunk.tokens``), so the
embedding model reads them without tokenizing the chunk again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rag.ingest.sentences import sentence_spans
from rag.types import Article, Chunk

_MAX_TITLE_TOKENS = 40
_SPECIAL_TOKENS = 2  # [CLS] and [SEP]
# between two sentences only these may stand for their word pieces to join into the chunk's: the
# tokenizer splits on them and drops them (other characters it may drop, joining two words)
_JOINS = " \t\n\r"


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
    tokenize: Callable[[str], Sequence[int]],
) -> list[Chunk]:
    """Cut ``article.body`` into chunks whose embedded text fits ``plan.max_tokens``.

    Sentences are packed greedily; neighbours share about ``plan.overlap_tokens`` of trailing
    sentences. A sentence longer than the budget is split on word boundaries. ``tokenize`` is
    the model's tokenizer (word-piece ids, no special tokens).

    Returns:
        Chunks in body order with exact offsets (``body[start:end] == text``).
    """
    header = embed_header(article, count_tokens=lambda text: len(tokenize(text)))
    header_ids = tuple(tokenize(header))
    budget = plan.max_tokens - _SPECIAL_TOKENS - len(header_ids) - 1
    if budget < 16:
        raise ValueError(f"chunk budget too small ({budget} tokens) for {article.title!r}")
    body = article.body
    pieces = _pieces(body, budget, tokenize)
    spans = _pack([len(ids) for _, _, ids in pieces], budget, min(plan.overlap_tokens, budget // 4))
    chunks = []
    for position, (i, j) in enumerate(spans):
        start, end = pieces[i][0], pieces[j - 1][1]
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
                sentences=tuple((a, b) for a, b, _ in pieces[i:j]),
                tokens=_joined(body, header_ids, pieces[i:j]),
            )
        )
    return chunks


def _joined(
    body: str, header: tuple[int, ...], pieces: Sequence[tuple[int, int, Sequence[int]]]
) -> tuple[tuple[int, ...], ...] | None:
    """The embedded text's word pieces in segments, the header's then each piece's, when
    together they are exactly what tokenizing it would give: every gap between pieces is
    whitespace the tokenizer drops (a word a window cut in two is not)."""
    for (_, end, _), (start, _, _) in zip(pieces, pieces[1:], strict=False):
        gap = body[end:start]
        if not gap or gap.strip(_JOINS):
            return None
    return (header, *(tuple(ids) for _, _, ids in pieces))


def _pieces(
    body: str, budget: int, tokenize: Callable[[str], Sequence[int]]
) -> list[tuple[int, int, Sequence[int]]]:
    """(start, end, word pieces) for each sentence, long sentences cut into word windows."""
    out = []
    for start, end in sentence_spans(body):
        ids = tokenize(body[start:end])
        if len(ids) <= budget:
            out.append((start, end, ids))
        else:
            out.extend(_word_windows(body, start, end, budget, tokenize))
    return out


def _word_windows(
    body: str, start: int, end: int, budget: int, tokenize: Callable[[str], Sequence[int]]
) -> list[tuple[int, int, Sequence[int]]]:
    windows = []
    cursor = start
    while cursor < end:
        hi = end
        # shrink by words until the window fits; halving first keeps this cheap
        while len(tokenize(body[cursor:hi])) > budget:
            mid = cursor + (hi - cursor) // 2
            space = body.rfind(" ", cursor + 1, mid if mid > cursor + 1 else hi)
            hi = space if space > cursor else max(cursor + 1, mid)
        piece = body[cursor:hi].rstrip()
        windows.append((cursor, cursor + len(piece), tokenize(piece)))
        cursor = hi
        while cursor < end and body[cursor].isspace():
            cursor += 1
    return windows


def _pack(sizes: list[int], budget: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy packing of pieces (their token counts) into runs ``pieces[i:j]`` of at most
    ``budget`` tokens (+1 per joint)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(sizes):
        j, used = i, 0
        while j < len(sizes) and used + sizes[j] + (j > i) <= budget:
            used += sizes[j] + (j > i)
            j += 1
        j = max(j, i + 1)
        spans.append((i, j))
        if j >= len(sizes):
            break
        # step back over trailing pieces that fit in the overlap, but always advance
        back, carried = j, 0
        while back - 1 > i and carried + sizes[back - 1] <= overlap:
            back -= 1
            carried += sizes[back]
        if back == j and j - 1 > i and sizes[j - 1] <= budget // 4:
            back = j - 1  # news sentences run past a small overlap: share one whole sentence
        i = back
    return spans
