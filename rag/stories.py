"""The digest or a timeline as a chat answer: "What happened this week?" and "How did …
unfold?" (read by ``rag.retrieve.story_request``) are answered with ``NewsRAG.digest`` or
``NewsRAG.timeline``, one line per story or development, each cited.

What enters: the request read from the question, and the ask's filters.
What leaves: an ``Answer`` (``answer_kind`` "digest" or "timeline"); abstained when there is
nothing to list, with the digest's or timeline's notice as its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rag.digest import digest_lines
from rag.retrieve.story_request import StoryRequest
from rag.timeline import day_words, timeline_lines
from rag.types import Answer, AnswerSentence

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
