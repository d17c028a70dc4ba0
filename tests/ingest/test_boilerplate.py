"""A site's notices and offers left in an article's text are not the story: removed at ingest,
and a page that held nothing else is its headline, not a copy of every other such page."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from rag import NewsRAG
from rag.ingest.boilerplate import without_boilerplate
from rag.ingest.normalize import make_article

_SIGN_UP = "\n\n".join(
    [
        "We will use the details you have shared to manage your registration, as described "
        "in our Privacy Policy.",
        "Would you like to receive The Daybreak newsletter ?",
        "The Daybreak newsletter provides you with a daily digest of news and analysis.",
        "If you wish to object to the use of your data in this way, please tick here.",
        "'We' includes Daybreak and other Example Media brands as detailed here.",
    ]
)


def test_notices_and_offers_are_removed_and_the_story_kept() -> None:
    story = "\n\n".join(
        [
            "Rates rose for a fourth week, the bank said.",
            "Support local journalism. Subscribe to example.com today.",
            "Sign up for our Money newsletter to get tips in your inbox.",
            "Lawmakers asked about TikTok’s terms of service and its privacy policy for teens.",
            "The channel has more than 200,000 subscribers, our correspondent found.",
            "“Sign up now or you will miss it,” the organiser told subscribers.",
        ]
    )
    kept = without_boilerplate(f"{story}\n\n{_SIGN_UP}").split("\n\n")
    assert kept == [
        "Rates rose for a fourth week, the bank said.",
        "Lawmakers asked about TikTok’s terms of service and its privacy policy for teens.",
        "The channel has more than 200,000 subscribers, our correspondent found.",
        "“Sign up now or you will miss it,” the organiser told subscribers.",
    ]


def test_a_page_of_only_a_sign_up_form_is_its_headline() -> None:
    article = make_article(
        title="Godzilla the alligator found in a park", body=_SIGN_UP, origin="x"
    )
    assert article.body == "Godzilla the alligator found in a park"


def test_pages_of_one_sign_up_form_are_not_copies_of_each_other(
    engine: NewsRAG, write_file: Callable[[str, str], Path]
) -> None:
    # their identical text had made every such page a copy of the first, its headline lost
    headlines = [
        "Godzilla the alligator found in a New York park",
        "New deputy party chair backs the death penalty",
        "Quiz of the week: 7 January to 13 January",
    ]
    records = [
        {
            "title": t,
            "body": _SIGN_UP,
            "source": "daybreak.example",
            "published_at": f"2023-02-0{i + 1}",
        }
        for i, t in enumerate(headlines)
    ]
    report = engine.ingest([str(write_file("pages.json", json.dumps(records)))])
    assert report.added == 3 and report.duplicates == 0
    answer = engine.ask("What was the alligator found in a New York park nicknamed?")
    assert not answer.abstained
    assert "Godzilla" in answer.text
