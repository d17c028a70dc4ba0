"""Reading a question for retrieval, without an LLM: which indexed outlets it names ("the NYT",
"The Verge and TechCrunch"), which part of the question is about which outlet, and the day a
part says its article was published. The retriever runs one sub-query per part.

Example:
    >>> outlets = OutletNames(["The Verge", "TechCrunch", "The New York Times"])
    >>> plan = plan_query("Did The Verge report X before the NYT reported Y?", outlets)
    >>> [(p.text, p.sources) for p in plan.parts]
    [('Did The Verge report X', ('The Verge',)), ('before the NYT reported Y?', ...)]
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rag.retrieve.intent import stated_days

_SUFFIX = re.compile(r"\s+[|:]\s+.*$|\s+-\s+.*$")  # "Cnbc | World Business News Leader"
_DOMAIN = re.compile(r"\.(com|org|net|co\.uk|io)$", re.I)
_CAMEL = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])|(?<=[a-z])(?=[A-Z])")
# what may sit between two outlets of one list: "The Verge and TechCrunch", "X, Y, or Z"
_LIST_GAP = re.compile(r"^[\s,]*(?:and|or|&)?[\s,]*(?:the\s+)?$", re.I)
# where a question moves from one outlet's part to the next
_SEPARATOR = re.compile(
    r",?\s+(?:and|while|whereas|but|compared to|versus|vs\.?|or)\s+|;\s+|,\s+", re.I
)
_DAY_S = 86_400
# where a question moves from one thing it asks about to the next ("…, and is accused of …",
# "… as reported by …"): each piece is matched against single sentences when re-scoring
_CLAUSE_BREAK = re.compile(
    r",\s+(?!\d{4}\b)(?:and\s+|while\s+|but\s+|whereas\s+)?"  # not "April 22, 2025"
    r"|\s+(?:and|while|whereas|but)\s+(?=(?:is|was|has|had|did|does|also|the|a|an|which|who|what|"
    r"that|according|as|reported|in)\b)"
    r"|\s+(?=as reported by|according to)",
    re.I,
)
_MIN_CLAUSE_CHARS = 10
_MIN_CLAUSE_GAP = 15  # a break this close to the previous one is not a new clause
# a capitalised name of up to five words ("The Wall Street Journal", "ESPN", "Times of India")
_NAME = r"((?:The\s+)?[A-Z][\w&.'-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&.'-]*){0,4})"
# where a question names the outlet an article came from
_OUTLET_SLOTS = tuple(
    re.compile(p)
    for p in (
        rf"\b(?:article|report|piece|story|coverage|review|editorial|column|op-ed|analysis)s?"
        rf"\s+(?:in|by|from)\s+{_NAME}",
        rf"\b(?:published|posted)\s+(?:in|by)\s+{_NAME}",
        rf"\banother\s+(?:one\s+)?(?:in|by|from)\s+{_NAME}",
        rf"\b(?:reported|discussed|covered|featured|detailed)\s+(?:by|in)\s+{_NAME}",
        rf"\b(?:a|an|the|another|one)\s+{_NAME}\s+(?:article|report|piece|story|review|"
        rf"editorial|column|analysis)",
    )
)
_NOT_OUTLETS = set(calendar.month_name[1:]) | set(calendar.day_name)


def aliases(source: str) -> set[str]:
    """Lower-case names a question may use for an outlet: the full name, the name before a
    " | tagline" or " - section", without a leading "the", without ".com", camel case split
    ("CBSSports.com" -> "cbs sports")."""
    full = source.strip()
    base = _SUFFIX.sub("", full).strip() or full
    names = {full.lower(), base.lower()}
    bare = _DOMAIN.sub("", base)
    names |= {bare.lower(), _CAMEL.sub(" ", bare).lower()}
    names |= {n[4:] for n in names if n.startswith("the ")}
    names |= {n.removesuffix(" news") for n in names}  # "BBC News - Technology" is the BBC's
    return {n for n in names if len(n) >= 3}


def acronym(source: str) -> str | None:
    """Initials of a name of two or more words ("The New York Times" -> "NYT")."""
    base = _SUFFIX.sub("", source).strip()
    words = [w for w in re.findall(r"[A-Za-z]+", base) if w.lower() != "the"]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else None


@dataclass(frozen=True)
class Mention:
    """An outlet named in a question: character span and the indexed outlets it may mean
    ("The Independent" means each of its sections)."""

    start: int
    end: int
    sources: tuple[str, ...]


class OutletNames:
    """The indexed outlets and every name a question may call them by."""

    def __init__(self, sources: Iterable[str]) -> None:
        self.sources = tuple(sorted(set(sources) - {""}))
        by_name: dict[str, set[str]] = {}
        by_acronym: dict[str, set[str]] = {}
        for source in self.sources:
            for name in aliases(source):
                by_name.setdefault(name, set()).add(source)
            initials = acronym(source)
            if initials:
                by_acronym.setdefault(initials, set()).add(source)
        # longest names first, so "the independent - travel" wins over "the independent"
        self._names = sorted(by_name.items(), key=lambda kv: -len(kv[0]))
        self._acronyms = by_acronym
        self._patterns = {n: re.compile(rf"(?<!\w){re.escape(n)}(?!\w)") for n, _ in self._names}

    def find(self, question: str) -> list[Mention]:
        """Outlets named in ``question``, in order, never overlapping. Names match without
        case; acronyms ("NYT") only in capitals, so ordinary words are not read as outlets."""
        lower = question.lower()
        found: list[Mention] = []

        def free(start: int, end: int) -> bool:
            return all(end <= m.start or start >= m.end for m in found)

        for name, sources in self._names:
            for match in self._patterns[name].finditer(lower):
                if free(match.start(), match.end()):
                    found.append(Mention(match.start(), match.end(), tuple(sorted(sources))))
        for initials, sources in self._acronyms.items():
            for match in re.finditer(rf"(?<!\w){initials}(?!\w)", question):
                if free(match.start(), match.end()):
                    found.append(Mention(match.start(), match.end(), tuple(sorted(sources))))
        return sorted(found, key=lambda m: m.start)


@dataclass(frozen=True)
class Part:
    """One sub-query: the words of the question about one outlet's article, that outlet, and
    the publication day the words give (inclusive epoch seconds, padded a day for time zones).
    A part with no outlets searches every outlet the caller allows (the recent-coverage part)."""

    text: str
    sources: tuple[str, ...]
    since_ts: int | None = None
    until_ts: int | None = None


@dataclass(frozen=True)
class QueryPlan:
    """The whole question (always searched) and its per-outlet parts (maybe none)."""

    question: str
    parts: tuple[Part, ...] = ()
    unindexed: tuple[str, ...] = ()  # outlets the question names that no indexed article is from

    @property
    def sources(self) -> tuple[str, ...]:
        """Every outlet the question names."""
        return tuple(sorted({s for p in self.parts for s in p.sources}))

    def with_period(self, since_ts: int, until_ts: int) -> QueryPlan:
        """The plan plus a search of the whole question in the period it names ("this week"),
        searched first: that period's coverage leads, older coverage still follows."""
        period = Part(self.question, (), since_ts, until_ts)
        return replace(self, parts=(period, *self.parts))

    def with_recent(self, since_ts: int, until_ts: int) -> QueryPlan:
        """The plan plus a search of the whole question in what was published between
        ``since_ts`` and ``until_ts``, so recent coverage gets its own evidence."""
        recent = Part(self.question, (), since_ts, until_ts)
        return replace(self, parts=(*self.parts, recent))


