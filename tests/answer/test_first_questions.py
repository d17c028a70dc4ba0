"""The questions people ask first about the article `make run` ships, typed as people type
them: who a person is, what someone called something, the name of a thing, a yes or no set in
a condition, and "what's" or "who's". Each answer is read from the sentence that says it."""

from __future__ import annotations

import pytest

from rag import NewsRAG
from rag.answer.claims import claim_answer
from rag.answer.described import described_answer, who_answer
from rag.answer.typed import typed_answer
from rag.retrieve.answer_kind import read_kind
from rag.retrieve.conversation import Message, answered_before, condense


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("Who is Ben Wu?", "an AI venture strategist at Bessemer Partners"),
        ("Who is Ben Wu and where does he work?", "an AI venture strategist at Bessemer Partners"),
        ("who is sarah krane", "a senior analyst at Gartner"),
        ("Who's Ben Wu?", "an AI venture strategist at Bessemer Partners"),
        ("Who is Sundar Pichai?", "Google’s CEO"),
        ("who is pichai", "Google’s CEO"),
    ],
)
def test_who_a_named_person_is_is_how_the_article_introduces_them(
    shipped: NewsRAG, question: str, short: str
) -> None:
    # "who is Ben Wu?" had no short answer: the words set beside his name say who he is
    answer = shipped.ask(question)
    assert answer.short_answer == short
    assert short in answer.sentences[0].text


def test_a_description_is_read_beside_before_or_said_of_the_name() -> None:
    said = ["“Compute is the new oil,” says Gartner analyst Sarah Krane."]
    assert who_answer("Who is Sarah Krane?", said) == "Gartner analyst"
    said = ["Dario Amodei is the chief executive of Anthropic."]
    assert who_answer("who is dario amodei", said) == "the chief executive of Anthropic"
    said = ["Ben Wu, 45, a partner at Bessemer, said the deal was close."]
    assert who_answer("Who is Ben Wu?", said) == "a partner at Bessemer"
    # a clause after the name, or words naming no role, do not say who someone is
    assert who_answer("Who is Ben Wu?", ["Ben Wu, who invested early, said no."]) is None
    assert who_answer("Who is Ben Wu?", ["Ben Wu, in a statement, said no."]) is None
    assert who_answer("Who is Ben Wu?", ["Sales rose, Ben Wu said."]) is None
    # nor does a bare "a Republican", or what someone quoted calls them
    assert who_answer("who is ron desantis", ["Ron DeSantis, a Republican, said no."]) is None
    said = ["“Ben Wu, a visionary leader at Bessemer, will be missed,” the firm said."]
    assert who_answer("Who is Ben Wu?", said) is None


def test_how_someone_described_a_thing_is_the_words_quoted(shipped: NewsRAG) -> None:
    answer = shipped.ask("How has Sundar Pichai described Google's future?")
    assert answer.short_answer == "AI-first, cloud everywhere"
    assert shipped.ask("how did pichai describe google's future").short_answer == (
        "AI-first, cloud everywhere"
    )
    # the words must be quoted in a sentence naming who said them
    said = ["Analysts have described the company’s future as “AI-first.”"]
    assert described_answer("How has Sundar Pichai described Google's future?", said) is None
    said = ["Critics called the plan “a land grab,” Senator Lee said."]
    assert described_answer("What did Senator Lee call the plan?", said) == "a land grab"


def test_the_name_of_a_thing_asks_for_the_thing(shipped: NewsRAG) -> None:
    # "the name of" had made "name" a word to find ("one of the most respected names …")
    for question in (
        "What is the name of Anthropic's flagship AI model?",
        "What's the name of Anthropic's flagship model?",
    ):
        answer = shipped.ask(question)
        assert answer.short_answer == "Claude"
        assert answer.sentences[0].text.startswith("Its flagship model, Claude,")


