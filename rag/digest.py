"""What's new: ``NewsRAG.digest(since="7d")`` groups the period's articles into stories.

What enters: the indexed articles published in the period (undated ones cannot be placed in
it and are counted apart), each one's headline and lead read from the keyword index.
What leaves: a ``Digest`` of ``Story``s, ranked by how many outlets covered each and how
recent it is.

A story is the articles about one event: wire copies and different outlets' coverage of
the same thing. Two articles are about the same event when the embeddings of their headline
and lead are close (``SAME_STORY``) and they were published within ``WINDOW_DAYS`` of each
other; a story is every article linked to it that way. Each story shows the headline and the
cited lead sentence of its most central article, "reported by N outlets", and its articles
with their dates.

Example:
    >>> digest = app.digest(since="7d")
    >>> [(s.headline, s.outlets) for s in digest.stories]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from rag.errors import NewsragError
from rag.ingest.normalize import published_moment
from rag.ingest.sentences import is_page_furniture, sentence_spans
from rag.recent import Recent
from rag.retrieve.filters import as_of_moment, parse_day
from rag.types import AnswerSentence, ArticleInfo, Citation, Digest, Quote, Story

if TYPE_CHECKING:
    from rag.engine import NewsRAG

SAME_STORY = 0.72  # cosine of headline+lead embeddings for two articles on one event
WINDOW_DAYS = 3  # articles on one event are published within this many days of each other
STORIES = 20  # stories at most
LEAD_SENTENCES = 2  # the sentences of a lead compared, with the headline, for grouping

_OUTLET_VOICE = re.compile(r"\b(?:[Ww]e|[Oo]ur|[Uu]s|I|[Mm]y)\b")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_SEEN: Recent[tuple[str, str], np.ndarray] = Recent(20_000)  # ~30 MB of 384-d vectors
_DURATION = re.compile(r"^\s*(\d+)\s*(h|d|w)\s*$", re.I)
_WORDS = {"today": "24h", "day": "24h", "yesterday": "48h", "week": "7d", "this week": "7d"}
_WORDS |= {"month": "30d", "this month": "30d"}
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


@dataclass(frozen=True)
class _Lead:
    """An article with the first sentence of its body (offsets into the body)."""

    info: ArticleInfo
    published: datetime
    text: str
    start: int
    end: int
    chunk_id: str
    context: str = ""  # the lead with the sentence after it


def build_digest(
    app: NewsRAG,
    since: str = "7d",
    *,
    as_of: str | date | datetime | None = None,
    sources: Sequence[str] = (),
    limit: int = STORIES,
) -> Digest:
    """The stories of the period ending ``as_of`` (default now) and starting ``since``.

    Args:
        app: the engine to read from.
        since: a duration back from ``as_of`` ("24h", "7d", "2w") or a date (YYYY-MM-DD).
        as_of: the end of the period (a date means the end of that day).
        sources: only these outlets (case-insensitive).
        limit: at most this many stories.

    Raises:
        NewsragError: ``since`` or ``as_of`` cannot be read, or ``since`` is after ``as_of``.
    """
    end = as_of_moment(as_of) or datetime.now(UTC)
    start = period_start(since, end)
    if start >= end:
        raise NewsragError(
            f"The digest period starts ({start:%Y-%m-%d}) after it ends ({end:%Y-%m-%d}); "
            "give an earlier since or a later as_of."
        )
    wanted = {s.casefold() for s in sources}
    articles = [a for a in app.articles() if not wanted or a.source.casefold() in wanted]
    dated = [(a, published_moment(a.published_at)) for a in articles]
    latest = max((when for _, when in dated if when is not None), default=None)
    moved = ""
    length = _duration_words(since)
    if as_of is None and latest is not None and latest < start and length:
        # nothing that recent: the same length of time up to the newest article instead
        moved = (
            f"Nothing was published in the last {length} (since {start:%Y-%m-%d}); these are "
            f"the {length} up to the newest article, {latest:%Y-%m-%d}."
        )
        start, end = latest - (end - start), latest
    inside = [(a, when) for a, when in dated if when is not None and start <= when <= end]
    if as_of is None and latest is None and length and dated:
        # nothing is dated (files without a date): what the undated articles report
        inside = [(a, end) for a, when in dated if when is None]
        moved = (
            "No indexed article has a publication date, so none can be placed in a period; "
            "these are the stories of the undated articles."
        )
    leads = _leads(app, inside)
    stories = _stories(app, leads, period=(end - start).total_seconds())[:limit]
    undated = sum(1 for _, when in dated if when is None)
    notice = _notice(start, end, leads, latest, undated, filtered=bool(wanted))
    if latest is None and leads:
        notice = ""  # the undated articles are the digest; ``moved`` says so
    return Digest(
        since=start.isoformat(timespec="seconds"),
        until=end.isoformat(timespec="seconds"),
        stories=tuple(stories),
        articles=len(leads),
        undated=undated,
        latest=latest.isoformat(timespec="seconds") if latest else "",
        notice=" ".join(p for p in (moved, notice) if p),
    )


def _notice(
    start: datetime,
    end: datetime,
    leads: list[_Lead],
    latest: datetime | None,
    undated: int,
    *,
    filtered: bool,
) -> str:
    """What to know about an empty period, or about undated articles left out."""
    span = f"between {start:%Y-%m-%d} and {end:%Y-%m-%d}"
    if leads:
        if not undated:
            return ""
        noun = "article has" if undated == 1 else "articles have"
        return f"{undated} indexed {noun} no publication date and cannot be placed in a period."
    if latest is None:
        if filtered:
            return "No indexed article is from those outlets."
        if undated:
            return "No indexed article has a publication date, so none can be placed in a period."
        return "No articles are indexed yet. Run `newsrag ingest corpus/`."
    if latest < start:
        return (
            f"Nothing was published {span}: the newest indexed article is from "
            f"{latest:%Y-%m-%d}. Ask as of that day (as_of={latest:%Y-%m-%d}, "
            f"`--as-of {latest:%Y-%m-%d}`) or poll your feeds (`newsrag watch --once`)."
        )
    return f"Nothing was published {span}."


def reported_by(story: Story) -> str:
    """ "reported by 3 outlets", "reported by Reuters", or "" when no outlet is known."""
    if len(story.outlets) > 1:
        return f"reported by {len(story.outlets)} outlets"
    return f"reported by {story.outlets[0]}" if story.outlets else ""


def digest_lines(digest: Digest) -> list[AnswerSentence]:
    """The digest as answer sentences, one per story: headline, lead, how many outlets
    (an unknown outlet or date is left unsaid)."""
    lines = []
    for story in digest.stories:
        about = ", ".join(p for p in (reported_by(story), story.latest[:10]) if p)
        lines.append(
            AnswerSentence(
                text=f"{story.headline}" + (f" ({about})" if about else "") + f": {story.lead}",
                citations=(story.citation.n,),
            )
        )
    return lines


def period_start(since: str, end: datetime) -> datetime:
    """The start of a period given as a duration back from ``end`` or as a date.

    Raises:
        NewsragError: ``since`` is neither.
    """
    since = _WORDS.get((since or "").strip().lower(), since)
    if match := _DURATION.match(since or ""):
        return end - int(match.group(1)) * _UNITS[match.group(2).lower()]
    try:
        day = parse_day(since, "since")
    except NewsragError:
        raise NewsragError(
            f"Cannot read since={since!r}. Give a duration back from now such as 24h, 7d or "
            "2w (or today, week, month), or a date (YYYY-MM-DD)."
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _duration_words(since: str) -> str:
    """A duration in words ("7d" -> "7 days"); "" for a date."""
    match = _DURATION.match(_WORDS.get((since or "").strip().lower(), since or ""))
    if not match:
        return ""
    n, unit = int(match.group(1)), {"h": "hour", "d": "day", "w": "week"}[match.group(2).lower()]
    return f"{n} {unit}" + ("s" if n != 1 else "")


def _leads(app: NewsRAG, inside: list[tuple[ArticleInfo, datetime]]) -> list[_Lead]:
    """Each article's lead, from its first chunk in the keyword index (the body when the
    index does not hold it): its first sentence that states something (see ``_states``);
    ``context`` adds the next one, for grouping."""
    lexical = app.lexical_index()
    first_rows = {
        chunk_id.rsplit("-", 1)[0]: row
        for chunk_id, row in lexical.rows.items()
        if chunk_id.rsplit(":", 1)[-1].strip("0") == ""
    }
    out: list[_Lead] = []
    for info, when in inside:
        row = first_rows.get(info.article_id)
        if row is not None:
            text, chunk_id = lexical.text(row), lexical.ids[row]
            offset = int(lexical.metadata(row).get("start", 0))
        else:
            text, chunk_id, offset = app.article_text(info.article_id), "", 0
        spans = [s for s in sentence_spans(text) if _states(text[s[0] : s[1]], info.source)]
        spans = spans or [_first_span(text)]
        start, end = spans[0]
        context = " ".join(text[a:b] for a, b in spans[:LEAD_SENTENCES])
        out.append(
            _Lead(info, when, text[start:end], offset + start, offset + end, chunk_id, context)
        )
    return out


def _states(sentence: str, outlet: str) -> bool:
    """A sentence that can lead: six words or more, not a question, and not the outlet
    speaking of itself ("Engadget has been testing tech since 2004", "Our stories may
    include affiliate links")."""
    if len(sentence.split()) < 6 or sentence.rstrip().endswith("?"):
        return False
    if is_page_furniture(sentence):  # "For the latest on X, visit our live updates here."
        return False
    if _OUTLET_VOICE.search(_QUOTED.sub(" ", sentence)):  # first person outside quotes
        return False
    name = outlet.split("|")[0].strip().casefold()
    return not (len(name) >= 4 and name in sentence.casefold())


def _first_span(text: str) -> tuple[int, int]:
    spans = sentence_spans(text)
    return spans[0] if spans else (0, 0)


def _stories(app: NewsRAG, leads: list[_Lead], *, period: float) -> list[Story]:
    """Leads linked into stories and ranked: most outlets, then most recent, then most
    articles."""
    if not leads:
        return []
    vectors = _vectors(app, [f"{lead.info.title}. {lead.context}" for lead in leads])
    groups = _linked(leads, vectors)
    stories = [_story(n, [leads[i] for i in g], vectors[g]) for n, g in enumerate(groups, 1)]
    end = max(lead.published for lead in leads)
    stories.sort(key=lambda s: (_weight(s, end, period), s.latest), reverse=True)
    return [_numbered(story, n) for n, story in enumerate(stories, 1)]


def _weight(story: Story, end: datetime, period: float) -> float:
    """How much a story counts: its outlets (more articles from one outlet count a quarter
    each), halved when it is a whole period older than the newest article."""
    outlets = len({a.source for a in story.articles})  # the unknown outlet counts as one
    extra = len(story.articles) - outlets
    latest = published_moment(story.latest) or end
    age = (end - latest).total_seconds()
    return (outlets + 0.25 * extra) * 0.5 ** (age / period)


def _vectors(app: NewsRAG, texts: list[str]) -> np.ndarray:
    """Embeddings of headline + lead, remembered (the Latest view asks again and again)."""
    found = [_SEEN.get((app.embedder.name, t)) for t in texts]
    missing = [t for t, v in zip(texts, found, strict=True) if v is None]
    if missing:
        made = np.asarray(app.embedder.embed(missing), dtype=np.float32)
        for text, vector in zip(missing, made, strict=True):
            _SEEN.put((app.embedder.name, text), vector)
    return np.stack([_SEEN.get((app.embedder.name, t)) for t in texts])  # type: ignore[misc]


def _linked(leads: list[_Lead], vectors: np.ndarray) -> list[list[int]]:
    """Groups of lead indices: articles linked when similar and close in time (and wire
    copies the index already marked as duplicates), transitively."""
    parent = list(range(len(leads)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    similar = vectors @ vectors.T
    days = np.array([lead.published.timestamp() / 86400 for lead in leads])
    close = np.abs(days[:, None] - days[None, :]) <= WINDOW_DAYS
    index = {lead.info.article_id: i for i, lead in enumerate(leads)}
    pairs = list(zip(*np.nonzero(np.triu((similar >= SAME_STORY) & close, k=1)), strict=True))
    pairs += [
        (i, index[lead.info.duplicate_of])
        for i, lead in enumerate(leads)
        if lead.info.duplicate_of in index
    ]
    for a, b in pairs:
        parent[root(int(a))] = root(int(b))
    groups: dict[int, list[int]] = {}
    for i in range(len(leads)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _story(n: int, members: list[_Lead], vectors: np.ndarray) -> Story:
    """A story from its articles: the most central one gives the headline and lead."""
    centre = int(np.argmax((vectors @ vectors.T).sum(axis=1))) if len(members) > 2 else 0
    if len(members) == 2:  # the earlier report of two
        centre = min(range(2), key=lambda i: members[i].published)
    lead = members[centre]
    ordered = sorted(members, key=lambda m: m.published, reverse=True)
    outlets = tuple(dict.fromkeys(m.info.source for m in ordered if m.info.source))
    return Story(
        headline=lead.info.title,
        lead=re.sub(r"\s+", " ", lead.text).strip(),
        citation=_citation(n, lead),
        outlets=outlets,
        articles=tuple(m.info for m in ordered),
        latest=ordered[0].info.published_at,
        earliest=ordered[-1].info.published_at,
    )


def _numbered(story: Story, n: int) -> Story:
    return replace(story, citation=replace(story.citation, n=n))


def _citation(n: int, lead: _Lead) -> Citation:
    quote = Quote(lead.text, lead.start, lead.end, lead.chunk_id)
    return Citation.quoting(n, lead.info, quote, (quote,))
