"""`newsrag eval realtimeqa` on a split written for the test: questions asked as of their date,
scored by the dataset's protocol, with the baseline scored by the same code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.quiz_report import Scored, figures, score_answer
from evals.realtimeqa import load_realtimeqa, run_quiz
from rag import NewsragError
from rag.cli import main
from tests.answer.conftest import serve_chains
from tests.conftest import make_settings

ARTICLES = [
    {
        "title": "Orbital Cloud cuts 400 jobs in its consumer division",
        "url": "https://aiwire.example/orbital-cuts",
        "body": "Orbital Cloud is cutting 400 jobs in its consumer division, the company told "
        "staff on Friday. Chief executive Karen Holt said the products never reached scale.",
        "published_at": "2025-05-30",
        "source": "aiwire.example",
    },
    {
        "title": "Corvid Labs raises $300 million led by Harbor Capital",
        "url": "https://techpulse.example/corvid",
        "body": "Corvid Labs raised $300 million in a Series C round led by Harbor Capital. "
        "The robotics startup said it would hire 200 engineers.",
        "published_at": "2025-06-02",
        "source": "techpulse.example",
    },
    {  # published after the first question's date: it must stay unseen for that question
        "title": "Orbital Cloud names Priya Raman chief executive",
        "url": "https://aiwire.example/orbital-ceo",
        "body": "Orbital Cloud named Priya Raman chief executive on Monday, replacing Karen "
        "Holt, who led the company for six years.",
        "published_at": "2025-07-07",
        "source": "aiwire.example",
    },
]
QUESTIONS = [
    ("q1", "2025-06-05", "Who is the chief executive of Orbital Cloud?", "Karen Holt", True),
    ("q2", "2025-07-08", "Who did Orbital Cloud name chief executive this week?", "Priya Raman",
     True),
    ("q3", "2025-06-05", "Which firm led the Corvid Labs round?", "Harbor Capital", True),
    ("q4", "2025-06-05", "Which city hosts the Winter Olympics?", "Milan", False),
]  # fmt: skip
BASELINE = {"q1": "Karen Holt", "q2": "Karen Holt", "q3": "Harbor", "q4": "Turin"}


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rtqa") / "dev"
    folder.mkdir()
    lines = [json.dumps(a) for a in ARTICLES]
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [
        {"question_id": q, "question_date": d, "query": text, "answer": gold,
         "choices": [gold, "other"], "evidence": "", "question_source": "test",
         "search_urls": [], "answer_in_corpus": inside}
        for q, d, text, gold, inside in QUESTIONS
    ]  # fmt: skip
    (folder / "queries.jsonl").write_text("\n".join(map(json.dumps, rows)) + "\n")
    baseline = [{"question_id": q, "prediction": p} for q, p in BASELINE.items()]
    (folder / "baseline-gpt3-gcs-gen.jsonl").write_text("\n".join(map(json.dumps, baseline)))
    return folder


def test_scoring_follows_the_protocol() -> None:
    assert score_answer(short="the Buffalo Bills", text="x", gold="Buffalo Bills").exact
    partial = score_answer(short="Benedict XVI", text="Pope Benedict XVI died.", gold="Pope "
                           "Benedict XVI")  # fmt: skip
    assert (partial.exact, round(partial.f1, 2), partial.wrong, partial.bearing) == (
        False, 0.8, False, True,
    )  # fmt: skip
    wrong = score_answer(short="Turin", text="The games are in Turin.", gold="Milan")
    assert wrong.wrong and not wrong.bearing
    none = score_answer(short=None, text="", gold="Milan")
    assert not none.wrong and none.f1 == 0.0
    got = figures(
        [Scored(True, 1.0, False, True), Scored(False, 0.0, True, False),
         Scored(False, 0.0, False, False)],
        abstained=[False, False, True],
        shorts=[True, True, False],
        answerable=[True, True, True],
    )  # fmt: skip
    assert got["exact_match"] == pytest.approx(1 / 3) and got["wrong_short"] == pytest.approx(1 / 3)
    assert got["false_abstention"] == pytest.approx(1 / 3) and got["answer_bearing"] == 1 / 3


@pytest.mark.slow
def test_questions_are_asked_as_of_their_date(
    split: Path, tmp_path: Path, model_loaded: None
) -> None:
    quiz = load_realtimeqa(split)
    run = run_quiz(quiz, settings=make_settings(tmp_path / "data"), eval_dir=tmp_path / "ev")
    by_id = {r.question.qid: r.answer for r in run.records}
    # on 2025-06-05 the new chief executive had not been named: that article does not exist yet
    assert "Priya Raman" not in by_id["q1"].text and "Karen Holt" in by_id["q1"].text
    assert by_id["q1"].filters.get("as_of") == "2025-06-05"
    assert "Priya Raman" in by_id["q2"].text  # a month later it does
    assert by_id["q2"].short == "Priya Raman"
    # what counts as shown is what a reader sees: the short answer above the quoted sentences
    assert by_id["q2"].text.startswith("Priya Raman\n")
    assert by_id["q3"].short == "Harbor Capital" and by_id["q3"].kind == "organisation"


@pytest.mark.slow
def test_the_command_writes_the_report_beside_the_baseline(
    split: Path, tmp_path: Path, model_loaded: None
) -> None:
    out = tmp_path / "run"
    args = ["eval", "realtimeqa", "--dataset-dir", str(split), "--data-dir",
            str(tmp_path / "data"), "--out", str(out)]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "realtimeqa-dev: 4 questions (3 answerable)" in result.output
    assert any(line.startswith("GPT-3") for line in result.output.splitlines())
    doc = json.loads((out / "metrics.json").read_text())
    # GPT-3's answers scored by our code: q1 exact; q2 "Karen Holt" shares no word with "Priya
    # Raman": wrong; q3 "Harbor" is partly right; q4 wrong (and not answerable)
    base = doc["baseline"]
    assert base["answerable"]["exact_match"] == pytest.approx(1 / 3)
    assert base["all"]["wrong_short"] == pytest.approx(2 / 4)
    assert doc["ours"]["answerable"]["n"] == 3 and doc["ours"]["all"]["n"] == 4
    assert set(doc["by_kind"]) >= {"person", "organisation", "place"}
    rows = [json.loads(line) for line in (out / "per_question.jsonl").read_text().splitlines()]
    assert [r["question_id"] for r in rows] == ["q1", "q2", "q3", "q4"]
    for name in ("report.md", "realtimeqa.png"):
        assert (out / name).stat().st_size > 200
    assert "GPT-3, answerable" in (out / "report.md").read_text()


def test_a_folder_without_the_split_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NewsragError, match="no corpus.jsonl or queries.jsonl"):
        load_realtimeqa(tmp_path)
    result = CliRunner().invoke(
        main, ["eval", "realtimeqa", "--dataset-dir", str(tmp_path / "nope"), "--data-dir",
               str(tmp_path / "d")],
    )  # fmt: skip
    assert result.exit_code == 1 and "No RealTime QA split at" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
@pytest.mark.loopback
def test_an_llm_answers_the_quiz_with_llm(split: Path, tmp_path: Path, model_loaded: None) -> None:
    """`--llm` as in `eval multihop`: a real llama.cpp server whose tiny model always says the
    same short answer and sentence."""
    words = ["Short", "answer:", "Karen", "Holt\n", "She", "leads", "Orbital", "[1]."]
    (tmp_path / "gguf").mkdir()
    with serve_chains(tmp_path / "gguf", {"quiz": words}) as server:
        out = tmp_path / "run"
        args = ["eval", "realtimeqa", "--dataset-dir", str(split), "--limit", "1",
                "--data-dir", str(tmp_path / "data"), "--out", str(out),
                "--llm", f"openai_like:quiz@{server}"]  # fmt: skip
        # two passages: the tiny model's prompt (about a token per byte) fits its context
        result = CliRunner().invoke(main, args, env={"NEWSRAG_RETRIEVAL__TOP_K": "2"})
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["answerer"] == f"openai_like:quiz@{server}"
    (row,) = [json.loads(line) for line in (out / "per_question.jsonl").read_text().splitlines()]
    assert row["ours"]["short"] == "Karen Holt" and row["ours"]["scored"]["exact"] is True
    assert doc["ours"]["answerable"]["exact_match"] == 1.0
