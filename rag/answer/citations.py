"""Checking generated text against its sources: every ``[n]`` must name a source, and every
sentence must be supported by what it cites (word overlap and embedding similarity)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.embed.embedder import Embedder
from rag.index.words import tokenize
from rag.ingest.sentences import sentence_spans
from rag.types import AnswerSentence, Citation, Hit, Quote

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
SUPPORT_THRESHOLD = 0.55


@dataclass(frozen=True)
class CheckedText:
    """Generated text with its markers checked: ``text`` keeps only valid markers."""

    text: str
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    dropped: tuple[int, ...]  # marker numbers that named no source


def split_marked(text: str) -> list[tuple[str, list[int]]]:
    """Sentences of ``text`` with the marker numbers each carries (markers removed).

    A marker group after the final period ("… grew. [1]") belongs to that sentence.
    """
    out: list[tuple[str, list[int]]] = []
    for start, end in sentence_spans(text):
        piece = text[start:end]
        numbers = [int(n) for group in _MARKER.findall(piece) for n in re.split(r"[,;]", group)]
        bare = re.sub(r"\s+", " ", _MARKER.sub("", piece)).strip()
        bare = re.sub(r"\s+([.,;:!?])", r"\1", bare)
        if not bare.strip(" .") and out:  # a stray "[2]." on its own
            out[-1][1].extend(numbers)
            continue
        if bare:
            out.append((bare, numbers))
    return out


def check(
    text: str,
    sources: Sequence[Sequence[Hit]],
    embedder: Embedder,
    *,
    threshold: float = SUPPORT_THRESHOLD,
) -> CheckedText:
    """Drop unknown markers, score each sentence against what it cites, and attach a source
    to an uncited sentence only when one supports it.

    Args:
        text: generated text with ``[n]`` markers; source n is ``sources[n-1]``.
        sources: the numbered sources the model was given, each one article's passages.

    Returns:
        The checked text; its citations give, for each source a sentence cites, the span of
        that source which best supports the sentence (one citation per sentence and source).
    """
    pieces = split_marked(text)
    if not pieces:
        return CheckedText(text.strip(), (), (), ())
    flat = [
        (n, hit, span)
        for n, group in enumerate(sources, 1)
        for hit in group
        for span in _sentences(hit)
    ]
    vectors = embedder.embed([p for p, _ in pieces] + [s[2][2] for s in flat])
    piece_vecs, source_vecs = vectors[: len(pieces)], vectors[len(pieces) :]
    owner = [n for n, _, _ in flat]
    spans = [span for _, _, span in flat]
    count = len(sources)
    sentences, dropped, quoted = [], [], {}
    for k, (sentence, numbers) in enumerate(pieces):
        valid = [n for n in dict.fromkeys(numbers) if 1 <= n <= count]
        dropped.extend(n for n in numbers if not 1 <= n <= count)
        candidates = valid or list(range(1, count + 1))
        scored = []
        for n in candidates:
            score, j = _support(sentence, piece_vecs[k], n, spans, source_vecs, owner)
            scored.append((score, n, j))
        if valid:
            support = min(s for s, _, _ in scored) if scored else 0.0
            cites = tuple(valid)
        else:
            best = max(scored, default=(0.0, 0, -1))
            support = best[0]
            cites = (best[1],) if best[0] >= threshold else ()
        for _, n, j in scored:
            if n in cites and j >= 0:
                quoted.setdefault((n, j), None)
        sentences.append(
            AnswerSentence(
                sentence, cites, verified=support >= threshold, support=round(float(support), 3)
            )
        )
    citations = tuple(_citation(n, flat[j][1], flat[j][2]) for n, j in quoted)
    rendered = " ".join(
        f"{s.text} {''.join(f'[{n}]' for n in s.citations)}".strip() for s in sentences
    )
    return CheckedText(rendered, tuple(sentences), citations, tuple(dropped))


def _sentences(hit: Hit) -> list[tuple[int, int, str]]:
    """(start, end, text) of each sentence of a hit, offsets into the article body."""
    return [(hit.start + a, hit.start + b, hit.text[a:b]) for a, b in sentence_spans(hit.text)]


def _support(
    sentence: str,
    vec: np.ndarray,
    source: int,
    spans: list[tuple[int, int, str]],
    source_vecs: np.ndarray,
    owner: list[int],
) -> tuple[float, int]:
    """How well source ``source`` supports ``sentence``: the best of its sentences by
    0.5 * cosine + 0.5 * share of the sentence's words it contains. Returns (score, index)."""
    words = set(tokenize(sentence))
    best, best_j = 0.0, -1
    for j, (_, _, text) in enumerate(spans):
        if owner[j] != source:
            continue
        lexical = len(words & set(tokenize(text))) / len(words) if words else 0.0
        score = 0.5 * float(source_vecs[j] @ vec) + 0.5 * lexical
        if score > best:
            best, best_j = score, j
    return best, best_j


def _citation(n: int, hit: Hit, span: tuple[int, int, str]) -> Citation:
    start, end, quote = span
    return Citation.quoting(n, hit, Quote(quote, start, end, hit.chunk_id))
