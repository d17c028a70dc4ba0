"""A question typed as people type to a chatbot is read as the question it asks; a greeting,
thanks or "what can you do?" on its own is told apart from a question."""

from __future__ import annotations

import pytest

from rag.retrieve.phrasing import article_question, plain_question, small_talk


@pytest.mark.parametrize(
    ("typed", "asked"),
    [
        ("Hi, who is Google's CEO?", "who is Google's CEO?"),
        ("hi who is google's ceo", "who is google's ceo"),
        ("Hello there! What did Ben Wu say?", "What did Ben Wu say?"),
        ("can you tell me who google's ceo is", "who is google's ceo"),
        ("Hi! Can you tell me who Google's CEO is?", "who is Google's CEO?"),
        ("do you know where Anthropic is based", "where is Anthropic based"),
        ("I'd like to know what the deal is worth", "what is the deal worth"),
        ("tell me what Anthropic does", "what does Anthropic do"),
        ("any idea who founded Anthropic", "who founded Anthropic"),
        ("I'd like to know whether the deal is done, please", "is the deal done"),
        ("I wonder whether Google bought Anthropic", "is it true that Google bought Anthropic"),
        ("I want to know about Claude", "tell me about Claude"),
        ("What do you know about Anthropic?", "tell me about Anthropic?"),
        ("I'm curious about the deal", "tell me about the deal"),
        ("explain the deal", "what is the deal"),
        ("Can you explain what TPUs are?", "what are TPUs?"),
        ("can you summarize the article", "summarize the article"),
        (
            "summarize the deal between Google and Anthropic",
            "tell me about the deal between Google and Anthropic",
        ),
        ("what's happening with Anthropic?", "what is the latest on Anthropic?"),
        ("what are the key points of the deal", "tell me about the deal"),
        ("any news on the deal", "what is the latest on the deal"),
        ("Who is the CEO of Google, please?", "Who is the CEO of Google?"),
        ("Thanks! And who founded Anthropic?", "And who founded Anthropic?"),
    ],
)
def test_a_question_is_read_without_the_request_around_it(typed: str, asked: str) -> None:
    assert plain_question(typed) == asked


@pytest.mark.parametrize(
    "question",
    [
        "Who is Claude?",
        "Hey Jude singer",  # a name, not a greeting: no stop after it, no question word
        "Hello Kitty maker",
        "Great Britain's prime minister",
        "tell me more",
        "tell me about Anthropic",
        "What happened in Turkey?",
        "summarize the news",  # the digest, read as such later
        "According to a recent study published this week, how many minutes of exercise help?",
    ],
)
def test_a_plain_question_is_left_as_typed(question: str) -> None:
    assert plain_question(question) == question


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("hi", "greeting"),
        ("Hello!", "greeting"),
        ("good morning", "greeting"),
        ("thanks!", "thanks"),
        ("Thank you so much.", "thanks"),
        ("ok, thanks", "thanks"),
        ("what can you do?", "help"),
        ("Hi, what can you do?", "help"),
        ("help", "help"),
        ("who are you", "help"),
    ],
)
def test_small_talk_is_told_apart(message: str, kind: str) -> None:
    assert small_talk(message) == kind


@pytest.mark.parametrize(
    "question", ["Who is Claude?", "hi, who is Google's CEO?", "help with taxes", "what is new"]
)
def test_a_question_is_no_small_talk(question: str) -> None:
    assert small_talk(question) is None


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("who wrote this?", ("author", "")),
        ("Who is the author of the article about the deal?", ("author", "the deal")),
        ("when was this published", ("date", "")),
        ("what is the date of this article", ("date", "")),
        ("what is the source of this story", ("source", "")),
        ("where is this from?", ("source", "")),
        ("Hi, which outlet published the article on Claude?", ("source", "Claude")),
    ],
)
def test_a_question_about_the_article_itself_is_told_apart(
    question: str, asked: tuple[str, str]
) -> None:
    assert article_question(question) == asked


@pytest.mark.parametrize(
    "question",
    ["who wrote the letter to Congress", "when was the deal signed", "where is Anthropic from"],
)
def test_a_question_about_the_news_is_not_about_an_article(question: str) -> None:
    assert article_question(question) is None
