"""Example questions for an empty chat or a greeting, drawn from what is indexed (titles and
outlets).

Example:
    >>> example_questions(app.articles())
    ['What is the latest on Orbital Cloud?', ..., 'What happened this week?']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.types import ArticleInfo

_WORD = re.compile(r"[\w$%&.'’-]+")
_CAPITALISED = re.compile(r"^(?:[A-Z][\w&.’'-]*|[A-Z0-9]{2,}[\w-]*)$")
# capitalised words that do not name anything on their own
_GENERIC = {"AI", "The", "A", "An", "New", "How", "Why", "What", "When", "Who", "Exclusive"}
_JOINERS = {"and", "&"}
DIGEST_QUESTION = "What happened this week?"


def subject(title: str) -> str | None:
    """The named thing a headline is about: its first run of capitalised words
    ("Orbital Cloud cuts 400 jobs" -> "Orbital Cloud"; "Google and Anthropic in talks"
    -> "Google and Anthropic"), or None for a Title-Case headline where every word is
    capitalised and the name cannot be told apart."""
    words = _WORD.findall(title)
    if not words:
        return None
    capitalised = [bool(_CAPITALISED.match(w)) for w in words]
    if len(words) >= 4 and sum(capitalised) / len(words) > 0.6:
        return None
    run: list[str] = []
    for word, is_cap in zip(words, capitalised, strict=True):
        named = is_cap and (bool(run) or word not in _GENERIC)
        if named or (run and word in _JOINERS):
            run.append(word)
        elif run:
            break
    while run and run[-1] in _JOINERS:
        run.pop()
    name = " ".join(run[:5]).strip(" .-")
    return re.sub(r"['’]s$", "", name) or None


def example_questions(articles: Sequence[ArticleInfo], *, limit: int = 4) -> list[str]:
    """Up to ``limit`` questions: about different subjects, newest articles first, preferring
    a different outlet for each (articles are listed newest first by ``NewsRAG.articles``),
    and last "What happened this week?" (the digest)."""
    if not articles:
        return []
    return [*_about_subjects(articles, limit=limit - 1), DIGEST_QUESTION]


def _about_subjects(articles: Sequence[ArticleInfo], *, limit: int) -> list[str]:
    questions: list[str] = []
    seen_subjects: set[str] = set()
    seen_outlets: set[str] = set()
    originals = [a for a in articles if not a.duplicate_of]
    # two passes: first one article per outlet, then fill up with the rest
    for fresh_outlet_only in (True, False):
        for info in originals:
            name = subject(info.title)
            if not name or name.lower() in seen_subjects or len(questions) >= limit:
                continue
            if fresh_outlet_only and info.source in seen_outlets:
                continue
            seen_subjects.add(name.lower())
            seen_outlets.add(info.source)
            questions.append(_question(name, len(questions)))
    return questions


def _question(name: str, number: int) -> str:
    templates = ("What is the latest on {}?", "What happened with {}?", "What do we know about {}?")
    template = templates[0] if number == 0 else templates[1 + (number - 1) % 2]
    return template.format(name)
