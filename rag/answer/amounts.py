"""Numbers, amounts of money and dates in a sentence, as candidate short answers: a number
with what it counts ("30 seconds"), whether it is an age, the old value of a change or a side
of a score, and the label a number is part of ("Super Bowl 57")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from rag.answer.base import Span, singular, word_forms

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
_TO_DATE_AFTER = re.compile(
    r"[^.;]{0,20}?\b(?:to|until|through)\s+(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)",
    re.I,
)
_VAGUE = {"one", "dozen", "dozens", "hundred", "hundreds", "thousands"}
_NUMBER = re.compile(
    rf"(?<![\w$£€¥.:])(?:\d[\d,]*(?:\.\d+)?%?|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?)"
    r"(?:\s?(?:million|billion|trillion|percent|per cent))?(?![\w]|:\d)",  # not "9:34"
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


def measured_unit(after: str) -> str:
    """The unit a number measures, from the words after it ("minutes" of "six minutes of
    video"), or ""."""
    m = _MEASURES.match(after)
    return m.group(0).strip().lower() if m else ""


def money_spans(sentence: str) -> list[Span]:
    """Amounts of money ("$2 billion", "multibillion-dollar", "billions")."""
    return _matches(_MONEY, sentence, "money")


def date_spans(sentence: str) -> list[Span]:
    """Dates, years and months written with a capital ("May" the month, not the verb)."""
    dates = _matches(_DATE, sentence, "date")
    months = [m for m in _matches(_BARE_MONTH, sentence, "date")
              if not any(d.start <= m.start < d.end for d in dates)]  # fmt: skip
    # "from August 2021 to 2022", "moved from April 15 to April 18": where a period starts,
    # or the day it was before, is not when it is
    return [
        replace(d, detail="before")
        if _FROM_BEFORE.search(sentence, 0, d.start) and _TO_DATE_AFTER.match(sentence, d.end)
        else d
        for d in dates + months
    ]


def _matches(pattern: re.Pattern[str], sentence: str, kind: str) -> list[Span]:
    return [
        Span(m.group(0).strip(), m.start(), m.end(), kind, 1) for m in pattern.finditer(sentence)
    ]


def number_spans(sentence: str) -> list[Span]:
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


_ON_THE_WAY = re.compile(
    r"\s+(?:(?:first|second|third)[- ](?:half|quarter|period)\s+|halftime\s+|half-time\s+)?"
    r"(?:halftime|half-time|deficit|lead|advantage|hole)\b",
    re.I,
)


def scores(sentence: str) -> list[Span]:
    """Final scores ("38-35", "4–1"), for "what was the score?"; not a score on the way ("a
    24-14 halftime deficit", "a 2-0 lead")."""
    return [Span(m.group(0), m.start(), m.end(), "number", 2, "score")
            for m in _SCORE.finditer(sentence)
            if not _ON_THE_WAY.match(sentence, m.end())]  # fmt: skip


def label_before(sentence: str, span: Span) -> str:
    """The capitalised word a number labels ("Bowl" of "Super Bowl 57", "Title" of "Title
    42"), or "" (nor for a tally, "Chiefs 38, Eagles 35", or a measure, "the Doomsday Clock
    30 seconds closer")."""
    m = _LABEL.search(sentence, 0, span.start)
    if not m or not span.text[:1].isdigit() or _TALLY.match(sentence, span.end):
        return ""
    return m.group(1) if m.start() > 0 and not _MONTH_WORD.fullmatch(m.group(1)) else ""


def with_unit(sentence: str, span: Span, unit: str) -> Span:
    """A number in the ``unit`` a question asks for ("600 years" for "how many years") is
    marked as such; the answer stays the number itself."""
    if span.kind != "number" or not unit or label_before(sentence, span):
        return span  # the "2" of "Leopard 2 tanks" names a model
    unit = singular(unit.lower())  # "centuries" -> "century", "years" -> "year"
    stem = unit[:-1] if unit.endswith("y") else unit
    # "14 tanks", or "14 Leopard 2 A6 tanks": the unit after the name of a model
    named = r"(?:\s+[A-Z][\w-]*(?:\s+[A-Z0-9][\w-]*){0,2})?"
    if re.match(rf"{named}\s+{re.escape(stem)}(?:y|ies|s)?\b", sentence[span.end :], re.I):
        return Span(span.text, span.start, span.end, span.kind, 2, span.detail)
    return span


def going_on(question: str, weights: Iterable[str]) -> set[str]:
    """What a question asks has gone on since when, as ``weights`` (the question's word
    forms) writes it: "invest" of "how long has Google been investing in Anthropic", "talk"
    of "… been in talks" (the words in lower case after "been")."""
    after = re.search(r"\bbeen\s+(.+)", question)
    if not after:
        return set()
    lower = " ".join(w for w in re.findall(r"[\w’'-]+", after.group(1)) if w.islower())
    return set(weights) & word_forms(lower)


def since_date(sentence: str, span: Span) -> Span:
    """A date the sentence says something has gone on since, as "since 2023"."""
    before = re.search(r"\b(?:ever\s+)?since\s+$", sentence[: span.start], re.I)
    if span.kind != "date" or not before:
        return span
    start = before.start()
    return Span(sentence[start : span.end], start, span.end, span.kind, span.evidence, "since")
