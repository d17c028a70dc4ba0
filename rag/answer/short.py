"""Short answers the evidence settles without an LLM: the entity the quoted sentences agree
on, the date asked for, or yes/no when article dates decide it. None otherwise, never a guess."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.retrieve.conversation import names
from rag.retrieve.intent import _DATE, _MONTH_YEAR, Intent
from rag.types import Hit

_TITLES = re.compile(
    r"\b(CEO|CTO|CFO|COO|CMO|President|Vice|Chief|Executive|Officer|Director|Founder|Co-founder|"
    r"Chairman|Chairwoman|Chair|Senator|Governor|Minister|Secretary|Professor|Dr|Mr|Mrs|Ms|"
    r"Analyst|Spokesperson|Partner|Head|Manager|General|Judge|Attorney|Coach|Captain)\b\.?"
)
_NOT_ENTITIES = {
    "series",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "ai",
    "q1",
    "q2",
    "q3",
    "q4",
    "it",
    "they",
    "we",
}
_WORD = re.compile(r"[a-z0-9]+")
_PERSON_LIKE = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}")
_ORGANISATION = re.compile(r"\b(company|companies|firm|organi[sz]ation|startup|outlet)\b", re.I)
_ORDER = re.compile(
    r"\b(publish|report|releas|post|cover|announc)\w*\b(?P<mid>.*?)\b(?P<op>before|after|"
    r"earlier than|later than|prior to)\b",
    re.I,
)


def entity_answer(
    question: str, sentences: Sequence[tuple[str, float]], *, exclude: Sequence[str] = ()
) -> str | None:
    """The name the top sentences agree on, not already named in the question.

    Args:
        sentences: (text, score) of the quoted sentences, best first.
        exclude: names never to answer with (outlets, for instance).
    """
    asked = {n.lower() for n in names(_TITLES.sub(",", question))} | {e.lower() for e in exclude}
    asked_words = {w for n in asked for w in n.split()}
    cue_words = {w for w in _WORD.findall(question.lower()) if len(w) > 2} - asked_words
    organisation = bool(_ORGANISATION.search(question))
    person = bool(re.match(r"\W*(and\s+)?(who|whom)\b", question, re.I)) or bool(
        re.search(r"\b(which|what)\s+(individual|person)\b", question, re.I)
    )
    votes: dict[str, float] = {}
    first_seen: dict[str, int] = {}
    for rank, (text, score) in enumerate(sentences):
        plain = _TITLES.sub(",", text)
        for name in names(plain):
            key = name.lower()
            if (
                key in asked
                or set(key.split()) <= asked_words
                or len(key) < 3
                or key in _NOT_ENTITIES
            ):
                continue
            # a name next to a word of the question ("led by Harbor Capital", "Quillon
            # unveiled") is the one asked about
            at = text.find(name)
            near = _WORD.findall(text[:at].lower())[-3:]
            near += _WORD.findall(text[at + len(name) :].lower())[:2]
            weight = 2.0 if cue_words & set(near) else 1.0
            weight *= 1.25 if " " in name else 1.0
            if organisation and any(ch.isdigit() for ch in name):
                weight *= 0.4  # "QX-7" is a product, not the company asked for
            if person and _PERSON_LIKE.fullmatch(name):
                weight *= 1.5
            if text[at + len(name) : at + len(name) + 2] in ("'s", "’s"):
                weight *= 0.5  # "Google's CEO": a modifier, not who is meant
            votes[name] = votes.get(name, 0.0) + max(score, 0.0) * weight
            first_seen.setdefault(name, rank)
    if not votes:
        return None
    best = max(votes, key=lambda n: (votes[n], -first_seen[n]))
    # agreement: in the best sentence, backed by several sentences, or clearly ahead
    backed = sum(best in _TITLES.sub(",", t) for t, _ in sentences)
    runner_up = max((v for n, v in votes.items() if n != best), default=0.0)
    clear = votes[best] >= 1.5 * runner_up
    return best if first_seen[best] == 0 or backed >= 2 or clear else None


def date_answer(sentences: Sequence[tuple[str, float]], hits: Sequence[Hit]) -> str | None:
    """A date written in the best sentence, else the publication date of the best article."""
    if sentences:
        text = sentences[0][0]
        if m := _DATE.search(text) or _MONTH_YEAR.search(text):
            return m.group(0)
    return hits[0].published_at[:10] if hits and hits[0].published_at else None


def order_answer(question: str, search: Callable[[str], list[Hit]]) -> str | None:
    """Yes/no for "was A published/reported before/after B?", from the two articles' dates."""
    m = _ORDER.search(question)
    if not m:
        return None
    left = question[: m.start("op")].strip()
    right = question[m.end("op") :].strip(" ?")
    if len(right.split()) < 2 or len(left.split()) < 3:
        return None
    a, b = search(left), search(right)
    if not a or not b or a[0].article_id == b[0].article_id:
        return None
    da, db = a[0].published_at, b[0].published_at
    if not da or not db or da == db:
        return None
    earlier = da < db
    wants_earlier = m["op"].lower() in ("before", "earlier than", "prior to")
    return "Yes" if earlier == wants_earlier else "No"


def short_answer(
    question: str,
    intent: Intent,
    sentences: Sequence[tuple[str, float]],
    hits: Sequence[Hit],
    *,
    search: Callable[[str], list[Hit]] | None,
    outlets: Sequence[str] = (),
) -> str | None:
    """The short answer for ``intent.kind``, or None when the evidence does not settle it."""
    if intent.kind == "entity":
        return entity_answer(question, sentences, exclude=outlets)
    if intent.kind == "date":
        return date_answer(sentences, hits)
    if intent.kind == "yesno" and search is not None:
        return order_answer(question, search)
    return None
