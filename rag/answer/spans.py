"""Candidate short answers in a sentence, by kind: names (people, organisations, places,
titles), amounts of money, numbers with their unit, dates, and quoted titles.

Each candidate carries the evidence of its kind that the sentence itself gives: a title word
before a name ("chief executive Karen Holt"), a company suffix ("Harbor Capital"), a place in
the gazetteer, a first name, quotation marks around a title. The extractor in ``short`` weighs
them against the kind the question asks for.

Example:
    >>> [(s.text, s.kind) for s in find_spans("CEO Karen Holt said Orbital Cloud Inc. will cut "
    ...  "400 jobs in Texas.", "person")][:1]
    [('Karen Holt', 'person')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.gazetteer import is_first_name, place_type
from rag.answer.name_words import (
    AFFILIATIONS,
    COMMON_CAPS,
    CONNECTORS,
    DESCRIBING_OPENERS,
    EMPLOYED,
    FOR_HEADS,
    NOT_NAME,
    ORG_SUFFIX,
    TITLES,
)

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9][\w'’.&+-]*|[“”\"()$£€¥%,;:]")
# a capitalised word opening a sentence with the ending of a common word, not of a name
_COMMON_OPENER = re.compile(
    r"^[A-Z][a-z]+(?:ing|ings|ed|ly|ers|ies|tion|tions|ment|ments|ness|ity|ous|ive|able|ful)$"
)
_DESCRIBING = re.compile(r"-(?:owned|based|led|backed|born|made|era|style|like|linked|run)$")
_SPEECH = re.compile(
    r"^\s*(?:,\s*)?(?:said|says|told|added|wrote|explained|argued|noted|announced|stated|"
    r"tweeted|posted)\b",
    re.I,
)
_TITLE_AFTER = re.compile(
    r"^\s+(?:as\s+)?(?:its\s+|the\s+|new\s+|interim\s+)*(?:chief executive|chief|ceo|president|"
    r"chair(?:man|woman)?|director|head|coach|manager|captain|secretary|minister)\b"
)
_AGE = re.compile(r"^\s*,\s*\d{1,3}\s*,")
_APPOSITION = re.compile(  # "Sundar Pichai, Google's CEO," / ", the company's founder"
    r"^\s*,\s*(?:the\s+|a\s+|an\s+)?(?:[\w’'.-]+\s+){0,4}?(?:president|ceo|chief|founder|"
    r"co-founder|director|minister|secretary|spokes\w+|head|chair\w*|leader|executive|"
    r"analyst|professor|coach|manager|actor|actress|singer|author|player|star|governor|"
    r"senator|mayor|who)\b",
    re.I,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONEY = re.compile(
    r"(?:\bmulti-?(?:million|billion|trillion)-(?:dollar|pound|euro)\b"  # "multibillion-dollar"
    r"|\b(?:(?:tens|hundreds)\s+of\s+)?(?:thousands|millions|billions)\s+of\s+"
    r"(?:dollars|pounds|euros)\b"  # "tens of thousands of dollars"
    r"|\b(?:millions|billions|trillions)(?:\s+of\s+(?:dollars|pounds|euros))?(?=\s+(?:into|in|on|for|to)\b|[.,;])"
    r"|[$£€¥]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:million|billion|trillion|bn|m|k)\b)?"
    r"|\b\d[\d,]*(?:\.\d+)?\s?(?:million|billion|trillion)?\s?(?:dollars|pounds|euros|yen)\b)",
    re.I,
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
    "ninety|hundred|dozen|dozens|hundreds|thousands"
)
_CLOCK_AFTER = re.compile(r"\s*(?:a\.?m\.?|p\.?m\.?|:\d\d)(?!\w)", re.I)
_AGE_BEFORE = re.compile(
    r"\b(?:aged|ages? of|at (?:the )?age(?: of)?|(?:died|dies|dead|death) at)\s+$", re.I
)
_AGE_AFTER = re.compile(r"-?\s?years?[- ]old\b", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s+(?:about\s+|around\s+|nearly\s+)?[$£€¥]?$", re.I)
_TO_AFTER = re.compile(r"[^.;,]{0,40}?\bto\s+(?:about\s+|around\s+|nearly\s+)?[$£€¥]?\d", re.I)
_VAGUE = {"one", "dozen", "dozens", "hundred", "hundreds", "thousands"}
_NUMBER = re.compile(
    rf"(?<![\w$£€¥.])(?:\d[\d,]*(?:\.\d+)?%?|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?)"
    r"(?:\s?(?:million|billion|trillion|percent|per cent))?(?![\w])",
    re.I,
)
_DATE = re.compile(
    rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b|\b\d{{1,2}}\s+{_MONTH}"
    rf"(?:\s+\d{{4}})?\b|\b{_MONTH}\s+\d{{4}}\b|\b(?:19|20)\d{{2}}\b",
    re.I,
)
_BARE_MONTH = re.compile(  # capitalised, so "may" the verb is not a month
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)
_ACRONYM = re.compile(r"^[A-Z]{3,}$")
_SCORE = re.compile(r"(?<![\w$.-])\d{1,3}[-–]\d{1,3}(?![\w%-])")
_LABEL = re.compile(r"\b([A-Z][\w-]*)\s+$")
# a unit a number measures ("30 seconds", "one hour")
_UNIT = (
    r"\s+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|percent|points?|people|"
    r"times|miles?|feet|meters?|metres?|degrees?|votes?|games?|goals?)\b"
)
# after a number: a tally ("Chiefs 38, Eagles 35"), or a unit it measures ("Clock 30 seconds")
_TALLY = re.compile(rf"\s*(?:,|[-–]\d)|{_UNIT}", re.I)
_MEASURES = re.compile(_UNIT, re.I)
_CODE_BEFORE = re.compile(r"[A-Za-z][-‑]$")  # the "COVID-" of "COVID-19": a code's number
_PAIRED = re.compile(r"[-–]\d+\b(?![.%])")
_PAIRED_BEFORE = re.compile(r"(?<![.%\d])\d+[-–]$")
_RANK_BEFORE = re.compile(r"(?:\bNo\.|#)\s*$")
_MONTH_WORD = re.compile(rf"(?i:{_MONTH})\.?")
_DASH = re.compile(r"\s[–—-]\s|[–—]")
_QUOTED = re.compile(r"[“\"]([A-Z][^”\"]{1,80}?)[”\"]")


def measured_unit(after: str) -> str:
    """The unit a number measures, from the words after it ("minutes" of "six minutes of
    video"), or ""."""
    m = _MEASURES.match(after)
    return m.group(0).strip().lower() if m else ""


@dataclass(frozen=True)
class Span:
    """One candidate answer: its text, where it is in the sentence, the kind it looks like,
    and how sure the sentence makes that (``evidence``: 0 none, 1 some, 2 strong)."""

    text: str
    start: int
    end: int
    kind: str
    evidence: int = 0
    detail: str = ""  # a place's type ("city"…); a number's "age", "before", "side"; "since"


def find_spans(sentence: str, kind: str) -> list[Span]:
    """The candidates in ``sentence`` that could answer a question of ``kind``."""
    if kind == "money":
        return _matches(_MONEY, sentence, "money")
    if kind == "number":
        return _numbers(sentence)
    if kind == "date":
        dates = _matches(_DATE, sentence, "date")
        months = [m for m in _matches(_BARE_MONTH, sentence, "date")
                  if not any(d.start <= m.start < d.end for d in dates)]  # fmt: skip
        return dates + months
    titles = [t for t in _quoted(sentence) if _title_cased(t.text)]
    spans = [  # "Press" of NBC's “Meet That Press” is part of a show's name
        s
        for s in _names(sentence)
        if not any(t.start <= s.start and s.end <= t.end and s.text != t.text for t in titles)
    ]
    if kind == "place":
        spans = spans + _places_inside(spans)
    if kind in ("title", "thing"):  # a film, or a plan "called “Powering up Britain”"
        spans = _quoted(sentence) + spans
    return spans


def persons(text: str) -> list[str]:
    """The persons ``text`` names as such ("Sundar Pichai" of "Sundar Pichai, Google's CEO,
    said …"), in order."""
    return [span.text for span in find_spans(text, "person") if span.kind == "person"]


def _places_inside(spans: list[Span]) -> list[Span]:
    """The place at either end of a longer name ("Los Angeles" in "Los Angeles Unified School
    District", "New Orleans" in "Mardi Gras New Orleans")."""
    out = []
    for span in spans:
        words = span.text.split()
        if span.kind == "place" or len(words) < 2:
            continue
        for n in range(len(words) - 1, 0, -1):
            for piece, at in ((" ".join(words[:n]), 0), (" ".join(words[-n:]), None)):
                if kind := place_type(piece):
                    offset = span.start if at == 0 else span.end - len(piece)
                    out.append(Span(piece, offset, offset + len(piece), "place", 1, kind))
                    break
            else:
                continue
            break
    return out


def _matches(pattern: re.Pattern[str], sentence: str, kind: str) -> list[Span]:
    return [
        Span(m.group(0).strip(), m.start(), m.end(), kind, 1) for m in pattern.finditer(sentence)
    ]


def _numbers(sentence: str) -> list[Span]:
    """Numbers and percentages, not those that are part of a date or an amount of money."""
    taken = [(m.start(), m.end()) for m in _DATE.finditer(sentence)]
    taken += [(m.start(), m.end()) for m in _MONEY.finditer(sentence)]
    out = []
    for m in _NUMBER.finditer(sentence):
        vague = m.group(0).lower() in _VAGUE and not _MEASURES.match(sentence, m.end())
        if any(a <= m.start() < b for a, b in taken) or vague:
            continue  # "one of the …", "dozens of …": rarely the number asked for ("one hour" is)
        if _CODE_BEFORE.search(sentence, 0, m.start()) or _RANK_BEFORE.search(
            sentence, 0, m.start()
        ):
            continue  # "COVID-19", "F-35": part of a name; "the No. 1 in the world": a rank
        paired = _PAIRED.match(sentence, m.end()) or _PAIRED_BEFORE.search(sentence, 0, m.start())
        text = m.group(0).rstrip(",")  # "95," of "dies at 95, the Vatican said"
        end = m.start() + len(text)
        if _CLOCK_AFTER.match(sentence, end):
            continue  # "2 a.m.", "6:30": a time of day
        age = _AGE_BEFORE.search(sentence, 0, m.start()) or _AGE_AFTER.match(sentence, end)
        between = (  # "Tom Brady, 45, said"
            re.search(r"[A-Za-z],\s*$", sentence[: m.start()]) and sentence[end:].startswith(",")
        )
        detail = "age" if age or between else ""  # "died at 95", "Brady, 45,", "a 60-year-old"
        if _FROM_BEFORE.search(sentence, 0, m.start()) and _TO_AFTER.match(sentence, end):
            detail = "before"  # "moved from 100 seconds to 90 seconds": the old value
        if paired and text.isdigit():
            detail = "side"  # "beating Paul 7-5, 6-2", "a 19-0 record": a side of a score
        out.append(Span(text, m.start(), end, "number", 1, detail))
    return out + [Span(m.group(0).strip(), m.start(), m.end(), "money", 1)
                  for m in _MONEY.finditer(sentence)]  # fmt: skip


def scores(sentence: str) -> list[Span]:
    """Final scores ("38-35", "4–1"), for "what was the score?"."""
    return [Span(m.group(0), m.start(), m.end(), "number", 2, "score")
            for m in _SCORE.finditer(sentence)]  # fmt: skip


def label_before(sentence: str, span: Span) -> str:
    """The capitalised word a number labels ("Bowl" of "Super Bowl 57", "Title" of "Title
    42"), or "" (nor for a tally, "Chiefs 38, Eagles 35", or a measure, "the Doomsday Clock
    30 seconds closer")."""
    m = _LABEL.search(sentence, 0, span.start)
    if not m or not span.text[:1].isdigit() or _TALLY.match(sentence, span.end):
        return ""
    return m.group(1) if m.start() > 0 and not _MONTH_WORD.fullmatch(m.group(1)) else ""


def _quoted(sentence: str) -> list[Span]:
    return [Span(m.group(1).strip(" ,."), m.start(1), m.end(1), "title", 2)
            for m in _QUOTED.finditer(sentence) if len(m.group(1).split()) <= 10]  # fmt: skip


def _title_cased(text: str) -> bool:
    """A short quoted name with its words capitalised ("Meet That Press"), not a quoted remark."""
    words = text.split()
    return len(words) <= 6 and sum(w[:1].isupper() for w in words) > 0.6 * len(words)


def is_title(word: str) -> bool:
    """Whether ``word`` is a title or role written before a name ("Leader", "Gov.", "QB")."""
    lowered = word.lower()
    return lowered in TITLES or f"{lowered}." in TITLES or lowered in COMMON_CAPS


def _names(sentence: str) -> list[Span]:
    """Runs of capitalised words ("Karen Holt", "Bank of America", "Bed Bath & Beyond"),
    each typed by what surrounds it."""
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(sentence)]
    spans: list[Span] = []
    # the token a sentence opens on (after its opening quote mark or dateline, if any)
    i = opening = 1 if tokens and tokens[0][0] in '“"' else 0
    while i < len(tokens):
        if not _capital(tokens[i][0], first=i == opening):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and not tokens[j - 1][0].endswith(("’s", "'s", "s’", "s'")):
            word = tokens[j][0]
            if _DASH.search(sentence[tokens[j - 1][2] : tokens[j][1]]):
                break  # "PHOENIX – Chris Rock": a dateline, then a name
            if _capital(word, first=False):
                if _ACRONYM.match(word) and not _ACRONYM.match(tokens[j - 1][0]):
                    break  # "Kevin Durant NBA trade": a name, then another
                j += 1
            elif (
                word.lower() in CONNECTORS
                and j + 1 < len(tokens)
                and _capital(tokens[j + 1][0], first=False)
                and (word.lower() != "and" or _shared_surname(tokens, i, j))
                and (word.lower() != "for" or tokens[j - 1][0].lower() in FOR_HEADS)
            ):
                j += 2
            else:
                break
        if (
            tokens[i][0].lower() in AFFILIATIONS
            and j > i + 1
            and tokens[j - 1][0].lower().strip(".,’'") not in ORG_SUFFIX
            and tokens[i + 1][0].lower().removesuffix("s") not in AFFILIATIONS
        ):
            i += 1  # "Republican Kevin McCarthy": a party, then the name (not "Democratic
            continue  # National Committee")
        if j < len(tokens) and tokens[j][0][:1].isupper() and _DESCRIBING.search(tokens[j][0]):
            i = j + 1  # "Santa Clara-based": the words of a place describing a name
            continue
        describing = tokens[i][0].lower() in DESCRIBING_OPENERS and not place_type(
            re.sub(r"['’]s$", "", sentence[tokens[i][1] : tokens[j - 1][2]])
        )  # "New Jupiter moons found", but "New Zealand"
        if i == opening and (_COMMON_OPENER.search(tokens[i][0]) or describing) and j > i + 1:
            i += 1  # "Producers of David Attenborough": the opener is no part of the name
            if tokens[i][0].lower() in CONNECTORS:
                i += 1
            continue
        if i == opening and j == i + 1 and (_COMMON_OPENER.search(tokens[i][0]) or describing):
            i = j  # "Viewing the comet …": a word opening the sentence, not a name
            continue
        j = _owned_body(tokens, i, j)
        start, end = tokens[i][1], tokens[j - 1][2]
        dateline = _DASH.match(sentence[end:].lstrip(" ,")[:1])
        if i == 0 and sentence[start:end].isupper() and dateline:
            i = opening = j  # "WASHINGTON —": where the story was filed, not a name in it
            continue
        text = sentence[start:end].rstrip(".,’'")
        if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", text) and sentence[start + len(text) :][:1] == ".":
            text += "."  # "U.S.", not "U.S"
        if text.endswith(("’s", "'s")):
            text = text[:-2]
        end = start + len(text)
        spans.append(_typed(sentence, text, start, end, [t[0] for t in tokens[:i][-3:]]))
        i = j
    return [s for s in spans if s.text]


