"""A person or company the question names that no article does: the answer says so rather
than quote sentences about someone else of that surname, or read the name as another word."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rag import NewsRAG
from rag.answer.described import who_answer

_STORIES = {
    "groceries.md": (
        "Families cut grocery bills as prices soar",
        "Lisa Altman used to take pride in eating what she wanted without worrying about the "
        "cost. Now, Altman, an Austin parent of three, aims to keep her grocery bill to $120 a "
        "week by buying store brands. Altman is not alone in making big changes.",
    ),
    "microsoft.md": (
        "Microsoft shares rise after earnings",
        "Microsoft's stock was modestly higher in early trading on Wednesday. The company "
        "invested in new data centers and said its OpenAL audio library would be retired.",
    ),
}


@pytest.fixture
def archive(engine: NewsRAG, write_file: Callable[[str, str], Path]) -> NewsRAG:
    for name, (title, body) in _STORIES.items():
        write_file(
            f"news/{name}",
            f'---\ntitle: "{title}"\nsource: "example.com"\npublished_at: "2023-03-01"\n---\n\n'
            f"{body}\n",
        )
    engine.ingest([str(write_file("news/.keep", "").parent)])
    return engine


@pytest.mark.parametrize("question", ["Who is Sam Altman?", "who is sam altman"])
def test_a_person_no_article_names_is_not_one_of_the_same_surname(
    archive: NewsRAG, question: str
) -> None:
    # the sentences on Lisa Altman had been quoted, with no word that she is someone else
    answer = archive.ask(question)
    assert answer.abstained
    assert "“Sam Altman”" in answer.text
    # she is found when asked for
    assert not archive.ask("Who is Lisa Altman?").abstained


def test_a_name_typed_with_an_inner_capital_is_not_mended(archive: NewsRAG) -> None:
    # "OpenAI" had been read as "OpenAL", a word one letter away that an article uses
    answer = archive.ask("How much did Microsoft invest in OpenAI?")
    assert "OpenAL" not in answer.searched and "Openal" not in answer.notice
    assert "None of the passages found mentions “OpenAI”" in answer.notice


def test_a_bare_title_before_a_name_does_not_say_who_they_are() -> None:
    said = ["House Republicans opened probes of President Joe Biden and his allies."]
    assert who_answer("who is joe biden", said) is None


@pytest.mark.parametrize("question", ["Who is Dario Amodei?", "who is daniela amodei"])
def test_a_person_named_with_a_shared_surname_is_named(shipped: NewsRAG, question: str) -> None:
    # "founded by … Dario and Daniela Amodei" names both: he had been read as missing
    answer = shipped.ask(question)
    assert not answer.abstained
    assert "Dario and Daniela Amodei" in answer.sentences[0].text


def test_a_name_typed_in_lower_case_is_not_said_to_be_missing(shipped: NewsRAG) -> None:
    # "amodeis" is no word the passages write, but "Amodei" is: no notice says it is missing
    answer = shipped.ask("who are the amodeis")
    assert not answer.abstained and not answer.notice