def test_a_name_glossed_in_brackets_is_answered_as_written(shipped: NewsRAG) -> None:
    # "TPUs (Tensor Processing Units)": the writer names them "TPUs"
    question = "Which Google chips would Anthropic get access to by aligning with Google?"
    assert shipped.ask(question).short_answer == "TPUs"
    question = "Which agency will review the merger?"
    said = [("The Federal Trade Commission (FTC) will review the merger.", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "Federal Trade Commission"


def test_a_yes_or_no_set_in_a_condition_is_read_in_the_clause_that_says_it(
    shipped: NewsRAG,
) -> None:
    # "Under the proposed deal, would …" had not been read as a yes-or-no question, and
    # "Anthropic would expand …" before "Google would gain …" had put the names out of order
    question = (
        "Under the proposed deal, would Google gain preferential access to Anthropic "
        "research collaborations?"
    )
    assert read_kind(question).kind == "yesno"
    assert shipped.ask(question).short_answer == "Yes"
    # the sentence says Google gains it, not Anthropic
    assert (
        shipped.ask("would Anthropic gain preferential access to Google research?").short_answer
        is None
    )
    said = ["Amazon has invested in Anthropic; Anthropic has not invested in Amazon."]
    assert claim_answer("Has Anthropic invested in Amazon?", said) is None


def test_whats_and_whos_typed_with_a_straight_apostrophe(shipped: NewsRAG) -> None:
    # "What's" had been read as a name no article gives
    answer = shipped.ask("What's Gemini?")
    assert not answer.notice
    assert "Gemini" in answer.sentences[0].text
    assert shipped.ask("whats claude").sentences[0].text.startswith("Its flagship model, Claude,")


def test_a_kind_of_thing_opening_a_sentence_is_no_name(shipped: NewsRAG) -> None:
    # "“Startups like Anthropic need …”" had answered "Google and Startups"
    assert shipped.ask("Who are Anthropic's competitors?").short_answer == "Google"


def test_who_else_asks_the_last_question_again_for_another_answer(shipped: NewsRAG) -> None:
    # "who else?" had answered "Google" again, and "anyone else?" had been refused
    turns = [{"role": "user", "content": "who invested in anthropic"}]
    first = shipped.chat(turns)
    assert first.short_answer == "Google"
    for again in ("who else?", "anyone else?", "any others?"):
        asked = [*turns, {"role": "assistant", "content": first.reply}]
        answer = shipped.chat([*asked, {"role": "user", "content": again}])
        assert answer.short_answer == "Amazon", again
        assert answer.searched == "who invested in anthropic"
        assert answer.sentences[0].text == "Amazon has invested in Anthropic."


def test_who_else_is_no_name_only_the_first_answers_sentence_gives(shipped: NewsRAG) -> None:
    # "founded by former OpenAI executives Dario and Daniela Amodei": OpenAI founded nothing
    turns = [{"role": "user", "content": "who founded anthropic"}]
    first = shipped.chat(turns)
    assert first.short_answer == "Dario and Daniela Amodei"
    turns += [
        {"role": "assistant", "content": first.reply},
        {"role": "user", "content": "who else?"},
    ]
    assert shipped.chat(turns).short_answer is None


def test_who_else_never_answers_with_the_one_already_given() -> None:
    history = [
        Message("user", "who said compute is the new oil"),
        Message("assistant", "**Sarah Krane**\n\n“Compute power is the new oil,” says …"),
    ]
    assert answered_before("who else?", history) == ["Sarah Krane"]
    assert answered_before("anyone else said so?", history) == ["Sarah Krane"]
    assert answered_before("what did she say?", history) == []
    assert condense("anything else?", history) == "who said compute is the new oil"


def test_when_something_first_happened_is_when_it_began(shipped: NewsRAG) -> None:
    # "first" had been a word to find, held by "AI-first": no short answer was given
    answer = shipped.ask("when did google first invest in anthropic")
    assert answer.short_answer == "2023"
    assert "since 2023" in answer.sentences[0].text


def test_a_follow_up_reads_the_last_question_even_typed_in_lower_case(shipped: NewsRAG) -> None:
    # "who else invested?" had carried "Sarah Krane", named two questions back, because the
    # last question was typed in lower case and named no one with a capital
    turns: list[dict[str, str]] = []
    for question in ("Who is Sarah Krane?", "when did google first invest in anthropic"):
        turns.append({"role": "user", "content": question})
        turns.append({"role": "assistant", "content": shipped.chat(turns).reply})
    answer = shipped.chat([*turns, {"role": "user", "content": "who else invested?"}])
    assert "Sarah Krane" not in answer.searched
    assert answer.short_answer == "Amazon"
