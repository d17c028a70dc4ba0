"""Short answers the evidence settles without an LLM: a span of the kind asked for that the
quoted sentences agree on (``typed``), the date asked for, or yes/no when article dates decide
it. None otherwise, never a guess."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from rag.answer.claims import claim_answer
from rag.answer.described import described_answer, who_answer
from rag.answer.spans import is_title
from rag.answer.typed import Coverage, Likeness, typed_answer
from rag.answer.when import stated_date
from rag.retrieve.answer_kind import Asked
from rag.retrieve.conversation import carried_context, names
from rag.retrieve.intent import Intent
from rag.retrieve.planner import clauses
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
_MANY_CLAUSES = 3
_CLAIM_POOL = 3  # the best sentences a claim may be stated by ("Is Google Cloud profitable?")
_POINTER = re.compile(r"\b(its|it|their|they|them|his|her|he|she|this|that)\b", re.I)
# "this week", "that year": a time, not a pointer back to something unnamed
_TIME_AFTER = re.compile(
    r"\s+(?:past\s+)?(?:week|weekend|month|year|morning|afternoon|evening|season|summer|"
    r"winter|spring|fall|autumn|time|day|decade|century|quarter)",
    re.I,
)
_OPENING = set(
    """what which who whom whose when where why how is was are were do does did has have had
    will would can could and so then a an the about much many long old far""".split()  # noqa: SIM905
)
_FULL_NAMED = ("person", "organisation", "thing")  # kinds answered with a name given in full
# the capitalised words right before a name ("Milwaukee " of "… Milwaukee Bucks")
_PREFIX = re.compile(r"(?<![\w&’'-])(?:[A-Z][\w&-]*[ ]){1,2}$")
_SENTENCE_END = re.compile(r"(?:^|[.!?:;“\"(\n—–-])\s*$")  # what a sentence's first word follows
_VERBS = "said|says|will|would|is|was|has|had|announced|wanted|plans"  # "M&M's said"
_RELATIVE_DAY = re.compile(
    r"\b(today|yesterday|tonight|last night|this (?:week|morning|weekend)|on (?:monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday))\b",
    re.I,
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FUTURE = re.compile(r"\b(?:will|is\s+(?:set|scheduled|expected)\s+to|are\s+set\s+to)\b", re.I)
_MONTH_NAME = (
    r"\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\b"
)
_DAY_OF_MONTH = rf"{_MONTH_NAME} \d{{1,2}}(?:, \d{{4}})?"  # "March 14", "March 14, 2023"
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


def date_answer(
    question: str,
    asked: Asked,
    sentences: Sequence[tuple[str, float]],
    hits: Sequence[Hit],
    *,
    coverage: Coverage | None = None,
    current: Sequence[bool] | None = None,
    year: int | None = None,
    today: date | None = None,
) -> str | None:
    """The date the quoted sentences give near what the question asks ("2017" for "what
    year", "May" for "which month", "Tuesday, March 14" for "which day", its weekday read
    as of ``today``); else, when the best sentence dates its event relative to the article
    ("on Friday", "yesterday", "this week"), the article's publication day."""
    found = typed_answer(
        question,
        Asked("date", asked.noun),
        sentences,
        coverage=coverage,
        current=current,
        year=year,
    )
    if found is not None:
        return _granular(found, asked.noun, today)
    if asked.noun in ("year", "month", "decade", "century") or not sentences or not hits:
        return None
    said = _RELATIVE_DAY.search(sentences[0][0])
    if said and hits[0].published_at:
        day = date.fromisoformat(
            _day_of(said.group(1).lower(), sentences[0][0], hits[0].published_at[:10])
        )
        return _granular(f"{day:%B} {day.day}, {day.year}", asked.noun, today)  # as written
    return None


def _day_of(relative: str, sentence: str, published: str) -> str:
    """The day ``relative`` ("yesterday", "on Thursday") means in an article of ``published``:
    a weekday is the last one on or before it, or the next one after it when the sentence
    speaks of what will happen ("will take place on Thursday")."""
    day = date.fromisoformat(published)
    if relative == "yesterday":
        return (day - timedelta(days=1)).isoformat()
    weekday = next((i for i, name in enumerate(_WEEKDAYS) if name in relative), None)
    if weekday is None:
        return published  # "today", "tonight", "this week"
    if _FUTURE.search(sentence):
        return (day + timedelta(days=(weekday - day.weekday() - 1) % 7 + 1)).isoformat()
    return (day - timedelta(days=(day.weekday() - weekday) % 7)).isoformat()


