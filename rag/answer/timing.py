"""When the sentences an answer may quote were reported, against the moment asked about:
news is superseded, so what is reported closer to that moment counts more, and a question
naming a period ("this week") reads that period's coverage first."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import numpy as np

from rag.answer.amounts import date_spans
from rag.answer.base import AnswerRequest
from rag.answer.candidates import Candidate
from rag.answer.when import date_mentions
from rag.types import Answer

_RECENT_DAYS, _STALE_DAYS = 30, 60  # coverage of the last month; older than two months
_FRESH_DAYS = 14.0  # how fast an article's date stops counting for "what is true now"


def in_period(candidates: list[Candidate], period: tuple[int, int] | None) -> np.ndarray:
    """1 for a sentence of an article published in ``period`` (all 1 when there is none)."""
    if period is None:
        return np.ones(len(candidates))
    since, until = period
    out = np.zeros(len(candidates))
    for i, c in enumerate(candidates):
        if c.hit.published_at:
            ts = datetime.fromisoformat(c.hit.published_at).timestamp()
            out[i] = float(since <= ts <= until)
    return out


def not_stale(age: np.ndarray, rows: list[int]) -> np.ndarray:
    """News is asked about as of a moment: when an article of the last month is among the
    ``rows`` the short answer is read from, 0 for sentences of articles over two months older
    (an earthquake of last June for "how many people died in the earthquake?"), else 1.
    Like sentences from before a period the question names, they count less and answer
    alone only when three agree. ``age``: ``ages`` (undated articles are taken as current)."""
    if not any(age[i] <= _RECENT_DAYS for i in rows):  # (NaN, undated, is never recent)
        return np.ones(len(age))
    return (np.nan_to_num(age, nan=0.0) <= _STALE_DAYS).astype(float)


def older_notice(
    request: AnswerRequest, answer: Answer, candidates: list[Candidate], inside: np.ndarray
) -> str:
    """When the question names a period and no quoted sentence is from it, say so."""
    if request.period is None or not answer.sentences:
        return ""
    quoted = {s.text for s in answer.sentences}
    rows = [i for i, c in enumerate(candidates) if c.text in quoted]
    if any(inside[i] for i in rows):
        return ""
    since, until = (datetime.fromtimestamp(ts, UTC).date().isoformat() for ts in request.period)
    dated = [bool(candidates[i].hit.published_at) for i in rows]
    if not any(dated):  # an article with no date is not known to be older
        period = f"{since} to {until}" if since > "1970-01-01" else f"up to {until}"
        return (
            "The articles quoted have no publication date, so none can be placed in the "
            f"period asked about ({period})."
        )
    span = f"between {since} and {until}" if since > "1970-01-01" else f"up to {until}"
    older = "older" if all(dated) else "older or undated"
    return f"Nothing published {span} answers this; the sentences below are {older}."


def ages(candidates: list[Candidate], as_of: datetime | None) -> np.ndarray:
    """Each candidate's article's age in days at the moment asked about (NaN: undated)."""
    moment = (as_of or datetime.now(UTC)).timestamp()
    out = np.full(len(candidates), np.nan)
    for i, c in enumerate(candidates):
        if c.hit.published_at:
            out[i] = (moment - datetime.fromisoformat(c.hit.published_at).timestamp()) / 86400
    return out


def freshness(age: np.ndarray) -> np.ndarray:
    """1 for an article from the moment asked about, halving every ~10 days before it; 0
    for undated ones. ``age``: ``ages``."""
    return np.nan_to_num(np.exp(-np.maximum(age, 0.0) / _FRESH_DAYS), nan=0.0)


def recency(candidates: list[Candidate]) -> np.ndarray:
    """0 for the oldest dated candidate … 1 for the newest (undated: 0)."""
    dates = sorted({c.hit.published_at for c in candidates if c.hit.published_at})
    rank = {d: i / max(1, len(dates) - 1) for i, d in enumerate(dates)}
    return np.array([rank.get(c.hit.published_at, 0.0) for c in candidates])


_CALENDAR = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|\d{4}-\d{2}")


def with_days(text: str, published: str) -> str:
    """``text`` with the day each relative date in it means written after it, read against
    the article's ``published`` date: "died Saturday" in a story of January 2, 2023 reads
    "died Saturday (December 31, 2022)", so a date is there to answer "when did he die?".
    Not in a sentence that writes a date or a year ("its first playoff berth since 2006,
    clinched Wednesday" asks no reading of "Wednesday" for "when did they last …")."""
    if not published or date_spans(text):
        return text  # a sentence writing a date or a year says which it means
    out, at = [], 0
    for mention in date_mentions(text, date.fromisoformat(published[:10])):
        if _CALENDAR.search(text, mention.start, mention.end):
            continue  # written as a date already
        day = f"{mention.day:%B} {mention.day.day}, {mention.day.year}"
        out += [text[at : mention.end], f" ({day})"]
        at = mention.end
    return "".join(out) + text[at:]
