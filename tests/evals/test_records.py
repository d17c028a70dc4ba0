"""Summing per-question records into a run's figures, on records built by hand."""

from __future__ import annotations

import pytest

from evals.datasets import NULL_ANSWER, Evidence, Question
from evals.records import (
    AnswerResult,
    CitedChunk,
    QuestionRecord,
    RetrievalResult,
    RetrievedChunk,
    summarize,
)


def _retrieval(facts_per_rank: list[tuple[int, ...]], n_facts: int, ms: float) -> RetrievalResult:
    chunks = tuple(
        RetrievedChunk(rank=r, chunk_id=f"c{r}", article=f"url:a{r}", title="t", facts=f)
        for r, f in enumerate(facts_per_rank, start=1)
    )
    return RetrievalResult(chunks=chunks, n_facts=n_facts, ms=ms)


def _answer(short: str | None, *, abstained: bool = False, cites=(), verified=None, ms=100.0):
    citations = tuple(
        CitedChunk(n=i, chunk_id=f"c{i}", article=art, facts=facts)
        for i, (art, facts) in enumerate(cites, start=1)
    )
    return AnswerResult("text", short, abstained, citations, verified, ms)


def _question(qid: str, qtype: str, answer: str, articles: tuple[str, ...]) -> Question:
    evidence = tuple(Evidence(fact=f"fact {a}", url=f"https://{a}") for a in articles)
    return Question(qid, f"question {qid}", answer, qtype, evidence)


@pytest.fixture
def records() -> list[QuestionRecord]:
    return [
        # two facts, found at ranks 1 and 3: RR 1, AP (1/1 + 1/3)/2, all found
        QuestionRecord(
            _question("0", "inference_query", "Google", ("a", "b")),
            _retrieval([(0,), (), (1,)], 2, ms=10.0),
            _answer("Google", cites=[("url:a", (0,)), ("url:c", ())], verified=1.0, ms=100.0),
        ),
        # one fact, first found at rank 2: RR 1/2, AP 1/2; no short answer
        QuestionRecord(
            _question("1", "comparison_query", "Yes", ("a",)),
            _retrieval([(), (0,)], 1, ms=30.0),
            _answer(None, cites=[("url:a", ())], verified=0.0, ms=300.0),
        ),
        # null question, abstained: excluded from retrieval and answer figures
        QuestionRecord(
            _question("2", "null_query", NULL_ANSWER, ()),
            _retrieval([(), ()], 0, ms=20.0),
            _answer(None, abstained=True, ms=200.0),
        ),
    ]


def test_retrieval_figures_skip_null_questions(records: list[QuestionRecord]) -> None:
    s = summarize(records, k=3)
    r = s.retrieval
    assert r is not None and r.n == 2
    assert r.hits == {1: 0.5, 2: 1.0, 3: 1.0}
    assert r.mrr == pytest.approx((1 + 0.5) / 2)
    assert r.map == pytest.approx(((1 + 1 / 3) / 2 + 1 / 2) / 2)
    assert r.all_evidence == 1.0
    assert r.map_best == pytest.approx((0.75 + 1.0) / 2)  # perfect order: two facts, one fact
    assert s.by_type["comparison_query"].retrieval.mrr == pytest.approx(0.5)
    assert s.by_type["null_query"].retrieval is None


def test_answer_citation_and_abstention_figures(records: list[QuestionRecord]) -> None:
    s = summarize(records, k=3)
    a, c, ab = s.answers, s.citations, s.abstention
    assert a.n == 2 and a.short_answers == 1
    assert a.lenient == 0.5 and a.exact_match == 0.5  # the missing short answer counts as wrong
    # precision: q0 1 of 2 citations hold a fact, q1 0 of 1 -> mean(0.5, 0) = 0.25
    assert c.precision == pytest.approx(0.25)
    # recall: q0 cites a of {a, b} -> 0.5; q1 cites a of {a} -> 1.0
    assert c.recall == pytest.approx(0.75)
    assert c.verified_share == pytest.approx(0.5)
    assert (ab.n_null, ab.n_abstained, ab.precision, ab.recall) == (1, 1, 1.0, 1.0)


def test_latency_percentiles(records: list[QuestionRecord]) -> None:
    latency = summarize(records, k=3).latency_ms
    assert latency["search_p50"] == pytest.approx(20.0)
    assert latency["ask_p50"] == pytest.approx(200.0)
    assert "baseline_search_p50" not in latency
