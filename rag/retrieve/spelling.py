"""Typos in a question, mended from the index's own words: "What is Antropic?" is searched
as "What is Anthropic?" when no article uses "Antropic" and many use "Anthropic".

A word is only mended when no indexed chunk holds it, it is no common English word, place
or first name ("Paris" over articles that only say "parts" stays "Paris"), and one edit (a
letter left out, added, changed or swapped, never the first letter) turns it into a word the
articles use together with the rest of the question; among several, the one most chunks
hold. A question about a name no article mentions is still refused.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Sequence
from typing import Protocol

from rag.index.words import STOPWORDS, tokenize

_LONG = 5  # shorter words are left alone: one edit reaches too many of them
_WORD = re.compile(rf"(?<![\w'’-])[A-Za-z]{{{_LONG},}}(?![\w-])")
_LETTERS = string.ascii_lowercase
# a question word typed without its apostrophe ("whos the ceo"): read as written with it
_APOSTROPHE_LEFT_OUT = re.compile(r"\b(who|what|where|when|why|how|that)(s)\b", re.I)
# the mended word's best chunk must match the rest of the question about as well as any does
_AGREE = 0.9


class Vocabulary(Protocol):
    """What mending reads from the keyword index (``LexicalIndex``)."""

    def chunk_count(self, token: str) -> int:
        """How many chunks hold ``token`` (0: none)."""
        ...

    def match_shares(self, tokens: Sequence[str], others: Sequence[str]) -> list[float]:
        """For each token, how well the best chunk holding it matches ``others``, as a share
        of how well the best chunk of all does (1.0 when ``others`` match nothing)."""
        ...


def mended(
    question: str, vocabulary: Vocabulary, *, known: Callable[[str], bool]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The question with each unknown word mended, and the (asked, mended) pairs ("whos",
    a question word without its apostrophe, is read as "who's" silently).

    Args:
        question: as asked.
        vocabulary: the index's words (``LexicalIndex``).
        known: whether a word is a real one, never mended (``gazetteer.known_word``: a
            common English word, a place or a first name).
    """
    fixes: list[tuple[str, str]] = []
    question = _APOSTROPHE_LEFT_OUT.sub(lambda m: f"{m.group(1)}'{m.group(2)}", question)
    tokens = tokenize(question)

    def mend(match: re.Match[str]) -> str:
        word = match.group(0)
        better = _better(word, tokens, vocabulary, known)
        if better is None:
            return word
        fixes.append((word, better))
        return better

    text = _WORD.sub(mend, question)
    return text, tuple(fixes)


def _better(
    word: str, tokens: list[str], vocabulary: Vocabulary, known: Callable[[str], bool]
) -> str | None:
    """The one-edit neighbour of an unknown ``word`` that the articles use alongside the
    question's other words ("Boeheim" in the articles about Syracuse's coach, not "Preval"
    for "Pureval"), the one most chunks hold among several; in the word's case."""
    lower = word.lower()
    if len(lower) < _LONG or lower in STOPWORDS or word.isupper():
        return None  # "FTC", "GPUs": acronyms are not typos
    if known(word):
        return None  # a word, just not one the articles use
    own = tokenize(lower)
    if not own or vocabulary.chunk_count(own[0]) > 0:
        return None
    others = [t for t in tokens if t != own[0]]
    found = []
    for candidate in sorted(_edits(lower)):
        stems = tokenize(candidate)
        count = vocabulary.chunk_count(stems[0]) if stems else 0
        if count:  # most chunks first; of one stem, a word ("Google", not "Googl" for
            # "Googel"), then the shorter ("Turkey", not "Turkeye")
            found.append((-count, not known(candidate), len(candidate), candidate, stems[0]))
    found.sort()
    shares = vocabulary.match_shares([stem for *_, stem in found], others)
    for (*_, candidate, _), share in zip(found, shares, strict=True):
        if share >= _AGREE:
            return candidate[0].upper() + candidate[1:] if word[0].isupper() else candidate
    return None


def _edits(word: str) -> set[str]:
    """Every word one edit away that keeps the first letter (typos rarely change it)."""
    head, rest = word[0], word[1:]
    splits = [(rest[:i], rest[i:]) for i in range(len(rest) + 1)]
    out = {head + a + b[1:] for a, b in splits if b}  # a letter left out
    out |= {head + a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}  # two swapped
    out |= {head + a + c + b[1:] for a, b in splits if b for c in _LETTERS}  # one changed
    out |= {head + a + c + b for a, b in splits for c in _LETTERS}  # one added
    out.discard(word)
    return {w for w in out if len(w) >= _LONG}


def spelling_notice(fixes: tuple[tuple[str, str], ...]) -> str:
    """What was read instead of what was typed, for the reader to check."""
    if not fixes:
        return ""
    pairs = " and ".join(f"“{word}” as “{better}”" for word, better in fixes)
    words = "the word" if len(fixes) == 1 else "these words"
    return f"Read {pairs}: no indexed article uses {words} as typed."