def _owned_body(tokens: list[tuple[str, int, int]], i: int, j: int) -> int:
    """Where an organisation's name (``i`` to ``j``) goes on when it owns the body named after
    it: "the University of Tokyo’s AI Governance Institute" is one organisation, not
    "University of Tokyo" and "Governance Institute" (a person's or a country's body is
    theirs: "Elon Musk's Twitter Inc.", "Nepal’s Civil Aviation Authority")."""
    owner = [re.sub(r"['’]s$", "", t[0]).lower().strip(".,") for t in tokens[i:j]]
    if not tokens[j - 1][0].endswith(("’s", "'s")) or not set(owner) & ORG_SUFFIX:
        return j
    k = j  # the body's capitalised words, "AI" of "AI Governance Institute" among them
    while k < len(tokens) and (
        _capital(tokens[k][0], first=False) or tokens[k][0].lower() in COMMON_CAPS
    ):
        k += 1
    last = tokens[k - 1][0].lower().strip(".,’'") if k > j else ""
    return k if last in ORG_SUFFIX and k - j >= 2 else j


def _shared_surname(tokens: list[tuple[str, int, int]], i: int, j: int) -> bool:
    """Whether "and" at ``j`` joins two words of one name that goes on after them ("Dario
    and Daniela Amodei", "Securities and Exchange Commission"), rather than two names
    ("Schultz and Starbucks"), or ends a long one with its last word ("Centers for Disease
    Control and Prevention", not "Kansas City Chiefs and Philadelphia Eagles")."""
    goes_on = j + 2 < len(tokens) and _capital(tokens[j + 2][0], first=False)
    if j == i + 1:
        return goes_on
    long_name = j - i >= 3 and any(t[0].lower() in CONNECTORS for t in tokens[i:j])
    return long_name and not goes_on


