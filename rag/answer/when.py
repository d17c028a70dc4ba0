"""The day a news sentence says its event happened, read against its article's publication
date (for timelines: a story published November 18 and updated may say "On November 21, ...").

- Full dates: "November 21, 2023", "Nov. 21st, 2023", "21 November 2023", "2023-11-21".
- Month and day ("on Nov. 21", "21 November"): the latest year putting it at most about two
  months after publication ("December 28" in a story of January 3, 2024 is 2023-12-28).
- Weekdays after on/since/by/until or a lower-case word ("said Tuesday"): the latest such
  day on or before publication, itself included; "last Friday" strictly before, "next
  Friday" strictly after. Not "Black Friday", "Saturday Night Live", "every/this Friday".
- "yesterday"/"last night": the day before; "today", "tonight", "this morning": that day;
  "tomorrow": the day after. "Last week", "in March 2023", "in 2015" are too vague for a
  day: nothing (a month is not dated to its 1st). Months and weekdays must be capitalised
  ("may" is a verb); impossible days (February 30) are skipped.

A date is *forward* (a plan or bound, not an event) when its clause says so before it
("will", "plans to", "expected to", "scheduled", "by", "until", ...), "deadline" follows it,
or it is over two months after publication; a forward weekday counts on or after
publication. ``stated_date`` gives the first event date, else the first forward one.

Example:
    >>> from datetime import date
    >>> stated_date("On November 21, the board fired him.", date(2023, 11, 18))
    datetime.date(2023, 11, 21)
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {name.lower()[:3]: i for i, name in enumerate(calendar.month_name) if name}
_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
_YEAR = r",?\s+(?P<year>(?:19|20)\d{2})\b"
_NOT_AMOUNT = r"(?![.:]\d|\s*%|\s+(?:percent|per cent|million|billion|trillion)\b)"
# in priority order: a span a pattern takes is not read again by a later one
_CALENDAR = tuple(
    re.compile(p)
    for p in (
        r"\b(?P<year>(?:19|20)\d{2})-(?P<month>\d{2})-(?P<day>\d{2})\b",
        rf"\b{_MONTH}\s+{_DAY}{_YEAR}",
        rf"(?<![\d.,])\b{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}",
        rf"\b{_MONTH}\s+{_DAY}{_NOT_AMOUNT}",
        rf"(?<![\d.,])\b{_DAY}\s+(?:of\s+)?{_MONTH}",
    )
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY = re.compile(
    rf"(?:\b(?P<lead>[A-Za-z]+)\s+)?\b(?P<name>{'|'.join(_WEEKDAYS)})\b(?!\s+[A-Z])"
)
_LEAD_TENSE = {"last": False, "past": False, "next": True, "coming": True}
_CAPITAL_LEADS = {"on", "since", "by", "until", *_LEAD_TENSE}
# a weekday after these is recurring, or relative to some other day than publication
_NOT_LEADS = {"every", "each", "a", "an", "any", "one", "this", "that", "the", "most", "some"}
_NOT_LEADS |= {"other", "following", "previous", "same", "per"}
_RELATIVE_DAYS = {"yesterday": -1, "last night": -1, "today": 0, "tonight": 0, "tomorrow": 1}
_RELATIVE_DAYS |= {f"this {part}": 0 for part in ("morning", "afternoon", "evening")}
_RELATIVE_WORDS = "|".join(_RELATIVE_DAYS)
_RELATIVE_OPENING = "|".join(words.capitalize() for words in _RELATIVE_DAYS)
# capitalised only opening a sentence or clause: "USA Today", "the Today show" are names
_RELATIVE = re.compile(
    rf"\b(?P<low>{_RELATIVE_WORDS})\b"
    rf"|(?<!\w)(?<!\w\s)(?P<cap>{_RELATIVE_OPENING})\b(?!\s+[A-Z])"
)
_BOUNDARY = re.compile(r"[,;:()\u2013\u2014]|\s-\s")
_FUTURE = re.compile(
    r"\b(?:will|shall|won't|plans? to|planning to|expect(?:s|ed) (?:to|on|in)|scheduled|"
    r"slated|set to|going to|upcoming)\b|'ll\b",
    re.I,
)
_BOUND = re.compile(r"\b(?:by|until|till|no later than)\s+(?:the\s+end\s+of\s+)?$", re.I)
_DEADLINE = re.compile(r"(?:'s)?\s+deadline\b", re.I)
_AHEAD = timedelta(days=62)


@dataclass(frozen=True)
class DateMention:
    """A day a sentence states: ``sentence[start:end]`` names ``day``; ``forward`` when it is
    a plan or a bound ("will launch on December 5", "by March 1") rather than an event."""

    day: date
    start: int
    end: int
    forward: bool


@dataclass(frozen=True)
class _Span:
    """A date phrase found but not yet dated: ``read(forward)`` gives its day; ``tense`` is
    True/False when the words alone say future/past ("next Friday", "yesterday")."""

    start: int
    end: int
    read: Callable[[bool], date | None]
    tense: bool | None = None
    weekday: bool = False


def stated_date(sentence: str, published: date | None) -> date | None:
    """The day a news sentence says its event happened, read against the article's
    publication date; None when it states none (the caller then uses the publication date).

    Args:
        sentence: One sentence of an article.
        published: The article's publication day; None dates only full dates.

    Returns:
        The first event date in the sentence, else its first forward date, else None.
    """
    mentions = date_mentions(sentence, published)
    events = [m for m in mentions if not m.forward]
    chosen = (events or mentions)[:1]
    return chosen[0].day if chosen else None


def stated_dates(sentence: str, published: date | None) -> list[date]:
    """Every day ``sentence`` states (events and forward dates), in order of appearance."""
    return [m.day for m in date_mentions(sentence, published)]


def date_mentions(sentence: str, published: date | None) -> list[DateMention]:
    """The dates ``sentence`` states, in order, each read against ``published`` (see the
    module's rules); phrases that need ``published`` give nothing without it."""
    spans = _calendar_spans(sentence, published) + _weekday_spans(sentence, published)
    spans = sorted(spans + _relative_spans(sentence, published), key=lambda s: s.start)
    mentions, floor = [], 0
    for i, span in enumerate(spans):
        follower = spans[i + 1] if i + 1 < len(spans) else None
        if span.weekday and follower and not sentence[span.end : follower.start].strip(" ,"):
            continue  # "on Friday, Nov. 17": the written date says which Friday
        forward = span.tense if span.tense is not None else _in_future(sentence, span, floor)
        floor = span.end
        if (day := span.read(forward)) is None:
            continue
        far = published is not None and day > published + _AHEAD
        mentions.append(DateMention(day, span.start, span.end, forward or far))
    return mentions


def _in_future(sentence: str, span: _Span, floor: int) -> bool:
    """Whether the clause before ``span`` (back to a comma-like mark or the previous date)
    states a plan or a bound, or a deadline follows it."""
    before = sentence[floor : span.start]
    clause = before[max((m.end() for m in _BOUNDARY.finditer(before)), default=0) :]
    after = sentence[span.end :]
    return bool(_FUTURE.search(clause) or _BOUND.search(clause) or _DEADLINE.match(after))


def _valid(year: int, month: int, day: int) -> date | None:
    """The day, or None for an impossible one (February 30)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _calendar_day(m: re.Match[str], published: date | None) -> date | None:
    """The day of a calendar match; without a year, the latest year that puts it no more
    than ``_AHEAD`` after ``published``."""
    text, day = m["month"], int(m["day"])
    month = int(text) if text.isdigit() else _MONTHS[text[:3].lower()]
    if "year" in m.re.groupindex:
        return _valid(int(m["year"]), month, day)
    if published is None:
        return None
    for year in (published.year + 1, published.year, published.year - 1):
        found = _valid(year, month, day)
        if found and found <= published + _AHEAD:
            return found
    return None


def _calendar_spans(sentence: str, published: date | None) -> list[_Span]:
    """Written dates; each stretch of text is read by the first pattern that takes it."""
    spans: list[_Span] = []
    taken: list[tuple[int, int]] = []
    for pattern in _CALENDAR:
        for m in pattern.finditer(sentence):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            taken.append(m.span())
            if (day := _calendar_day(m, published)) is not None:
                spans.append(_Span(m.start(), m.end(), lambda _forward, d=day: d))
    return spans


def _weekday_spans(sentence: str, published: date | None) -> list[_Span]:
    """Weekdays that name a day near ``published`` (see ``_dating_lead``)."""
    if published is None:
        return []
    spans = []
    for m in _WEEKDAY.finditer(sentence):
        if not _dating_lead(m["lead"] or ""):
            continue
        tense = _LEAD_TENSE.get(m["lead"].lower())
        weekday = _WEEKDAYS.index(m["name"])
        read = _weekday_reader(weekday, published, strict=tense is not None)
        spans.append(_Span(m.start("name"), m.end("name"), read, tense, weekday=True))
    return spans


def _dating_lead(lead: str) -> bool:
    """Whether a weekday after ``lead`` names a day: not "every Friday" or "Black Friday",
    nor a weekday opening a sentence or clause ("Friday's vote"), kept out to stay safe."""
    if not lead or lead.lower() in _NOT_LEADS:
        return False
    return lead.islower() or lead.lower() in _CAPITAL_LEADS


def _weekday_reader(weekday: int, published: date, *, strict: bool) -> Callable[[bool], date]:
    """Reads a weekday as the nearest such day on or before ``published`` (after, when
    forward); ``strict`` skips ``published`` itself."""

    def read(forward: bool) -> date:
        sign = 1 if forward else -1
        gap = (sign * (weekday - published.weekday())) % 7 or (7 if strict else 0)
        return published + timedelta(days=sign * gap)

    return read


def _relative_spans(sentence: str, published: date | None) -> list[_Span]:
    """ "yesterday", "today", "tomorrow" and the like, as offsets from ``published``."""
    if published is None:
        return []
    spans = []
    for m in _RELATIVE.finditer(sentence):
        offset = _RELATIVE_DAYS[m[0].lower()]
        day = published + timedelta(days=offset)
        tense = None if offset == 0 else offset > 0
        spans.append(_Span(m.start(), m.end(), lambda _forward, d=day: d, tense))
    return spans
