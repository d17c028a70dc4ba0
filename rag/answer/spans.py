"""Candidate short answers in a sentence, by kind: names (people, organisations, places,
titles) and quoted titles; amounts of money, numbers and dates are read by
``rag.answer.amounts``.

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

import functools
import re

from rag.answer.amounts import date_spans, money_spans, number_spans
from rag.answer.base import Span
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
    VENUES,
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
_ACRONYM = re.compile(r"^[A-Z]{3,}$")
_MONTHS_SHORT = set(
    ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)
_THRONES = {"pope", "king", "queen", "prince", "princess", "emperor", "empress", "sultan"}
_REGNAL = re.compile(r"^X{0,3}(?:IX|IV|VI{0,3}|I{1,3})$")  # "Benedict XVI", "Charles III"
_CACHED_SENTENCES, _CACHED_WORDS = 8192, 65536  # ~2 MB and ~5 MB at most
_AND = re.compile(r",?\s+and\s+(?:the\s+)?")
_DASH = re.compile(r"\s[–—-]\s|[–—]")
_QUOTED = re.compile(r"[“\"]([A-Z][^”\"]{1,80}?)[”\"]")


def find_spans(sentence: str, kind: str) -> list[Span]:
    """The candidates in ``sentence`` that could answer a question of ``kind``."""
    if kind == "money":
        return money_spans(sentence)
    if kind == "number":
        return number_spans(sentence)
    if kind == "date":
        return date_spans(sentence)
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


def joined(sentence: str, spans: list[Span]) -> list[Span]:
    """Two names the sentence joins with "and" ("the U.S. Federal Trade Commission and the
    European Commission"), as one span: what a question asking for several asks for."""
    names = sorted((s for s in spans if s.kind not in ("number", "money", "date")),
                   key=lambda s: s.start)  # fmt: skip
    return [
        Span(sentence[a.start : b.end], a.start, b.end, a.kind, min(a.evidence, b.evidence))
        for a, b in zip(names, names[1:], strict=False)
        if _AND.fullmatch(sentence[a.end : b.start]) and a.kind == b.kind
    ]


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
    return list(_sentence_names(sentence))


@functools.lru_cache(maxsize=_CACHED_SENTENCES)
def _sentence_names(sentence: str) -> tuple[Span, ...]:
    """``_names``, read once per sentence: a question reads its sentences for several kinds,
    and the next question often reads the same ones."""
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
                if (
                    _ACRONYM.match(word)
                    and not _ACRONYM.match(tokens[j - 1][0])
                    and not _REGNAL.match(word)
                ):
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
        common = _COMMON_OPENER.search(tokens[i][0]) and not is_first_name(tokens[i][0])
        if i == opening and (common or describing) and j > i + 1:
            i += 1  # "Producers of David Attenborough": the opener is no part of the name
            if tokens[i][0].lower() in CONNECTORS:
                i += 1
            continue
        if i == opening and j == i + 1 and (common or describing):
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
        span = _typed(sentence, text, start, end, [t[0] for t in tokens[:i][-3:]])
        spans.append(_royal(sentence, span, tokens[i - 1] if i else None))
        i = j
    return tuple(s for s in spans if s.text)


def _royal(sentence: str, span: Span, before: tuple[str, int, int] | None) -> Span:
    """A person known by one name, titled by a throne ("Pope Benedict XVI", "Prince Harry"),
    with the title: it is how news names them (not "Senator Lee")."""
    words = span.text.split()
    one_name = len(words) == 1 or (len(words) == 2 and _REGNAL.match(words[1]))
    if before is None or before[0].lower() not in _THRONES or not one_name or span.kind != "person":
        return span
    return Span(sentence[before[1] : span.end], before[1], span.end, "person", span.evidence)


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


@functools.lru_cache(maxsize=_CACHED_WORDS)
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
    if word.endswith(".") and lowered in _MONTHS_SHORT:
        return False  # "Feb. 4": a date ("Jan Smith" is a name)
    return lowered not in NOT_NAME and lowered not in COMMON_CAPS


def _typed(sentence: str, text: str, start: int, end: int, before: list[str]) -> Span:
    """The kind ``text`` looks like here, and how strongly the sentence says so."""
    words = text.split()
    after = sentence[end:]
    lowered = [w.lower() for w in before]
    if kind := place_type(text) or place_type(f"{text}."):  # "U.K" of "the U.K. on …"
        return Span(text, start, end, "place", 2, kind)
    if len(words) >= 2 and words[-1].lower() in VENUES and not is_first_name(words[0]):
        return Span(text, start, end, "place", 2, "venue")  # "Apollo Theater", not "Lina Park"
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
