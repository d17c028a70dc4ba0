"""The default answerer: no LLM. It quotes the retrieved sentences that best answer the
question, each followed by ``[n]`` markers pointing at the exact span it came from."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from rag.answer.base import (
    CODED,
    AnswerRequest,
    abstain,
    asked_names,
    is_person_name,
    missing_names,
    word_forms,
)
from rag.answer.candidates import Candidate, best_pool, candidates_of, with_referent
from rag.answer.claims import stating
from rag.answer.coverage import compared, held, in_passage, question_coverage, unreported
from rag.answer.gazetteer import is_first_name
from rag.answer.headlines import first_quoted, headlines
from rag.answer.quoting import quote
from rag.answer.roles import unnamed_role
from rag.answer.short import short_answer
from rag.answer.sources import by_article
from rag.answer.spans import find_spans
from rag.answer.speakers import asks_speaker, said_by
from rag.answer.timing import (
    ages,
    freshness,
    in_period,
    not_stale,
    older_notice,
    recency,
    with_days,
)
from rag.answer.typed import Coverage
from rag.answer.whose import anothers_thing
from rag.config import AnswerSettings, RetrievalSettings
from rag.embed.embedder import Embedder
from rag.index.sentence_table import SentenceTable, TableCache
from rag.retrieve.answer_kind import Asked, lowercase_subject
from rag.retrieve.conversation import answered_before
from rag.types import Answer, Hit

_MISSING_SHARE = 0.5  # abstain when at least half of the names asked about are unseen
_COVERED = 0.5  # a sentence holding this share of the question's words (by rarity) supports it
_MOSTLY_COVERED = 0.6  # ...and this share outweighs names of the question no passage uses
_MEANING, _COVERAGE = 0.5, 0.4  # a sentence's score: its meaning and its share of the words
_IN_PASSAGE = 0.6  # how much of what a sentence's neighbours hold counts for it when quoting
_SHAPED_GAIN = 0.1  # how much a sentence holding a span of the kind asked gains
_PERIOD = 0.1  # how much a sentence from the period the question names gains
_POOL = 6  # the sentences a short answer is read from
_HEADLINE_POOL = 12  # the articles of this many best sentences have their headlines read
_LEDE_GAIN = 0.2  # what a story's opening sentences gain when the news itself is asked for
# "what is the latest on X?", "what's new with X?", "what is happening with X?": the news
_NEWS_ON = re.compile(
    r"^\W*(?:what(?:'s|’s| is| are)?\s+(?:the\s+)?(?:latest|newest|new|happening|going on)|"
    r"what\s+(?:has\s+)?happen(?:ed|s)|any\s+(?:news|updates?))\s+(?:on|with|about|at|for|in|to)\b",
    re.I,
)
_DEFINING_GAIN = 0.3  # what a sentence saying what the asked-about name is gains
_SPACE = r"\s+"
_DEFINE_QUESTION = re.compile(
    r"^\W*(?i:what|who)\s+(?i:is|are|was|were)\s+(?:the\s+)?"
    r"([A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){0,3})\s*\?*\s*$"
)
_ABOUT = re.compile(
    r"^\W*(?:tell\s+me\s+(?:more\s+)?about|what\s+do\s+(?:you|we)\s+know\s+about|"
    r"what['’]s)\s+",
    re.I,
)
_DOES = re.compile(r"^\W*what\s+does\s+(.+?)\s+do\W*$", re.I)  # "what does anthropic do"
_SHAPED = {"person", "organisation", "place", "title", "money", "number", "date"}


class ExtractiveAnswerer:
    """Picks sentences by meaning (embedding cosine) and words shared with the question.

    Args:
        embedder: embeds the question (and sentences that have no stored vector).
        settings: how many sentences to quote, and where sentence vectors come from.
        retrieval: the relevance floor below which it abstains.
        tables: the sentence tables stored at ingest (used with ``sentence_vectors=stored``).
    """

    name = "extractive"

    def __init__(
        self,
        embedder: Embedder,
        settings: AnswerSettings,
        retrieval: RetrievalSettings,
        *,
        tables: TableCache | None = None,
    ) -> None:
        self.embedder = embedder
        self.settings = settings
        self.min_similarity = retrieval.min_dense_similarity
        self.tables = tables if settings.sentence_vectors == "stored" else None

    def stream(self, request: AnswerRequest) -> Iterator[str | Answer]:
        """Yield each quoted sentence with its markers, then the ``Answer``."""
        answer = self.answer(request)
        for sentence in answer.sentences:
            yield f"{sentence.text} {''.join(f'[{n}]' for n in sentence.citations)} "
        if not answer.sentences:
            yield answer.text
        yield answer

    def answer(self, request: AnswerRequest) -> Answer:
        """Compose an answer from the request's hits; abstain when none is relevant enough."""
        question, hits = request.question, list(request.hits)
        candidates = candidates_of(hits, self._tables(hits))
        if not candidates:
            return abstain(request)
        vectors = self._vectors(request.standalone, candidates)  # a follow-up with its subject
        meaning = vectors[1:] @ vectors[0]
        covered = question_coverage(request, candidates)
        coverage = np.array([covered.of([i]) for i in range(len(candidates))])
        prior = np.array([1.0 / (1 + c.rank) for c in candidates])
        score = _MEANING * meaning + _COVERAGE * coverage + 0.10 * prior
        # news is superseded: among relevant sentences, those reported closer to the moment
        # asked about count a little more ("latest": newer ones first)
        age = ages(candidates, request.as_of)
        score = score + 0.2 * freshness(age)
        if request.intent.recent:
            score = score + 0.15 * recency(candidates)
        if _NEWS_ON.match(request.standalone):
            score = score + _LEDE_GAIN * _lede(candidates) * (coverage > 0)  # "latest on X?"
        score = score + _SHAPED_GAIN * _answer_shaped(request, candidates)
        defined = defined_name(request.standalone, candidates)
        score = score + _DEFINING_GAIN * _defining(defined, candidates)
        inside = in_period(candidates, request.period)
        if request.period is not None:
            score = score + _PERIOD * inside  # "this week": that week's sentences first
        # Nothing retrieved is close enough and no sentence holds most of what the question
        # asks about, or most of the names it asks about appear in no passage (on-topic
        # questions about facts no article holds).
        missing = missing_names(request.standalone, hits, outlets=request.outlets)
        asked = asked_names(request.standalone, outlets=request.outlets)
        mostly_missing = bool(missing) and len(missing) >= _MISSING_SHARE * len(asked)
        best = float(coverage.max())
        supported = _best_dense(hits) >= self.min_similarity or best >= _COVERED
        # a name the articles do not use ("the North American Leaders' Summit") is context
        # when one sentence still holds most of what is asked, unless it is a code ("GPT-4"
        # is not in "GPT" and "April 4")
        coded = any(CODED.search(n) for n in missing)
        # nor is a person the articles never name (sentences on "Lisa Altman" do not say
        # who Sam Altman is)
        coded = coded or any(is_person_name(n) for n in missing)
        if not supported or (mostly_missing and (best < _MOSTLY_COVERED or coded)):
            return abstain(request, missing=missing)
        # the short answer is read from the best few sentences, and the one it comes from is
        # quoted first, so the reader sees the sentence that answers before any other
        pool = best_pool(candidates, score, _POOL)
        # the headlines of the articles quoted state their news in a line: they are read for
        # the short answer too, and the article whose headline gives it is quoted first
        heads = headlines(candidates, score, best_pool(candidates, score, _HEADLINE_POOL))
        rows = [(with_referent(candidates[i], hits), float(score[i])) for i in pool]  # whose "Its"
        if request.intent.asked in (Asked("date"), Asked("date", "day")):  # "died Saturday"
            rows = [
                (with_days(t, candidates[i].hit.published_at), w)
                for (t, w), i in zip(rows, pool, strict=True)
            ]
        rows += [(text, weight) for text, weight, _ in heads]
        words = [covered.forms[i] for i in pool]
        words += [held(covered.weights.keys(), word_forms(text)) for text, _, _ in heads]
        intent = request.intent
        a_name = defined and lowercase_subject(request.standalone.lower())  # not a role
        if a_name and intent.asked.kind == "person":  # "Who are the Amodeis?": who they
            intent = replace(intent, asked=Asked("other", "who is"))  # are, not another name
        current = (
            inside
            if request.period is not None
            else not_stale(age, pool + [c for _, _, c in heads])
        )
        short, moment = None, request.as_of or datetime.now(UTC)  # (None: when no article
        gap = unreported(request)  # reports the act asked about: "Who acquired Anthropic?")
        given = answered_before(request.question, request.history)
        if not gap:
            short = short_answer(
                request.standalone,
                intent,
                rows,
                hits,
                search=request.search,
                outlets=request.outlets,
                answered=given,  # "who else?": not the one answered
                likeness=self._likeness,
                coverage=Coverage(covered.weights, words, covered.own),
                current=[bool(current[i]) for i in pool] + [bool(current[c]) for _, _, c in heads],
                year=moment.year,
                today=moment.date(),
            )
        if asks_speaker(request.standalone):  # "who said …?": the one quoted
            short = said_by(candidates, pool, coverage, _COVERED)  # (or no one)
            short = None if short in given else short
        lead = first_quoted(short, candidates, score, pool, heads)
        if lead is None and short:  # a day read from "died Saturday"
            rows_read = zip(rows[: len(pool)], pool, strict=True)
            lead = next((i for (text, _), i in rows_read if short in text), None)
        if short in ("Yes", "True"):  # the sentence stating the claim, quoted first
            at = stating(request.standalone, [text for text, _ in rows[: len(pool)]])
            lead = pool[at] if at is not None else lead
        # the sentences quoted are read in their passage: one that answers without repeating
        # the question's words its neighbours hold is quoted too. (The short answer is read
        # from what each sentence says itself: a name beside the question's words is not the
        # name the question asks for.)
        passage = in_passage(covered, candidates)
        quoting = score + _COVERAGE * _IN_PASSAGE * (passage - coverage)
        answer = quote(
            question,
            hits,
            candidates,
            vectors[1:],
            quoting,
            lead=lead,
            named=request.named,
            sides=compared(request.standalone, covered),
            max_sentences=self.settings.max_sentences,
        )
        notice = older_notice(request, answer, candidates, inside)
        quoted = [s.text for s in answer.sentences]
        if short is None and (role := unnamed_role(request.standalone, quoted)):
            notice = f"No article found says who {role} is; the sentences below name another’s."
        elif short is None and (
            thing := anothers_thing(request.standalone, quoted, candidates, hits)
        ):
            # "what is google's flagship model" over "Its flagship model, Claude" (Anthropic's)
            notice = f"No article found names {thing}; the sentences below are about another’s."
        elif gap and not notice:  # "What is Anthropic's valuation?" over articles without one
            words = " or ".join(f"“{w}”" for w in gap)
            notice = f"No indexed article uses {words} or a word like it; these are the closest."
        elif (unnamed := [n for n in missing if n in asked]) and not notice:
            # "How much did Microsoft invest in OpenAI?" (a name typed in capitals: one typed
            # in lower case may be a form the passages write otherwise, "the amodeis")
            named = " or ".join(f"“{n}”" for n in unnamed)
            notice = f"None of the passages found mentions {named}; these are the closest."
        answer = by_article(replace(answer, short_answer=short, notice=notice))
        if short and not notice and not any(short in candidates[i].text for i in pool):
            # read from a headline ("Kansas City Chiefs beat Philadelphia Eagles …"), while
            # the article's sentences are its preview: where the answer is said
            answer = replace(answer, notice=_headline_notice(short, heads, candidates, answer))
        return answer

    def _likeness(self, phrase: str, names: list[str]) -> np.ndarray:
        """Cosine of each name to the phrase describing the answer ("pharmacy chain"), with
        the questions' model (short texts, remembered like questions)."""
        vectors = self.embedder.embed_queries([phrase, *names])
        return vectors[1:] @ vectors[0]

    def _tables(self, hits: list[Hit]) -> Mapping[str, SentenceTable]:
        return self.tables.for_hits(hits) if self.tables is not None else {}

    def _vectors(self, question: str, candidates: list[Candidate]) -> np.ndarray:
        """The question's vector, then one per candidate (stored, or embedded now)."""
        fresh = [i for i, c in enumerate(candidates) if c.vector is None]
        asked = self.embedder.embed_queries([question])[0]
        rows = np.empty((len(candidates) + 1, len(asked)), dtype=np.float32)
        rows[0] = asked
        for i, c in enumerate(candidates):
            if c.vector is not None:
                rows[i + 1] = c.vector
        if fresh:
            rows[[i + 1 for i in fresh]] = self.embedder.embed([candidates[i].text for i in fresh])
        return rows


