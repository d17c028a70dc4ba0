"""Short answers read from evidence sentences: the spans found, whose role a name holds, and
the answer the sentences agree on (pure functions, no index)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from rag.answer.amounts import date_spans
from rag.answer.base import AnswerRequest, initials, missing_names, word_forms
from rag.answer.candidates import candidates_of, with_referent
from rag.answer.coverage import in_passage, question_coverage, unreported
from rag.answer.extractive import _defining, defined_name
from rag.answer.headlines import first_quoted, headlines, roundup
from rag.answer.roles import (
    asked_act,
    asked_owner,
    demonym,
    does_it,
    holds_role_of,
    not_the_agent,
    other_owner,
    unnamed_role,
)
from rag.answer.short import _day_of, _unresolved, date_answer, fullest
from rag.answer.spans import find_spans
from rag.answer.surroundings import older_event
from rag.answer.typed import Coverage, typed_answer
from rag.answer.votes import Votes, weighed
from rag.retrieve.answer_kind import Asked, read_kind
from tests.conftest import make_hit


def _spans(sentence: str, kind: str = "person") -> list[tuple[str, str]]:
    return [(s.text, s.kind) for s in find_spans(sentence, kind)]


def test_a_dateline_is_not_part_of_a_name() -> None:
    assert ("Chris Rock", "person") in _spans("PHOENIX – Chris Rock will host the show.")
    assert all("BOSTON" not in text for text, _ in _spans("BOSTON — Mayor Ann Lee said no."))


def test_and_joins_the_words_of_one_name_only() -> None:
    texts = [t for t, _ in _spans("The panel questioned Schultz and Starbucks on pay.")]
    assert texts == ["Schultz", "Starbucks"]
    assert "Securities and Exchange Commission" in [
        t for t, _ in _spans("A filing with the Securities and Exchange Commission shows it.")
    ]
    assert "Dario and Daniela Amodei" in [
        t for t, _ in _spans("It was founded by Dario and Daniela Amodei in 2021.")
    ]


def test_vague_amounts_are_not_numbers_and_word_amounts_are_money() -> None:
    assert _spans("Dozens of cities and two dozen states acted.", "number") == [
        ("two dozen", "number")
    ]
    assert _spans("The firm has poured billions into the startup.", "money") == [
        ("billions", "money")
    ]
    assert _spans("Talks over a multibillion-dollar deal resumed.", "money") == [
        ("multibillion-dollar", "money")
    ]
    assert _spans("Millions of people watched the final.", "money") == []
    # a time of day is no count: "died today at 9:34", asked how old he was
    assert _spans("He died today at 9:34, aged 95.", "number") == [("95", "number")]


def test_the_place_someone_works_at_is_an_organisation() -> None:
    assert ("Halden Research", "organisation") in _spans(
        "“It is a race,” says Mara Quell, a senior analyst at Halden Research."
    )


def test_a_quotation_opens_a_sentence_too() -> None:
    assert _spans("“Viewing the comet is easy,” said Mara Quell.") == [("Mara Quell", "person")]


def test_a_describing_compound_is_not_a_name() -> None:
    assert all(t != "AI-first" for t, _ in _spans("He called it an AI-first future."))


def test_whose_role_a_name_holds() -> None:
    assert asked_owner("Who is the CEO of Anthropic?") == "Anthropic"
    assert asked_owner("Who is Google's chief executive?") == "Google"
    assert asked_owner("Who founded Anthropic?") is None
    assert asked_owner("Who is its CEO? (Anthropic)") == "Anthropic"  # a follow-up
    assert asked_owner("Who is its CEO?") is None
    sentence = "Sundar Pichai, Google's CEO, said the deal was close."
    assert other_owner(sentence, 0, 13, "Anthropic")
    assert not other_owner(sentence, 0, 13, "Google")
    before = "Orbital CEO Karen Holt said so."
    assert other_owner(before, 12, 22, "Anthropic")
    assert not other_owner(before, 12, 22, "Orbital")


@pytest.mark.parametrize(
    ("question", "evidence", "expected"),
    [
        # a name holding another company's role is not the answer, nor is that company
        ("Who is the CEO of Anthropic?", "Sundar Pichai, Google’s CEO, praised the deal.", None),
        ("Who is the CEO of Google?", "Sundar Pichai, Google’s CEO, praised the deal.",
         "Sundar Pichai"),
        # the state asked for, inside a longer name
        ("Which state was hit by floods?",
         "The Montana Department of Transportation said floods hit roads across Montana.",
         "Montana"),
        # the part of a name the question already gives is left off
        ("Which member of the band Nightjar is going solo?",
         "Lina Park of Nightjar is going solo, the label said.", "Lina Park"),
        # an adjective of a people is not the organisation asked for
        ("Which team did the striker join?",
         "The Russian striker joined Orbital United, the club said on Friday.",
         "Orbital United"),
    ],
)  # fmt: skip
def test_typed_answers(question: str, evidence: str, expected: str | None) -> None:
    assert typed_answer(question, read_kind(question), [(evidence, 1.0)]) == expected


@pytest.mark.parametrize(
    ("question", "unresolved"),
    [
        ("who is its CEO?", True),
        ("What did they say?", True),
        ("How much did it cost?", True),
        ("Which team does he play for?", True),
        ("Which former senator was buried this week?", False),  # a time, not a pointer
        ("Which chain said it may close stores?", False),  # "it" is the chain asked about
        ("Which city saw its mayor resign?", False),
    ],
)
def test_a_pointer_back_to_nothing_gets_no_short_answer(question: str, unresolved: bool) -> None:
    assert _unresolved(question) is unresolved


def test_names_in_headlines_and_titles() -> None:
    assert _spans("Kevin Durant NBA trade: Suns land the star.")[0][0] == "Kevin Durant"
    assert ("New Zealand", "place") in _spans("New Zealand Prime Minister Ann Lee resigned.")
    assert ("U.K.", "place") in _spans("She visited the U.K. on Wednesday.")  # its dots kept
    assert all(t != "MVP" for t, _ in _spans("He was named MVP of the final."))


def test_a_name_typed_in_lower_case_is_asked_about() -> None:
    assert read_kind("who is humza yousaf").noun == "who is"
    assert read_kind("who is the ceo of google").kind == "person"


def test_three_sentences_agreeing_need_hold_less_of_the_question() -> None:
    question = "Crowds lined the streets this week for the singer. Which country held the funeral?"
    said = [
        ("The funeral was held in Brazil on Tuesday.", 1.0),
        ("Brazil declared three days of mourning before the funeral.", 0.9),
        ("Mourners across Brazil watched the funeral on television.", 0.8),
    ]
    # the sentences hold "funeral" and none of the setting's words
    held = Coverage({"funeral": 0.4, "crowd": 0.2, "street": 0.2, "singer": 0.2},
                    [frozenset({"funeral"})] * 3)  # fmt: skip
    asked = read_kind(question)
    assert typed_answer(question, asked, said, coverage=held) == "Brazil"
    alone = Coverage(held.weights, held.forms[:1])
    assert typed_answer(question, asked, said[:1], coverage=alone) is None


def test_what_a_plan_or_deal_is_called() -> None:
    question = "What is the name of the city council’s new housing plan?"
    assert read_kind(question).noun == "plan"
    said = [("The council unveiled its “Homes for All” plan on Monday, officials said.", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "Homes for All"


def test_an_opener_after_a_dateline_is_not_part_of_a_name() -> None:
    texts = [t for t, _ in _spans("NEW YORK – Struggling Harbor Goods warned on Friday.")]
    assert texts == ["Harbor Goods"]


def test_the_value_a_figure_moved_to_and_a_unit_in_the_plural() -> None:
    question = "The index moved to how many points?"
    said = [("The index moved from 120 points to 95 points on Friday.", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "95"
    question = "The choir was the first to sing there in how many centuries?"
    said = [("It was the first choir to sing there in three centuries, the abbey said.", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "three"


def test_a_value_a_figure_moved_from_is_no_longer_the_answer() -> None:
    question = "The clock was set to how many seconds to midnight?"
    said = [
        ("The clock was set at 100 seconds to midnight last year, its closest ever.", 1.0),
        ("On Tuesday the clock moved from 100 seconds to 90 seconds to midnight.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) == "90"


def test_this_year_is_the_year_the_question_is_asked_in() -> None:
    question = "When is the deadline to file taxes this year?"
    said = [
        ("The agency moved the deadline to file taxes to August 2021 during the pandemic.", 1.0),
        ("The deadline to file taxes is April 18, the agency said.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) is None  # too close to call
    assert typed_answer(question, read_kind(question), said, year=2023) == "April 18"


def test_a_name_the_question_gives_is_not_the_answer_with_or_without_dots() -> None:
    question = "US jets shot down a spy balloon. Which country did the balloon belong to?"
    said = [("A U.S. fighter plane took down the balloon off the U.S. coast.", 1.0)]
    assert typed_answer(question, read_kind(question), said) is None


def test_older_coverage_answers_when_three_sentences_agree_on_a_clear_leader() -> None:
    question = "Senators unveiled a bill this week to ban which popular app?"
    said = [
        ("Senators said the bill would let the president ban the app nationwide.", 1.0),
        ("Lawmakers have moved to ban TikTok, the popular app, from government phones.", 0.9),
        ("A bill to ban TikTok nationwide gained support among senators.", 0.9),
        ("Officials said a ban on the popular app TikTok would face court challenges.", 0.8),
    ]
    this_week = [True, False, False, False]  # only the first is from the week asked about
    kind = read_kind(question)
    assert typed_answer(question, kind, said, current=this_week) == "TikTok"
    assert typed_answer(question, kind, said[:2], current=this_week[:2]) is None


def test_a_sentence_split_inside_an_aside_is_joined_again() -> None:
    text = (
        "Watch out March Madness, another contest is here. The French bulldog is now the most "
        "popular (pup-ular?) dog breed of 2022, the American Kennel Club said."
    )
    texts = [c.text for c in candidates_of(_hits(text), {})]
    assert texts[1] == (
        "The French bulldog is now the most popular (pup-ular?) dog breed of 2022, the American "
        "Kennel Club said."
    )


def test_a_nationality_describing_a_noun_is_not_the_thing_asked() -> None:
    question = "Which dog breed is now the most popular in the U.S.?"
    said = [("The French bulldog is now the most popular dog breed in the U.S.", 1.0)]
    assert typed_answer(question, read_kind(question), said) != "French"


def test_what_a_dash_after_a_name_says_it_is_counts_as_the_noun_asked() -> None:
    question = "Which chips does the startup use?"
    said = [
        (
            "By aligning with Helix, the startup secures TPUs (Tensor Processing Units) — "
            "Helix's AI chips.",
            1.0,
        ),
        ("Helix has backed the startup's chip needs since 2023.", 0.8),
    ]
    # (answered as the writer names them: the words in brackets gloss "TPUs")
    assert typed_answer(question, read_kind(question), said) == "TPUs"


def test_an_act_reported_in_another_form_of_its_verb_is_reported() -> None:
    seen = {"made": 1.0, "claud": 1.5}  # the articles say "has made", never "makes"

    def idf(words):
        return np.array([seen.get(w, 3.0) for w in words])

    assert unreported(AnswerRequest("Who makes Claude?", (), idf=idf)) == []
    assert unreported(AnswerRequest("Who acquired Claude?", (), idf=idf)) == ["acquired"]


def test_an_ocean_is_a_place_not_who_regulates() -> None:
    sentence = "Regulators on both sides of the Atlantic are scrutinizing AI alliances."
    assert ("Atlantic", "place") in _spans(sentence)
    question = "Who regulates AI deals?"
    assert typed_answer(question, read_kind(question), [(sentence, 1.0)]) is None


def test_a_describing_word_opening_a_headline_is_no_part_of_the_name() -> None:
    assert _spans("New Jupiter moons found by astronomers")[0][0] == "Jupiter"
    assert _spans("New Zealand’s leader resigned.")[0][0] == "New Zealand"
    assert _spans("Longtime Starbucks chief Howard Schultz testified.")[0][0] == "Starbucks"


def test_a_town_sharing_a_planets_name_answers_which_planet() -> None:
    question = "Which planet has the most moons?"
    said = [("New moons were found around Jupiter, making it the planet with the most.", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "Jupiter"


def test_a_league_is_not_the_team_asked_for() -> None:
    question = "Which team did the forward join?"
    said = [("The NBA approved the trade that sends the forward to the Harbor City Hawks.", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "Harbor City Hawks"


def test_a_name_holding_the_noun_asked_is_not_the_question_s_own_word() -> None:
    question = "Which university hired the former senator to teach?"
    said = [
        ("The former senator will teach at the University of Halden's Center for Policy.", 1.0),
        ("The University of Halden confirmed the former senator will teach there.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) == "University of Halden"


def test_a_sentence_about_another_year_s_edition_counts_less() -> None:
    question = "Who will host the 2031 Northern Film Awards?"
    said = [
        ("Mara Quell, who hosted the 2029 Northern Film Awards, said she had been asked.", 1.0),
        ("Mara Quell hosted the 2029 Northern Film Awards to record ratings.", 0.95),
        ("Comedian Ivo Brandt will host the 2031 Northern Film Awards.", 0.9),
    ]
    words = {"host": 0.2, "2031": 0.4, "northern": 0.1, "film": 0.1, "award": 0.2}
    other = frozenset({"host", "northern", "film", "award"})
    held = Coverage(words, [other, other, frozenset(words)])
    assert typed_answer(question, read_kind(question), said, coverage=held) == "Ivo Brandt"


def test_the_owner_of_the_thing_asked_is_not_it() -> None:
    question = "Which team lost the cup final?"
    said = [
        ("Ivo Brandt’s team beat the Harbor City Hawks 3-1 in the cup final.", 1.0),
        ("Manager Ivo Brandt’s team lifted the cup.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) == "Harbor City Hawks"


def test_acronyms_are_read_from_the_names_they_stand_for() -> None:
    spelled = initials("It drew scrutiny from the U.S. Federal Trade Commission on Monday.")
    assert "FTC" in spelled
    assert "NIT" in initials("He skipped the National Invitational Tournament.")


def _hits(*texts: str) -> list:
    return [make_hit(f"c{i}", f"a{i}", text=t, end=len(t)) for i, t in enumerate(texts)]


def test_a_name_is_answered_in_the_full_form_its_article_gives() -> None:
    story = "PHOENIX – The Milwaukee Bucks beat the Suns. The Bucks are the first team to 50 wins."
    assert fullest("Bucks", _hits(story)) == "Milwaukee Bucks"
    assert fullest("Pichai", _hits("Google CEO Sundar Pichai spoke. Pichai said more.")) == (
        "Sundar Pichai"
    )
    assert fullest("Mahomes", _hits("Chiefs QB Patrick Mahomes won. Mahomes said so.")) == (
        "Patrick Mahomes"
    )
    # a word opening a sentence, a title or a day before the name is no part of it
    assert fullest("Paltrow", _hits("Actress Gwyneth Paltrow won. Paltrow left.")) == (
        "Gwyneth Paltrow"
    )
    assert fullest("Jupiter", _hits("Forget Jupiter. Jupiter has moons.")) == "Jupiter"
    assert fullest("Rihanna", _hits("On Saturday Rihanna sang. Rihanna left.")) == "Rihanna"
    assert fullest("Kevin McCarthy", _hits("GOP Leader Kevin McCarthy lost. Kevin McCarthy")) == (
        "Kevin McCarthy"
    )
    # an article that never uses the short form alone, or two different longer forms
    assert fullest("Bucks", _hits("The Milwaukee Bucks won.", "The Bucks won.")) == "Bucks"
    assert fullest("Biden", _hits("Joe Biden and Hunter Biden. Biden spoke.")) == "Biden"


def test_a_brand_whose_name_ends_in_s_keeps_it() -> None:
    assert fullest("M&M", _hits("M&M's said the mascots would pause. M&M's will go on.")) == (
        "M&M's"
    )
    assert fullest("Google", _hits("Google's chips are fast. Google said so.")) == "Google"


def test_a_sentence_holds_what_its_neighbours_in_the_passage_say() -> None:
    first = "Virgin Galactic will sell seats on its spaceflights to the public."
    answer = "Reservations open up Feb. 16 and will cost $450,000."
    other = "A roundtrip flight across the country cost about $260 in the 1930s."
    candidates = candidates_of(_hits(f"{first} {answer}", other), {})
    assert [c.text for c in candidates] == [first, answer, other]
    weights = {"virgin": 0.4, "galactic": 0.4, "cost": 0.2}
    forms = [frozenset({"virgin", "galactic"}), frozenset({"cost"}), frozenset({"cost"})]
    passage = in_passage(Coverage(weights, forms), candidates)
    assert passage.tolist() == pytest.approx([1.0, 1.0, 0.2])  # not across articles


def test_a_name_the_sentence_says_never_did_it_is_not_who_did() -> None:
    question = "Who won album of the year?"
    said = [
        ("Ivo Brandt has never won album of the year, despite 30 trophies.", 1.0),
        ("Ivo Brandt has never won album of the year, a snub fans lament.", 1.0),
        ("Lena Voss won album of the year.", 0.5),
    ]
    assert typed_answer(question, read_kind(question), said) == "Lena Voss"


def test_a_score_is_both_sides_and_a_numbered_name_is_no_score() -> None:
    question = "What was the score of the Harbor Bowl?"
    said = [("The Hawks won 38-35 in a Harbor Bowl 12 thriller.", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "38-35"
    question = "How many people watched the Harbor Bowl?"
    said = [("An audience of 99 million watched Harbor Bowl 12 on Sunday.", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "99 million"
    # a number measuring something after a name is no part of it
    question = "How many seconds did the Harbor Clock move?"
    said = [("The board moved the Harbor Clock 30 seconds closer to midnight.", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "30"


def test_who_is_leaving_a_role_is_not_the_new_one() -> None:
    question = "Who is the new chief executive of Nightjar?"
    said = [
        ("Nightjar chief executive Mara Quell is stepping down after ten years.", 1.0),
        ("Mara Quell said the board of Nightjar would choose.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) is None
    question = "Who is the chief executive of Nightjar?"
    assert typed_answer(question, read_kind(question), said) == "Mara Quell"


def test_a_headline_s_topic_label_is_not_the_answer() -> None:
    question = "Who won best actor?"
    said = [
        ("Northern Film Awards 2031: Ivo Brandt wins best actor", 1.0),
        ("Northern Film Awards 2031: best actor goes to a first-time nominee", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) == "Ivo Brandt"


def test_the_founders_of_another_firm_did_not_found_the_one_they_came_from() -> None:
    sentence = (
        "Nightjar, the robotics firm founded by former Harbor Labs engineers Lina Park and "
        "Ivo Brandt, raised money."
    )
    question = "Who founded Harbor Labs?"
    asked = word_forms(question)
    assert not_the_agent(sentence, 0, len("Nightjar"), asked)  # what was founded
    start = sentence.index("Ivo Brandt")
    assert not_the_agent(sentence, start, start + 10, asked)  # Harbor Labs describes them
    assert not not_the_agent(sentence, start, start + 10, word_forms("Who founded Nightjar?"))
    said = [("The startup founded by Harbor Labs veteran Ivo Brandt raised money.", 1.0)]
    assert typed_answer(question, read_kind(question), said) is None


def test_whose_role_is_asked_when_typed_in_lower_case() -> None:
    assert asked_owner("who is anthropic's ceo") == "anthropic"
    assert asked_owner("who is the new prime minister of new zealand") == "new zealand"
    assert asked_owner("who is the ceo of the company") is None


def test_a_model_code_is_seen_only_when_written_whole() -> None:
    hits = _hits("The GPT chatbot drew crowds.", "The vote is set for April 4.")
    assert missing_names("What is GPT-4?", hits) == ["GPT-4"]
    assert missing_names("what is gpt-4", hits) == ["gpt-4"]
    assert missing_names("What is GPT-4?", _hits("OpenAI released GPT-4 on Tuesday.")) == []
    # typed in lower case, the thing "who made …" asks about is a name too
    made = _hits("The senator made a promise to voters on Tuesday.")
    assert missing_names("who made chatgpt", made) == ["chatgpt"]
    # and so is an acronym, seen when the articles write out its words
    assert missing_names("why did svb fail", made) == ["svb"]
    assert missing_names("why did svb fail", _hits("Silicon Valley Bank failed.")) == []


def test_what_a_name_is_is_said_beside_it_even_typed_in_lower_case() -> None:
    story = "Chatbots could upend medicine. One of them, Quillbot, could help doctors."
    other = "Many doctors now use Quillbot every single day."
    candidates = candidates_of(_hits(story, "Quillbot, the chatbot, is free.", other), {})
    name = defined_name("what is quillbot", candidates)  # the articles write it as a name
    assert _defining(name, candidates).tolist() == [0, 1, 1, 0]
    assert defined_name("what is medicine", candidates) == ""  # written in lower case


def test_one_with_a_unit_is_a_number_and_a_code_s_number_is_not() -> None:
    assert _spans("Clocks were moved forward one hour on Sunday.", "number") == [("one", "number")]
    assert _spans("One of the 12 jurors left early.", "number") == [("12", "number")]
    assert _spans("The COVID-19 emergency ended as the F-35 flew.", "number") == []
    assert ("White House", "organisation") in _spans("The ban ends, the White House said.")
    assert _spans("The dogs were the 14th most popular breed.", "thing") == []  # an ordinal


def test_a_role_asked_at_one_company_and_given_at_another_is_said_to_be_missing() -> None:
    other = "Mara Quell, Orbital Cloud's CEO, said so."
    assert unnamed_role("Who is the CEO of Nightjar?", [other]) == "Nightjar’s CEO"
    assert unnamed_role("who is nightjar's ceo", [other]) == "Nightjar’s CEO"
    assert unnamed_role("Who is Nightjar's CEO?", [other]) == "Nightjar’s CEO"  # not "'s’s"
    named = ["Nightjar CEO Ivo Brandt agreed.", other]
    assert unnamed_role("Who is the CEO of Nightjar?", named) == ""
    assert unnamed_role("Who is the CEO of Nightjar?", ["Nightjar grew fast."]) == ""


def test_an_event_in_an_older_year_counts_less_when_no_year_is_asked() -> None:
    question = "How many people died in the earthquake?"
    said = [
        ("More than 1,000 people died in 2002 after two earthquakes in the region.", 1.0),
        ("The earthquake killed 11,000 people across both countries.", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said, year=2023) == "11,000"


def test_what_the_news_ended_or_replaced_is_not_the_answer() -> None:
    question = "Which team tops the league?"
    news = "The Harbor City Hawks now top the league, ending the Northern Owls' 12-week run."
    said = [(news, 1.0)]
    assert typed_answer(question, read_kind(question), said) == "Harbor City Hawks"
    question = "Who is the league's all-time leading scorer?"
    said = [("Fans cheered after Lena Voss passed Mara Quell to become the league’s all-time "
             "leading scorer.", 1.0)]  # fmt: skip
    assert typed_answer(question, read_kind(question), said) == "Lena Voss"


def test_a_count_of_another_act_does_not_answer_how_many_died() -> None:
    question = "How many people died in the storm?"
    said = [
        ("Aid reached 874,000 people affected by the deadly storm.", 1.0),
        ("The storm killed 1,200 people.", 0.7),
    ]
    assert typed_answer(question, read_kind(question), said) == "1,200"


def test_the_holder_of_the_role_asked_is_the_name_after_its_title() -> None:
    question = "who is the harbor city district attorney"
    said = [
        ("Harbor City District Attorney Lena Voss charged Ivo Brandt on Monday.", 1.0),
        ("Ivo Brandt denied the charges, and Ivo Brandt's lawyers appealed.", 0.9),
        ("Supporters of Ivo Brandt rallied outside the court.", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said) == "Lena Voss"


def test_a_common_word_opening_a_sentence_is_no_name() -> None:
    question = "Who was the Harbor City shooter?"
    said = [
        ("Police have released body camera footage of the Harbor City shooting.", 1.0),
        ("Police said the shooter was armed; police body cameras show the response.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) is None  # not "Police"


def test_what_a_value_is_compared_with_is_not_the_value_asked() -> None:
    question = "How much did the balloon cost?"
    cost = "The balloons cost tens of thousands of dollars, compared with millions for a satellite."
    said = [(cost, 1.0)]
    assert typed_answer(question, read_kind(question), said) == "tens of thousands of dollars"


def test_when_a_coming_event_is_asked_its_day_beats_a_bare_year() -> None:
    question = "When is the Harbor Bowl?"
    said = [
        ("Here is what to know about the 2031 Harbor Bowl and its 2031 halftime show.", 1.0),
        ("Harbor Bowl 12 is on Sunday, February 9.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) == "February 9"


def test_a_weekday_is_read_from_the_article_s_date_and_tense() -> None:
    # an article of Monday 2023-01-02
    assert _day_of("on thursday", "The funeral will take place on Thursday.", "2023-01-02") == (
        "2023-01-05"
    )
    assert _day_of("on monday", "He collapsed on Monday night.", "2023-01-04") == "2023-01-02"
    assert _day_of("yesterday", "It rained yesterday.", "2023-01-02") == "2023-01-01"


def test_a_party_before_a_name_is_no_part_of_it() -> None:
    def names(text: str) -> list[str]:
        return [s.text for s in find_spans(text, "person")]

    assert names("Republican Kevin McCarthy won the vote.") == ["Kevin McCarthy"]
    assert "McCarthy" in names("Republican McCarthy wins House speaker on 15th ballot")
    assert names("The Democratic National Committee met.") == ["Democratic National Committee"]
    assert names("Liberal Democrats won the seat.") == ["Liberal Democrats"]
    assert "R-Ohio" not in names("Rep. Mike Turner, R-Ohio, said so.")
    # a body whose role follows its name is not a person ("Priya Raman chief executive" is)
    assert [(s.kind, s.text) for s in find_spans("He was Air Force chief of staff.", "person")] == [
        ("organisation", "Air Force")
    ]


def test_a_word_of_a_quoted_show_name_is_not_a_name_of_its_own() -> None:
    text = 'Mike Turner told NBC\'s "Meet That Press" that it should have come sooner.'
    assert [s.text for s in find_spans(text, "person")] == ["Mike Turner", "NBC"]
    assert "Meet That Press" in [s.text for s in find_spans(text, "title")]
    speech = '"Joe Biden is wrong about this," said Ada Park.'  # a remark, not a title
    assert "Joe Biden" in [s.text for s in find_spans(speech, "person")]


def test_who_comments_on_an_act_or_hears_of_it_did_not_do_it() -> None:
    question = "Who shot down the balloon?"
    told = (
        "While the military shot down the balloon on Saturday, Rep. Mike Turner, R-Ohio, "
        "told NBC that it should have been sooner."
    )
    assert typed_answer(question, read_kind(question), [(told, 1.0)]) is None
    own = "After shooting down the balloon, Captain Ada Park told reporters it fell into the sea."
    assert typed_answer(question, read_kind(question), [(own, 1.0)]) == "Ada Park"
    # a role before the speaker's name is no act told before it
    question = "Who is the CEO of Corvid Labs?"
    said = [("Corvid Labs CEO Mira Okafor said the money will go toward compute.", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "Mira Okafor"


def test_the_new_holder_of_a_role_is_read_where_someone_takes_it() -> None:
    assert read_kind("who is the new chief of staff") == Asked(
        "person", "staff", phrase="new chief of staff"
    )
    assert read_kind("Who is the CEO of Google?").noun == "who"  # whose CEO: read by name
    question = "Who is the new chief of staff?"
    said = [
        ("Former Rep. Bill Thomas’ chief of staff, Cathy Abernathy, turned him down.", 1.0),
        ("Ada Park was his chief of staff for a decade.", 0.6),
    ]
    assert typed_answer(question, read_kind(question), said) is None
    said.append(("The president named Jeff Zients as his new chief of staff on Friday.", 0.9))
    assert typed_answer(question, read_kind(question), said) == "Jeff Zients"


def test_who_makes_a_thing_is_its_owner_not_the_thing_or_its_user() -> None:
    question = "Who makes the chips?"
    said = [
        ("By aligning with Harbor, Nimbus secures access to QPUs (Quantum Processing Units) — "
         "Harbor’s proprietary AI chips.", 1.0),
    ]  # fmt: skip
    assert typed_answer(question, read_kind(question), said) == "Harbor"


def test_the_side_beaten_did_not_win() -> None:
    question = "Who won the cup final?"
    said = [("Harbor City Hawks beat Orbital United in the cup final", 1.0)]
    assert typed_answer(question, read_kind(question), said) == "Harbor City Hawks"


def test_a_side_s_points_are_the_ones_the_result_gives_it() -> None:
    question = "How many points did the Hawks score?"
    said = [
        ("The Hawks erased a 24-14 halftime deficit to win 38-35 in the final.", 1.0),
        ("Score: Hawks 14, Owls 14 (9:39 left in second quarter)", 0.95),
        ("Score: Owls 35, Hawks 35 (5:15 left in fourth quarter)", 0.9),
        ("The Hawks beat the Owls 38-35.", 0.85),
    ]
    assert typed_answer(question, read_kind(question), said) == "38"
    question = "How many points did the Owls score?"
    assert typed_answer(question, read_kind(question), said) == "35"


def test_a_former_holder_of_a_role_is_not_who_holds_it_now() -> None:
    question = "Who is the CEO of Nightjar?"
    said = [
        ("Nightjar’s former CEO, Mara Quell, replied: “Why?”", 1.0),
        ("Nightjar CEO Ivo Brandt said the change would stay.", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said) == "Ivo Brandt"
    question = "Who was the CEO of Nightjar in 2020?"  # asked of a past year: she may be
    assert typed_answer(question, read_kind(question), said[:1]) == "Mara Quell"


def test_a_possessive_typed_without_its_apostrophe_names_the_owner() -> None:
    other = "Mara Quell, Orbital Cloud's CEO, said so."
    assert asked_owner("who is nightjars ceo") == "nightjars"
    assert unnamed_role("who is nightjars ceo", [other]) == "Nightjars’ CEO"
    question = "who is nightjars ceo"
    said = [(other, 1.0), ("Nightjar CEO Ivo Brandt agreed.", 0.9)]
    assert typed_answer(question, read_kind(question), said) == "Ivo Brandt"
    assert asked_owner("who is the sales chief") is None
    assert asked_owner("who's the ceo") is None  # "who's" owns nothing


def test_for_joins_the_words_of_a_body_s_name_only() -> None:
    def spans(text: str) -> list[tuple[str, str]]:
        return [(s.text, s.kind) for s in find_spans(text, "organisation")]

    assert ("Trump White House", "organisation") in spans(
        "It will be the second trip to the Trump White House for Clemson."
    )
    said = "The Centers for Disease Control and Prevention said so."  # not a person who said
    assert spans(said) == [("Centers for Disease Control and Prevention", "organisation")]
    assert spans("Americans for Prosperity backed him.")[0][0] == "Americans for Prosperity"


def test_a_country_s_role_may_be_given_with_its_people_s_adjective() -> None:
    sentence = "Chilean President Ana Soto met the delegation."
    assert holds_role_of(sentence, 17, 25, "Chile")
    assert not other_owner(sentence, 17, 25, "chile")
    assert holds_role_of("French President Ivo Brandt spoke.", 17, 27, "France")
    assert holds_role_of("American President Ivo Brandt spoke.", 19, 29, "U.S.")
    assert not holds_role_of("Peruvian President Ivo Brandt spoke.", 19, 29, "Chile")
    question = "who is the president of chile"
    said = [
        (sentence, 1.0),
        ("President Joe Ruiz spoke about Chile on Monday.", 0.9),  # whose president: not said
    ]
    assert typed_answer(question, read_kind(question), said) == "Ana Soto"


def test_a_predecessor_or_previous_holder_does_not_hold_the_role_now() -> None:
    question = "Who is the prime minister of Britain?"
    said = [
        ("His predecessor, Ada Park, resigned after six weeks; the previous occupant of 10 "
         "Downing Street, Ivo Brandt, battled scandals.", 1.0),
        ("Britain's new Prime Minister Mara Quell spoke on Tuesday.", 0.8),
    ]  # fmt: skip
    assert typed_answer(question, read_kind(question), said) == "Mara Quell"
    assert typed_answer(question, read_kind(question), said[:1]) is None


def test_a_count_of_another_event_place_unit_or_hope_is_not_the_count_asked() -> None:
    question = "How many people were killed in the Nashville shooting?"
    said = [
        ("At least 40 people have died in a fire at a detention center.", 1.0),
        ("The writer said they hoped to kill over 40 people.", 0.95),
        ("Police at a party in Indianapolis said 11 people were shot.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) is None
    said.insert(0, ("Police said 7 people were killed in the Nashville shooting.", 1.0))
    assert typed_answer(question, read_kind(question), said) == "7"
    minutes = [("Police released 12 minutes of video of the Nashville shooting.", 1.0)]
    assert typed_answer(question, read_kind(question), minutes) is None
    question = "How many people died in Turkey?"  # the clause of another country's people
    said = [
        ("The death toll in Turkey rose to 35,418; Syrian officials have said at least 5,800 "
         "people have died there.", 1.0),
    ]  # fmt: skip
    assert typed_answer(question, read_kind(question), said) == "35,418"


def test_a_value_of_a_past_period_does_not_answer_what_is_now() -> None:
    assert older_event("From 2000 to 2007, Ivo Brandt was the richest person alive.", 2022)
    assert not older_event("Ivo Brandt has been the richest person since 2000.", 2022)
    question = "How much is the Powerball jackpot?"
    said = [
        ("The $699.8 million Powerball jackpot, Oct. 4, 2021: won in California.", 1.0),
        ("The Powerball jackpot is an estimated $630 million.", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said, year=2023, newest=2023) == (
        "$630 million"
    )


def test_a_place_describing_a_name_is_not_a_name() -> None:
    said = "In the case of the Santa Clara-based Orbital Bank, assets fell."
    assert _spans(said, "organisation") == [("Orbital Bank", "organisation")]


def test_a_person_asked_about_is_defined_by_the_surname_too() -> None:
    story = (
        "Quell, the former governor of Ohio, spoke to the crowd for an hour. "
        "Then Mara Quell waved to her supporters and left the hall."
    )
    candidates = candidates_of(_hits(story), {})
    assert _defining(defined_name("Who is Mara Quell?", candidates), candidates).tolist() == [1, 0]
    assert _defining(defined_name("who is mara quell", candidates), candidates).tolist() == [1, 0]


def test_a_role_asked_of_the_last_subject_names_it_as_written() -> None:
    assert asked_owner("who is the ceo (what is nightjar)") == "nightjar"
    # a person the sentences give a role owns none ("who is the ceo? (Ivo Brandt)")
    said = ["Ivo Brandt, Nightjar's CEO, spoke."]
    assert asked_owner("who is the ceo (Ivo Brandt)", said) is None
    assert asked_owner("who is the ceo (Nightjar)", said) == "Nightjar"
    assert asked_owner("who is the ceo of orbital (Nightjar)") == "orbital"
    assert asked_owner("who is the ceo (what did orbital and nightjar announce)") is None
    other = ["Mara Quell, Orbital Cloud's CEO, met NightJar staff."]
    assert unnamed_role("who is the ceo of nightjar", other) == "NightJar’s CEO"
    dateline = ["ORBITAL – Mara Quell, Nightjar's CEO, met Orbital staff."]
    assert unnamed_role("who is the ceo of orbital", dateline) == "Orbital’s CEO"


def test_who_sends_is_not_where_it_goes() -> None:
    said = [
        ("Norway will provide 14 tanks for Chile's army, its leader said.", 1.0),
        ("The tanks will be sent to battlefields in Chile.", 0.9),
    ]
    question = "Which country is sending tanks?"
    assert typed_answer(question, read_kind(question), said) == "Norway"
    question = "Which country is getting the tanks?"  # where they go is asked
    assert typed_answer(question, read_kind(question), said) == "Chile"


def test_a_model_s_number_is_not_a_count() -> None:
    question = "How many tanks is Norway sending?"
    said = [
        ("Norway will provide 14 Leopard 2 A6 tanks to the front.", 1.0),
        ("Officials said Norway would send Leopard 2 tanks and more.", 1.0),
        ("The Leopard 2 tanks are fast.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) == "14"


def test_who_announced_or_did_not_do_an_act_did_not_do_it() -> None:
    question = "Who shot down the balloon?"
    said = [("The balloon was shot down on Saturday, Pentagon officials announced.", 1.0)]
    assert typed_answer(question, read_kind(question), said) is None
    said = [
        ("The Pentagon did not shoot down the balloon over Alaska.", 1.0),
        ("An Air Force jet shot down the balloon on Saturday.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) == "Air Force"


def test_a_people_s_adjective_names_its_country_when_a_country_is_asked() -> None:
    question = "Which country is sending tanks?"
    said = [
        (
            "Polish President Ada Park said her country would provide 14 tanks for Chile's army.",
            1.0,
        ),
        ("Poland has approved plans to send tanks to Chile.", 0.9),
        ("Modern tanks are critical to Chile's defence.", 0.85),
        ("Chile's army needs them.", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said) == "Poland"


def test_a_quotation_is_joined_only_when_it_closes_within_reach() -> None:
    closed = "He said, “We used to fight for users. Now we fight for compute.” Then he left."
    texts = [c.text for c in candidates_of(_hits(closed), {})]
    assert texts[0] == "He said, “We used to fight for users. Now we fight for compute.”"
    # a speech quoted over paragraphs, never closed here: each sentence stays as it is
    speech = "She began, “We met in the spring. It rained. We walked home. We talked for hours."
    texts = [c.text for c in candidates_of(_hits(speech), {})]
    assert texts[0] == "She began, “We met in the spring."


def test_a_rank_a_score_s_side_and_a_group_of_the_best_are_no_count() -> None:
    said = "Being the No. 1 in the world is the peak, he said, the #2 seed with 22 titles."
    assert _spans(said, "number") == [("22", "number")]
    question = "His win brings his tally of grand slam wins to how much?"
    group = [("Winning Grand Slams and the top spot are the two biggest peaks to climb.", 1.0)]
    assert typed_answer(question, read_kind(question), group) is None
    # "7-5, 6-2", "a 19-0 run": the sides of a score or a record (a range of rates is none)
    beat = "He won 7-5, 6-2 for a 19-0 run as rates rose to 0.25%-0.5%, his 22nd slam."
    sides = [s.text for s in find_spans(beat, "number") if s.detail == "side"]
    assert sides == ["7", "5", "6", "2", "19", "0"]
    assert typed_answer(question, read_kind(question), [(beat, 1.0)]) is None
    # asked with a unit, a side is an answer: test_a_side_s_points_are_the_ones_the_result_gives_it


def test_an_organisation_s_institute_is_one_name_a_person_s_or_country_s_is_not() -> None:
    tokyo = "Neil Tanaka, a researcher at the University of Tokyo’s AI Governance Institute."
    assert ("University of Tokyo’s AI Governance Institute", "organisation") in _spans(tokyo)
    musk = "Elon Musk's Twitter Inc. is being sued for rent."
    assert ("Twitter Inc", "organisation") in _spans(musk, "organisation")
    nepal = "A spokesman for Nepal’s Civil Aviation Authority said so."
    assert ("Nepal", "place") in _spans(nepal, "place")


def test_an_answer_read_from_a_headline_opens_with_a_sentence_naming_it() -> None:
    # the headline says "Kansas City Chiefs"; the article's sentences say "the Chiefs"
    story = (
        "The last eight teams that won the coin toss went on to lose the game. "
        "Now the Chiefs are playing with their first deficit of the night."
    )
    candidates = candidates_of(_hits(story), {})
    score = np.array([1.0, 0.8])
    head = [("Kansas City Chiefs win Super Bowl 57 thriller over Philadelphia", 1.2, 0)]
    assert first_quoted("Kansas City Chiefs", candidates, score, [0, 1], head) == 1


def test_sentences_agreeing_on_a_people_s_adjective_name_the_country() -> None:
    # no sentence names the country, but each names its people: that is agreement enough
    question = "A spy balloon was shot down off the coast. Which country did it belong to?"
    said = [
        ("A fighter plane took down the balloon off the Carolina coast.", 1.0),
        ("A jet shot down the suspected Norwegian spy balloon off the coast on Saturday.", 0.95),
        ("The Norwegian balloon drifted for five days before it was shot down.", 0.9),
        ("Officials said the Norwegian spy balloon carried antennas.", 0.85),
        ("The balloon flew over a missile field, a spy balloon of the Norwegian army.", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said) == "Norway"


def test_a_leader_speaking_for_his_country_names_it_fully() -> None:
    question = "Which country said it will send tanks to Chile?"
    said = [
        (
            "Polish President Ada Park announced that her country would provide 14 tanks "
            "for Chile's army.",
            1.0,
        ),
        ("Modern tanks are critical to Chile's ability to resist an army from Peru.", 0.5),
    ]
    assert typed_answer(question, read_kind(question), said) == "Poland"


def test_a_surname_alone_is_still_the_person_it_is_of() -> None:
    # "Biden" is Joe Biden: a person, which a question asking for a virus does not want
    question = "The Senate voted to end the emergency declaration for which virus?"
    said = [
        ("President Joe Biden will not stop Congress from ending the COVID-19 emergency.", 1.0),
        ("Biden won't veto the bill ending the national emergency declaration.", 0.95),
        ("Biden said the declaration had done its job.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) != "Joe Biden"


def test_a_broadcaster_may_be_a_person() -> None:
    question = "Producers feared which broadcaster would catch avian flu while filming?"
    said = [
        ("Producers feared Attenborough, 96, could catch bird flu while filming the series.", 1.0),
        ("The broadcaster David Attenborough narrates the new series.", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said) == "David Attenborough"


def test_a_score_on_the_way_is_not_the_final_score() -> None:
    question = "What was the score of the final?"
    said = [
        ("The Hawks erased a 24-14 halftime deficit to win 38-35 in the final on Sunday.", 1.0),
    ]
    assert typed_answer(question, read_kind(question), said) == "38-35"


def test_an_amount_written_as_an_adjective_prices_its_noun() -> None:
    said = [("Orbital Cloud is in talks over a multibillion-dollar cloud partnership.", 1.0)]
    worth = "How much is Orbital Cloud worth?"
    assert typed_answer(worth, read_kind(worth), said) is None  # the partnership's, not its
    deal = "How much is the deal worth?"  # a partnership is a deal
    assert typed_answer(deal, read_kind(deal), said) == "multibillion-dollar"


def test_an_amount_put_in_is_not_what_something_is_worth() -> None:
    said = [("Orbital Cloud has poured billions into Corvid Labs since 2023.", 1.0)]
    worth = "How much is Orbital Cloud worth?"
    assert typed_answer(worth, read_kind(worth), said) is None
    put_in = "How much has Orbital Cloud invested in Corvid Labs?"
    assert typed_answer(put_in, read_kind(put_in), said) == "billions"


def test_a_regnal_number_and_a_throne_are_part_of_the_name() -> None:
    assert ("Benedict XVI", "person") in _spans("Pope Emeritus Benedict XVI died on Saturday.")
    # a throne's title is part of how news names one known by one name; a senator's is not
    assert ("Pope Benedict XVI", "person") in _spans("Former Pope Benedict XVI died Saturday.")
    assert ("King Charles III", "person") in _spans("King Charles III spoke on Tuesday.")
    assert ("Prince Harry", "person") in _spans("Prince Harry and Meghan left.")
    assert ("Lee", "person") in _spans("Senator Lee spoke.")
    # a league's initials after a name are still another name
    assert _spans("Kevin Durant NBA trade talks resumed.")[1:] == [("NBA", "organisation")]


def test_a_person_described_is_the_one_the_sentence_before_names() -> None:
    text = (
        "Lena Voss is kicking off the week with two announcements. The “Glass Hours” singer "
        "is releasing a new album this summer."
    )
    hit = make_hit("c1", "a1", text=text, end=len(text))
    described = [c for c in candidates_of([hit], {}) if c.text.startswith("The")][0]
    assert with_referent(described, [hit]) == (
        "Lena Voss, the “Glass Hours” singer, is releasing a new album this summer."
    )
    # a company described is not taken for the person before it, nor is a person named
    # by a first name alone
    for before in ("Lena Voss met the board.", "Lena met the board."):
        text = f"{before} The 40-year-old {'company' if 'Voss' in before else 'singer'} said no."
        hit = make_hit("c1", "a1", text=text, end=len(text))
        second = candidates_of([hit], {})[-1]
        assert with_referent(second, [hit]) == second.text


def test_which_day_is_answered_with_its_weekday_and_what_year_with_a_year() -> None:
    question = "Pi Day was this week. Which day was it?"
    assert read_kind(question) == Asked("date", "day")
    said = [("March 14 marks Pi Day, the annual holiday in honour of pi.", 1.0)]
    assert date_answer(question, read_kind(question), said, [], today=date(2023, 3, 17)) == (
        "Tuesday, March 14"
    )
    # asked on January 3, a December 28 is last year's (a Wednesday in 2022)
    said = [("December 28 marks the festival, its organisers said.", 1.0)]
    question = "Which day did the festival fall on?"
    assert date_answer(question, read_kind(question), said, [], today=date(2023, 1, 3)) == (
        "Wednesday, December 28"
    )
    question = "What year did Nightjar launch its cloud?"
    said = [("Nightjar launched its cloud in March 2021.", 1.0)]
    assert date_answer(question, read_kind(question), said, []) == "2021"


def test_a_named_venue_is_a_place_and_a_first_name_opens_a_sentence() -> None:
    assert read_kind("Drake performed at which iconic venue?").kind == "place"
    assert _spans("He made his debut at the Apollo Theater on Saturday.", "place") == [
        ("Apollo Theater", "place")
    ]
    assert ("International Space Station", "place") in _spans(
        "The crew docked with the International Space Station on Friday.", "place"
    )
    assert ("Lina Park", "person") in _spans("Lina Park said the plan works.")  # a surname
    # a first name ending like an adverb ("Finally") opens a name all the same
    assert ("Sally Field", "person") in _spans("Sally Field won an Oscar.")
    assert ("Google", "name") in _spans("Finally Google agreed.")


def test_a_company_named_for_a_place_is_not_seen_in_the_place() -> None:
    hits = _hits("Startups across Silicon Valley are hiring.", "Small banks are struggling.")
    assert missing_names("Why did Silicon Valley Bank collapse?", hits) == ["Silicon Valley Bank"]
    assert missing_names("Why did Silicon Valley Bank collapse?", _hits(SVB)) == []
    # typed in lower case: the place the passages write with capitals, then the bank
    assert missing_names("why did silicon valley bank collapse", hits) == ["silicon valley bank"]
    assert missing_names("why did silicon valley bank collapse", _hits(SVB)) == []
    # a name of no kind is seen word by word ("Corvid Labs … a Series C round")
    hits = _hits("Corvid Labs said it raised money in a Series C round.")
    assert missing_names("When did Corvid Labs Series close?", hits) == []


SVB = "Regulators closed Silicon Valley Bank on Friday."


def test_a_career_tally_or_an_example_is_not_the_win_asked() -> None:
    question = "who won best actress"
    said = [
        ("The actress with the most Oscars is Kate Hollis, who won best actress four times.", 1.0),
        ("Lena Voss won best actress on Sunday for “Glass Hours.”", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said) == "Lena Voss"
    question = "which film won best picture"
    said = [
        ("Films such as “Tide,” “Ember” and “Quiet Hours” all won the cast prize before "
         "taking home best picture.", 1.0),
        ("The winner has stuck with audiences like “Ember” did three years ago.", 0.9),
        ("“Northern Lights” won best picture on Sunday night.", 0.6),
    ]  # fmt: skip
    assert typed_answer(question, read_kind(question), said) == "Northern Lights"


def test_only_votes_that_could_lead_or_join_one_are_weighed_by_likeness() -> None:
    votes = {
        "lena": Votes("Lena Voss", 1.0),
        "mara": Votes("Mara Quell", 0.2),
        "ivo": Votes("Ivo Brandt", 0.05),  # under a tenth: cannot come near the leader
        "voss": Votes("Voss", 0.05),  # a form of the leader's name: its votes join hers
        "tpu": Votes("TPU", 0.01),  # spelled out by another name
        "tensor": Votes("Tensor Processing Unit", 0.3),
    }
    assert weighed(votes) == ["lena", "mara", "voss", "tpu", "tensor"]


def test_which_day_gives_the_weekday_of_a_full_date_too() -> None:
    question = "Which day did Lena Voss die?"
    said = [("Lena Voss died Saturday (December 31, 2022).", 1.0)]
    assert date_answer(question, read_kind(question), said, [], today=date(2023, 1, 5)) == (
        "Saturday, December 31, 2022"
    )


def test_a_substance_asked_for_is_not_answered_with_a_name() -> None:
    # "vinyl chloride" is written in lower case; the railway's name is no chemical
    question = "what chemical was on the train in ohio"
    assert read_kind(question).kind == "other"
    assert read_kind("which company ran the train").kind == "organisation"


def test_who_did_it_is_the_name_the_act_follows() -> None:
    act = asked_act("who passed Mara Quell")
    said = "Cheers erupted after Tavo Renk passed Mara Quell on the WNBL’s scoring list."
    assert does_it(said, said.index(" passed"), act)
    assert not does_it(said, said.index("’s scoring"), act)
    assert asked_act("who is the CEO of Nightjar?") == set()
    question = "who passed Mara Quell"
    said = [
        (said, 1.0),
        ("Renk is about to pass Mara Quell on the WNBL’s all-time scoring list.", 0.9),
        ("The WNBL’s record had stood since Mara Quell set it.", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said) != "WNBL"  # it passed no one


def test_a_current_sentence_saying_nothing_asked_makes_no_old_answer_current() -> None:
    question = "who won the harbor cup"
    said = [
        ("The Harbor Cup victory was the Hawks' first cup win in a decade.", 1.0),  # last year
        ("The Hawks won the Harbor Cup after a penalty shootout.", 0.9),  # last year
        ("The Hawks thrash the Owls 7-0 in the league.", 0.8),  # this week, but of no cup
        ("A week earlier the Owls lifted the Harbor Cup.", 0.7),  # this week
        ("The Owls won the Harbor Cup final at Wembley on Sunday.", 0.15),  # this week
    ]
    asked, keys = read_kind(question), word_forms("won harbor cup")
    forms = [frozenset(word_forms(text) & keys) for text, _ in said]
    held = Coverage(dict.fromkeys(keys, 1 / len(keys)), forms)
    now = [False, False, True, True, True]
    # last year's winner is not made this week's news by a league match; this week's
    # sentences name the Owls too weakly to answer alone
    assert typed_answer(question, asked, said, coverage=held, current=now) is None


def test_how_old_is_answered_by_an_age_not_a_span_of_years() -> None:
    question = "how old was Lena Voss when she died"
    said = [
        ("Lena Voss, the first founder in nearly 600 years to quit the guild, died Saturday.", 1.0),
        ("Lena Voss died Saturday at age 95.", 0.9),
    ]
    assert typed_answer(question, read_kind(question), said) == "95"


def test_a_headline_listing_the_days_stories_is_read_story_by_story() -> None:
    assert roundup("Harbor shooting, Lena Voss, Quillon fire: Tuesday's news")
    assert roundup("Harbor shooting, Quillon layoffs and a winter storm: The Short List")
    assert not roundup("Oscars 2023: 'Northern Lights' wins best picture")
    assert not roundup("Hawks, Owls and the league prepare for Sunday")
    text = "Police released footage of the shooting at a Harbor school on Tuesday."
    hit = replace(
        make_hit("c1", "a1", text=text, end=len(text)),
        title="Harbor shooting, Lena Voss, Quillon fire: Tuesday's news",
    )
    candidates = candidates_of([hit], {})
    heads = headlines(candidates, np.ones(len(candidates)), [0])
    # each story on its own, at half a headline's weight: "Lena Voss" is not the shooter
    assert [(t, w) for t, w, _ in heads] == [
        ("Harbor shooting", 0.5),
        ("Lena Voss", 0.5),
        ("Quillon fire", 0.5),
    ]


def test_who_something_was_done_to_is_the_name_after_the_verb() -> None:
    # "the NBA’s all-time leading scorer" in every sentence had answered "who did he pass?"
    question = "who did Maria Torres pass"
    said = [
        ("Fans cheered after Maria Torres passed John Miller to become the NBA’s top scorer.", 1.0),
        ("The NBA’s top scorer record had stood since 1984.", 0.9),
        ("Maria Torres is the NBA’s top scorer now, the NBA said.", 0.9),
        ("Torres is about to pass John Miller on the NBA’s list.", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said) == "John Miller"


def test_the_people_of_a_country_are_held_by_its_name_and_back() -> None:
    # "his Mexican counterpart" had not been held by "Mexico's President …", which was then
    # left below sentences naming Biden alone
    question = "Biden held talks with his Mexican counterpart. Who is he?"
    candidates = candidates_of(
        _hits(
            "Mexico's President Andrés Manuel López Obrador welcomed Biden.",
            "Biden spoke to the press.",
            "The Mexicans in Texas cheered.",
        ),
        {},
    )
    covered = question_coverage(AnswerRequest(question, ()), candidates)
    assert [("mexican" in f) for f in covered.forms] == [True, False, True]
    # and "in Mexico" by "The Mexicans"; a state is not a country's people
    covered = question_coverage(AnswerRequest("Where in Mexico?", ()), candidates[2:])
    assert "mexico" in covered.forms[0]
    assert demonym("german", "germany") and not demonym("indian", "indiana")


def test_this_or_his_before_a_role_owns_no_role() -> None:
    # "this leader" had been read as "thi's leader": a notice named "This’ President"
    question = "Biden held talks with this leader, his Mexican counterpart:"
    assert asked_owner(question) is None


def test_where_a_period_starts_is_not_when_it_is() -> None:
    # "from August 2021 to 2022" had answered when the tax deadline is
    question = "When is the deadline to file your taxes?"
    said = [
        ("Brackets are based on prices from August 2021 to 2022, the IRS said.", 1.0),
        ("The IRS said the deadline to file taxes is April 18.", 0.8),
    ]
    assert typed_answer(question, read_kind(question), said) == "April 18"
    assert [s.detail for s in date_spans("It moved from April 15 to April 18.")] == ["before", ""]


def test_a_month_written_short_is_no_name() -> None:
    # "On Feb. 4, a U.S. fighter jet shot down …" had answered "who shot it down?" with "Feb"
    spans = find_spans("On Feb. 4, a U.S. fighter jet shot down a spy balloon.", "person")
    assert "Feb" not in [s.text for s in spans]
    assert "Jan Smith" in [s.text for s in find_spans("Jan Smith spoke on Oct. 2.", "person")]


def test_a_name_asked_to_do_it_did_not_do_it() -> None:
    # "called for Santos to resign" says he was asked to, not that he resigned
    question = "Who resigned this week?"
    said = [
        ("The party chairman called for George Santos to resign on Wednesday.", 1.0),
        ("Maria Torres resigned on Thursday, the council said.", 0.6),
    ]
    assert typed_answer(question, read_kind(question), said) == "Maria Torres"
