"""How well a candidate span answers the kind of answer asked: its kind against the kind
asked (a place for "which country", a name after "chief executive" for "who"), a place of
the type asked ("which country" wants a country, not its capital), and what makes a span
unlike an answer (a league for a team, an age for a count, a model's number for a company)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rag.answer.amounts import label_before, measured_unit
from rag.answer.base import Span, is_demonym, singular
from rag.retrieve.answer_kind import Asked

# how well a span of one kind (columns) answers a question of another (rows)
FIT: dict[str, dict[str, float]] = {
    "person": {"person": 1.0, "name": 0.5, "organisation": 0.05, "place": 0.02, "title": 0.02},
    # "who invested?": a person, or a company acting like one
    "who": {"person": 1.0, "name": 0.5, "organisation": 0.6, "place": 0.02, "title": 0.02},
    "organisation": {"organisation": 1.0, "name": 0.55, "person": 0.1, "place": 0.15,
                     "title": 0.1},
    "place": {"place": 1.0, "name": 0.2, "organisation": 0.05, "person": 0.02, "title": 0.02},
    "title": {"title": 1.0, "name": 0.4, "organisation": 0.1, "person": 0.05, "place": 0.02},
    "thing": {"name": 0.55, "title": 0.5, "organisation": 0.35, "person": 0.1, "place": 0.15},
    "money": {"money": 1.0},
    "number": {"number": 1.0, "money": 0.4},
    "date": {"date": 1.0},
}  # fmt: skip
NAMED = {"person", "organisation", "place"}
_TEAM_NOUNS = {"team", "club", "side", "franchise"}


# the place types a noun asks for ("which country" wants a country, not its capital)
_PLACE_TYPES = {
    "country": {"country"}, "nation": {"country"}, "state": {"state"}, "province": {"state"},
    "city": {"city"}, "town": {"city"}, "capital": {"city"}, "village": {"city"},
    "continent": {"region"}, "region": {"region", "state"},
}  # fmt: skip


def kind_fit(span: Span, asked: Asked, fits: Mapping[str, float]) -> float:
    """How well the span's kind answers the kind asked (less when the sentence gives no
    evidence of it, or is a place of another type than asked)."""
    kind = span.kind
    if kind == "place" and asked.kind == "thing" and span.detail == "city":
        kind = "name"  # "Jupiter" is a town too, but a planet is what is asked
    fit = fits.get(kind, 0.0) * (1.0 if span.evidence or kind == "name" else 0.8)
    return fit * _place_fit(span, asked)


_PRIZE = re.compile(
    r"\s(?:Awards?|Prizes?|Cup|Trophy|Medal|Championships?|Olympics|Games|Festival|Bowl)$"
)


def unlikeness(span: Span, asked: Asked, shares_words: bool, sentence: str) -> float:
    """1, or less for a span shaped unlike an answer to the question (a league for a team,
    an age for a count, a word of the question's own, the owner of the thing asked, a
    model's number)."""
    factor = 1.0
    after = sentence[span.end :]
    if asked.noun and re.match(
        rf"['’]s\s+(?:[\w-]+\s+){{0,3}}{re.escape(singular(asked.noun))}", after, re.I
    ):
        factor *= 0.3  # "Google's proprietary AI chips" for "which chips": Google owns them
    if asked.noun in _TEAM_NOUNS and span.text.isupper():
        factor *= 0.3  # "NBA", "NFL": the league, not the team asked for
    if span.detail == "before":
        factor *= 0.3  # "from 100 seconds to 90 seconds": the value it moved to counts
    if span.detail == "age" and asked.noun != "age":
        factor *= 0.2  # "died at 95" answers "how old", not "how many years"
    if asked.noun == "age" and span.kind == "number" and span.detail != "age":
        factor *= 0.3  # "the first pope in nearly 600 years" is no age
    if span.kind == "number" and asked.unit and label_before(sentence, span):
        factor *= 0.3  # the "2" of "Leopard 2 tanks", asked how many tanks
    unit = measured_unit(after) if span.kind == "number" and asked.unit else ""
    if unit and singular(unit)[:4] != singular(asked.unit.lower())[:4]:
        factor *= 0.2  # "six minutes of video", asked how many people
    if span.kind == "number" and span.evidence < 2 and span.text[:1].isalpha():
        factor *= 0.6  # "three" in passing, rather than "15 rounds" or "15"
    if shares_words:  # "NFL Players' Association" for a question about an NFL team
        factor *= 0.5
    if is_demonym(span.text) and (asked.kind in NAMED or re.match(r"\s+[a-z]", after)):
        factor *= 0.1  # "Russian", "Chinese": describes, names no one asked for; nor is the
        # "French" of "the French bulldog" the breed
    if asked.kind in NAMED and any(ch.isdigit() for ch in span.text):
        factor *= 0.3  # "QX-7" is a product code, not the company or person asked for
    if asked.kind == "person" and _PRIZE.search(span.text):
        factor *= 0.1  # "won five Orbit Awards": a prize or an event, not who did it
    return factor


def _place_fit(span: Span, asked: Asked) -> float:
    """1, or 0.1 for a place of another type than the noun asks for (a city for "which
    country")."""
    wanted = _PLACE_TYPES.get(asked.noun.rstrip("s")) if asked.kind == "place" else None
    if wanted is None or span.kind != "place" or not span.detail:
        return 1.0
    return 1.0 if span.detail in wanted else 0.1