def _headline_notice(
    short: str, heads: list[tuple[str, float, int]], candidates: list[Candidate], answer: Answer
) -> str:
    """Which cited article's headline gives the short answer no quoted sentence holds, or
    ""."""
    for title, _, row in heads:
        article = candidates[row].hit.article_id
        cited = [c.n for c in answer.citations if c.article_id == article]
        if short in title and cited:
            return f"The short answer is from the headline of [{cited[0]}]: “{title}”"
    return ""


def _answer_shaped(request: AnswerRequest, candidates: list[Candidate]) -> np.ndarray:
    """1 for a sentence holding a span of the kind asked for that the question does not
    already name (a person for "who", an amount for "how much"), else 0."""
    asked = request.intent.asked
    if asked.kind not in _SHAPED:
        return np.zeros(len(candidates))
    given = word_forms(request.standalone)
    fits = [
        any(
            span.kind == asked.kind and not word_forms(span.text) <= given
            for span in find_spans(c.text, asked.kind)
        )
        for c in candidates
    ]
    return np.array(fits, dtype=float)


def defined_name(question: str, candidates: list[Candidate]) -> str:
    """The name "What is Anthropic?" or "Who is Sarah Krane?" asks about, as a pattern
    ("" for other questions). Typed in lower case ("what is anthropic", "who are the
    amodeis"), it is a name when the sentences found write it only with capitals. "Tell me
    about Anthropic" asks the same."""
    question = _DOES.sub(r"what is \1", _ABOUT.sub("what is ", question))
    if m := _DEFINE_QUESTION.match(question):
        return _with_surname([re.escape(w) for w in m.group(1).split()])
    if not (words := lowercase_subject(question).split()):
        return ""
    forms = [rf"{re.escape(w.removesuffix('s'))}s?" for w in words]  # "amodeis"
    name = rf"(?i:{_with_surname(forms)})"
    found = [m.group(0) for c in candidates for m in re.finditer(rf"\b{name}\b", c.text)]
    written = found and all(w[0].isupper() for f in found for w in f.split())
    return name if written else ""


