"""Which questions ask for a digest or a timeline, and which are ordinary questions."""

from __future__ import annotations

import pytest

from rag.retrieve.story_request import StoryRequest, read_story_request


@pytest.mark.parametrize(
    ("question", "since"),
    [
        ("What happened this week?", "7d"),
        ("what happened today", "24h"),
        ("What's new in AI?", "7d"),
        ("What are the top stories this month?", "30d"),
        ("Latest news", "7d"),
        ("What happened in the last 3 days?", "3d"),
        ("Catch me up", "7d"),
        ("What did I miss yesterday?", "48h"),
        ("whats new", "7d"),
        ("What’s new in AI this week?", "7d"),
        ("What is this article about?", "7d"),
        ("Summarize the news", "7d"),
        ("tl;dr", "7d"),
        ("What's this about?", "7d"),
        ("Summary please", "7d"),
        ("sum it up", "7d"),
    ],
)
def test_digest_questions(question: str, since: str) -> None:
    assert read_story_request(question) == StoryRequest("digest", since=since)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How did the OpenAI board saga unfold?", "the OpenAI board saga"),
        ("Timeline of the OpenAI board", "the OpenAI board"),
        ("Give me a timeline of Nvidia's export fight", "Nvidia's export fight"),
        ("OpenAI board timeline", "OpenAI board"),
        ("How has the AI chip race developed since 2023?", "the AI chip race"),
    ],
)
def test_timeline_questions(question: str, topic: str) -> None:
    assert read_story_request(question) == StoryRequest("timeline", topic=topic)


@pytest.mark.parametrize(
    "question",
    [
        "What happened to Sam Altman this week?",
        "What's new with Anthropic?",
        "What is Claude?",
        "Who is Google's CEO?",
        "How did Google respond?",
        "What is the latest on Gemini?",
        "What happened at OpenAI?",
        "summary of the OpenAI board fight",
    ],
)
def test_ordinary_questions_are_left_alone(question: str) -> None:
    assert read_story_request(question) is None


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Who are the people mentioned?", ""),
        ("Who is quoted?", ""),
        ("which experts are quoted", ""),
        ("who is in this article", ""),
        ("Who is quoted in the article about the deal?", "the deal"),
    ],
)
def test_people_questions(question: str, topic: str) -> None:
    assert read_story_request(question) == StoryRequest("people", topic=topic)


@pytest.mark.parametrize(
    "question", ["Who was named CEO?", "who was named in the lawsuit", "Who is the CEO?"]
)
def test_questions_about_a_person_in_the_news_are_no_list(question: str) -> None:
    assert read_story_request(question) is None
