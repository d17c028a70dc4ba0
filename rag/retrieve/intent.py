"""What a question asks for, read without an LLM: its kind (who/when/yes-no), and the time it
talks about ("latest", "last month", "since March", "published on December 1, 2023")."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from rag.retrieve.answer_kind import Asked, read_kind
from rag.retrieve.conversation import carried_context

Kind = Literal["entity", "date", "yesno", "other"]

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = re.compile(rf"\b{_MONTH}\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\.?\s+(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_YEAR = re.compile(r"\b(?:in|during|of)\s+(19\d{2}|20\d{2})\b", re.I)
_SINCE_MONTH = re.compile(rf"\bsince\s+{_MONTH}\b(?!\.?\s+\d)", re.I)
_RELATIVE = re.compile(r"\b(last|past|this)\s+(week|month|year)\b", re.I)
_RECENT = re.compile(r"\b(latest|most recent|newest|recently|current(?:ly)?|lately)\b", re.I)
# lower case (or opening a sentence): "Business Today" and "Saturday Night Live" are names
_DAYS_AGO = re.compile(
    r"(?:\b(today|tonight|this morning|yesterday|last night)|(?:^|(?<=[.?!]\s))"
    r"(Today|Tonight|Yesterday|Last night))\b(?!\s+[A-Z])"
)
_WEEKEND = re.compile(r"\b(?:this|last|past|over the)\s+weekend\b", re.I)
_WEEKDAY = re.compile(
    r"\b(?:[Oo]n|[Ll]ast|[Tt]his|[Ss]ince)\s+(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
    r"Sunday)\b(?!\s+[A-Z])"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_YESNO = re.compile(
    r"^(is|was|are|were|did|does|do|has|have|had|can|could|will|would|"
    r"should)\b",
    re.I,
)
_ENTITY = re.compile(
    r"^(who|whom|whose)\b|\b(which|what)\s+(company|companies|firm|"
    r"organi[sz]ation|startup|individual|person|group|team|platform|"
    r"country|city|brand|product|model|outlet|publication)\b",
    re.I,
)
_MULTI = re.compile(r"\b(both|another|while|whereas|compared|between|and the|as well as)\b", re.I)
_SOURCE_WORD = re.compile(r"\b(article|report|coverage|story|piece|post)s?\b", re.I)
_WHEN = re.compile(r"^(when|what date|what day|what year|on what date|in what year)\b", re.I)


@dataclass(frozen=True)
class Intent:
    """What the question asks. Dates are inclusive int epoch seconds (None = open)."""

    kind: Kind = "other"
    since_ts: int | None = None
    until_ts: int | None = None
    recent: bool = False
    multi_source: bool = False
    asked: Asked = Asked()
    soft_dates: bool = False  # the dates name the event's time, not the articles' (a preference)

    @property
    def answer_kind(self) -> str:
        """The kind of short answer asked for ("person", "place", "money", …; ``Asked``)."""
        return self.asked.kind

    @property
    def hard_dates(self) -> tuple[int | None, int | None]:
        """The range to filter on: none for questions spanning several articles, where a date
        usually describes only one of them."""
        return (None, None) if self.multi_source else (self.since_ts, self.until_ts)


def read_intent(question: str, *, now: datetime | None = None) -> Intent:
    """Kind and time range of ``question``; ``now`` (the moment it is asked as of, default:
    now) anchors "this week", "yesterday", "on Monday", "last weekend" and "last month"."""
    now = now or datetime.now(UTC)
    # "and who…", "so when…": a follow-up's lead-in says nothing about the kind
    q = re.sub(r"^(?:and|but|so|then|also|ok(?:ay)?)[\s,]+", "", question.strip(), flags=re.I)
    kind: Kind = "other"
    if _WHEN.match(q):
        kind = "date"
    elif _ENTITY.search(q):
        kind = "entity"
    elif _YESNO.match(q):
        kind = "yesno"
    since, until = _time_range(q, now)
    soft = since is None and until is None
    if soft:
        since, until = _event_period(q, now)
    multi = bool(_MULTI.search(q)) or len(_SOURCE_WORD.findall(q)) >= 2
    return Intent(
        kind=kind,
        since_ts=since,
        until_ts=until,
        recent=bool(_RECENT.search(q)),
        multi_source=multi,
        asked=read_kind(carried_context(q)[0]),  # what this question asks, not the last one
        soft_dates=soft and (since is not None or until is not None),
    )


def _day(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def _named_date(m: re.Match[str]) -> datetime:
    """The day of a ``_DATE`` match ("October 4, 2023")."""
    return _day(int(m[3]), _MONTHS[m[1].lower()[:3]], int(m[2]))


def stated_days(text: str) -> list[datetime]:
    """The full dates written out in ``text`` ("published on October 4, 2023"), in order;
    impossible ones (February 30) are skipped."""
    days = []
    for m in _DATE.finditer(text):
        try:
            days.append(_named_date(m))
        except ValueError:
            continue
    return days


def _time_range(q: str, now: datetime) -> tuple[int | None, int | None]:
    """A range only when the question states one about publication; dates inside a
    comparison ("published before/after X") bound one side."""
    if m := _DATE.search(q) or _ISO.search(q):
        day = _day(int(m[1]), int(m[2]), int(m[3])) if m.re is _ISO else _named_date(m)
        before = re.search(r"\b(before|prior to|earlier than)\s*$", q[: m.start()], re.I)
        after = re.search(r"\b(after|since|later than|following)\s*$", q[: m.start()], re.I)
        if before:
            return None, _ts(day) - 1
        if after:
            return _ts(day) + (0 if "since" in after[1].lower() else 86400), None
        if re.search(r"\b(publish|report|release|post)(ed)?\s+on\s*$", q[: m.start()], re.I):
            return _ts(day), _ts(day) + 86399
        return None, None
    if m := _SINCE_MONTH.search(q):
        month = _MONTHS[m[1].lower()[:3]]
        year = now.year if month <= now.month else now.year - 1
        return _ts(_day(year, month, 1)), None
    if m := _MONTH_YEAR.search(q):
        month, year = _MONTHS[m[1].lower()[:3]], int(m[2])
        if re.search(r"\b(in|during)\s*$", q[: m.start()], re.I):
            last = calendar.monthrange(year, month)[1]
            return _ts(_day(year, month, 1)), _ts(_day(year, month, last)) + 86399
    return None, None


def _event_period(q: str, now: datetime) -> tuple[int | None, int | None]:
    """The time of the event a question asks about, relative to ``now`` ("this week",
    "yesterday", "on Monday") or a year ("declined in 2022": reported then or later): a
    period whose coverage comes first, not a filter, since news reports an event before and
    after the day it names."""
    if since := _relative_start(q, now):
        return _ts(since), None
    if m := _YEAR.search(q):
        return _ts(_day(int(m[1]), 1, 1)), None
    return None, None


def _relative_start(q: str, now: datetime) -> datetime | None:
    """Where a period the question names relative to ``now`` starts: what happened "this
    week" or "yesterday" was reported from then until now. Periods are generous at their
    start (a week is the last seven days and the day before, so a report from the day before
    the event's week still counts), and have no end but ``now``."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if m := _DAYS_AGO.search(q):
        back = 0 if (m[1] or m[2]).lower() in ("today", "tonight", "this morning") else 1
        return today - timedelta(days=back)
    if m := _WEEKDAY.search(q):  # the latest such day, on or before now
        back = (now.weekday() - _WEEKDAYS.index(m[1].lower())) % 7
        return today - timedelta(days=back)
    if _WEEKEND.search(q):  # the latest Saturday on or before now (a Sunday means yesterday)
        return today - timedelta(days=(now.weekday() - 5) % 7)
    if m := _RELATIVE.search(q):
        which, unit = m[1].lower(), m[2].lower()
        if which == "this":
            return {
                "week": today - timedelta(days=7),
                "month": today.replace(day=1),
                "year": today.replace(month=1, day=1),
            }[unit]
        if which == "past":  # the last seven days, month or year
            return today - timedelta(days={"week": 7, "month": 31, "year": 366}[unit])
        # "last week": the whole previous calendar period, whichever day it is now
        return today - timedelta(days={"week": 14, "month": 62, "year": 731}[unit])
    return None


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())
