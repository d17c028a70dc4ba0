"""The digest, a timeline or the people named as a chat answer: "What happened this week?",
"How did … unfold?" and "Who is quoted?" (read by ``rag.retrieve.story_request``) are
answered with ``NewsRAG.digest``, ``NewsRAG.timeline`` or the persons the articles name, one
line per story, development or person, each cited.

What enters: the request read from the question, and the ask's filters.
What leaves: an ``Answer`` (``answer_kind`` "digest", "timeline" or "people"); abstained when
there is nothing to list, with the digest's or timeline's notice as its text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rag.answer.spans import persons
from rag.digest import digest_lines
from rag.ingest.sentences import sentence_spans
from rag.retrieve.story_request import StoryRequest
from rag.timeline import day_words, timeline_lines
from rag.types import Answer, AnswerSentence, Citation, Quote

if TYPE_CHECKING:
    from rag.engine import NewsRAG


def story_answer(
    app: NewsRAG,
    story: StoryRequest,
    question: str,
    *,
    sources: Sequence[str],
    since: str | None,
    until: str | None,
    as_of: datetime | None,
) -> Answer:
    """The digest or timeline ``story`` asks for, as a cited answer (one line per story or
    development, after an opening line)."""
    if story.kind == "digest":
        found = app.digest(since or story.since, as_of=until or as_of, sources=sources)
        lines, citations = digest_lines(found), tuple(s.citation for s in found.stories)
        opening = f"What happened from {day_words(found.since)} to {day_words(found.until)}"
        opening += ", by how many outlets reported it:"
        if not found.latest:  # nothing indexed is dated
            opening = "What the indexed articles report (none of them is dated):"
        period = f"{found.since[:10]} to {found.until[:10]}" if found.latest else "undated"
        notice, searched = found.notice, f"the digest, {period}"
    elif story.kind == "people":
        lines, citations = people_lines(
            app, story.topic, sources=sources, since=since, until=until, as_of=as_of
        )
        where = f"the articles about “{story.topic}”" if story.topic else "the latest articles"
        opening = f"The people {where} name, each where it first says who they are:"
        notice = f"No person is named in {where}." if not lines else ""
        searched = story.topic or "the latest articles"
    else:
        found = app.timeline(story.topic, since=since, until=until, as_of=as_of, sources=sources)
        lines, citations = timeline_lines(found), found.citations
        opening = f"How “{story.topic}” unfolded, in {len(lines)} dated developments:"
        notice, searched = found.notice, story.topic
    sentences = (AnswerSentence(opening), *lines) if lines else ()
    text = "\n".join(
        f"{s.text} {''.join(f'[{n}]' for n in s.citations)}".rstrip() for s in sentences
    )
    return Answer(
        question=question,
        text=text or notice,
        citations=tuple(citations),
        abstained=not lines,
        sentences=sentences,
        searched=searched,
        notice=notice if lines else "",
        answer_kind=story.kind,
    )


_PEOPLE_ARTICLES = 3  # the articles whose persons are listed
# a person's name: capitalised words ("Dario and Daniela Amodei"), not "Trevor Noah-hosted",
# "Facebook-parent Meta" or a photo credit's "Andrew Kelly/Reuters"
_NAME = re.compile(
    r"^[A-Z][\w.’']*(?:-[A-Z][\w.’']*)?(?:\s+(?:and\s+)?[A-Z][\w.’']*(?:-[A-Z][\w.’']*)?)*$"
)
_CREDIT = re.compile(r"^\W*(?:Contributing|Contributors?|Photo|Photos|Credit)\b", re.I)
_PEOPLE = 12  # persons at most


def people_lines(
    app: NewsRAG,
    topic: str,
    *,
    sources: Sequence[str],
    since: str | None,
    until: str | None,
    as_of: datetime | None,
) -> tuple[list[AnswerSentence], tuple[Citation, ...]]:
    """The persons named by the articles about ``topic`` (by the period's leading stories
    when none is given), each with the first sentence that says who they are ("says Sarah
    Krane, a senior analyst at Gartner"), cited."""
    if topic:
        hits = app.search(topic, sources=sources, since=since, until=until, as_of=as_of)
        chosen = list(dict.fromkeys(h.article_id for h in hits))
    else:
        found = app.digest(since or "7d", as_of=until or as_of, sources=sources)
        chosen = [story.citation.article_id for story in found.stories]
    infos = {a.article_id: a for a in app.articles()}
    lexical = app.lexical_index()
    lines: list[AnswerSentence] = []
    citations: list[Citation] = []
    named: set[str] = set()
    picked = [a for a in chosen if a in infos][:_PEOPLE_ARTICLES]
    chunks: dict[str, list[tuple[int, int]]] = {a: [] for a in picked}  # (start, row) each
    for chunk_id, row in lexical.rows.items():  # one pass over the index for all of them
        if (article_id := chunk_id.rsplit("-", 1)[0]) in chunks:
            chunks[article_id].append((int(lexical.metadata(row).get("start", 0)), row))
    for article_id in picked:
        quotes = []
        for offset, row in sorted(chunks[article_id]):
            text = lexical.text(row)
            for start, end in sentence_spans(text):
                sentence = text[start:end]
                if _CREDIT.match(sentence):
                    continue  # "Contributing: Tom Vanden Brook, USA TODAY"
                new = [p for p in persons(sentence) if p.lower() not in named and _NAME.match(p)]
                if not new or len(named) >= _PEOPLE:
                    continue
                named.update(p.lower() for p in new)
                quotes.append(Quote(sentence, offset + start, offset + end, lexical.ids[row]))
                n = len(citations) + 1
                lines.append(AnswerSentence(f"{', '.join(new)}: {sentence}", citations=(n,)))
        if quotes:
            info = infos[article_id]
            citations.append(Citation.quoting(len(citations) + 1, info, quotes[0], tuple(quotes)))
    return lines, tuple(citations)
