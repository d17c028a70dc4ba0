"""Metric functions on cases computed by hand."""

from __future__ import annotations

import pytest

from evals import metrics

F = frozenset


def test_facts_found_ignores_spaces_and_newlines_only() -> None:
    chunks = ["The QX-9 ships\nin Q3 2025. Other text.", "nothing here", "theqx-9shipsinq32025."]
    facts = ["The QX-9 ships in Q3 2025.", "Other text."]
    # chunk 2 is lower-case: case still matters, only spaces/newlines are dropped
    assert metrics.facts_found(chunks, facts) == [F({0, 1}), F(), F()]
    assert metrics.facts_found(["a b"], [""]) == [F()]  # an empty fact matches nothing


def test_hits_mrr_on_a_ranked_list() -> None:
    found = [F(), F(), F({1}), F(), F({0})]
    assert metrics.hit_at(found, k=2) == 0.0
    assert metrics.hit_at(found, k=3) == 1.0
    assert metrics.reciprocal_rank(found, k=10) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(found, k=2) == 0.0


def test_average_precision_counts_only_newly_found_facts() -> None:
    # 3 gold facts; rank 1 finds fact 0, rank 2 finds fact 0 again (no credit), rank 4 finds 1+2
    found = [F({0}), F({0}), F(), F({1, 2})]
    # (1/1 + 0/2 + 0/3 + 2/4) / min(3, 10) = 1.5 / 3
    assert metrics.average_precision(found, n_facts=3, k=10) == pytest.approx(0.5)
    # cut at k=3: only rank 1 counts -> 1/3
    assert metrics.average_precision(found, n_facts=3, k=3) == pytest.approx(1 / 3)
    assert metrics.average_precision(found, n_facts=0) == 0.0


def test_average_precision_divides_by_at_most_k() -> None:
    found = [F({i}) for i in range(12)]
    # 10 ranks, each one new fact at rank r -> sum(1/r) over 1..10, divided by min(12, 10)
    expected = sum(1 / r for r in range(1, 11)) / 10
    assert metrics.average_precision(found, n_facts=12, k=10) == pytest.approx(expected)


def test_best_average_precision_is_perfect_retrievals_ap() -> None:
    """What AP@k is out of: perfect retrieval finds one new fact at each rank 1..n."""
    for n in (1, 2, 3, 4, 12):
        perfect = [F({i}) for i in range(n)]
        best = metrics.best_average_precision(n, k=10)
        assert best == pytest.approx(metrics.average_precision(perfect, n_facts=n, k=10))
    assert metrics.best_average_precision(2) == pytest.approx(0.75)
    assert metrics.best_average_precision(4) == pytest.approx((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4)
    assert metrics.best_average_precision(0) == 0.0


def test_all_found_needs_every_fact_in_the_top_k() -> None:
    found = [F({0}), F(), F({1})]
    assert metrics.all_found(found, n_facts=2, k=3) == 1.0
    assert metrics.all_found(found, n_facts=2, k=2) == 0.0
    assert metrics.all_found(found, n_facts=3, k=3) == 0.0
    assert metrics.all_found([], n_facts=1) == 0.0


def test_lenient_match_is_the_papers_rule() -> None:
    assert metrics.lenient_match("yes", "Yes")
    assert metrics.lenient_match("Sam Bankman-Fried was convicted", "Sam Bankman-Fried")
    assert not metrics.lenient_match("Yes.", "Yes")  # whitespace words: "yes." != "yes"
    assert not metrics.lenient_match("No", "Yes")
    assert not metrics.lenient_match(None, "Yes")


def test_exact_match_and_f1_normalise_like_squad() -> None:
    assert metrics.exact_match("The Google.", "google")
    assert not metrics.exact_match("Google Cloud", "Google")
    assert not metrics.exact_match(None, "Google")
    # pred "google cloud" vs gold "google": P = 1/2, R = 1 -> F1 = 2/3
    assert metrics.token_f1("Google Cloud", "Google") == pytest.approx(2 / 3)
    assert metrics.token_f1("Amazon", "Google") == 0.0
    assert metrics.token_f1(None, "Google") == 0.0
    assert metrics.token_f1("the", "a") == 1.0  # both empty after normalising


def test_precision_recall_of_abstention() -> None:
    abstained = [True, True, False, False, True]
    null = [True, False, True, False, True]
    pr = metrics.precision_recall(abstained, null)
    assert (pr.true_positive, pr.false_positive, pr.false_negative) == (2, 1, 1)
    assert pr.precision == pytest.approx(2 / 3)
    assert pr.recall == pytest.approx(2 / 3)
    none = metrics.precision_recall([False], [False])
    assert none.precision is None and none.recall is None
    with pytest.raises(ValueError):
        metrics.precision_recall([True], [])


def test_article_key_ignores_scheme_www_and_trailing_slash() -> None:
    a = metrics.article_key(url="https://www.TechCrunch.com/2023/10/01/ftx/")
    b = metrics.article_key(url="http://techcrunch.com/2023/10/01/ftx", title="other")
    assert a == b
    assert metrics.article_key(title="  Google  and Anthropic ") == "title:google and anthropic"
    assert a != metrics.article_key(url="https://techcrunch.com/2023/10/02/ftx")


def test_citation_precision_and_recall() -> None:
    assert metrics.citation_precision([True, False, True, True]) == pytest.approx(0.75)
    assert metrics.citation_precision([]) is None
    assert metrics.citation_recall(["a", "c", "a"], ["a", "b"]) == pytest.approx(0.5)
    assert metrics.citation_recall([], ["a"]) == 0.0
    assert metrics.citation_recall(["a"], []) is None


def test_mean_and_percentile() -> None:
    assert metrics.mean([1.0, None, 3.0]) == 2.0
    assert metrics.mean([None]) is None
    assert metrics.percentile([10, 20, 30, 40], 50) == pytest.approx(25.0)
    assert metrics.percentile([], 95) is None
