"""Typos in a question mended from the index's own words, and only typos (pure functions over a
word count, no index)."""

from __future__ import annotations

from rag.answer.gazetteer import known_word
from rag.index.words import tokenize
from rag.retrieve.spelling import mended as _mended
from rag.retrieve.spelling import spelling_notice


def mended(question: str, counts) -> tuple[str, tuple[tuple[str, str], ...]]:
    return _mended(question, counts, known=known_word)


def _counts(*texts: str):
    """``chunk_count`` over chunks holding ``texts``."""
    counts: dict[str, int] = {}
    for text in texts:
        for token in set(tokenize(text)):
            counts[token] = counts.get(token, 0) + 1
    return counts.get


CHUNKS = _counts(
    "Google and Anthropic are in talks over a cloud partnership.",
    "Anthropic was founded by Dario Amodei; Google invested billions.",
    "Sundar Pichai, Google's CEO, spoke about the parts of the deal.",
)


def test_a_misspelt_name_is_read_as_the_one_the_articles_use() -> None:
    assert mended("What is Antropic?", CHUNKS) == (
        "What is Anthropic?",
        (("Antropic", "Anthropic"),),
    )
    text, fixes = mended("who is sundar pichay and what did gogle say", CHUNKS)
    assert text == "who is sundar pichai and what did google say"
    assert fixes == (("pichay", "pichai"), ("gogle", "google"))


def test_words_the_articles_use_and_real_words_they_do_not_stay_as_asked() -> None:
    for question in (
        "What is the weather in Paris?",  # a place: not "parts"
        "Who is Dario Amodei?",  # used by the articles
        "Will the FTC sue?",  # an acronym
        "How do I bake bread?",  # words, if not the articles'
        "Who is Zorblax Quennington?",  # no article word one edit away
    ):
        assert mended(question, CHUNKS) == (question, ()), question


def test_the_reader_is_told_what_was_read_instead() -> None:
    notice = spelling_notice((("Antropic", "Anthropic"), ("Gogle", "Google")))
    assert "“Antropic” as “Anthropic”" in notice and "“Gogle” as “Google”" in notice
    assert spelling_notice(()) == ""
