"""How closely a candidate answer sits to what the question asks: the question's words on
either side of it, or the noun asked for naming it ("the Buffalo Bills team", "its flagship
model, Claude", "TPUs (…) — Google's proprietary AI chips")."""

from __future__ import annotations

import re

from rag.answer.base import Span, singular, word_forms
from rag.retrieve.answer_kind import Asked

# what a dash or comma after a name (and its aside in brackets) says it is
_APPOSITION = re.compile(r"\s*(?:\([^()]{1,60}\)\s*)?[—–,]\s*((?:[\w’'&-]+\s+){0,5}[\w’'-]+)")


def closeness(span: Span, anchors: list[int], asked: Asked, sentence: str) -> float:
    """How closely the question's words surround the span: 1 for a span between two of them
    ("named Priya Raman chief executive"), less with distance and on one side only; a number
    in the unit asked for, or a name followed by the noun asked for, counts as close."""
    if span.kind == "number" and span.evidence >= 2:
        return 1.0
    noun = asked.noun if asked.phrase and not asked.phrase.startswith("a ") else ""
    after = sentence[span.end : span.end + 30]
    if (
        noun
        and re.search(rf"\b{re.escape(noun)}", after)
        and not re.match(r"['’](?:s\b|\s)", after)
    ):
        return 1.0  # "the Buffalo Bills team" (but "Google's AI chips" are Google's, not it)
    if noun and re.search(
        rf"\b{re.escape(noun)}s?\W{{0,3}}$", sentence[max(0, span.start - 25) : span.start], re.I
    ):
        return 1.0  # "its flagship model, Claude", "the chain Bed Bath & Beyond", "District
        # Attorney Alvin Bragg"
    described = _APPOSITION.match(sentence, span.end) if noun else None
    if described and re.search(rf"\b{re.escape(singular(noun))}", described.group(1), re.I):
        return 1.0  # "TPUs (Tensor Processing Units) — Google's proprietary AI chips"
    left = [span.start - a for a in anchors if a < span.start]
    right = [a - span.end for a in anchors if a >= span.end]
    near_left = 1.0 / (1.0 + min(left) / 20.0) if left else 0.0
    near_right = 1.0 / (1.0 + min(right) / 20.0) if right else 0.0
    # a span opening or closing the sentence has nothing on that side to be near: its
    # subject ("Bed Bath & Beyond said …") or its last words ("… led by Harbor Capital.")
    if not sentence[: span.start].strip(" “\"'"):
        near_left = near_right
    if not sentence[span.end :].strip(" .,;:!?”\"')"):
        near_right = near_left
    return 0.3 + 0.35 * near_left + 0.35 * near_right


def anchors(sentence: str, wanted: set[str]) -> list[int]:
    """Character positions of the question's words in the sentence."""
    return [
        m.start() for m in re.finditer(r"[\w'’-]+", sentence) if word_forms(m.group(0)) & wanted
    ]
