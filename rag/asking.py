"""Asking the index a question: the question read (the follow-up it continues, its typos, the
period it names), the searches planned and run for it, and the chosen answerer's reply,
streamed with what was searched and how long each part took. ``NewsRAG.ask``, ``stream`` and
``search`` are an ``Asker``'s."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from typing import Literal

from rag.answer.base import Answerer, AnswerRequest, abstain
from rag.answer.gazetteer import known_word
from rag.answer.spans import persons
from rag.config import Settings
from rag.errors import NewsragError
from rag.index.keywords import LexicalIndex
from rag.retrieve.conversation import Message, as_messages, condense
from rag.retrieve.filters import as_of_moment, build_filters, describe, known_sources, with_dates
from rag.retrieve.intent import read_intent
from rag.retrieve.phrasing import (
    ArticleField,
    SmallTalk,
    article_question,
    plain_question,
    small_talk,
)
from rag.retrieve.planner import OutletNames, QueryPlan, plan_query
from rag.retrieve.retriever import Retriever, SearchFilters
from rag.retrieve.spelling import mended, misspelt_names, spelling_notice
from rag.retrieve.story_request import read_story_request
from rag.types import Answer, Hit

StoryAnswer = Callable[..., Answer]  # (story, question, *, sources, since, until, as_of)
TalkAnswer = Callable[[SmallTalk, str, datetime | None], Answer]  # (kind, message, as_of)
# (field, topic, question, the last question before it, as_of)
ArticleAnswer = Callable[[ArticleField, str, str, str, datetime | None], Answer]


class Asker:
    """Answers questions over one engine's index.

    Args:
        settings: the engine's settings (``retrieval.recent_days``).
        retriever: the engine's retriever, built on first use.
        lexical: the keyword index as it is now.
        answerer: the answerer of a name (None: the default).
        stories: answers "What happened this week?" or "How did … unfold?" from the digest or
            the timeline.
        talk: replies to "hi", "thanks" or "what can you do?", which ask for no article.
        about: answers "who wrote this?", "when was the article about X published?".
    """

    def __init__(
        self,
        settings: Settings,
        *,
        retriever: Callable[[], Retriever],
        lexical: Callable[[], LexicalIndex],
        answerer: Callable[[str | None], Answerer],
        stories: StoryAnswer,
        talk: TalkAnswer,
        about: ArticleAnswer,
    ) -> None:
        self.settings = settings
        self._retriever = retriever
        self._lexical = lexical
        self._answerer = answerer
        self._stories = stories
        self._talk = talk
        self._about = about
        self._outlet_names: tuple[str, OutletNames] | None = None

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Message | Mapping[str, object]] = (),
        sources: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        top_k: int | None = None,
        answerer: str | None = None,
        as_of: str | date | datetime | None = None,
    ) -> Iterator[str | Answer]:
        """``NewsRAG.stream``: the answer's text in pieces as it is produced, then the final
        ``Answer`` (with citations) as the last item."""
        t0 = time.perf_counter()
        chosen = self._answerer(answerer)  # an unknown name fails before any work
        moment = as_of_moment(as_of)  # a bad date fails before any work
        typed, messages = question.strip(), as_messages(history)
        if (kind := small_talk(typed)) is not None:  # "hi", "thanks", "what can you do?"
            reply = self._talk(kind, typed, moment)
        elif (about := article_question(typed)) is not None:  # "who wrote this?"
            reply = self._about(*about, typed, _last_quoted(messages), moment)
        else:
            reply = None
        if reply is not None:  # no search: nothing about the news is asked
            yield reply.text
            ms = round((time.perf_counter() - t0) * 1000, 1)
            yield replace(reply, timings_ms={"total": ms})
            return
        # "Hi, can you tell me who Google's CEO is?" asks "who is Google's CEO?"
        question = plain_question(question)
        turns = [
            Message(t.role, plain_question(t.content)) if t.role == "user" else t for t in messages
        ]
        rewrite = getattr(chosen, "condense", None)  # an LLM rewrites follow-ups itself
        if rewrite is None:  # "he" and "she" read as the person last named
            rewrite = partial(condense, people=persons, known=known_word)
        searched = rewrite(question.strip(), turns)
        question, filters, lexical = self._prepare(question, sources, since, until, moment)
        # "Antropic": "Anthropic", when no article uses the word as typed
        searched, fixes = mended(searched, lexical, known=known_word)
        spelled = spelling_notice(tuple(f for f in fixes if f[0] in question))  # typed now
        story = read_story_request(searched)
        told = ""
        if story is not None:  # "What happened this week?", "How did … unfold?"
            answer = self._stories(
                story, question, sources=sources, since=since, until=until, as_of=moment
            )
            if not (answer.abstained and story.kind == "timeline"):
                t1 = time.perf_counter()
                yield answer.text
                notice = " ".join(p for p in (spelled, answer.notice) if p)
                yield replace(
                    answer,
                    question=typed,
                    notice=notice,
                    timings_ms={"total": round((t1 - t0) * 1000, 1)},
                )
                return
            # no dated developments: what the articles say about the topic instead
            told = f"{answer.text} This answers it as a question instead."
        intent = read_intent(searched, now=moment)
        # dates the question states about the articles ("published on October 4, 2023", "in
        # June 2025") filter; the time of the event it asks about ("this week", "yesterday")
        # is searched first, with older coverage after it; the caller's since/until win
        period = None
        if since is None and until is None:
            stated = _period(intent.hard_dates, moment)
            inside = lexical.columns.published_between(*stated) if stated else 0
            if intent.soft_dates and stated is not None and inside < len(lexical):
                period = stated  # (a period holding every article changes nothing)
            elif stated is not None:
                filters = with_dates(filters, *intent.hard_dates)

        def search(text: str) -> list[Hit]:
            return self._retriever().search(
                text, top_k=top_k, filters=filters, plan=self._plan(text, lexical)
            )

        def planned(text: str) -> QueryPlan:
            plan = self._plan(text, lexical)
            plan = plan.with_period(*period) if period is not None else plan
            return self._recent(plan, moment, lexical)

        plan = planned(searched)
        hits = self._retriever().search(searched, top_k=top_k, filters=filters, plan=plan)
        # "who is sara crane": a name no article writes, read as the one written nearly alike
        texts, outlets = [h.text for h in hits], known_sources(lexical)
        if renamed := misspelt_names(searched, texts, outlets=outlets):
            for asked, written in renamed:
                searched = re.sub(rf"\b{re.escape(asked)}\b", written, searched, flags=re.I)
            spelled = spelling_notice(tuple(f for f in fixes if f[0] in question) + renamed)
            intent, plan = read_intent(searched, now=moment), planned(searched)
            hits = self._retriever().search(searched, top_k=top_k, filters=filters, plan=plan)
        t1 = time.perf_counter()
        request = AnswerRequest(
            question=question,
            hits=hits,
            intent=intent,
            scope=describe(filters, lexical),
            search=search,
            outlets=outlets,
            history=tuple(turns),
            searched=searched,
            as_of=moment,
            idf=lexical.idf,
            period=period,
            named=tuple(part.sources for part in plan.parts if part.sources),
        )
        # an article from an outlet the index does not hold cannot be cited, by any answerer
        items = _abstention(request, plan.unindexed) if plan.unindexed else chosen.stream(request)
        for item in items:
            if not isinstance(item, Answer):
                yield item
                continue
            t2 = time.perf_counter()
            timings = {"retrieve": t1 - t0, "answer": t2 - t1, "total": t2 - t0}
            yield replace(
                item,
                question=typed,
                notice=" ".join(p for p in (spelled, told, item.notice) if p),
                searched=searched,
                filters=filters.describe(),
                answerer=chosen.name,
                answer_kind=intent.answer_kind,
                timings_ms={k: round(v * 1000, 1) for k, v in timings.items()},
            )

    def search(
        self,
        question: str,
        *,
        sources: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        top_k: int | None = None,
        mode: Literal["hybrid", "dense", "bm25"] | None = None,
        as_of: str | date | datetime | None = None,
    ) -> list[Hit]:
        """``NewsRAG.search``: the ranked chunks ``ask`` would read."""
        moment = as_of_moment(as_of)
        question = plain_question(question)
        question, filters, lexical = self._prepare(question, sources, since, until, moment)
        plan = self._plan(question, lexical)
        return self._retriever().search(
            question, top_k=top_k, filters=filters, mode=mode, plan=plan
        )

    def _plan(self, question: str, lexical: LexicalIndex) -> QueryPlan:
        """The question's per-outlet parts, against the outlets indexed now."""
        names = self._outlet_names
        if names is None or names[0] != lexical.fingerprint:
            names = (lexical.fingerprint, OutletNames(known_sources(lexical)))
            self._outlet_names = names
        return plan_query(question, names[1])

    def _recent(self, plan: QueryPlan, as_of: datetime | None, lexical: LexicalIndex) -> QueryPlan:
        """``plan`` with a search of its own for the coverage of the last
        ``retrieval.recent_days`` before ``as_of`` (or now), when the index holds any."""
        days = self.settings.retrieval.recent_days
        until = int((as_of or datetime.now(UTC)).timestamp())
        since = until - days * 86400
        if not days or not lexical.columns.published_between(since, until):
            return plan
        return plan.with_recent(since, until)

    def _prepare(
        self,
        question: str,
        sources: Sequence[str],
        since: str | None,
        until: str | None,
        as_of: datetime | None = None,
    ) -> tuple[str, SearchFilters, LexicalIndex]:
        question = question.strip()
        if not question:
            raise NewsragError(
                "The question is empty. Ask something, e.g. "
                '"What is Anthropic getting from Google?"'
            )
        lexical = self._lexical()
        if not len(lexical):
            raise NewsragError("No articles are indexed yet. Run `newsrag ingest corpus/`.")
        filters = build_filters(
            sources=sources, since=since, until=until, lexical=lexical, as_of=as_of
        )
        return question, filters, lexical


