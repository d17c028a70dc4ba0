"""Counts placed elsewhere than the question asks: "six people were shot" in Indianapolis is
no answer to how many were shot in Nashville, nor Syria's toll to how many died in Turkey."""

from __future__ import annotations

import re

from rag.answer.base import Span, is_demonym, word_forms
from rag.answer.gazetteer import place_type
from rag.answer.roles import demonym

_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?")


def question_places(question: str, lowered: set[str]) -> frozenset[tuple[str, str]]:
    """The places a question names, each as (word, type) ("Nashville", or "nashville"
    typed in lower case when the sentences write it only capitalised; ``lowered``: the words
    they write in lower case)."""
    found = set()
    for word in re.findall(r"[A-Za-z][\w’'-]*", question):
        kind = place_type(word)
        if kind and word.lower() not in lowered:
            found.add((word.lower(), kind))
    return frozenset(found)


def another_place(sentence: str, places: frozenset[tuple[str, str]]) -> bool:
    """Whether the sentence places its count only in other cities than the question names
    ("six people were shot" in Indianapolis, asked about a shooting in Nashville). A city
    is not compared with a country or state: Palermo is in Italy."""
    asked = {f for word, kind in places if kind == "city" for f in word_forms(word)}
    if not asked:
        return False
    named = [m.group(0) for m in _CAPITALISED.finditer(sentence) if place_type(m.group(0))]
    cities = [n for n in named if place_type(n) == "city"]
    return bool(cities) and not any(word_forms(n) & asked for n in named)


def another_country(sentence: str, span: Span, places: frozenset[tuple[str, str]]) -> bool:
    """Whether the clause holding a count names only other countries or states than the
    question does, or their people ("Syrian officials have said at least 5,800 have died
    there", asked how many died in Turkey)."""
    asked = [(word, kind) for word, kind in places if kind in ("country", "state")]
    if not asked:
        return False
    start = sentence.rfind(";", 0, span.start) + 1
    end = sentence.find(";", span.end)
    clause = sentence[start : end if end >= 0 else len(sentence)]
    kinds = {kind for _, kind in asked}
    named = [
        m.group(0).lower() for m in _CAPITALISED.finditer(clause) if place_type(m.group(0)) in kinds
    ]
    people = [w.lower() for w in re.findall(r"\b[A-Z][a-z]+\b", clause) if is_demonym(w)]
    if not named and not people:
        return False
    named_asked = any(n == word for word, _ in asked for n in named)
    return not named_asked and not any(demonym(p, word) for word, _ in asked for p in people)