def plan_query(question: str, outlets: OutletNames) -> QueryPlan:
    """Split ``question`` into one part per named outlet.

    Outlets named as a list ("according to The Verge and TechCrunch") each get the whole
    question; outlets named in different clauses ("did The Verge say X, while TechCrunch said
    Y") each get their clause, cut at the last separator between the two names.
    """
    mentions = outlets.find(question)
    unindexed = unindexed_outlets(question, mentions)
    if not mentions:
        return QueryPlan(question, unindexed=unindexed)
    groups: list[list[Mention]] = [[mentions[0]]]
    for mention in mentions[1:]:
        if _LIST_GAP.match(question[groups[-1][-1].end : mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    cuts = [0]
    for left, right in zip(groups, groups[1:], strict=False):
        lo, hi = left[-1].end, right[0].start
        separators = list(_SEPARATOR.finditer(question, lo, hi))
        cuts.append(separators[-1].start() if separators else hi)
    cuts.append(len(question))
    parts: list[Part] = []
    for group, start, end in zip(groups, cuts, cuts[1:], strict=False):
        text = question if len(groups) == 1 else question[start:end].strip(" ,;")
        since, until = _day(text)
        for mention in group:
            parts.append(Part(text, mention.sources, since, until))
    return QueryPlan(question, tuple(dict.fromkeys(parts)), unindexed)


def clauses(question: str) -> list[str]:
    """The pieces of ``question`` that each ask about one thing ("Who was accused of X, as
    reported by Y, and fined for Z?" -> three), in order; the whole question when it has one."""
    pieces, last = [], 0
    for match in _CLAUSE_BREAK.finditer(question):
        if match.start() - last > _MIN_CLAUSE_GAP:
            pieces.append(question[last : match.start()])
            last = match.end()
    pieces.append(question[last:])
    found = [p for p in pieces if len(p) > _MIN_CLAUSE_CHARS]
    return found or [question]


def unindexed_outlets(question: str, mentions: list[Mention]) -> tuple[str, ...]:
    """Names the question gives as an article's outlet ("a Bloomberg report", "an article in
    The Wall Street Journal") that match none of the indexed outlets (``mentions``)."""
    out: list[tuple[int, str]] = []
    for slot in _OUTLET_SLOTS:
        for match in slot.finditer(question):
            start, end, name = match.start(1), match.end(1), match.group(1)
            if any(m.start < end and start < m.end for m in mentions):
                continue
            if name.endswith(("'s", "'")) or name.split()[0] in _NOT_OUTLETS:
                continue  # "a report on Google's …": a subject, not an outlet
            out.append((start, name))
    return tuple(dict.fromkeys(name for _, name in sorted(out)))


def _day(text: str) -> tuple[int | None, int | None]:
    """The publication day a part states ("published on October 4, 2023"), padded by a day
    each side; none when it states no single full date."""
    days = stated_days(text)
    if len(days) != 1:
        return None, None
    ts = int(days[0].timestamp())
    return ts - _DAY_S, ts + 2 * _DAY_S - 1
