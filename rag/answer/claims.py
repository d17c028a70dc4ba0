"""Yes or true for a claim a quoted sentence states: "Is Google Cloud profitable?" answered
by "Google's cloud unit is finally profitable", "Punxsutawney Phil saw his shadow on Groundhog
Day this year. True or false?" by the sentence reporting that he saw it.

Only a sentence holding nearly every word of the claim, in its own forms (not words of the
same sense: "in advanced talks" does not say a deal is done), and saying it as the claim does
(both with a negation, or neither) settles it. Nothing here says no or false: a sentence that
fails to state a claim does not refute it, so those questions get no short answer.

Example:
    >>> claim_answer("Is Google Cloud profitable?", ["Google's cloud unit is profitable."])
    'Yes'
    >>> claim_answer("Is the deal final?", ["Google's cloud unit is finally profitable."])
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.index.words import STOPWORDS, tokenize
from rag.retrieve.answer_kind import without_setting

_HELD = 0.8  # the share of the claim's words one sentence must hold
_TRUE_OR_FALSE = re.compile(r"\btrue\s+or\s+false\b\W*", re.I)
_AUXILIARY = re.compile(
    r"^\W*(?:is|was|are|were|did|does|do|has|have|had|can|could|will|would|should)\b\s*", re.I
)
# a follow-up's earlier question, in brackets: its subject, not its asking ("is it profitable
# (tell me about google cloud)")
_ASKED_BEFORE = re.compile(
    r"\(\s*(?:tell\s+me\s+(?:more\s+)?about|what\s+(?:is|are|was|were)|who\s+(?:is|are|was|were)"
    r"|explain)\s+",
    re.I,
)
_CLAUSE = re.compile(r"\s*[:;]\s+|,\s+(?=(?:while|whereas|but|and)\s)|\s+[—–]\s+")
_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|without)\b|n[’']t\b", re.I)
_WORD = re.compile(r"[\w’'-]+")
# words of a claim that say when it is asked ("this year"), or only join its words
_NOT_CLAIMED = set(
    """year week month today yesterday recent recently now s u be been being has have had
    do does did will would can could should may might must his her its it he she they them
    their we you i who whom whose which what when where why how there than so also very""".split()  # noqa: SIM905
)
_NUMBERS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
}  # fmt: skip
_POSSESSIVES = {"its", "their", "his", "her", "our", "my", "your"}
_PREFIX = 5  # "investor" meets "invested": one form begins the other, at least this long


def claim_answer(question: str, sentences: Sequence[str]) -> str | None:
    """ "True" or "Yes" when one of ``sentences`` states the claim ``question`` asks about,
    else None."""
    if stating(question, sentences) is None:
        return None
    return "True" if _TRUE_OR_FALSE.search(question) else "Yes"


def stating(question: str, sentences: Sequence[str]) -> int | None:
    """The index of the first of ``sentences`` stating the claim ``question`` asks about."""
    claim = _AUXILIARY.sub("", _TRUE_OR_FALSE.sub(" ", _ASKED_BEFORE.sub("(", question)))
    wanted = _forms(claim)
    if len(wanted) < 2:
        return None
    negated = bool(_NEGATION.search(claim))
    for i, sentence in enumerate(sentences):
        held = _forms(sentence)
        share = sum(1 for w in wanted if _meets(w, held)) / len(wanted)
        if (
            share >= _HELD
            and bool(_NEGATION.search(sentence)) == negated
            and _names_in_order(claim, sentence)
        ):
            return i
    return None


def _names_in_order(claim: str, sentence: str) -> bool:
    """Whether the names the claim gives come in the sentence in the claim's order: "Amazon
    has invested in Anthropic" does not say Anthropic invested in Amazon. Read in the clause
    holding most of the claim ("…: Anthropic would expand …, while Google would gain …")."""
    wanted = _forms(claim)
    clauses = _CLAUSE.split(sentence)
    clause = max(clauses, key=lambda part: sum(1 for w in wanted if _meets(w, _forms(part))))
    at = []
    for word in dict.fromkeys(w.lower() for w in _WORD.findall(without_setting(claim))):
        if word in STOPWORDS or word in _NOT_CLAIMED:
            continue
        pattern = rf"\b{re.escape(word)}\b"
        if not any(m.group(0)[:1].isupper() for m in re.finditer(pattern, sentence, re.I)):
            continue  # not written as a name
        m = re.search(pattern, clause, re.I)
        if m is None and not at:
            return False  # the claim's first name does something else in the sentence
        if m is not None:
            at.append(m.start())
    return at == sorted(at)


def _forms(text: str) -> set[tuple[str, bool]]:
    """Each content word of ``text`` as the index stems it, and whether it is an adverb in
    "-ly" ("finally" is not "final")."""
    out = set()
    before = ""
    for word in _WORD.findall(text.lower()):
        possessed, before = before in _POSSESSIVES, word
        if word == "own" and possessed:
            continue  # "its own portfolio" says nothing of owning
        word = _NUMBERS.get(word, word)
        for stem in tokenize(word):
            if stem not in _NOT_CLAIMED and word not in _NOT_CLAIMED:
                out.add((stem, word.endswith("ly") and not stem.endswith("ly")))
    return out


def _meets(form: tuple[str, bool], held: set[tuple[str, bool]]) -> bool:
    stem, adverb = form
    for other, other_adverb in held:
        if adverb != other_adverb:
            continue
        if other == stem or (
            min(len(stem), len(other)) >= _PREFIX
            and (other.startswith(stem) or stem.startswith(other))
        ):
            return True
    return False
