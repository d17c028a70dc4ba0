"""Frozen dataclasses that cross module boundaries. Callers of ``rag`` only ever see these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Article:
    """One news article as loaded, before chunking.

    ``published_at`` is timezone-aware (UTC when the source gave no zone) or None when unknown.
    ``origin`` is where it came from (a path, ``path#3`` for a record, or a URL), for messages.
    """

    title: str
    body: str
    source: str = ""
    url: str = ""
    published_at: datetime | None = None
    author: str = ""
    category: str = ""
    origin: str = ""


@dataclass(frozen=True)
class Chunk:
    """A piece of an article body that is embedded and indexed on its own.

    ``start``/``end`` are character offsets into the article body; ``text`` == body[start:end].
    ``embed_text`` is what the embedding model reads (title and source prepended).
    ``sentences`` are the body offsets of the sentences it holds (long ones cut in windows).
    ``tokens``, when the chunker knows them, are the model's word pieces of ``embed_text`` (no
    special tokens) in segments: the header's, then each sentence's.
    """

    id: str
    article_id: str
    position: int
    text: str
    start: int
    end: int
    embed_text: str
    sentences: tuple[tuple[int, int], ...] = ()
    tokens: tuple[tuple[int, ...], ...] | None = None


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its fused score and the article metadata needed to cite it."""

    chunk_id: str
    article_id: str
    text: str
    score: float
    title: str
    source: str
    url: str
    published_at: str
    start: int
    end: int
    position: int
    dense_score: float | None = None
    bm25_score: float | None = None
    version: str = ""  # the content hash of the article body the offsets point into


@dataclass(frozen=True)
class Quote:
    """One quoted span of an article body: ``body[start:end] == text``, read from ``chunk_id``."""

    text: str
    start: int
    end: int
    chunk_id: str


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: one article, with every span of it the answer quotes.

    ``quotes`` are those spans in the order they appear in the article body; ``quote``,
    ``quote_start``, ``quote_end`` and ``chunk_id`` are the one cited first (the most relevant),
    found at ``body[quote_start:quote_end]``.
    """

    n: int
    article_id: str
    title: str
    source: str
    url: str
    published_at: str
    quote: str
    quote_start: int
    quote_end: int
    chunk_id: str
    quotes: tuple[Quote, ...] = ()

    @classmethod
    def quoting(
        cls, n: int, article: Hit | ArticleInfo, first: Quote, quotes: tuple[Quote, ...] = ()
    ) -> Citation:
        """Source ``n``: ``article`` cited for ``first`` (and, when given, every span it quotes)."""
        return cls(
            n=n,
            article_id=article.article_id,
            title=article.title,
            source=article.source,
            url=article.url,
            published_at=article.published_at,
            quote=first.text,
            quote_start=first.start,
            quote_end=first.end,
            chunk_id=first.chunk_id,
            quotes=quotes,
        )

    @property
    def spans(self) -> tuple[Quote, ...]:
        """Every quoted span (``quotes``, or the single ``quote`` when none are listed)."""
        if self.quotes:
            return self.quotes
        return (Quote(self.quote, self.quote_start, self.quote_end, self.chunk_id),)


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of an answer with the citation numbers it ends in.

    ``verified`` is True when every cited chunk supports the sentence, False when one does
    not (shown as unverified), None when the sentence cites nothing.
    """

    text: str
    citations: tuple[int, ...] = ()
    verified: bool | None = None
    support: float = 0.0


