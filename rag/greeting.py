"""The reply to a message that asks for no article: "hi", "thanks", "what can you do?" (read by
``rag.retrieve.phrasing.small_talk``). A person's first message to a chatbot is often one of
these; it gets a short reply saying what the assistant can answer, from what is indexed as of
the moment asked, not a refusal.

What enters: the kind of message, the indexed articles (newest first), the moment asked as of.
What leaves: an ``Answer`` with ``answer_kind`` "talk": no citations, not an abstention.
Questions about an article itself ("who wrote this?") are answered here too, from its record
(``answer_kind`` "article").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rag.examples import example_questions
from rag.retrieve.phrasing import ArticleField, SmallTalk
from rag.types import Answer, ArticleInfo

if TYPE_CHECKING:
    from rag.engine import NewsRAG

_NEWEST = 3  # headlines named in the reply


def talk_answer(
    kind: SmallTalk, question: str, articles: Sequence[ArticleInfo], as_of: datetime | None
) -> Answer:
    """The reply to a greeting, thanks or a question about the assistant."""
    if kind == "thanks":
        text = "You're welcome. Ask another question about the indexed news whenever you like."
        return Answer(question=question, text=text, answer_kind="talk")
    seen = [a for a in articles if not a.duplicate_of and published_by(a, as_of)]
    opening = "Hello! " if kind == "greeting" else ""
    if not seen:
        where = f" published by {as_of.date().isoformat()}" if as_of and articles else ""
        text = (
            f"{opening}I answer questions about news articles, but none is indexed{where} yet. "
            "Add some in the Library tab or with `newsrag ingest PATH_OR_URL` (files, feeds or "
            "web pages), then ask about them."
        )
        return Answer(question=question, text=text, answer_kind="talk")
    titles = [f"“{a.title}”" for a in seen[:_NEWEST] if a.title]
    if len(seen) == 1:
        named = f", {titles[0]}," if titles else ""
        text = (
            f"{opening}I answer questions about the one indexed article{named} quoting its "
            f"sentences with numbered citations. Ask about a person, company or event in it, "
            f"for example {_examples(seen)}"
        )
    else:
        newest = f" Newest: {_listed(titles)}." if titles else ""
        text = (
            f"{opening}I answer questions about the {len(seen)} indexed articles, quoting "
            f"their sentences with numbered citations to each.{newest} Ask about a person, "
            f"company or event in them, for example {_examples(seen)}"
        )
    return Answer(question=question, text=text, answer_kind="talk")


def published_by(article: ArticleInfo, as_of: datetime | None) -> bool:
    """An undated article is always there; a dated one once it is published."""
    if as_of is None or not article.published_at:
        return True
    return article.published_at[:10] <= as_of.date().isoformat()


def _examples(articles: Sequence[ArticleInfo]) -> str:
    """The app's example questions for these articles, quoted, then "Who is …?"."""
    asked = [f"“{q}”" for q in example_questions(articles, limit=3)]
    return ", ".join(asked) + " or “Who is …?”"


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def article_answer(
    app: NewsRAG,
    field: ArticleField,
    topic: str,
    question: str,
    before: str,
    as_of: datetime | None,
) -> Answer:
    """Who wrote the article asked about, when it was published or where it is from, as its
    record says (and when it says nothing, that it does not). The article is the one a topic
    names, else the one ``before`` (what the last answer quoted first) is found in, else the
    only one indexed; with none of these, the reply asks which."""
    articles = [a for a in app.articles() if published_by(a, as_of)]
    article = None
    if topic or before:
        hits = app.search(topic or before, as_of=as_of, top_k=1) if articles else []
        article = next((a for a in articles if hits and a.article_id == hits[0].article_id), None)
    elif len(articles) == 1:
        article = articles[0]
    if article is None:
        if not articles:
            text = "No articles are indexed yet. Add some, then ask about them."
        else:
            text = (
                f"Which article? {len(articles)} are indexed: name its subject, for example "
                "“Who wrote the article about …?”, or ask about the news and then “who wrote "
                "this?”"
            )
        return Answer(question=question, text=text, answer_kind="article")
    title = f"“{article.title}”" if article.title else "The article"
    if field == "author":
        said = f"is by {article.author}" if article.author else "does not name its author"
    elif field == "date":
        day = article.published_at[:10]
        said = f"was published on {day}" if day else "gives no publication date"
    else:
        said = f"is from {article.source}" if article.source else "does not name its outlet"
    where = f" Its address: {article.url}" if article.url else ""
    return Answer(question=question, text=f"{title} {said}.{where}", answer_kind="article")
