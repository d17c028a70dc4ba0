"""The offline answerer on the test corpus: hand-checked citations, short answers, dates,
abstentions and follow-ups."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rag import Answer, NewsRAG
from rag.retrieve.conversation import Message, condense, names
from rag.retrieve.intent import read_intent


def _sources(answer) -> set[str]:
    return {c.source for c in answer.citations}


@pytest.mark.parametrize(
    ("question", "short", "quote_part"),
    [
        ("Who is the CEO of Corvid Labs?", "Mira Okafor", "Corvid Labs CEO Mira Okafor said"),
        ("Which firm led the Corvid Labs Series C?", "Harbor Capital", "led by Harbor Capital"),
        ("Which company unveiled the QX-9 inference accelerator?", "Quillon Semiconductor", "QX-9"),
    ],
)
def test_entity_questions_get_the_entity_the_evidence_agrees_on(
    corpus_engine: NewsRAG, question: str, short: str, quote_part: str
) -> None:
    answer = corpus_engine.ask(question)
    assert not answer.abstained
    assert answer.short_answer == short
    assert any(quote_part in c.quote for c in answer.citations)
    assert answer.verified_share == 1.0


def test_when_questions_get_a_date(corpus_engine: NewsRAG) -> None:
    answer = corpus_engine.ask("When did Orbital Cloud cut 400 jobs?")
    assert answer.short_answer == "May 30, 2025"  # the article's date: the text gives none
    assert any("400" in c.quote for c in answer.citations)


def test_yes_no_settled_by_article_dates(corpus_engine: NewsRAG) -> None:
    before = corpus_engine.ask(
        "Was the report on Quillon's QX-9 accelerator published before the report on "
        "Orbital Cloud cutting 400 jobs?"
    )
    assert before.short_answer == "Yes"
    after = corpus_engine.ask(
        "Was the report on Orbital Cloud's quarterly revenue published before the report on "
        "Nimbus-7B open weights?"
    )
    assert after.short_answer == "No"


def test_no_short_answer_when_the_question_has_no_short_form(corpus_engine: NewsRAG) -> None:
    answer = corpus_engine.ask("How does Lumen Grid cool its Norway data center?")
    assert not answer.abstained and answer.short_answer is None
    assert _sources(answer) == {"Data Daily"}


def test_abstains_and_says_what_was_missing(corpus_engine: NewsRAG) -> None:
    answer = corpus_engine.ask("What did Zephyrine Dynamics announce about its Halberd chip?")
    assert answer.abstained and answer.citations == ()
    assert "I searched the 10 indexed articles" in answer.text
    assert "“Zephyrine Dynamics”" in answer.text and "“Halberd”" in answer.text


def test_question_dates_become_filters(corpus_engine: NewsRAG) -> None:
    answer = corpus_engine.ask("What did Orbital Cloud report in June 2025?")
    assert answer.filters == {"since": "2025-06-01", "until": "2025-06-30"}
    assert answer.citations and all(c.published_at.startswith("2025-06") for c in answer.citations)
    # "last week" names when the event happened, not a filter: nothing is that recent here
    # (the corpus is of 2025), so the older coverage is quoted and the reader is told so
    older = corpus_engine.ask("What happened to Orbital Cloud last week?")
    assert not older.abstained and older.citations and older.filters == {}
    assert older.notice.startswith("Nothing published between ")
    assert older.notice.endswith("answers this; the sentences below are older.")
    assert older.short_answer is None


def test_latest_prefers_newer_articles(corpus_engine: NewsRAG) -> None:
    answer = corpus_engine.ask("What is the latest news about Orbital Cloud?")
    assert answer.citations[0].published_at.startswith("2025-06-18")


def test_follow_up_carries_the_previous_subject(corpus_engine: NewsRAG) -> None:
    history = [
        {"role": "user", "content": "How much did Corvid Labs raise?"},
        {"role": "assistant", "content": "Corvid Labs raised $300 million [1]."},
    ]
    answer = corpus_engine.ask("And who is its CEO?", history=history)
    assert "Corvid Labs" in answer.searched
    assert answer.short_answer == "Mira Okafor"
    alone = corpus_engine.ask("And who is its CEO?")
    assert alone.short_answer != "Mira Okafor"


def test_chat_takes_gradio_style_messages(corpus_engine: NewsRAG) -> None:
    messages = [
        {"role": "user", "content": [{"type": "text", "text": "What did Quillon unveil?"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "The QX-9 [1]."}]},
        {"role": "user", "content": "When does it ship?"},
    ]
    answer = corpus_engine.chat(messages)
    assert "Quillon" in answer.searched
    assert any("Q3 2025" in c.quote or "third quarter" in c.quote for c in answer.citations)


def test_stream_yields_text_then_the_answer(corpus_engine: NewsRAG) -> None:
    items = list(corpus_engine.stream("How many jobs did Orbital Cloud cut?"))
    *pieces, final = items
    assert pieces and all(isinstance(p, str) for p in pieces)
    assert "".join(pieces).strip() == final.text.strip()
    assert final.answerer == "extractive" and final.timings_ms["total"] > 0


def test_intent_reading() -> None:
    now = datetime(2026, 11, 25, tzinfo=UTC)
    assert read_intent("Who led the round?", now=now).kind == "entity"
    assert read_intent("When did it ship?", now=now).kind == "date"
    assert read_intent("Was A published before B?", now=now).kind == "yesno"
    on_day = read_intent("What did TechCrunch publish on December 1, 2023?", now=now)
    assert (on_day.since_ts, on_day.until_ts) == (1701388800, 1701475199)
    assert read_intent("News since March", now=now).since_ts == 1772323200  # 2026-03-01
    multi = read_intent(
        "Did the TechCrunch article published on December 1, 2023 and the Verge report agree?",
        now=now,
    )
    assert multi.multi_source and multi.hard_dates == (None, None)


def test_condense_only_rewrites_follow_ups() -> None:
    history = [Message("user", "What did Nimbus Research release?")]
    assert (
        condense("What did Orbital Cloud announce?", history) == "What did Orbital Cloud announce?"
    )
    assert "Nimbus Research" in condense("And what license is it under?", history)
    assert "Nimbus Research" in condense("Under which license is it?", history)
    # a last question naming nothing is itself what the follow-up points at
    unnamed = [Message("user", "what does gartner think")]
    assert condense("who said that", unnamed) == "who said that (what does gartner think)"
    # a follow-up naming an owner of its own carries what was asked, not the old owner
    owned = [Message("user", "Who is Google's CEO?")]
    assert condense("And Anthropic's founders?", owned) == "And Anthropic's founders? (CEO)"


def test_a_follow_up_naming_only_a_subject_asks_the_last_question_of_it() -> None:
    history = [Message("user", "Who is Anthropic's CEO?"), Message("assistant", "…")]
    assert condense("What about Google?", history) == "Who is Google's CEO?"
    assert condense("and google's", history) == "Who is google's CEO?"
    history += [Message("user", "What about Google?"), Message("assistant", "…")]
    assert condense("And Amazon?", history) == "Who is Amazon's CEO?"  # the question before
    founded = [Message("user", "Who founded Anthropic?")]
    assert condense("And OpenAI?", founded) == "Who founded OpenAI?"
    # more than a subject, or no subject at all: the names are carried instead
    said = [Message("user", "What did Ben Wu say?")]
    assert condense("what about the risks?", said) == "what about the risks? (Ben Wu)"
    assert condense("what about now", said) == "what about now (Ben Wu)"
    # a question of its own, typed in lower case, carries nothing; a short one does
    gartner = [Message("user", "What does Gartner say about compute?")]
    own = "how long has google invested in anthropic"
    assert condense(own, gartner) == own
    assert condense("Why is that?", gartner) == "Why is that? (Gartner say compute)"
    latest = [Message("user", "What's the latest on Google?")]  # "What's" owns nothing
    assert condense("And Amazon?", latest) == "What's the latest on Amazon?"


def test_a_follow_up_asking_about_nothing_of_its_own_asks_about_the_last_topic() -> None:
    chips = [Message("user", "What chips does Anthropic use?"), Message("assistant", "…")]
    assert condense("How many?", chips) == "How many? (chips Anthropic use)"  # not "(Anthropic)"
    deal = [Message("user", "What is the Google Anthropic deal?"), Message("assistant", "…")]
    assert condense("Who would benefit?", deal) == "Who would benefit? (Google Anthropic)"
    deal += [Message("user", "Who would benefit?"), Message("assistant", "…")]
    # the last question, as it was resolved: why they would benefit
    assert condense("Why?", deal) == "Why? (benefit Google Anthropic)"
    assert condense("who is sarah krane", deal) == "who is sarah krane"  # a subject of its own
    points = [Message("user", "how many points did they score"), Message("assistant", "…")]
    assert condense("who was the mvp", points) == "who was the mvp"  # it asks about the MVP
    # what a follow-up asks is read from its own words, not from what it carries
    carried = read_intent("who was it (how many points did they score)", now=datetime.now(UTC))
    assert carried.asked.kind == "person"


def test_a_question_on_something_the_last_turn_never_spoke_of_stands_on_its_own() -> None:
    gartner = [
        Message("user", "what does gartner say about compute"),
        Message("assistant", "“Compute power is the new oil,” says Sarah Krane. [1]"),
    ]
    # "the deal" points at no deal the last turn spoke of: the story's deal, asked anew
    regulators = "which regulators could block the deal"
    assert condense(regulators, gartner) == regulators
    risks = [
        Message("user", "what are the risks of the deal"),
        Message("assistant", "Still, the strategic upside appears to outweigh the risks. [1]"),
    ]
    assert condense("why is compute important", risks) == "why is compute important"
    # a deal spoken of, a single word of its own, or a word the last turn used: a follow-up
    assert condense("who could block the deal", risks) != "who could block the deal"
    assert condense("how much money", risks) != "how much money"
    assert condense("are the risks high", risks) != "are the risks high"


def test_he_or_she_is_the_person_last_named() -> None:
    def people(text: str) -> list[str]:
        return [n for n in ("Mara Quell", "Ivo Brandt") if n in text]

    history = [
        Message("user", "Who is Orbital Cloud's CEO?"),
        Message("assistant", "Mara Quell, Orbital Cloud's CEO, said so. Ivo Brandt agreed."),
    ]
    assert condense("What did she say?", history, people=people) == "What did she say? (Mara Quell)"
    # a person the question itself named comes first
    history[0] = Message("user", "What did Ivo Brandt say about Orbital Cloud?")
    assert condense("Where does he work?", history, people=people) == (
        "Where does he work? (Ivo Brandt)"
    )
    # a question naming its own subject points at a thing with "this", not at a person
    history = [Message("user", "What did Ivo Brandt say about Orbital Cloud?")]
    assert condense("What does Nimbus get out of this?", history, people=people) == (
        "What does Nimbus get out of this? (Orbital Cloud)"
    )
    # without a person, the names of the last question are carried as before
    assert (
        condense("What did it say?", history[:1]) == "What did it say? (Ivo Brandt, Orbital Cloud)"
    )


def test_he_after_a_who_question_is_the_person_it_was_answered_with() -> None:
    def people(text: str) -> list[str]:  # the persons a text names ("Lee Saka" is unknown)
        return [n for n in ("Ivo Brandt",) if n in text]

    # the answer's first sentence names another person first; its short answer is who "he" is
    first = Answer(
        question="who is the league's top scorer",
        text="Fans cheered after Lee Saka passed Ivo Brandt to become the top scorer. [1]",
        short_answer="Lee Saka",
    )
    assert first.reply.startswith("**Lee Saka**\n\n")
    history = [Message("user", first.question), Message("assistant", first.reply)]
    assert condense("who did he pass", history, people=people) == "who did he pass (Lee Saka)"
    # read as before when the reply gives no short answer, or the question asked no "who"
    history[1] = Message("assistant", first.text)
    assert condense("who did he pass", history, people=people) == "who did he pass (Ivo Brandt)"
    history = [Message("user", "what did the league say"), Message("assistant", first.reply)]
    assert "Lee Saka" not in condense("who did he pass", history, people=people)


def test_it_and_the_deal_point_at_no_person() -> None:
    def people(text: str) -> list[str]:  # a person told by the answer's apposition only
        return ["Mara Quell"] if "Mara Quell," in text else []

    history = [
        Message("user", "Who is Mara Quell?"),
        Message("assistant", "Mara Quell, Orbital Cloud's CEO, said so."),
    ]
    asked = "what does nimbus get from the deal"
    assert condense(asked, history, people=people) == asked  # not "(Mara Quell)"
    history += [Message("user", asked), Message("assistant", "Nimbus gets compute.")]
    assert condense("which regulators might look at it", history, people=people) == (
        f"which regulators might look at it ({asked})"
    )
    # "he" still points at her or him
    assert condense("what did he say", history[:2], people=people) == (
        "what did he say (Mara Quell)"
    )


def test_an_outlet_the_index_does_not_hold_is_named_in_the_abstention(
    corpus_engine: NewsRAG,
) -> None:
    answer = corpus_engine.ask("What did a Bloomberg article say about the Corvid Labs Series C?")
    assert answer.abstained and not answer.citations
    assert "No indexed article is from “Bloomberg”" in answer.text
    held = corpus_engine.ask("What did an AI Wire article say about the Corvid Labs Series C?")
    assert not held.abstained and {c.source for c in held.citations} >= {"AI Wire"}


def test_words_opening_a_question_are_not_names() -> None:
    assert names("Has the Sporting News explanation of betting odds changed?") == ["Sporting News"]
    assert names("Between the TechCrunch report and the Verge report, Based on Corvid Labs") == [
        "TechCrunch",
        "Verge",
        "Corvid Labs",
    ]


def test_relative_times_are_read_from_the_moment_asked() -> None:
    thursday = datetime(2023, 1, 5, 23, 59, 59, tzinfo=UTC)  # asked as of Thursday 2023-01-05

    def since(question: str) -> str:
        ts = read_intent(question, now=thursday).since_ts
        return datetime.fromtimestamp(ts, UTC).date().isoformat() if ts is not None else "-"

    assert since("Who won the game this week?") == "2022-12-29"  # the last seven days, and one
    assert since("What happened yesterday?") == "2023-01-04"
    assert since("What did the court rule on Monday?") == "2023-01-02"
    assert since("What happened on Thursday?") == "2023-01-05"  # today is a Thursday
    assert since("Which film topped the box office last weekend?") == "2022-12-31"
    assert since("Which company cut jobs this month?") == "2023-01-01"
    assert since("What happened in the past week?") == "2022-12-29"
    assert since("Who announced layoffs recently?") == "-"  # vague: newer first, no filter
    assert read_intent("Who announced layoffs recently?", now=thursday).recent


def test_each_outlet_the_question_names_is_quoted(corpus_engine: NewsRAG) -> None:
    # the best sentences are all The Silicon Ledger's; what TechPulse said is quoted too
    answer = corpus_engine.ask("What did The Silicon Ledger and TechPulse say about chips?")
    assert not answer.abstained
    assert {"The Silicon Ledger", "TechPulse"} <= _sources(answer)
    assert len(answer.sentences) <= 4


def test_a_short_question_saying_what_it_asks_about_stands_on_its_own() -> None:
    svb = [Message("user", "why did the bank collapse"), Message("assistant", "…")]
    assert condense("How old is Biden?", svb) == "How old is Biden?"
    # a short question on what the last turn spoke of leans on it; on what it never spoke
    # of, it stands alone
    assert condense("how many banks failed", svb) == (
        "how many banks failed (why did the bank collapse)"
    )
    assert condense("how many children died", svb) == "how many children died"
    # "this week" is a time, not something said before
    assert condense("who died this week", svb) == "who died this week"
    # the last question's own subject, asked again, needs nothing carried
    hosted = [Message("user", "who hosted the oscars"), Message("assistant", "…")]
    assert condense("when are the oscars", hosted) == "when are the oscars"
    # a role with no owner is the last subject's ("who is the ceo?" after Google)
    google = [Message("user", "What did Google announce?"), Message("assistant", "…")]
    assert condense("who is the ceo", google) == "who is the ceo (Google)"
    # earlier turns are read as they were resolved: "where" is about the balloon
    chain = [
        Message("user", "what happened with the quillbot balloon"),
        Message("assistant", "…"),
        Message("user", "who shot it down"),
        Message("assistant", "…"),
    ]
    assert condense("where", chain) == "where (shot down happened quillbot balloon)"
    chain += [Message("user", "where"), Message("assistant", "…")]
    assert "balloon" in condense("when did that happen", chain)
    # a word no dictionary has names the question's own subject, typed in lower case
    court = [Message("user", "what did the court decide"), Message("assistant", "…")]
    common = {"banned", "being", "judges", "decided"}.__contains__
    assert condense("is quillbot being banned", court, known=common) == "is quillbot being banned"
    assert condense("how many judges decided", court, known=common).endswith(
        "(what did the court decide)"
    )


def test_him_is_the_name_the_last_question_typed_in_lower_case() -> None:
    def people(text: str) -> list[str]:  # finds only the name it already knows
        return ["Ivo Brandt"] if "Ivo Brandt" in text else []

    history = [
        Message("user", "who is mara quell"),
        Message("assistant", "Ivo Brandt will attend Mara Quell's hearing on Monday."),
    ]
    assert condense("what happened to her", history, people=people) == (
        "what happened to her (Mara Quell)"
    )
