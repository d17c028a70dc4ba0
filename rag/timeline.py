"""How a story unfolded: ``NewsRAG.timeline(topic)`` lays out the dated developments of a
topic in order, one cited sentence each.

What enters: a topic ("OpenAI board"), searched like a question; the articles it finds (at
most ``ARTICLES``), their bodies and their stored sentence tables.
What leaves: a ``Timeline`` of ``Development``s, oldest first.

A development is a sentence that reports something happening: an article's lead (dated by
its publication), a sentence stating the day of an event ("On November 21, ..."), or the
first sentence of a paragraph under a date heading (live blogs and "timeline" articles,
updated after they were first published). A sentence is dated by the day it states, else by
its date heading, else by its article's publication. The same development reported by
several outlets (similar sentences within a day of each other) is one entry citing all of
them.

Example:
    >>> tl = app.timeline("OpenAI board")
    >>> [(d.day, d.text, [c.source for c in d.citations]) for d in tl.developments]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

import numpy as np

from rag.answer.when import date_mentions
from rag.index.words import tokenize
from rag.ingest.normalize import published_moment
from rag.ingest.sentences import is_page_furniture, sentence_spans
from rag.retrieve.filters import parse_day
from rag.types import AnswerSentence, Citation, Development, Hit, Quote, Timeline

if TYPE_CHECKING:
    from rag.engine import NewsRAG

ARTICLES = 14  # articles read for a timeline (those the topic's search ranks first)
DEVELOPMENTS = 14  # entries at most
STORY_CORE = 5  # the best candidates whose mean vector stands for the story
SAME_EVENT = 0.78  # sentence similarity at which two outlets report the same development
MIN_WORDS, MAX_WORDS = 7, 70
PER_DAY = 3  # developments of one day at most (the best of them)
RELEVANT = 0.7  # a development scores at least this share of the best one's score
_HEADING_CHARS = 40  # a line this short that is mostly a date heads the paragraphs below it
_EMBED = re.compile(r"\(@\w+\)|pic\.twitter\.com|https?://")  # an embedded post, a link
_FIRST_PERSON = re.compile(r"\s*(?:I|We|My|Our|Us)\b")


@dataclass(frozen=True)
class _Sentence:
    """A candidate development: where it is, its day, how it was dated, its vector."""

    hit: Hit
    start: int
    end: int
    text: str
    day: date
    dated_by: str
    vector: np.ndarray
    score: float = 0.0


@dataclass
class _Group:
    """Sentences reporting one development."""

    members: list[_Sentence] = field(default_factory=list)

    @property
    def best(self) -> _Sentence:
        return max(self.members, key=lambda s: s.score)


def build_timeline(
    app: NewsRAG,
    topic: str,
    *,
    since: str | None = None,
    until: str | None = None,
    as_of: str | date | datetime | None = None,
    sources: Sequence[str] = (),
    limit: int = DEVELOPMENTS,
) -> Timeline:
    """The dated developments of ``topic`` in the indexed articles, oldest first.

    Args:
        app: the engine to read from.
        topic: what the story is about; searched like a question.
        since, until: only developments dated in this range (dates, inclusive), and only
            articles published by ``until``.
        as_of: read the news as of this moment (later articles are not seen).
        sources: only these outlets.
        limit: at most this many developments (the most relevant, then put in date order).

    Raises:
        NewsragError: the topic is empty, nothing is indexed, or a date is invalid.
    """
    hits = app.search(topic, sources=sources, until=until, as_of=as_of, top_k=60)
    first: dict[str, Hit] = {}
    for hit in hits:
        first.setdefault(hit.article_id, hit)
    articles = list(first.values())[:ARTICLES]
    query = app.embedder.embed_queries([topic])[0]
    words = set(tokenize(topic))
    tables = app.sentence_tables.for_hits(articles)
    candidates: list[_Sentence] = []
    for rank, hit in enumerate(articles):
        prior = 1.0 - rank / (2 * len(articles))  # the search's order, gently
        body = app.article_text(hit.article_id)
        table = tables.get(hit.article_id)
        found = _developments(app, hit, body, table)
        for sentence in found:
            relevance = float(sentence.vector @ query)
            overlap = len(words & set(tokenize(sentence.text))) / max(len(words), 1)
            kind = {"stated": 0.1, "heading": 0.08, "lead": 0.05}[sentence.dated_by]
            score = prior * (relevance + 0.2 * overlap + kind)
            candidates.append(_with_score(sentence, score))
    lower, upper = _bounds(since, "since"), _bounds(until, "until")
    candidates = [
        s
        for s in candidates
        if (lower is None or s.day >= lower) and (upper is None or s.day <= upper)
    ]
    candidates = _story_scores(candidates)
    groups = _grouped(sorted(candidates, key=lambda s: -s.score))
    chosen = _chosen(groups, limit)
    return _timeline(topic, chosen, articles=len(articles), since=since, until=until)


def _story_scores(candidates: list[_Sentence]) -> list[_Sentence]:
    """Scores blended with closeness to the story: the mean of the best candidates' vectors
    (a development of the story may not name the topic: "Altman joins Microsoft")."""
    if len(candidates) < 2:
        return candidates
    best = sorted(candidates, key=lambda s: -s.score)[:STORY_CORE]
    centre = np.mean([s.vector for s in best], axis=0)
    centre /= float(np.linalg.norm(centre)) or 1.0
    return [_with_score(s, s.score + float(s.vector @ centre)) for s in candidates]


def _with_score(sentence: _Sentence, score: float) -> _Sentence:
    return _Sentence(**{**sentence.__dict__, "score": score})


def _bounds(value: str | None, name: str) -> date | None:
    return parse_day(value, name) if value else None


def _developments(app: NewsRAG, hit: Hit, body: str, table: object) -> list[_Sentence]:
    """An article's candidate developments: its lead, dated sentences, and the first
    sentence of each paragraph under a date heading (dated by the heading: "his decision
    to join Microsoft on Sunday" under "November 21" happened November 21)."""
    published = _published(hit.published_at)
    if table is not None:
        spans = [(int(a), int(b)) for a, b in table.spans]  # type: ignore[attr-defined]
        vectors = table.vectors  # type: ignore[attr-defined]
    else:
        spans = sentence_spans(body)
        vectors = app.embedder.embed([body[a:b] for a, b in spans]) if spans else None
    headings = _date_headings(body, published)
    out: list[_Sentence] = []
    lead_taken = False
    previous_end = 0
    for row, (start, end) in enumerate(spans):
        text = body[start:end]
        opens_paragraph = "\n" in body[previous_end:start] or row == 0
        previous_end = end
        if not _reportable(text):
            continue
        heading = _heading_before(headings, start)
        events = [m for m in date_mentions(text, published) if not m.forward]
        if heading is not None:  # the editor's dating wins over "since Friday" and the like
            if not opens_paragraph:
                continue
            day, dated_by = heading, "heading"
        elif events:
            day, dated_by = events[0].day, "stated"
        elif not lead_taken and published is not None and heading is None:
            day, dated_by = published, "lead"
        else:
            lead_taken = True
            continue
        lead_taken = True  # only an article's first sentence is its lead
        vector = np.asarray(vectors[row], dtype=np.float32)  # type: ignore[index]
        out.append(_Sentence(hit, start, end, text, day, dated_by, vector))
    return out


def _reportable(text: str) -> bool:
    """A sentence that can stand as a development: long enough, not a question, not page
    furniture or a bare quote."""
    words = len(text.split())
    if not MIN_WORDS <= words <= MAX_WORDS or text.rstrip().endswith("?"):
        return False
    if _EMBED.search(text):
        return False
    if _FIRST_PERSON.match(text):  # a statement quoted, or the writer's aside
        return False
    return not is_page_furniture(text) and not text.lstrip().startswith(("“", '"'))


def _date_headings(body: str, published: date | None) -> list[tuple[int, date]]:
    """Lines that are a date and little else ("November 21", "Tuesday, Nov. 21, 2023"),
    with their offsets: each dates the paragraphs below it, up to the next heading."""
    found: list[tuple[int, date]] = []
    for line in re.finditer(r"[^\n]+", body):
        text = line.group().strip()
        if not text or len(text) > _HEADING_CHARS:
            continue
        mentions = date_mentions(text, published)
        if mentions and (mentions[0].end - mentions[0].start) >= 0.5 * len(text):
            found.append((line.start(), mentions[0].day))
    return found


def _heading_before(headings: list[tuple[int, date]], offset: int) -> date | None:
    day = None
    for start, heading in headings:
        if start >= offset:
            break
        day = heading
    return day


def _published(value: str) -> date | None:
    when = published_moment(value)
    return when.date() if when is not None else None


def _grouped(ranked: list[_Sentence]) -> list[_Group]:
    """Sentences grouped into developments, best first: a sentence joins the first group
    whose best sentence is similar enough and dated within a day of it."""
    groups: list[_Group] = []
    for sentence in ranked:
        for group in groups:
            best = group.members[0]
            if any(m.hit.article_id == sentence.hit.article_id for m in group.members):
                if best.text == sentence.text:
                    break  # the same sentence twice in one article
                continue  # one article's sentences are different developments
            same_day = abs((best.day - sentence.day).days) <= 1
            if same_day and float(best.vector @ sentence.vector) >= SAME_EVENT:
                group.members.append(sentence)
                break
        else:
            groups.append(_Group([sentence]))
    return groups


def _chosen(groups: list[_Group], limit: int) -> list[_Group]:
    """The most relevant developments, at most ``limit``; then in date order (same day: the
    order the articles were published and the sentences stand)."""
    if not groups:
        return []
    top = groups[0].members[0].score
    kept: list[_Group] = []
    per_day: dict[date, int] = {}
    for group in groups:
        day = group.members[0].day
        if group.members[0].score < RELEVANT * top or per_day.get(day, 0) >= PER_DAY:
            continue
        per_day[day] = per_day.get(day, 0) + 1
        kept.append(group)
        if len(kept) == limit:
            break
    return sorted(
        kept, key=lambda g: (g.members[0].day, g.members[0].hit.published_at, g.members[0].start)
    )


def _timeline(
    topic: str, groups: list[_Group], *, articles: int, since: str | None, until: str | None
) -> Timeline:
    """Groups as developments with citations numbered per article, in order of first use."""
    numbers: dict[str, int] = {}
    quotes: dict[str, list[_Sentence]] = {}
    developments: list[Development] = []
    for group in groups:
        lead = group.members[0]
        cited: list[int] = []
        for member in sorted(group.members, key=lambda s: s is not lead):
            aid = member.hit.article_id
            if aid not in numbers:
                numbers[aid] = len(numbers) + 1
            if numbers[aid] not in cited:
                cited.append(numbers[aid])
                quotes.setdefault(aid, []).append(member)
        outlets = tuple(dict.fromkeys(m.hit.source for m in group.members if m.hit.source))
        developments.append(
            Development(
                day=lead.day.isoformat(),
                text=_one_line(lead.text),
                citations=tuple(cited),
                outlets=outlets,
                dated_by=lead.dated_by,
            )
        )
    citations = tuple(_citation(numbers[aid], said) for aid, said in quotes.items())
    notice = ""
    if not developments:
        period = " in that period" if since or until else ""
        notice = (
            f"No dated development about “{topic}” was found{period} in the "
            + (
                "article that mentions it."
                if articles == 1
                else f"{articles} articles that mention it most."
            )
            if articles
            else f"No indexed article is about “{topic}”."
        )
    return Timeline(
        topic=topic,
        developments=tuple(developments),
        citations=tuple(sorted(citations, key=lambda c: c.n)),
        articles_read=articles,
        since=since or "",
        until=until or "",
        notice=notice,
    )


def timeline_lines(timeline: Timeline) -> list[AnswerSentence]:
    """The timeline as answer sentences, one per development, each opening with its day."""
    return [
        AnswerSentence(text=f"{day_words(d.day)}: {d.text}", citations=d.citations)
        for d in timeline.developments
    ]


def day_words(moment: str) -> str:
    """ "November 21, 2023" for an ISO date or timestamp."""
    when = datetime.fromisoformat(moment)
    return f"{when:%B} {when.day}, {when.year}"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _citation(n: int, said: list[_Sentence]) -> Citation:
    hit = said[0].hit
    quotes = [Quote(s.text, s.start, s.end, hit.chunk_id) for s in said]
    return Citation.quoting(n, hit, quotes[0], tuple(sorted(quotes, key=lambda q: q.start)))
