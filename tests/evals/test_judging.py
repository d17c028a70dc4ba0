"""The judge's verdicts read strictly and summed by hand-computed cases; bad judge options fail
before anything is embedded."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.datasets import Question
from evals.judging import check_judge, score_judge, score_verdicts
from evals.records import AnswerResult, QuestionRecord, RetrievalResult
from evals.report import flatten
from rag import ConfigError, Grade, Judge, NewsragError, Verdict
from rag.answer.judge import parse_score, parse_yes_no
from rag.cli import main
from rag.config import LLMSettings
from tests.conftest import CORPUS, DATA


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("YES", True),
        (" no.", False),
        ("Answer: YES", True),
        ("**Yes**, the context supports it.", True),
        ("NO\nThe passages say nothing about it.", False),
        ("eyes zebra noon of", None),  # LlamaIndex's own rule ("yes" anywhere) would pass it
        ("The answer is yes", None),
        ("Nope", None),
        ("", None),
    ],
)
def test_yes_no_verdicts_are_read_from_the_start_only(text: str, verdict: bool | None) -> None:
    assert parse_yes_no(text) is verdict


@pytest.mark.parametrize(
    ("text", "score"),
    [
        ("4.0\nSame figures as the reference.", 4.0),
        ("\n\n5\n", 5.0),
        ("Score: 3", 3.0),
        ("4/5", 4.0),
        ("2.5 / 5.0", 2.5),
        ("0", None),  # the scale is 1-5
        ("7\nvery good", None),
        ("4 because it is close", None),
        ("2023 was a year", None),
        ("YES", None),
        ("", None),
    ],
)
def test_correctness_scores_need_a_score_line(text: str, score: float | None) -> None:
    assert parse_score(text) == score


def _v(metric: str, passing: bool | None, score: float | None, error: str | None = None):
    return Verdict(metric, parsed=passing is not None, passing=passing, score=score, error=error)


def test_figures_count_unparseable_and_failed_verdicts_apart() -> None:
    yes_no = [
        _v("faithfulness", True, 1.0),
        _v("faithfulness", False, 0.0),
        _v("faithfulness", None, None),
        _v("faithfulness", None, None, error="ConnectError: refused"),
    ]
    s = score_verdicts(yes_no)
    assert (s.n, s.parsed, s.unparseable, s.errors) == (4, 2, 1, 1)
    assert (s.pass_rate, s.mean_score) == (0.5, 0.5)
    scores = score_verdicts(
        [_v("correctness", True, 5.0), _v("correctness", False, 3.0), _v("correctness", None, None)]
    )
    assert (scores.parsed, scores.unparseable, scores.pass_rate, scores.mean_score) == (
        2,
        1,
        0.5,
        4.0,
    )
    garbage = score_verdicts([_v("relevancy", None, None)] * 3)
    assert (garbage.unparseable, garbage.pass_rate, garbage.mean_score) == (3, None, None)


def _record(grade: Grade | None) -> QuestionRecord:
    answer = AnswerResult("text", None, False, (), None, 1.0, grade=grade)
    return QuestionRecord(Question("0", "q", "a"), RetrievalResult((), 0, 1.0), answer)


def test_judge_figures_exist_only_for_graded_answers() -> None:
    assert score_judge([_record(None), _record(None)]) is None
    abstained = Grade("j", correctness=_v("correctness", False, 1.0))
    answered = Grade(
        "j",
        faithfulness=_v("faithfulness", True, 1.0),
        relevancy=_v("relevancy", None, None),
        correctness=_v("correctness", True, 4.0),
    )
    figures = score_judge([_record(abstained), _record(answered), _record(None)])
    assert figures is not None and set(figures) == {"faithfulness", "relevancy", "correctness"}
    assert figures["faithfulness"].n == 1 and figures["correctness"].n == 2
    assert figures["correctness"].pass_rate == 0.5 and figures["correctness"].mean_score == 2.5
    assert figures["relevancy"].unparseable == 1 and figures["relevancy"].pass_rate is None


def test_a_judge_failing_every_call_stops_the_run() -> None:
    failed = Grade("dead", correctness=_v("correctness", None, None, error="ConnectError: x"))
    with pytest.raises(NewsragError, match="The judge 'dead' failed .*ConnectError"):
        check_judge(failed)
    check_judge(Grade("ok", correctness=_v("correctness", None, None)))  # unparseable is no stop


def test_judge_specs_and_configured_names() -> None:
    spec = "openai_like:qwen@http://127.0.0.1:9/v1"
    assert Judge.from_spec(spec).name == spec
    mine = LLMSettings(name="mine", provider="openai_like", base_url="http://127.0.0.1:9/v1")
    assert Judge.from_spec("mine", llms=[mine]).name == "mine"
    with pytest.raises(ConfigError, match="Unknown LLM provider 'gpt5'"):
        Judge.from_spec("gpt5:x")
    with pytest.raises(ValueError, match="unknown check 'style'"):
        Judge.from_spec(spec).grade(
            question="q", answer="a", contexts=["c"], reference="r", checks=["style"]
        )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--no-answers", "--judge", "ollama:x"], "drop --no-answers to use --judge"),
        (["--judge", "gpt5:x"], "Unknown LLM provider 'gpt5'"),
        (["--answerer", "nobody"], "No answerer named 'nobody'. Configured: extractive."),
        (["--llm", "gpt5:x"], "Unknown LLM provider 'gpt5'"),
    ],
)
def test_bad_judge_options_fail_before_indexing(
    tmp_path: Path, args: list[str], message: str
) -> None:
    command = ["eval", "gold", str(DATA / "gold.json"), "--corpus", str(CORPUS)]
    result = CliRunner().invoke(main, [*command, "--data-dir", str(tmp_path), *args])
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "evals").exists()  # nothing indexed


def test_compare_reads_the_judge_figures() -> None:
    doc = {
        "config": {"retrieval": {"k": 10}},
        "retrieval": {"hits@10": 0.5},
        "judge": {
            "faithfulness": {"n": 4, "unparseable": 1, "pass_rate": 0.75, "mean_score": 0.75},
            "correctness": {"n": 4, "unparseable": 4, "pass_rate": None, "mean_score": None},
        },
    }
    assert flatten(doc) == {
        "retrieval.hits@10": 0.5,
        "judge.faithfulness.pass_rate": 0.75,
        "judge.faithfulness.mean_score": 0.75,
    }
    assert not any(name.startswith("judge") for name in flatten({**doc, "judge": None}))
