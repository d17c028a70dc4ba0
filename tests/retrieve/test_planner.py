"""Reading outlets, clauses and days out of a question, and merging per-outlet lists."""

from __future__ import annotations

from datetime import UTC, datetime

from rag.retrieve.merge import part_filters, round_robin
from rag.retrieve.planner import OutletNames, Part, acronym, aliases, plan_query
from rag.retrieve.retriever import SearchFilters
from tests.conftest import make_hit

OUTLETS = OutletNames(
    [
        "The Verge",
        "TechCrunch",
        "The New York Times",
        "Cnbc | World Business News Leader",
        "CBSSports.com",
        "The Independent - Travel",
        "The Independent - Sports",
        "Fortune",
    ]
)


def _ts(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


def test_aliases_cover_taglines_sections_domains_and_acronyms() -> None:
    assert {"cnbc", "cnbc | world business news leader"} <= aliases(
        "Cnbc | World Business News Leader"
    )
    assert {"cbssports", "cbs sports"} <= aliases("CBSSports.com")
    assert "verge" in aliases("The Verge")
    assert acronym("The New York Times") == "NYT"
    assert acronym("Fortune") is None


def test_find_matches_names_without_case_and_acronyms_only_in_capitals() -> None:
    found = OUTLETS.find("As the NYT and cnbc reported, while the nyt of old did not")
    assert [m.sources for m in found] == [
        ("The New York Times",),
        ("Cnbc | World Business News Leader",),
    ]
    (independent,) = OUTLETS.find("What did The Independent say about beaches?")
    assert independent.sources == ("The Independent - Sports", "The Independent - Travel")
    assert OUTLETS.find("Was the fortune of the company made by fortune tellers?") != []
    assert OUTLETS.find("What did analysts say about the chip market?") == []


def test_a_list_of_outlets_gives_each_the_whole_question() -> None:
    q = "Which company, according to The Verge and TechCrunch, sued Google?"
    plan = plan_query(q, OUTLETS)
    assert [p.sources for p in plan.parts] == [("The Verge",), ("TechCrunch",)]
    assert all(p.text == q for p in plan.parts)


def test_outlets_in_different_clauses_get_their_own_clause_and_day() -> None:
    q = (
        "Between the report by The Verge on Apple's search deal published on September 26, "
        "2023, and the report by TechCrunch on the antitrust suit published on December 15, "
        "2023, did the portrayal change?"
    )
    verge, crunch = plan_query(q, OUTLETS).parts
    assert verge.text.startswith("Between the report by The Verge") and "TechCrunch" not in (
        verge.text
    )
    assert crunch.text.startswith("and the report by TechCrunch") and "Verge" not in crunch.text
    assert verge.since_ts is not None and crunch.until_ts is not None
    assert verge.since_ts < _ts("2023-09-26") < verge.until_ts < _ts("2023-09-28")
    assert crunch.since_ts < _ts("2023-12-15") < crunch.until_ts


def test_a_question_naming_no_outlet_has_no_parts() -> None:
    assert plan_query("Who makes the QX-9 chip?", OUTLETS).parts == ()


_hit = make_hit


def test_round_robin_takes_turns_and_caps_chunks_per_article() -> None:
    a = [_hit("a1", "A"), _hit("a2", "A"), _hit("a3", "A"), _hit("b1", "B")]
    c = [_hit("c1", "C"), _hit("a1", "A"), _hit("c2", "C")]
    merged = round_robin([a, c], top_k=6, per_article=2)
    assert [h.chunk_id for h in merged] == ["a1", "c1", "a2", "c2", "b1", "a3"]
    assert [h.chunk_id for h in round_robin([a], top_k=3, per_article=0)] == ["a1", "a2", "a3"]


def test_part_filters_stay_inside_what_the_caller_asked_for() -> None:
    part = Part("x", ("The Verge", "TechCrunch"), _ts("2023-09-25"), _ts("2023-09-28"))
    narrowed = part_filters(part, SearchFilters(sources=("TechCrunch",)))
    assert narrowed is not None and narrowed.sources == ("TechCrunch",)
    assert narrowed.since_ts == part.since_ts
    assert part_filters(part, SearchFilters(sources=("Fortune",))) is None
    clash = part_filters(part, SearchFilters(since_ts=_ts("2024-01-01")))
    assert clash is not None and clash.since_ts == _ts("2024-01-01") and clash.until_ts is None


def test_outlets_the_index_does_not_hold_are_reported() -> None:
    plan = plan_query(
        "Did a Bloomberg report on Nvidia agree with an article in The Verge and another "
        "by The Wall Street Journal published on November 6, 2023?",
        OUTLETS,
    )
    assert plan.unindexed == ("Bloomberg", "The Wall Street Journal")
    assert plan.sources == ("The Verge",)
    # subjects, dates and indexed outlets are not outlets it lacks
    for question in (
        "Does the TechCrunch report on Google's Gemini agree with a report from CNBC?",
        "Was the article published on November 6, 2023 by The Verge about Apple?",
        "What did the NYT article on Epic Games say?",
        "What did the report by The Independent say about Ireland?",
    ):
        assert plan_query(question, OUTLETS).unindexed == (), question
    bbc = OutletNames(["BBC News - Technology"])
    assert plan_query("What did a BBC article say about chips?", bbc).unindexed == ()


def test_clauses_split_a_question_into_the_things_it_asks_about() -> None:
    from rag.retrieve.planner import clauses

    q = (
        "Who is the individual facing a criminal trial on fraud charges, as reported by "
        "The Verge, and is accused by prosecutors of committing fraud for personal gain?"
    )
    assert clauses(q) == [
        "Who is the individual facing a criminal trial on fraud charges",
        "as reported by The Verge",
        "is accused by prosecutors of committing fraud for personal gain?",
    ]
    assert clauses("Who leads Corvid Labs?") == ["Who leads Corvid Labs?"]
    # "and" inside a name list is not a break
    assert len(clauses("Did Apple and Google settle the lawsuit in March?")) == 1


def test_the_comma_of_a_date_does_not_split_a_clause() -> None:
    from rag.retrieve.planner import clauses

    asked = "What did the TechPulse article published on April 22, 2025 announce?"
    assert clauses(asked) == [asked]
    assert len(clauses("Who was fined on May 2, 2024, as reported by X, and sued for Y?")) == 3
