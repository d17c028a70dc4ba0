"""The kind of short answer a question asks for, read from its wording."""

from __future__ import annotations

import pytest

from rag.retrieve.answer_kind import read_kind


@pytest.mark.parametrize(
    ("question", "kind", "noun"),
    [
        ("Who is the CEO of Google?", "person", "who"),
        ("What is the deal about?", "other", ""),  # a description, not a name
        ("What is the deal?", "other", ""),
        ("what is the state of the union", "other", ""),  # how it stands, not a state
        ("what state is nashville in", "place", "state"),
        ("What are the new rules?", "other", ""),
        ("What is the vegetable in the new sandwich?", "thing", "vegetable"),
        ("What is the chatbot called?", "thing", "chatbot"),
        ("What drug is the study about?", "thing", "drug"),
        ("What is the deal worth?", "money", "worth"),
        ("Who won best picture at the Oscars?", "title", "title"),  # a film
        ("what won best picture", "title", "title"),
        ("Who won best actress?", "person", "who"),
        ("Who founded Anthropic?", "person", "who"),
        ("Who is Google's CEO?", "person", "who"),
        ("Who is Dario Amodei?", "other", "who is"),  # who he is, not another name
        ("Who was Dr. Neil Tanaka?", "other", "who is"),
        ("who is the manhattan district attorney", "person", "attorney"),  # the role's holder
        ("where does ben wu work", "organisation", "employer"),  # a name typed in lower case
        ("Since when has Google invested in Anthropic?", "date", "since"),
        ("how long has google been investing in anthropic", "date", "since"),
        ("How long have they been married?", "date", "since"),
        ("How long will the talks last?", "number", "how long"),  # a duration
        ("who are the amodeis", "person", "who"),  # the articles settle that it is a name
        ("The House was stuck this week. Which Republican lost the votes?", "person", "republican"),
        ("Which former pope was laid to rest this week?", "person", "pope"),
        ("Which team does Damar Hamlin play for?", "organisation", "team"),
        ("Which company makes the TPU chips Anthropic would use?", "organisation", "company"),
        ("Which candy brand is facing criticism?", "organisation", "brand"),
        ("Which climate action group plans to quit?", "organisation", "group"),
        ("Huge crowds lined the streets of which country?", "place", "country"),
        ("Which country’s prime minister resigned?", "place", "country"),
        ("The rocket launched from where?", "place", "where"),
        ("Which film scored the most Oscar nominations?", "title", "film"),
        ("Which type of renewable energy hit a record?", "thing", "energy"),
        ("Which woodland creatures have returned to Hampshire?", "thing", "creatures"),
        ("When was Anthropic founded?", "date", ""),
        ("The ozone layer will recover by when?", "date", ""),
        ("Was the deal announced before the layoffs?", "yesno", ""),
        ("Rolling Stone snubbed Celine Dion. True or false?", "yesno", ""),
        ("After weeks of talks, which country said it would send jets?", "place", "country"),
        ("Which children’s author is being rewritten?", "person", "author"),
        ("Which is the most popular cat breed, according to a survey?", "thing", "breed"),
        ("Which pop superstar said she will tour?", "person", "superstar"),
        ("Which former striker-turned-pundit wrote a book?", "person", "striker-turned-pundit"),
        ("Which movie theater chain raised its prices?", "organisation", "chain"),
        ("Which city hosts the summit?", "place", "city"),
        ("What is Anthropic's flagship model?", "thing", "model"),  # the model, not Anthropic
        ("Where does Ben Wu work?", "organisation", "employer"),  # who employs him
        ("Who does she work for? (Sarah Krane)", "organisation", "employer"),
        ("Where do most people work from home?", "place", "where"),
        ("What is Google's strategy?", "other", ""),
        ("What is Claude?", "other", ""),
        ("What did Ben Wu say?", "other", ""),
        ("anthropic google tpu deal", "other", ""),
    ],
)
def test_kind_of_answer(question: str, kind: str, noun: str) -> None:
    asked = read_kind(question)
    assert (asked.kind, asked.noun) == (kind, noun)


def test_numbers_and_money() -> None:
    assert read_kind("How much did the ticket cost?").kind == "money"
    assert read_kind("How much is Google investing in Anthropic?").kind == "money"
    assert read_kind("How much have egg prices increased?").kind == "number"  # a share
    years = read_kind("The first funeral of a pope in how many years?")
    assert (years.kind, years.unit) == ("number", "years")
    assert read_kind("How many did he score?").unit == ""  # "did" is no unit
    assert read_kind("How old was she?").noun == "age"
    assert read_kind("What was the magnitude of the quake?").kind == "number"
    assert read_kind("What was the final score?").noun == "score"


def test_a_noun_after_the_head_that_reads_as_a_verb_is_not_the_head() -> None:
    assert read_kind("Which city hosts the Winter Olympics?").kind == "place"
    assert read_kind("Which country singer won the award?").kind == "person"


def test_a_relative_which_is_not_the_question() -> None:
    question = "A balloon, which officials said was a spy, was shot down off which state?"
    assert read_kind(question).kind == "place"
