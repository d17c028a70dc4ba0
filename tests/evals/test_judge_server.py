"""The LLM judge against a real llama.cpp server on loopback serving tiny GGUF models whose
output is a fixed text: a YES model, a score model and a garbage model (random weights where
they do not matter, so any prompt gets the same words back)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.datasets import load_gold
from evals.runner import RunOptions, evaluate
from rag import Judge, NewsragError
from rag.cli import main
from rag.config import LLMSettings
from tests.answer.conftest import serve_chains
from tests.conftest import CORPUS, DATA, free_port, make_settings

pytestmark = [pytest.mark.slow, pytest.mark.loopback]
CHAINS = {
    "yes": "YES",
    "score": "4.5",
    "garbage": "eyes zebra noon of",
    "answer": "Corvid Labs raised $300 million [1].",  # an answerer, for --llm
}
CHECKS = ("faithfulness", "relevancy", "correctness")
ASK = {
    "question": "Who leads Corvid Labs?",
    "answer": "Dana Reyes leads Corvid Labs [1].",
    "contexts": ["Corvid Labs, led by chief executive Dana Reyes, raised $300 million."],
    "reference": "Dana Reyes",
}


def judge_llm(name: str, base: str) -> LLMSettings:
    """A configured judge. The tiny models' vocabulary is mostly single bytes, so text costs
    about one token per character: a small context window makes LlamaIndex split the passages
    over several calls (refining the verdict) within the server's 8192 tokens."""
    return LLMSettings(
        name=f"{name}-judge",
        provider="openai_like",
        model=name,
        base_url=base,
        temperature=0,
        max_tokens=16,
        context_window=1024,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_chains(tmp_path_factory.mktemp("judge-gguf"), CHAINS) as base:
        yield base


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data directory for the eval runs here, so the eval index is built once."""
    return tmp_path_factory.mktemp("judge-data")


def test_verdicts_are_parsed_or_reported_unparseable(server: str) -> None:
    yes = Judge.from_spec(f"openai_like:yes@{server}").grade(**ASK)
    assert (yes.faithfulness.parsed, yes.faithfulness.passing, yes.faithfulness.score) == (
        True,
        True,
        1.0,
    )
    assert yes.relevancy.passing is True
    assert yes.correctness.parsed is False and yes.correctness.score is None  # YES is no score
    score = Judge.from_spec(f"openai_like:score@{server}").grade(**ASK)
    assert (score.correctness.score, score.correctness.passing) == (4.5, True)
    assert score.faithfulness.parsed is False and score.faithfulness.passing is None
    garbage = Judge.from_spec(f"openai_like:garbage@{server}").grade(**ASK)
    for check in CHECKS:
        verdict = getattr(garbage, check)
        assert "eyes zebra" in verdict.raw and verdict.error is None  # the judge did answer
        assert (verdict.parsed, verdict.passing, verdict.score) == (False, None, None)


def test_without_contexts_only_correctness_is_graded(server: str) -> None:
    grade = Judge.from_spec(f"openai_like:score@{server}").grade(**{**ASK, "contexts": []})
    assert grade.faithfulness is None and grade.relevancy is None
    assert grade.correctness.score == 4.5


def test_eval_with_a_garbage_judge_end_to_end(
    server: str, data: Path, tmp_path: Path, model_loaded: None
) -> None:
    out = tmp_path / "run"
    command = ["eval", "gold", str(DATA / "gold.json"), "--corpus", str(CORPUS),
               "--types", "inference_query", "--limit", "1",
               "--data-dir", str(data), "--out", str(out),
               "--llm", f"openai_like:answer@{server}", "--judge", "garbage-judge"]  # fmt: skip
    llms = json.dumps([judge_llm("garbage", server).model_dump(mode="json")])
    # two passages: the tiny answerer's prompt (about a token per byte) fits its context
    env = {"NEWSRAG_LLMS": llms, "NEWSRAG_RETRIEVAL__TOP_K": "2"}
    result = CliRunner().invoke(main, command, env=env)
    assert result.exit_code == 0, result.output
    assert "judge     pass rate: faithfulness –" in result.output
    doc = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert doc["config"]["judge"]["llm"] == "garbage-judge"
    assert doc["config"]["answerer"] == f"openai_like:answer@{server}"  # answers by --llm
    rows = [json.loads(line) for line in (out / "per_question.jsonl").read_text().splitlines()]
    assert len(rows) == 1 and not rows[0]["answer"]["abstained"]
    assert rows[0]["answer"]["text"].startswith("Corvid Labs raised $300 million")
    graded = {check: 0 for check in CHECKS}
    for row in rows:
        grade = row["answer"]["grade"]
        assert grade["judge"] == doc["config"]["judge"]["llm"]
        assert grade["correctness"]["parsed"] is False  # every answer gets a correctness verdict
        if row["answer"]["abstained"]:
            assert grade["faithfulness"] is None and grade["relevancy"] is None
        for check in CHECKS:
            if grade[check] is not None:
                graded[check] += 1
                assert grade[check]["score"] is None and grade[check]["passing"] is None
    for check in CHECKS:
        figures = doc["judge"][check]
        assert figures["n"] == figures["unparseable"] == graded[check] > 0
        assert (figures["parsed"], figures["errors"], figures["pass_rate"]) == (0, 0, None)
    assert set(doc["judge_by_type"]) == {"inference_query"}
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## LLM judge (LlamaIndex evaluators)" in report
    assert "| all | correctness | 1 | 0 | 1 | 0 | – | – |" in report


def test_a_yes_judge_passes_on_every_graded_answer(
    server: str, data: Path, model_loaded: None
) -> None:
    gold = load_gold(DATA / "gold.json", corpus=(CORPUS,))
    dataset = replace(gold, questions=(gold.questions[0], gold.questions[5]))  # the 2nd is null
    settings = make_settings(data, llms=[judge_llm("yes", server)])
    run = evaluate(
        dataset, settings=settings, eval_dir=data / "evals", options=RunOptions(judge="yes-judge")
    )
    answered = [r for r in run.records if not r.answer.abstained]
    assert answered and answered[0].question.qid == "0"
    for record in run.records:  # an abstention claims nothing: correctness only
        assert (record.answer.grade.faithfulness is None) == record.answer.abstained
    judge = run.summary.judge
    assert (judge["faithfulness"].n, judge["faithfulness"].errors) == (len(answered), 0)
    assert judge["faithfulness"].pass_rate == 1.0 and judge["relevancy"].pass_rate == 1.0
    assert judge["correctness"].unparseable == 2 and judge["correctness"].mean_score is None


def test_a_dead_judge_stops_the_run(tmp_path: Path, model_loaded: None) -> None:
    settings, eval_dir = make_settings(tmp_path / "user"), tmp_path / "evals"
    dead = f"openai_like:x@http://127.0.0.1:{free_port()}/v1"
    # a null question: the answerer abstains, so only correctness is tried (with retries)
    null = load_gold(DATA / "gold.json", corpus=(CORPUS,)).select(types=["null_query"], limit=1)
    with pytest.raises(NewsragError, match="The judge .* failed .*Connection"):
        evaluate(null, settings=settings, eval_dir=eval_dir, options=RunOptions(judge=dead))