def _capital(word: str, *, first: bool) -> bool:
    """Whether ``word`` can be part of a name: capitalised ("Holt", "McCarthy", "XVI") or a
    short code with a digit ("3M", "QX-9"), not a sentence opener, a title or a common
    abbreviation."""
    lowered = re.sub(r"['’]s$", "", word.lower()).strip(".’'")
    if re.match(r"^[RDI]-[A-Z]", word):
        return False  # "R-Ohio", "D-Calif.": a lawmaker's party and state
    if _DESCRIBING.search(lowered) or re.match(r"^[A-Z]{2,5}-[a-z]+$", word):
        return False  # "Chinese-owned", "Trump-backed", "AI-first": describes a name
    if word[:1].isdigit():
        if not any(c.isalpha() for c in word) or "-year" in lowered or len(word) > 6:
            return False
        if re.fullmatch(r"\d+(?:st|nd|rd|th)", lowered):
            return False  # "the 14th most popular": an ordinal, not a code
    elif not word[:1].isupper():
        return False
    if lowered in TITLES or f"{lowered}." in TITLES:  # "Sen." as well as "senator"
        return False
    return lowered not in NOT_NAME and lowered not in COMMON_CAPS


def _typed(sentence: str, text: str, start: int, end: int, before: list[str]) -> Span:
    """The kind ``text`` looks like here, and how strongly the sentence says so."""
    words = text.split()
    after = sentence[end:]
    lowered = [w.lower() for w in before]
    if kind := place_type(text) or place_type(f"{text}."):  # "U.K" of "the U.K. on …"
        return Span(text, start, end, "place", 2, kind)
    lowered_words = {w.lower() for w in words} | {w.lower().removesuffix("s") for w in words}
    named_body = lowered_words & (ORG_SUFFIX | FOR_HEADS) and lowered_words & {"of", "for"}
    if words[-1].lower().strip(".,") in ORG_SUFFIX or "&" in text or named_body:
        return Span(text, start, end, "organisation", 2)  # ("Institute for Fiscal Studies")
    employed = [w for w in lowered if w != "the"][-2:]  # "a senior analyst at Gartner"
    if len(employed) == 2 and employed[1] in ("at", "with") and employed[0] in EMPLOYED:
        return Span(text, start, end, "organisation", 2)
    titled = bool(lowered) and (lowered[-1] in TITLES or lowered[-1].rstrip("s") in TITLES)
    titled_after = _TITLE_AFTER.match(after)  # "named Priya Raman chief executive"
    personal = titled or titled_after or _SPEECH.match(after) or _AGE.match(after)
    personal = personal or _APPOSITION.match(after)
    if personal and (len(words) >= 2 or is_first_name(words[0])):
        return Span(text, start, end, "person", 2)
    if 2 <= len(words) <= 4 and is_first_name(words[0]) and all(w[:1].isupper() for w in words):
        return Span(text, start, end, "person", 1)
    if text.isupper() and 2 <= len(text) <= 6:  # "NASA", "FDA", "BBC"
        return Span(text, start, end, "organisation", 1)
    if re.match(r"^\s*(?:,\s*)?(?:a|an|the)\s+\w+\s+(?:company|firm|startup|maker|giant)\b",
                after, re.I):  # fmt: skip
        return Span(text, start, end, "organisation", 2)
    return Span(text, start, end, "name", 0)