@dataclass(frozen=True)
class Answer:
    """What ``NewsRAG.ask`` returns. ``text`` carries ``[n]`` markers that index ``citations``.

    ``searched`` is the question actually retrieved for (a follow-up rewritten with the
    conversation); ``filters`` the outlet/date filters applied, for the answer's header;
    ``answerer`` names what wrote the text ("extractive" or the LLM's name).
    """

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    abstained: bool = False
    short_answer: str | None = None
    hits: tuple[Hit, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    sentences: tuple[AnswerSentence, ...] = ()
    searched: str = ""
    filters: dict[str, object] = field(default_factory=dict)
    answerer: str = "extractive"
    notice: str = ""
    """A note for the reader about what the answer could not do ("Nothing published since
    2025-05-26 answers this; the sentences below are older."), or ""."""
    answer_kind: str = ""
    """What kind of short answer the question asks for, as read from it: "person",
    "organisation", "place", "money", "number", "date", "title", "yesno" or "other"; for a
    list, "digest", "timeline" or "people"; "article" for who wrote one or when; "talk" for a
    reply to a greeting or thanks."""

    @property
    def reply(self) -> str:
        """The answer as the assistant's turn in a conversation passed back to ``chat`` or
        ``ask(history=…)``: the short answer in bold on a line of its own, then the text, so
        that "he" in a follow-up to "Who passed Kareem Abdul-Jabbar?" is the one answered."""
        if self.short_answer and not self.abstained:
            return f"**{self.short_answer}**\n\n{self.text}"
        return self.text

    @property
    def verified_share(self) -> float | None:
        """Share of cited sentences whose citations support them (None if none cite)."""
        checked = [s.verified for s in self.sentences if s.verified is not None]
        return sum(checked) / len(checked) if checked else None


@dataclass(frozen=True)
class ItemError:
    """One rejected input item and why."""

    item: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    """Counts of one ingest run plus the per-item rejections."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    chunks_written: int = 0
    duplicates: int = 0
    errors: tuple[ItemError, ...] = ()
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing was rejected."""
        return self.rejected == 0


@dataclass(frozen=True)
class ArticleInfo:
    """An indexed article as listed by ``NewsRAG.articles``."""

    article_id: str
    title: str
    source: str
    url: str
    published_at: str
    chunks: int
    duplicate_of: str = ""
    author: str = ""


@dataclass(frozen=True)
class Stats:
    """What ``newsrag stats`` shows."""

    articles: int
    chunks: int
    sources: dict[str, int]
    earliest: str | None
    latest: str | None
    location: str
    collection: str
    embedding: str = ""  # the model and how it embeds chunks and questions on this machine


@dataclass(frozen=True)
class FeedHealth:
    """How a watched feed is doing (``NewsRAG.feed_health``). Times are ISO 8601 UTC, ""
    for never; ``error`` is the last error's reason, ``failures`` the consecutive ones, and
    ``next_poll`` when a failing feed is tried again."""

    url: str
    name: str
    last_poll: str
    last_success: str
    last_error: str
    error: str
    failures: int
    next_poll: str
    entries_seen: int
    articles_added: int
    articles_updated: int


@dataclass(frozen=True)
class PollReport:
    """One poll of the watched feeds: how many answered, were unchanged (304 or nothing new),
    were skipped while backing off, or failed; the articles added and updated; and the entries
    read and chunks embedded (both 0 when nothing changed)."""

    feeds: int = 0
    unchanged: int = 0
    backing_off: int = 0
    failed: int = 0
    added: int = 0
    updated: int = 0
    entries_read: int = 0  # new or edited entries read (their pages fetched when short)
    chunks_embedded: int = 0
    seconds: float = 0.0
    errors: tuple[ItemError, ...] = ()


@dataclass(frozen=True)
class Development:
    """One dated development of a story: ``text`` is a sentence of the first cited article,
    ``citations`` the numbers (``Timeline.citations``) of every article reporting it, and
    ``dated_by`` how its day was found: "stated" (the sentence says it), "heading" (a date
    heading above it) or "lead" (its article's publication, for an article's lead)."""

    day: str  # YYYY-MM-DD
    text: str
    citations: tuple[int, ...]
    outlets: tuple[str, ...] = ()
    dated_by: str = "lead"


@dataclass(frozen=True)
class Timeline:
    """How a story unfolded: its developments, oldest first, and the articles they cite
    (one ``Citation`` per article, every sentence used in ``quotes``)."""

    topic: str
    developments: tuple[Development, ...]
    citations: tuple[Citation, ...]
    articles_read: int = 0
    since: str = ""
    until: str = ""
    notice: str = ""  # why it is empty, and what to do


@dataclass(frozen=True)
class Story:
    """The articles about one event: the headline and cited lead sentence of its most
    central article, the outlets known to have reported it (newest report first) and its
    articles."""

    headline: str
    lead: str
    citation: Citation
    outlets: tuple[str, ...]
    articles: tuple[ArticleInfo, ...]
    latest: str
    earliest: str = ""


@dataclass(frozen=True)
class Digest:
    """A period's stories, ranked by how many outlets covered each and how recent it is.
    ``articles`` counts the dated articles of the period; ``undated`` those indexed without a
    date (never in a digest); ``latest`` is the newest publication indexed at all."""

    since: str
    until: str
    stories: tuple[Story, ...]
    articles: int = 0
    undated: int = 0
    latest: str = ""
    notice: str = ""  # why it is empty (and what to do), or what it leaves out