def _granular(found: str, noun: str, today: date | None = None) -> str | None:
    """``date`` as precise as asked: its year for "what year", its month for "which month",
    its weekday too for "which day" ("Tuesday, March 14", the last March 14 up to a few days
    after ``today``)."""
    if noun == "day" and today and re.fullmatch(_DAY_OF_MONTH, found, re.I):
        day = stated_date(f"It was on {found}.", today)
        return f"{_WEEKDAYS[day.weekday()].capitalize()}, {found}" if day else found
    if noun == "year":
        year = re.search(r"\b(1[89]\d{2}|20\d{2})\b", found)
        return year.group(1) if year else None
    if noun == "month":
        month = re.search(_MONTH_NAME, found, re.I)
        return month.group(0).capitalize() if month else None
    return found


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
    answered: Sequence[str] = (),
    likeness: Likeness | None = None,
    coverage: Coverage | None = None,
    current: Sequence[bool] | None = None,
    year: int | None = None,
    today: date | None = None,
) -> str | None:
    """The short answer of the kind the question asks for, or None when the evidence does
    not settle it: a name, place, title, amount or number from the quoted sentences, a date,
    or yes/no when article dates decide it. ``answered``, ``likeness``, ``coverage`` and
    ``current`` as for ``typed_answer``."""
    kind = intent.asked.kind
    if _unresolved(question):
        return None  # "who is its CEO?" with nothing before it: whose is unknown
    if kind == "date" or intent.kind == "date":
        return date_answer(
            question,
            intent.asked,
            sentences,
            hits,
            coverage=coverage,
            current=current,
            year=year,
            today=today,
        )
    if kind == "yesno" or intent.kind == "yesno":
        ordered = order_answer(question, search) if search is not None else None
        return ordered or claim_answer(question, [text for text, _ in sentences[:_CLAIM_POOL]])
    texts = [text for text, _ in sentences[:_CLAIM_POOL]]
    if intent.asked.noun == "who is":  # "Who is Ben Wu?": how the articles introduce him
        return who_answer(question, texts)
    if kind == "other":  # "How has Sundar Pichai described Google's future?": his words
        return described_answer(question, texts)
    if intent.kind == "entity" and len(clauses(question)) >= _MANY_CLAUSES:
        # a subject described by several facts, often from several articles ("which company,
        # reported by X to …, and by Y to …?"): the name all of the evidence agrees on
        return entity_answer(question, sentences, exclude=outlets)
    if kind in ("person", "organisation", "place", "title", "thing", "money", "number"):
        found = typed_answer(
            question,
            intent.asked,
            sentences,
            exclude=outlets,
            answered=answered,
            likeness=likeness,
            coverage=coverage,
            current=current,
            year=year,
            newest=_newest(hits, year),
        )
        if found is not None and kind in _FULL_NAMED:
            return fullest(found, hits)
        return found
    return None


def fullest(name: str, hits: Sequence[Hit]) -> str:
    """The name as the articles give it in full. A story names a team, company or person in
    full once and shortly after that ("The Milwaukee Bucks …", then "the Bucks"): the one
    longer form that articles using the short one give is the answer ("Milwaukee Bucks" for
    "Bucks"). A brand whose name ends in 's ("M&M's said …") keeps it."""
    texts: dict[str, list[str]] = {}
    for hit in hits:
        texts.setdefault(hit.article_id, []).append(hit.text)
    bare = re.compile(rf"(?<![\w&’'-]){re.escape(name)}(?![\w&’'-])")
    longer: set[str] = set()
    doubtful: set[str] = set()  # a capitalised word opening a sentence before the name
    for chunks in texts.values():
        text = "\n".join(chunks)
        prefixes = [
            _name_prefix(text[max(0, m.start() - 40) : m.start()]) for m in bare.finditer(text)
        ]
        doubtful |= {p for p, sure in prefixes if p and not sure}
        if ("", True) in prefixes:  # the article also uses the short form on its own
            longer |= {p for p, sure in prefixes if p and sure}
    if len(longer) == 1 and doubtful <= longer:  # not "Joe Biden" and "Hunter Biden"
        return f"{longer.pop()} {name}"
    said = re.compile(rf"(?<![\w&-]){re.escape(name)}(['’]s)\s+(?:{_VERBS})\b")
    marks = Counter(m.group(1) for hit in hits for m in said.finditer(hit.text))
    plain = re.compile(rf"(?<![\w&-]){re.escape(name)}\s+(?:{_VERBS})\b")
    if marks and not any(plain.search(hit.text) for hit in hits):
        return name + marks.most_common(1)[0][0]
    return name


def _name_prefix(before: str) -> tuple[str, bool]:
    """The capitalised words right before a name that are part of it ("Milwaukee" of "The
    Milwaukee Bucks", "Sundar" of "CEO Sundar Pichai"; "" when there are none), and whether
    they surely are: a word opening a sentence may be a name ("Joe Biden said") or not
    ("Actress Gwyneth Paltrow", "While Suga"). A title, a code in capitals ("QB") or a day
    is no part of a name."""
    m = _PREFIX.search(before)
    if not m:
        return "", True
    words = m.group(0).split()
    doubt = ""
    for k in range(len(words)):
        name = words[k:]
        opening = m.start() + sum(len(w) + 1 for w in words[:k])
        if any(
            w.isupper()
            or _TITLES.fullmatch(w)
            or is_title(w)
            or w.lower() in _NOT_ENTITIES | _OPENING
            for w in name
        ):
            continue
        if not _SENTENCE_END.search(before[:opening]):
            return " ".join(name), True
        doubt = doubt or " ".join(name)
    return doubt, not doubt


def _unresolved(question: str) -> bool:
    """Whether the question points back at something it never names ("who is its CEO?",
    "what did they say?"). A pointer after a thing the question describes ("which chain said
    it has …") or a time ("this week") is not one."""
    if names(_TITLES.sub(",", question)) or carried_context(question)[1]:
        return False  # (a follow-up carries what it points at in brackets)
    for m in _POINTER.finditer(question):
        if _TIME_AFTER.match(question, m.end()):
            continue
        before = [w for w in _WORD.findall(question[: m.start()].lower()) if w not in _OPENING]
        if len(before) < 2:  # "who founded it?", "which team does he play for?"
            return True
    return False


def _newest(hits: Sequence[Hit], year: int | None) -> int | None:
    """The year of the newest article found, no later than ``year``."""
    years = [int(h.published_at[:4]) for h in hits if h.published_at]
    return min(max(years), year or max(years)) if years else None
