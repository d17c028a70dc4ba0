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
from difflib import SequenceMatcher
from typing import Protocol

from rag.index.words import STOPWORDS, tokenize
from rag.retrieve.answer_kind import lowercase_subject
from rag.retrieve.conversation import names

_LONG = 5  # shorter words are left alone: one edit reaches too many of them
_WORD = re.compile(rf"(?<![\w'’-])[A-Za-z]{{{_LONG},}}(?![\w-])")
_LETTERS = string.ascii_lowercase
# a question word typed without its apostrophe ("whos the ceo"): read as written with it
_APOSTROPHE_LEFT_OUT = re.compile(r"\b(who|what|where|when|why|how|that)(s)\b", re.I)
_NEAR_NAME = 0.8  # how alike a misspelt name and the one written are (difflib's ratio)
_QUESTION_WORDS = ("what", "who", "when", "where", "why", "how", "which", "whose")
_ASKING = set(_QUESTION_WORDS) | set(tokenize(
    "is are was were do does did can could will would should has have had"
))  # fmt: skip
_OPENING_WORD = re.compile(r"^(\W*)([A-Za-z]{3,6})\b")
# a question's shape after its opening word: "wat chips does …", "wat is …"
_ASKED = re.compile(
    r"(?:\s+[\w'’-]+){0,3}?\s+(?:is|are|was|were|do|does|did|can|will|has|have)\b", re.I
)
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
    question = _OPENING_WORD.sub(
        lambda m: m[1] + _question_word(m[2], known, asks=bool(_ASKED.match(question, m.end()))),
        question,
        count=1,
    )
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


def _question_word(word: str, known: Callable[[str], bool], *, asks: bool = False) -> str:
    """The question word a question opens on, its letters swapped or one mistyped ("waht",
    "hwo", "wehre"), read as written right; an unknown word one edit from no question word,
    or from several, as typed. A word the dictionary has ("wat") is mended only when the
    words after it ask (``asks``: "wat chips does anthropic use")."""
    lower = word.lower()
    if lower in _QUESTION_WORDS or (known(lower) and not asks):
        return word
    near = [q for q in _QUESTION_WORDS if _one_edit(lower, q)]
    return (near[0].capitalize() if word[:1].isupper() else near[0]) if len(near) == 1 else word


def _one_edit(a: str, b: str) -> bool:
    """Whether one letter changed, added, left out, or two neighbours swapped turn ``a``
    into ``b``."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        return len(diff) == 1 or (swapped and a[diff[1]] == b[diff[0]])
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")  # "OpenAI", "iPhone", "LeBron"


def _better(
    word: str, tokens: list[str], vocabulary: Vocabulary, known: Callable[[str], bool]
) -> str | None:
    """The one-edit neighbour of an unknown ``word`` that the articles use alongside the
    question's other words ("Boeheim" in the articles about Syracuse's coach, not "Preval"
    for "Pureval"), the one most chunks hold among several; in the word's case."""
    lower = word.lower()
    if len(lower) < _LONG or lower in STOPWORDS or word.isupper() or _INNER_CAPITAL.search(word):
        return None  # "FTC", "GPUs": acronyms are not typos, nor "OpenAI", typed with care
    if known(word):
        return None  # a word, just not one the articles use
    own = tokenize(lower)
    if not own or vocabulary.chunk_count(own[0]) > 0:
        return None
    # the question's other words, not how it asks ("who", "did"), which many chunks lack
    others = [t for t in tokens if t != own[0] and t not in _ASKING]
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
    return (
        f"Read {pairs}: no indexed article writes {'it' if len(fixes) == 1 else 'them'} as typed."
    )


def misspelt_names(
    question: str, texts: Sequence[str], *, outlets: Sequence[str] = ()
) -> tuple[tuple[str, str], ...]:
    """The names the question asks about that no text writes, each paired with the name of
    as many words the texts write nearly alike ("sara crane" and "Sarah Krane"): a name
    misspelt, or typed as heard. Only a name of two or more words is matched, each of its
    words a letter or so from the written one's ("BBC News" is not "BBC Newsbeat"), and only
    when one written name is that close; an outlet's name is never read as another."""
    skip = {o.lower() for o in outlets}
    asked = [n for n in names(question) if " " in n and "’" not in n and "'" not in n]
    if not asked and (subject := lowercase_subject(question.lower())):
        asked = [subject] if " " in subject else []
    written = " ".join(texts)
    unwritten = [
        n
        for n in asked
        if n.lower() not in skip and not re.search(rf"\b{re.escape(n)}\b", written, re.I)
    ]
    found = {n for t in texts for n in names(t) if " " in n} if unwritten else set()
    out = []
    for name in unwritten:
        near = [n for n in found if _alike(name.lower().split(), n.lower().split())]
        if len(near) == 1:
            out.append((name, near[0]))
    return tuple(out)


def _alike(asked: list[str], written: list[str]) -> bool:
    """Whether two names of as many words are written nearly alike, word by word."""
    return (
        len(asked) == len(written)
        and SequenceMatcher(None, " ".join(asked), " ".join(written)).ratio() >= _NEAR_NAME
        and all(_distance(a, w) <= max(1, len(w) // 4) for a, w in zip(asked, written, strict=True))
    )


def _distance(a: str, b: str) -> int:
    """The letters to add, drop or change to turn ``a`` into ``b`` (Levenshtein)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]
