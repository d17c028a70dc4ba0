"""The sentences of retrieved chunks an answer may quote, with where each comes from."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rag.answer.gazetteer import is_first_name
from rag.index.sentence_table import SentenceTable, chunk_sentences
from rag.index.words import tokenize
from rag.retrieve.nouns import is_person_noun
from rag.types import Hit

_MIN_SENTENCE_CHARS = 25
_CLOSERS = (".", "!", '"', "”", "’", "'", ")", "…")
_ASIDE_END = re.compile(r"[?!][)”\"’']+$")  # "(pup-ular?)", "“why?”": an aside, then more
_QUOTE_SENTENCES = 3  # a quotation spanning up to this many sentences is quoted whole
_HEADING_WORDS = 16  # a line this short with no full stop is a heading, not a statement
_ITS = re.compile(r"(?:Its|Their)\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?”\"])\s+|\n+")  # a heading is a line of its own
# "The “Since U Been Gone” singer is …", "The 40-year-old actor said …": a person described,
# named by the sentence before
_DESCRIBED = re.compile(
    r"The\s+((?:[“\"][^”\"]{1,40}[”\"]\s+|[a-z0-9][\w’'-]*\s+){0,3})([a-z][\w-]*)\s+"
    r"(?=(?:is|was|has|had|will|would|says|said|told|also|announced|revealed)\b)"
)
_SUBJECT = re.compile(r"[“\"]?([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})(?=[,’'\s])")
# words opening a sentence that are no name ("The", "Meanwhile")
_NOT_NAMES = {
    "The", "A", "An", "In", "On", "At", "But", "And", "This", "That", "These", "Those", "It",
    "Its", "Their", "They", "He", "She", "We", "I", "As", "For", "Yet", "Still", "Though",
    "While", "After", "Before", "When", "If", "So", "Now", "Then", "There", "Here", "Some",
    "Many", "Most", "All", "Every", "Each", "One", "His", "Her", "Our", "Your", "My", "With",
    "By", "From", "To", "Of", "Under", "Over", "Behind", "Meanwhile", "However", "Also",
    "Even", "Last", "Next", "Since", "Until", "Despite", "Although", "Because", "Such",
    "Other", "Another", "Both",
}  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    """One sentence of a retrieved chunk that could be quoted: its hit, body offsets, text, the
    rank of its chunk, its stored vector and its stemmed words."""

    hit: Hit
    start: int  # offsets into the article body
    end: int
    text: str
    rank: int
    vector: np.ndarray | None = None  # stored at ingest; None: embed it now
    words: tuple[str, ...] = ()  # stemmed content words


def candidates_of(hits: list[Hit], tables: Mapping[str, SentenceTable]) -> list[Candidate]:
    """The quotable sentences of ``hits``, in hit order, each once (no headings, nothing
    shorter than a sentence)."""
    seen: set[tuple[str, int]] = set()
    out = []
    for rank, hit in enumerate(hits):
        for start, end, vector in _sentences(hit, tables.get(hit.article_id)):
            text = hit.text[start - hit.start : end - hit.start]
            key = (hit.article_id, start)
            if len(text) < _MIN_SENTENCE_CHARS or key in seen or _heading(text):
                continue
            seen.add(key)
            out.append(Candidate(hit, start, end, text, rank, vector, tuple(tokenize(text))))
    return out


def _heading(text: str) -> bool:
    """A heading, subhead, caption or question line rather than a sentence that states
    something: it asks ("How are the breeds ranked?"), or it is short and ends without a
    full stop ("The Strategic Stakes for Google")."""
    stripped = text.rstrip()
    if stripped.startswith("#") or stripped.endswith("?"):
        return True
    return not stripped.endswith(_CLOSERS) and len(stripped.split()) <= _HEADING_WORDS


def _sentences(hit: Hit, table: SentenceTable | None) -> list[tuple[int, int, np.ndarray | None]]:
    """(start, end, stored vector) in body offsets for each sentence of the hit's chunk (no
    stored vector when the chunk was split now)."""
    rows, spans = chunk_sentences(hit, table)
    if len(rows):
        assert table is not None
        found = [(a, b, table.vectors[r]) for (a, b), r in zip(spans, rows, strict=True)]
    else:
        found = [(a, b, None) for a, b in spans]
    return _rejoined(hit, found)


def _rejoined(
    hit: Hit, found: list[tuple[int, int, np.ndarray | None]]
) -> list[tuple[int, int, np.ndarray | None]]:
    """Sentences split after a question or exclamation mark inside the sentence joined again:
    "The French bulldog is now the most popular (pup-ular?) dog breed of 2022" goes on in
    lower case (the joined sentence has no stored vector: it is embedded when asked)."""
    out: list[tuple[int, int, np.ndarray | None]] = []
    for a, b, vector in found:
        if out:
            before = hit.text[out[-1][0] - hit.start : out[-1][1] - hit.start]
            if _ASIDE_END.search(before) and hit.text[a - hit.start : a - hit.start + 1].islower():
                out[-1] = (out[-1][0], b, None)
                continue
        out.append((a, b, vector))
    return _quotes_closed(hit, out)


def _open_quote(text: str) -> bool:
    """A quotation opened and not closed in ``text`` (marks of either style, which copy often
    mixes: “Frenchies are playful," … said)."""
    return sum(text.count(mark) for mark in '“”"') % 2 == 1


def _quotes_closed(
    hit: Hit, found: list[tuple[int, int, np.ndarray | None]]
) -> list[tuple[int, int, np.ndarray | None]]:
    """A quotation of several sentences quoted whole: "As one executive quipped, “We used to
    fight for users. Now we fight for compute.”" is one candidate, not a sentence ending
    mid-quote. Joined only when the quote closes within ``_QUOTE_SENTENCES`` of the chunk's
    sentences (a speech quoted over paragraphs stays in its sentences)."""
    out: list[tuple[int, int, np.ndarray | None]] = []
    i = 0
    while i < len(found):
        a, b, vector = found[i]
        j = i
        while _open_quote(hit.text[a - hit.start : found[j][1] - hit.start]):
            if j + 1 >= len(found) or j - i + 1 >= _QUOTE_SENTENCES:
                j = i  # not closed in reach: each sentence stays as it is
                break
            j += 1
        out.append((a, found[j][1], _joined_vector(found[i : j + 1])) if j > i else found[i])
        i = j + 1
    return out


def _joined_vector(parts: list[tuple[int, int, np.ndarray | None]]) -> np.ndarray | None:
    """The meaning of sentences quoted as one: their stored vectors' normalised mean (None, to
    embed it when asked, when a part has none)."""
    vectors = [v for _, _, v in parts]
    if any(v is None for v in vectors):
        return None
    mean = np.sum(vectors, axis=0)
    return mean / (np.linalg.norm(mean) or 1.0)


def with_referent(c: Candidate, hits: Sequence[Hit] = ()) -> str:
    """The sentence with an opening "Its" or "Their" written as whose it is, when the sentence
    before it in the article (in its chunk or another of ``hits``) opens on a name: after
    "Anthropic, the … firm founded by …", "Its flagship model, Claude, …" reads "Anthropic’s
    flagship model, Claude, …". A person described ("The “Since U Been Gone” singer is …")
    after a sentence opening on a person's full name is that person ("Kelly Clarkson, the
    “Since U Been Gone” singer, is …")."""
    pointer = _ITS.match(c.text)
    described = None if pointer else _DESCRIBED.match(c.text)
    if described is not None and not is_person_noun(described.group(2)):
        described = None
    if pointer is None and described is None:
        return c.text
    holding = (
        h
        for h in (c.hit, *hits)
        if h.article_id == c.hit.article_id and h.version == c.hit.version
        if h.start < c.start <= h.end + 2
    )
    home = next(holding, None)
    before = home.text[: c.start - home.start].rstrip() if home else ""
    previous = _SENTENCE_END.split(before)[-1] if before else ""
    subject = _SUBJECT.match(previous)
    if subject is None or subject.group(1).split()[0] in _NOT_NAMES:
        return c.text
    if pointer is not None:
        return f"{subject.group(1)}’s {c.text[pointer.end() :]}"
    name = subject.group(1).split()
    if len(name) < 2 or not is_first_name(name[0]):
        return c.text
    said = c.text[: described.end()].rstrip()
    return f"{subject.group(1)}, t{said[1:]}, {c.text[described.end() :]}"


def best_pool(candidates: list[Candidate], score: np.ndarray, size: int) -> list[int]:
    """The ``size`` best-scoring candidates, one per distinct sentence text."""
    seen: set[str] = set()
    out = []
    for i in np.argsort(-score, kind="stable"):
        if candidates[i].text not in seen:
            seen.add(candidates[i].text)
            out.append(int(i))
            if len(out) == size:
                break
    return out
