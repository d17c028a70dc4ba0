"""Typos in a question mended from the index's own words, and only typos (the keyword
postings of a few chunks, no store)."""

from __future__ import annotations

from rag.answer.gazetteer import known_word
from rag.index.postings import Postings
from rag.index.words import tokenize
from rag.retrieve.spelling import mended as _mended
from rag.retrieve.spelling import misspelt_names, spelling_notice

CHUNKS = Postings.index(
    [
        tokenize(text)
        for text in (
            "Google and Anthropic are in talks over a cloud partnership.",
            "Anthropic was founded by Dario Amodei; Google invested billions.",
            "Sundar Pichai, Google's CEO, spoke about the parts of the deal.",
            "Coach Jim Boeheim retired after 47 years at Syracuse.",
            "The mayor, Lena Preval, opened the new bakery downtown.",
        )
    ]
)


def mended(question: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return _mended(question, CHUNKS, known=known_word)


def test_a_misspelt_name_is_read_as_the_one_the_articles_use() -> None:
    assert mended("What is Antropic?") == ("What is Anthropic?", (("Antropic", "Anthropic"),))
    text, fixes = mended("who is sundar pichay and what did gogle say")
    assert text == "who is sundar pichai and what did google say"
    assert fixes == (("pichay", "pichai"), ("gogle", "google"))
    assert mended("When did Syracuse coach Jim Boheim retire?")[1] == (("Boheim", "Boeheim"),)
    # "Googl" (the index's stem of "Google") is one edit away too: the word is read
    assert mended("Who is Googel's CEO?")[1] == (("Googel", "Google"),)


def test_words_the_articles_use_and_real_words_they_do_not_stay_as_asked() -> None:
    for question in (
        "What is the weather in Paris?",  # a place: not "parts"
        "Who is Dario Amodei?",  # used by the articles
        "Will the FTC sue?",  # an acronym
        "How do I bake bread?",  # words, if not the articles'
        "Who is Zorblax Quennington?",  # no article word one edit away
        # one edit from "Preval", but the articles never use it with a basketball coach
        "Which basketball coach did Pureval praise?",
    ):
        assert mended(question) == (question, ()), question


def test_the_reader_is_told_what_was_read_instead() -> None:
    notice = spelling_notice((("Antropic", "Anthropic"), ("Gogle", "Google")))
    assert "“Antropic” as “Anthropic”" in notice and "“Gogle” as “Google”" in notice
    assert spelling_notice(()) == ""


def test_a_question_word_typed_without_its_apostrophe_is_read_with_it() -> None:
    assert mended("whos the ceo of google") == ("who's the ceo of google", ())
    assert mended("Whats Anthropic?") == ("What's Anthropic?", ())
    assert mended("what is this") == ("what is this", ())


def test_a_mistyped_question_word_is_read_as_meant() -> None:
    assert mended("waht is Anthropic?")[0] == "what is Anthropic?"
    assert mended("Wehre is Syracuse?")[0] == "Where is Syracuse?"
    assert mended("hwo founded Anthropic?")[0] == "hwo founded Anthropic?"  # who, or how


def test_a_name_of_two_words_misspelt_is_matched_to_one_written_alike() -> None:
    texts = ["“Compute power is the new oil,” says Sarah Krane, a senior analyst at Gartner."]
    assert misspelt_names("who is sara crane", texts) == (("sara crane", "Sarah Krane"),)
    assert misspelt_names("who is Sarah Krane?", texts) == ()  # written as typed
    assert misspelt_names("who is Sam Altman?", texts) == ()  # nothing like it written


def test_a_name_is_not_read_as_a_longer_one_or_an_outlet_as_another() -> None:
    texts = ["BBC Newsbeat said so.", "As Christmas nears, Google Gemini launched."]
    assert misspelt_names("What did BBC News report?", texts) == ()  # "News" is no typo
    assert misspelt_names("Is Google Gemmini good?", texts) == (
        ("Google Gemmini", "Google Gemini"),
    )
    assert misspelt_names("Is Google Gemmini good?", texts, outlets=["Google Gemmini"]) == ()
    assert misspelt_names("What about the NBA's Christmas games?", texts) == ()
