"""One numbered source per article: an answer's citations regrouped so that ``[n]`` names an
article, and every span of that article the answer quotes is listed under it.

Answerers cite chunks: the extractive one cites each quoted sentence, an LLM cites the
numbered passages it was given, and two of them may come from one article. A reader wants
one source card per article, its quotes highlighted in place, numbered in the order the
answer first cites them.

Example:
    >>> grouped = by_article(answer)  # "[1] … [2] … [3]" where [1] and [3] quote one article
    >>> [c.n for c in grouped.citations], [len(c.quotes) for c in grouped.citations]
    ([1, 2], [2, 1])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rag.types import Answer, Citation, Hit, Quote

_MARKERS = re.compile(r"(?:\[\d+\])+")


def by_article(answer: Answer, *, keep_numbers: bool = False) -> Answer:
    """``answer`` with one citation per article, numbered by first citation.

    With ``keep_numbers`` (an LLM's sources are already articles, and it streamed their
    numbers), numbers that each name one article are kept and only the quotes are gathered.
    Sentences keep their order; each one's markers name the articles it cites, once each.
    A citation no sentence refers to keeps a number after the cited ones.
    """
    if not answer.citations:
        return answer
    cited: dict[int, list[Citation]] = {}
    for citation in answer.citations:
        cited.setdefault(citation.n, []).append(citation)
    owners = {n: found[0].article_id for n, found in cited.items()}
    keep = (
        keep_numbers
        and all(len({c.article_id for c in found}) == 1 for found in cited.values())
        and len(set(owners.values())) == len(owners)
    )
    numbers: dict[str, int] = {}  # article id -> its new number

    def renumber(n: int) -> int | None:
        if n not in owners:
            return None
        return numbers.setdefault(owners[n], n if keep else len(numbers) + 1)

    sentences = tuple(
        replace(s, citations=_unique(renumber(n) for n in s.citations)) for s in answer.sentences
    )
    text = _renumber_text(answer.text, renumber) if not sentences else _render(sentences)
    for n in sorted(cited):
        renumber(n)
    return replace(
        answer, text=text, sentences=sentences, citations=_merged(answer.citations, numbers)
    )


def _merged(citations: tuple[Citation, ...], numbers: dict[str, int]) -> tuple[Citation, ...]:
    """One citation per article: the first-cited quote up front, every quote in ``quotes``."""
    first: dict[str, Citation] = {}
    quotes: dict[str, dict[tuple[int, int], Quote]] = {}
    for c in sorted(citations, key=lambda c: c.n):
        first.setdefault(c.article_id, c)
        for q in c.spans:
            quotes.setdefault(c.article_id, {}).setdefault((q.start, q.end), q)
    out = []
    for article_id, n in sorted(numbers.items(), key=lambda item: item[1]):
        spans = sorted(quotes[article_id].values(), key=lambda q: (q.start, q.end))
        out.append(replace(first[article_id], n=n, quotes=tuple(_disjoint(spans))))
    return tuple(out)


def _disjoint(spans: list[Quote]) -> list[Quote]:
    """Spans in body order with any one inside another dropped (a sentence quoted once whole
    and once in part is one quote)."""
    out: list[Quote] = []
    for q in spans:
        if out and q.start < out[-1].end and q.end <= out[-1].end:
            continue  # inside the previous one
        out.append(q)
    return out


def _unique(numbers: object) -> tuple[int, ...]:
    return tuple(dict.fromkeys(n for n in numbers if n is not None))  # type: ignore[union-attr]


def _render(sentences: tuple) -> str:
    return " ".join(f"{s.text} {''.join(f'[{n}]' for n in s.citations)}".strip() for s in sentences)


def _renumber_text(text: str, renumber) -> str:  # type: ignore[no-untyped-def]
    def group(m: re.Match[str]) -> str:
        found = _unique(renumber(int(n)) for n in re.findall(r"\d+", m.group(0)))
        return "".join(f"[{n}]" for n in found)

    return _MARKERS.sub(group, text)


def article_groups(hits: Sequence[Hit]) -> list[list[Hit]]:
    """``hits`` grouped by article, in order of each article's best hit (the sources an LLM
    is given: source n is every passage of the n-th article)."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.article_id, []).append(hit)
    return list(groups.values())
