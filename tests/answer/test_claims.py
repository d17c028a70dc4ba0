"""Yes or true for a claim one quoted sentence states, in its own words and polarity; nothing
for a claim no sentence states (pure functions, no index)."""

from __future__ import annotations

from rag.answer.claims import claim_answer
from rag.retrieve.answer_kind import read_kind

PROFIT = "Nightjar's cloud unit is finally profitable, and the deal could speed its growth."


def test_a_claim_a_sentence_states_is_true() -> None:
    assert claim_answer("Is Nightjar's cloud unit profitable?", [PROFIT]) == "Yes"
    said = ["Harbor Phil rose from his burrow and saw his shadow in front of a crowd."]
    question = "Harbor Phil saw his shadow this year. True or false?"
    assert claim_answer(question, said) == "True"
    assert claim_answer("Were twelve new moons found?", ["12 new moons were found."]) == "Yes"
    # "investor" meets "invested": one form begins the other
    said = ["Quillon invested in Nightjar."]
    assert claim_answer("Is Quillon an investor in Nightjar?", said) == "Yes"


def test_a_word_in_another_form_or_sense_does_not_state_it() -> None:
    assert claim_answer("Is the deal final?", [PROFIT]) is None  # "finally" is not "final"
    # "in advanced talks" says how far the deal is; it does not say it is done
    assert claim_answer("Is the deal done?", ["The two are in advanced talks on a deal."]) is None


def test_a_negation_on_one_side_only_is_no_statement() -> None:
    said = ["Lena Voss did not win album of the year."]
    assert claim_answer("Did Lena Voss win album of the year?", said) is None
    said = ["Travelers will no longer be required to show a negative test."]
    question = "True or false: travelers are no longer required to show a negative test."
    assert claim_answer(question, said) == "True"


def test_a_claim_spread_over_sentences_or_missing_words_gets_nothing() -> None:
    said = ["Quillon owns a stake in Orbital Cloud.", "Nightjar has invested in Harbor Labs."]
    assert claim_answer("Did Quillon invest in Harbor Labs?", said) is None
    assert claim_answer("Is Nightjar profitable?", ["Nightjar grew fast."]) is None


def test_who_did_it_to_whom_and_its_own_are_read() -> None:
    said = ["Quillon has invested in Nightjar."]
    assert claim_answer("Is Quillon an investor in Nightjar?", said) == "Yes"
    assert claim_answer("Is Nightjar an investor in Quillon?", said) is None  # the other way
    said = ["Nightjar will use Quillon's cloud, and Quillon gains a place in its own portfolio."]
    assert claim_answer("is nightjar owned by quillon", said) is None  # "its own" owns nothing


def test_true_or_false_is_asked_whatever_times_the_claim_names() -> None:
    question = "True or false: Lena Voss will release a new album this year."
    assert read_kind(question).kind == "yesno"  # not a year asked for
    said = ["Lena Voss, the “Glass Hours” singer, is releasing a new album this summer."]
    assert claim_answer(question, said) == "True"