def _with_surname(words: list[str]) -> str:
    """A name's words (as patterns) as one pattern; a person's full name may be written by
    the surname alone ("Haley, the former governor of South Carolina" for "Who is Nikki
    Haley?")."""
    if len(words) >= 2 and is_first_name(re.sub(r"\W|s\?$", "", words[0])):
        return rf"(?:{_SPACE.join(words[:-1])}\s+)?{words[-1]}"
    return _SPACE.join(words)


def _defining(name: str, candidates: list[Candidate]) -> np.ndarray:
    """For the ``name`` asked about ("What is Anthropic?", "Who is Sarah Krane?"), 1 for a
    sentence that says what or who it is ("Anthropic, the San Francisco–based AI research firm
    …", "Sarah Krane, a senior analyst at Gartner", "Its flagship model, Claude, …", "Claude
    is a …"), else 0."""
    if not name:
        return np.zeros(len(candidates))
    says = re.compile(
        rf"\b{name}(?:['’]s)?\s*(?:,\s*(?:the|a|an|its|which|who)\b|\s+(?:is|was|are|were)\s+"
        rf"(?:a|an|the|one)\b)|,\s+(?:[\w’'-]+\s+){{1,6}}?{name}\s*,|"
        rf"\b[a-z][\w’'-]*\s*,\s+{name}\s*,"  # "Its flagship model, Claude, …"
    )
    return np.array([bool(says.search(c.text)) for c in candidates], dtype=float)


def _lede(candidates: list[Candidate]) -> np.ndarray:
    """1 for the first two sentences of a story (what news writing opens with), else 0."""
    out = np.zeros(len(candidates))
    seen: dict[str, int] = {}  # sentences of each opening chunk so far (candidates in order)
    for i, c in enumerate(candidates):
        if c.hit.position == 0:
            seen[c.hit.chunk_id] = seen.get(c.hit.chunk_id, 0) + 1
            out[i] = float(seen[c.hit.chunk_id] <= 2)
    return out


def _best_dense(hits: list[Hit]) -> float:
    scores = [h.dense_score for h in hits if h.dense_score is not None]
    return max(scores, default=0.0)