def _last_quoted(turns: Sequence[Message]) -> str:
    """What "this" of "who wrote this?" points at: the first sentence the last answer to a
    question about the news quoted (its article is found by it), else that question; ""
    with none before."""
    for i in range(len(turns) - 1, -1, -1):
        asked = turns[i]
        if asked.role != "user" or article_question(asked.content) or small_talk(asked.content):
            continue
        reply = next((t.content for t in turns[i + 1 :] if t.role == "assistant"), "")
        first = reply.split(" [", 1)[0].strip() if "[" in reply else ""
        return first or asked.content
    return ""


def _period(dates: tuple[int | None, int | None], as_of: datetime | None) -> tuple[int, int] | None:
    """A period the question states, as a publication range ending by the moment asked as
    of; none when it states none, or one that starts after that moment ("a park that will
    open in 2024": when it opens, not when it was reported)."""
    since, until = dates
    now = int((as_of or datetime.now(UTC)).timestamp())
    if since is None and until is None or (since is not None and since > now):
        return None
    return (since if since is not None else 0, min(until, now) if until is not None else now)


def _abstention(request: AnswerRequest, unindexed: Sequence[str]) -> Iterator[str | Answer]:
    answer = abstain(request, unindexed=unindexed)
    yield answer.text
    yield answer
