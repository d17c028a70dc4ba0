"""The default answerer: no LLM. It quotes the retrieved sentences that best answer the
question, each followed by ``[n]`` markers pointing at the exact span it came from."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from rag.answer.base import (
    AnswerRequest,
    abstain,
    asked_names,
    missing_names,
    same_sense,
    singular,
    word_forms,
)
from rag.answer.candidates import Candidate, best_pool, candidates_of
from rag.answer.headlines import first_quoted, headlines
from rag.answer.short import short_answer
from rag.answer.sources import by_article
from rag.answer.spans import find_spans
from rag.answer.typed import Coverage
from rag.config import AnswerSettings, RetrievalSettings
from rag.embed.embedder import Embedder
from rag.index.sentence_table import SentenceTable, TableCache
from rag.index.words import tokenize
from rag.types import Answer, AnswerSentence, Citation, Hit, Quote

_MISSING_SHARE = 0.5  # abstain when at least half of the names asked about are unseen
_SAME_SENTENCE = 0.95  # cosine above which two sentences are the same fact (wire copies)
_COVERED = 0.5  # a sentence holding this share of the question's words (by rarity) supports it
_MOSTLY_COVERED = 0.6  # ...and this share outweighs names of the question no passage uses
_MEANING, _COVERAGE = 0.5, 0.4  # a sentence's score: its meaning and its share of the words
_SHAPED_GAIN = 0.1  # how much a sentence holding a span of the kind asked gains
_PERIOD = 0.1  # how much a sentence from the period the question names gains
_STEM = 5  # word forms this long meet the longer forms they begin ("found", "founder")
_POOL = 6  # the sentences a short answer is read from
_HEADLINE_POOL = 12  # the articles of this many best sentences have their headlines read
_KEEP = 0.75  # quote sentences scoring at least this share of the best one's score
_POINTS_BACK = re.compile(
    r"(?:The|This|That|These|Those)\s+(?:\w+\s+){0,2}?(?:company|firm|giant|group|startup|"
    r"maker|move|deal|agreement|partnership|country|team|club|agency|bank|chain|network|"
    r"star|singer|actor|actress|player|leader|president|minister|executive|official)s?\b|"
    r"(?:It|He|She|They|Its|His|Her|Their)\b"
)
_CAPITALISED = re.compile(r"\b[A-Z][\w&’'-]*")
_DEFINING_GAIN = 0.3  # what a sentence saying what the asked-about name is gains
_DEFINE_QUESTION = re.compile(
    r"^\W*(?i:what|who)\s+(?i:is|are|was|were)\s+(?:the\s+)?"
    r"([A-Z][\w.&’'-]*(?:\s+[A-Z][\w.&’'-]*){0,3}"
    r"|(?<=who is )[a-z][\w’'-]*(?:\s+[a-z][\w’'-]*){1,2})"
    r"\s*\?*\s*$"
)
_NO_WORD = "\x00"  # a token no index holds: its rarity is that of an unseen word
_UNSEEN_SHARE = 0.5  # a word no article uses weighs this share of the rarest one they use
_UNREPORTED = 0.6  # words no article uses holding this share of a question: no short answer
_DESCRIBED = 0.5  # what a word describing a name the question gives weighs
_APPOSITIVE = re.compile(r"[A-Z][\w&’'-]*,\s+(?:the|a|an)\s+([^,?]+?)\s*(?:,|\?|$)")
_SHAPED = {"person", "organisation", "place", "title", "money", "number", "date"}
_FRESH_DAYS = 14.0  # how fast an article's date stops counting for "what is true now"
_QUESTION_WORDS = set(
    """what which who whom whose when where why how is was are were be been being do does did
    has have had will would can could should shall may might must the a an of in on at to
    for from by with about as and or but not this that these those it its there their they
    he she his her them tell me please know any some latest recent recently new news much
    many""".split()  # noqa: SIM905
)


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
        vectors = self._vectors(question, candidates)
        meaning = vectors[1:] @ vectors[0]
        covered = _coverage(request, candidates)
        coverage = np.array([covered.of([i]) for i in range(len(candidates))])
        prior = np.array([1.0 / (1 + c.rank) for c in candidates])
        score = _MEANING * meaning + _COVERAGE * coverage + 0.10 * prior
        # news is superseded: among relevant sentences, those reported closer to the moment
        # asked about count a little more ("latest": newer ones first)
        score = score + 0.2 * _freshness(candidates, request.as_of)
        if request.intent.recent:
            score = score + 0.15 * _recency(candidates)
        score = score + _SHAPED_GAIN * _answer_shaped(request, candidates)
        score = score + _DEFINING_GAIN * _defining(request.standalone, candidates)
        inside = _in_period(candidates, request.period)
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
        # when one sentence still holds most of what is asked
        if not supported or (mostly_missing and best < _MOSTLY_COVERED):
            return abstain(request, missing=missing)
        # the short answer is read from the best few sentences, and the one it comes from is
        # quoted first, so the reader sees the sentence that answers before any other
        pool = best_pool(candidates, score, _POOL)
        # the headlines of the articles quoted state their news in a line: they are read for
        # the short answer too, and the article whose headline gives it is quoted first
        heads = headlines(candidates, score, best_pool(candidates, score, _HEADLINE_POOL))
        rows = [(candidates[i].text, float(score[i])) for i in pool]
        rows += [(text, weight) for text, weight, _ in heads]
        words = [covered.forms[i] for i in pool]
        words += [_held(covered.weights.keys(), word_forms(text)) for text, _, _ in heads]
        short = (
            None
            if _unreported(request)
            else short_answer(
                request.standalone,
                request.intent,
                rows,
                hits,
                search=request.search,
                outlets=request.outlets,
                likeness=self._likeness,
                coverage=Coverage(covered.weights, words),
                current=[bool(inside[i]) for i in pool] + [bool(inside[c]) for _, _, c in heads],
            )
        )
        lead = first_quoted(short, candidates, score, pool, heads)
        answer = self._compose(question, hits, candidates, vectors[1:], score, lead=lead)
        notice = _older_notice(request, answer, candidates, inside)
        return by_article(replace(answer, short_answer=short, notice=notice))

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

    def _compose(
        self,
        question: str,
        hits: list[Hit],
        candidates: list[Candidate],
        vectors: np.ndarray,
        score: np.ndarray,
        *,
        lead: int | None = None,
    ) -> Answer:
        """The answer quoting the best sentences (``lead`` first when given), the same
        sentence from several outlets merged into one with all their citations."""
        groups: list[list[int]] = []  # each group: one fact, the indices quoting it
        floor = max(0.0, _KEEP * float(score.max()))  # only sentences that address the question
        order = np.argsort(-score, kind="stable")
        if lead is not None:
            order = np.array([lead, *(i for i in order if i != lead)])
        for i in order:
            if score[i] <= floor and i != lead:
                break
            for group in groups:
                first = group[0]
                # the same sentence up to case and punctuation: a wire copy quoted twice
                same_words = candidates[first].words == candidates[i].words
                if same_words or float(vectors[first] @ vectors[i]) >= _SAME_SENTENCE:
                    if candidates[i].hit.article_id not in {
                        candidates[j].hit.article_id for j in group
                    }:
                        group.append(int(i))
                    break
            else:
                if len(groups) < self.settings.max_sentences:
                    groups.append([int(i)])
        citations: list[Citation] = []
        sentences: list[AnswerSentence] = []
        for group in groups:
            numbers = []
            for i in group:
                citations.append(_citation(len(citations) + 1, candidates[i]))
                numbers.append(len(citations))
            # a quoted sentence is verbatim from every chunk it cites: supported by construction
            text = candidates[group[0]].text
            sentences.append(AnswerSentence(text, tuple(numbers), verified=True, support=1.0))
        return Answer(
            question=question,
            text=" ".join(f"{s.text} {''.join(f'[{n}]' for n in s.citations)}" for s in sentences),
            citations=tuple(citations),
            hits=tuple(hits),
            sentences=tuple(sentences),
        )


def _citation(n: int, c: Candidate) -> Citation:
    return Citation.quoting(n, c.hit, Quote(c.text, c.start, c.end, c.hit.chunk_id))


def _in_period(candidates: list[Candidate], period: tuple[int, int] | None) -> np.ndarray:
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


def _older_notice(
    request: AnswerRequest, answer: Answer, candidates: list[Candidate], inside: np.ndarray
) -> str:
    """When the question names a period and no quoted sentence is from it, say so."""
    if request.period is None or not answer.sentences:
        return ""
    quoted = {s.text for s in answer.sentences}
    if any(inside[i] for i, c in enumerate(candidates) if c.text in quoted):
        return ""
    since, until = (datetime.fromtimestamp(ts, UTC).date().isoformat() for ts in request.period)
    span = f"between {since} and {until}" if since > "1970-01-01" else f"up to {until}"
    return f"Nothing published {span} answers this; the sentences below are older."


def _freshness(candidates: list[Candidate], as_of: datetime | None) -> np.ndarray:
    """1 for an article from the moment asked about, halving every ~10 days before it; 0
    for undated ones."""
    moment = (as_of or datetime.now(UTC)).timestamp()
    out = np.zeros(len(candidates))
    for i, c in enumerate(candidates):
        if c.hit.published_at:
            published = datetime.fromisoformat(c.hit.published_at).timestamp()
            age_days = max(0.0, (moment - published) / 86400)
            out[i] = np.exp(-age_days / _FRESH_DAYS)
    return out


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


def _defining(question: str, candidates: list[Candidate]) -> np.ndarray:
    """For "What is Anthropic?" or "Who is Sarah Krane?", 1 for a sentence that says what or
    who the name is ("Anthropic, the San Francisco–based AI research firm …", "Sarah Krane, a
    senior analyst at Gartner", "Its flagship model, Claude, …", "Claude is a …"), else 0."""
    m = _DEFINE_QUESTION.match(question)
    if not m:
        return np.zeros(len(candidates))
    name = re.escape(m.group(1).strip())
    lower = m.group(1).islower()  # "who is humza yousaf": the name as the articles write it
    says = re.compile(
        rf"\b{name}(?:['’]s)?\s*(?:,\s*(?:the|a|an|its|which|who)\b|\s+(?:is|was|are|were)\s+"
        rf"(?:a|an|the|one)\b)|,\s+(?:[\w’'-]+\s+){{1,6}}?{name}\s*,",
        re.I if lower else 0,
    )
    return np.array([bool(says.search(c.text)) for c in candidates], dtype=float)


def _recency(candidates: list[Candidate]) -> np.ndarray:
    """0 for the oldest dated candidate … 1 for the newest (undated: 0)."""
    dates = sorted({c.hit.published_at for c in candidates if c.hit.published_at})
    rank = {d: i / max(1, len(dates) - 1) for i, d in enumerate(dates)}
    return np.array([rank.get(c.hit.published_at, 0.0) for c in candidates])


@functools.cache
def _question_forms() -> frozenset[str]:
    """The question words as the index writes them ("does" -> "doe"), and as written."""
    return frozenset(_QUESTION_WORDS) | frozenset(tokenize(" ".join(sorted(_QUESTION_WORDS))))


def _coverage(request: AnswerRequest, candidates: list[Candidate]) -> Coverage:
    """Which of the question's content words each sentence holds, each word weighted by how
    rare it is in the index (a sentence naming "Claude" covers "What is Claude?"); plural and
    singular forms meet ("TPUs", "TPU")."""
    skip = _question_forms()
    tokens = [t for t in tokenize(request.standalone) if t not in skip]
    rarity = request.idf(tokens) if request.idf is not None else np.ones(len(tokens))
    if request.idf is not None and len(rarity):
        rarity = _unseen_capped(rarity, float(request.idf([_NO_WORD])[0]))
    described = _described(request.standalone, skip)
    weights: dict[str, float] = {}
    for token, weight in zip(tokens, rarity, strict=True):
        form = singular(token)
        if token in described:  # "Anthropic, the company behind Claude": who it is, not
            weight = _DESCRIBED * weight  # what is asked
        weights[form] = max(weights.get(form, 0.0), float(weight))
    total = sum(weights.values()) or 1.0
    share = {form: weight / total for form, weight in weights.items()}
    forms = [_held(share.keys(), {singular(w) for w in c.words}) for c in candidates]
    # "Google is Anthropic's investor. The tech giant has poured billions into the company":
    # a sentence opening on a pointer back holds the names of the sentence before it
    for i in range(1, len(candidates)):
        before, c = candidates[i - 1], candidates[i]
        if before.hit.chunk_id == c.hit.chunk_id and _POINTS_BACK.match(c.text):
            named = word_forms(" ".join(_CAPITALISED.findall(before.text)))
            forms[i] = forms[i] | _held(share.keys(), named)
    return Coverage(share, forms)


def _described(question: str, skip: frozenset[str]) -> set[str]:
    """The words of the question that describe a name it gives ("the company behind
    Claude" in "Who founded Anthropic, the company behind Claude?")."""
    out: set[str] = set()
    for m in _APPOSITIVE.finditer(question):
        out |= set(tokenize(m.group(1))) - skip
    return out


def _unreported(request: AnswerRequest) -> bool:
    """Whether the question turns on a word no article uses, in any form or sense ("Who
    acquired Anthropic?" over articles that never say acquired, bought or purchased): when
    such words hold most of what the question asks (by rarity), the act asked about is not
    reported, so no name answers it."""
    if request.idf is None:
        return False
    skip = _question_forms()
    tokens = [t for t in tokenize(request.standalone) if t not in skip and t.isalpha()]
    if not tokens:
        return False
    unseen = float(request.idf([_NO_WORD])[0])
    rarity = request.idf(tokens)
    missing = 0.0
    for token, weight in zip(tokens, rarity, strict=True):
        if weight < unseen - 1e-9:
            continue
        senses = sorted(same_sense(singular(token)))
        if not senses or all(w >= unseen - 1e-9 for w in request.idf(senses)):
            missing += float(weight)
    return missing >= _UNREPORTED * float(rarity.sum())


def _unseen_capped(rarity: np.ndarray, unseen: float) -> np.ndarray:
    """A word no article uses ("Is the deal done?", "Will regulators block the deal?" over
    one article) weighs half the rarest word of the question an article does use: in a small
    index everything unseen would otherwise outweigh the subject, and the question's subject
    is what the articles must speak of. With no word seen, all weigh the same."""
    seen = rarity[rarity < unseen - 1e-9]
    if not len(seen):
        return rarity
    return np.where(rarity >= unseen - 1e-9, _UNSEEN_SHARE * float(seen.max()), rarity)


def _held(wanted: Iterable[str], words: set[str]) -> frozenset[str]:
    """The wanted word forms the sentence holds, a form also meeting a longer or shorter one
    of the same stem ("founders" the question, "founded" the sentence: "founder", "found"),
    or a word reporting the same act ("poured" for "invested")."""
    held = set()
    for form in wanted:
        if (
            form in words
            or same_sense(form) & words
            or (
                len(form) >= _STEM
                and any(
                    len(w) >= _STEM and (w.startswith(form) or form.startswith(w)) for w in words
                )
            )
        ):
            held.add(form)
    return frozenset(held)


def _best_dense(hits: list[Hit]) -> float:
    scores = [h.dense_score for h in hits if h.dense_score is not None]
    return max(scores, default=0.0)
