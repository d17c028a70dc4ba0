"""Whose a name or thing is, and how many are asked for: the owner a question gives
("Google's flagship model") against the one a sentence writes ("Anthropic’s flagship
model"), a people's adjective naming its country ("German Chancellor Olaf Scholz … his
country"), and whether a question asks for several names ("who are Anthropic's investors?").

Example:
    >>> possessed("what is google's flagship model")
    (frozenset({'googl'}), 'model')
    >>> anothers("Anthropic’s flagship model, Claude, …", frozenset({"googl"}), "model")
    True
    >>> [s.text for s in peoples_countries("German Chancellor Olaf Scholz said so.")]
    ['Germany']
"""

from __future__ import annotations

import functools
import re

from rag.answer.base import Span, is_demonym, singular, word_forms
from rag.answer.candidates import Candidate, with_referent
from rag.answer.gazetteer import countries
from rag.answer.roles import demonym
from rag.retrieve.answer_kind import Asked
from rag.types import Hit

_POSSESSED = re.compile(r"\b([A-Za-z][\w&.-]*)['’]s\s+([a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})", re.I)
_OWNED = re.compile(r"\b([A-Z][\w&.-]*)['’]s\s+([\w-]+(?:\s+[\w-]+){0,2})")
# words ending the noun a possessive names ("google's model called …")
_NOT_THING = {"is", "was", "are", "were", "called", "named", "for", "in", "of", "on", "and",
              "to", "with", "by", "the", "a", "an"}  # fmt: skip
_TITLED = re.compile(r"\s+(?:[A-Z][\w.-]+\s+){2,4}")  # "Chancellor Olaf Scholz "
_THEIR_COUNTRY = re.compile(r"\b(?:his|her|their)\s+(?:own\s+)?(?:country|nation|government)\b")
_WHERE_BASED = re.compile(
    r"\W*where\s+(?:is|are|was|were)\s+(.+?)\s+(?:based|headquartered|located)\b", re.I
)
_WHO_ARE = re.compile(r"\s*who\s+are\b", re.I)  # "who are Anthropic's investors?"
_ONE_OF = re.compile(r"\b(?:which|what)\s+(?:one\s+)?of\b", re.I)  # "which of these musicians"


def leader_of(sentence: str, span: Span) -> bool:
    """Whether a people's adjective titles a leader who then speaks for "his country"
    ("German Chancellor Olaf Scholz announced … his country would provide"): the country
    itself acting."""
    titled = _TITLED.match(sentence, span.end)
    return bool(titled) and bool(_THEIR_COUNTRY.search(sentence, titled.end()))


def possessed(question: str) -> tuple[frozenset[str], str] | None:
    """Whose thing the question asks about and the thing's noun ("google's flagship model":
    Google's forms, "model"), or None."""
    found = _possessive(question)
    if found is None:
        return None
    owner, thing = found
    return frozenset(word_forms(owner)), singular(thing[-1].lower())


def _possessive(question: str) -> tuple[str, list[str]] | None:
    """The owner a question names and the words of the thing it owns, as typed ("google",
    ["flagship", "model"]), or None."""
    m = _POSSESSED.search(question)
    if m is None:
        return None
    thing = []
    for word in m.group(2).split():
        if word.lower() in _NOT_THING:
            break
        thing.append(word)
    return (m.group(1), thing) if thing else None


def located(question: str) -> set[str]:
    """The word forms of the one "where is X based?" asks the place of (empty for other
    questions): a place is read only in a sentence naming it."""
    m = _WHERE_BASED.match(question)
    return word_forms(m.group(1)) if m else set()


def possessed_phrase(question: str) -> str:
    """The question's owner and thing as a reader writes them ("google's flagship model" →
    "Google’s flagship model"), or ""."""
    found = _possessive(question)
    if found is None:
        return ""
    owner, thing = found
    return f"{owner.title() if owner.islower() else owner}’s {' '.join(thing)}"


def anothers(sentence: str, owner: frozenset[str], noun: str) -> bool:
    """Whether the sentence writes the noun as another's ("Anthropic’s flagship model" when
    Google's is asked)."""
    return any(
        noun in {singular(w) for w in m.group(2).lower().split()}
        and not word_forms(m.group(1)) & owner
        for m in _OWNED.finditer(sentence)
    )


def names_given(span: Span, given: set[str]) -> bool:
    """Whether one of the names a span joins with "and" is the question's own ("Google and
    Anthropic" asked who Google's rivals are)."""
    return any(word_forms(part) <= given for part in re.split(r"\s+and\s+", span.text))


def asks_several(question: str, asked: Asked) -> bool:
    """Whether the question asks for more than one: "which agencies will examine the deal?",
    "who are Anthropic's investors?"; not "which of these", nor "which sports governing
    body has banned …" (a plural word naming the kind of a singular noun)."""
    if _ONE_OF.search(question):
        return False
    if _WHO_ARE.match(question):
        return True
    noun = re.escape(asked.noun)
    one = re.search(rf"\b{noun}\b(?:\s+[\w-]+){{0,2}}?\s+(?:is|has|was|does)\b", question, re.I)
    return singular(asked.noun) != asked.noun and one is None


def peoples_countries(sentence: str) -> list[Span]:
    """The country each people's adjective names ("Germany" for the "German" of "German
    Chancellor Olaf Scholz"), as a span where the adjective is."""
    found = []
    for m in re.finditer(r"\b[A-Z][a-z]+\b", sentence):
        if is_demonym(m.group(0)) and (country := country_of(m.group(0).lower())):
            found.append(Span(country, m.start(), m.end(), "place", 1, "country"))
    return found


@functools.cache
def country_of(word: str) -> str:
    """The country whose people ``word`` names ("Germany" for "german"), or ""."""
    return next((c.title() for c in countries() if " " not in c and demonym(word, c)), "")


def anothers_thing(
    question: str, quoted: list[str], candidates: list[Candidate], hits: list[Hit]
) -> str:
    """The thing a question asks someone's of ("Google's flagship model") when the sentence
    quoted first (one of ``candidates``) writes it as another's ("Its flagship model,
    Claude", after a sentence on Anthropic), else ""."""
    theirs = possessed(question)
    if theirs is None or not quoted:
        return ""
    first = next((c for c in candidates if c.text == quoted[0]), None)
    if first is None or not anothers(with_referent(first, hits), *theirs):
        return ""
    return possessed_phrase(question)
