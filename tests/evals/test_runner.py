"""The runner end to end on the tiny test corpus with a gold set written for it: real engine,
real Chroma, real embedding model, the LlamaIndex baseline beside it."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from evals.baseline import BaselineConfig
from evals.datasets import Dataset, load_gold
from evals.index import corpus_digest, index_key, open_index
from evals.report import write_report
from evals.runner import EvalRun, RunOptions, evaluate, run_questions
from tests.conftest import CORPUS, DATA, make_settings

GOLD = DATA / "gold.json"


@pytest.fixture(scope="module")
def eval_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("evals")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_gold(GOLD, corpus=(CORPUS,))


@pytest.fixture(scope="module")
def run(eval_dir: Path, dataset: Dataset, model_loaded: None) -> EvalRun:
    options = RunOptions(baseline=BaselineConfig(chunk_overlap=20))
    return evaluate(
        dataset, settings=make_settings(eval_dir / "user"), eval_dir=eval_dir, options=options
    )


def test_every_question_is_scored(run: EvalRun) -> None:
    s = run.summary
    assert s.n_questions == 7 and len(run.records) == 7
    assert s.retrieval is not None and s.retrieval.n == 5  # the two null questions excluded
    # one-fact lookups over ten distinct articles: every gold sentence is in the top 10
    assert s.retrieval.hits[10] == 1.0 and s.retrieval.all_evidence == 1.0
    assert s.retrieval.mrr >= 0.8
    assert s.baseline is not None and s.baseline.n == 5 and s.baseline.hits[10] == 1.0
    assert s.answers is not None and s.answers.n == 5
    assert s.abstention is not None and s.abstention.n_null == 2
    assert set(s.by_type) == {"inference_query", "comparison_query", "null_query"}
    earnings = run.records[4]  # two gold facts, one article
    assert earnings.retrieval.n_facts == 2 and earnings.gold_articles == (
        "url:techpulse.example/2025/06/18/orbital-cloud-quarterly-earnings",
    )
    assert run.config["index"]["articles"] == 10
    assert "256 word pieces" in str(run.config["retrieved_unit"])


def test_citations_are_checked_against_the_cited_chunk(run: EvalRun) -> None:
    answered = [r for r in run.records if r.answer and r.answer.citations]
    assert answered, "the extractive answerer cites the chunks it quotes"
    for record in answered:
        hits = {c.chunk_id: c for c in record.retrieval.chunks}
        for cited in record.answer.citations:
            if cited.chunk_id in hits:  # ask reads top_k 8, search scored the top 10
                assert cited.facts == hits[cited.chunk_id].facts


def test_the_system_never_sees_gold_data(run: EvalRun, eval_dir: Path, dataset: Dataset) -> None:
    app, _ = open_index(
        dataset.corpus, settings=make_settings(eval_dir / "user"), eval_dir=eval_dir
    )
    blind = [q.without_gold() for q in dataset.questions]
    assert all(q.answer == "" and q.evidence == () for q in blind)
    again = run_questions(app, blind)
    for before, after in zip(run.records, again, strict=True):
        assert [c.chunk_id for c in after.retrieval.chunks] == [
            c.chunk_id for c in before.retrieval.chunks
        ]
        assert after.answer.text == before.answer.text
        assert after.answer.abstained == before.answer.abstained


def test_the_index_is_reused_and_keyed_by_content_and_settings(
    run: EvalRun, eval_dir: Path, dataset: Dataset, tmp_path: Path
) -> None:
    settings = make_settings(eval_dir / "user")
    _, again = open_index(dataset.corpus, settings=settings, eval_dir=eval_dir)
    assert again.reused and again.ingest.chunks_written == 0
    assert again.key == run.index.key and again.chunks == run.index.chunks
    smaller = settings.model_copy(
        update={"ingest": settings.ingest.model_copy(update={"chunk_tokens": 128})}
    )
    assert index_key(dataset.corpus, smaller) != again.key
    # text split another way (sentences, tokens) is another index
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("evals.index.TOKENS_VERSION", -1)
        assert index_key(dataset.corpus, settings) != again.key
    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    assert corpus_digest([copy]) == corpus_digest([CORPUS])
    layoffs = copy / "layoffs.md"
    layoffs.write_text(layoffs.read_text(encoding="utf-8").replace("400", "500"), encoding="utf-8")
    assert corpus_digest([copy]) != corpus_digest([CORPUS])


def test_report_files(run: EvalRun, tmp_path: Path) -> None:
    doc = write_report(run, tmp_path / "out")
    on_disk = json.loads((tmp_path / "out" / "metrics.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(doc))
    for key in ("retrieval", "retrieval_by_type", "answers", "answers_by_type", "citations",
                "latency_ms", "config", "n_questions", "baseline"):  # fmt: skip
        assert key in doc, key
    assert set(doc["retrieval"]) >= {"hits@4", "hits@10", "mrr@10", "map@10", "all_evidence@10"}
    assert doc["retrieval"]["hits@10"] == run.summary.retrieval.hits[10]
    assert doc["latency_ms"]["p50"] == run.summary.latency_ms["ask_p50"]
    rows = (tmp_path / "out" / "per_question.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(rows[0])
    assert len(rows) == 7 and first["gold_answer"] == "$300 million, led by Harbor Capital"
    assert first["retrieval"]["hit_ranks"] == [
        c.rank for c in run.records[0].retrieval.chunks if c.facts
    ]
    assert len(first["retrieval"]["retrieved_ids"]) == 10 and "short_answer" in first["answer"]
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "| newsrag | 5 |" in report and "LlamaIndex defaults (baseline)" in report
    assert "counts as not answered" in report
    # no judge configured: its columns are absent, not empty or made up
    assert run.summary.judge is None and all(r.answer.grade is None for r in run.records)
    assert "judge" not in doc and "judge_by_type" not in doc and "judge" not in doc["config"]
    assert all("grade" not in json.loads(row)["answer"] for row in rows)
    assert "judge" not in report.lower()
    for png in ("by_type.png", "hit_rank.png", "hits_at_k.png", "latency.png"):
        assert (tmp_path / "out" / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_retrieval_only_run_skips_answers(run: EvalRun, eval_dir: Path, dataset: Dataset) -> None:
    few = replace(dataset, questions=dataset.questions[:2])
    quick = evaluate(
        few,
        settings=make_settings(eval_dir / "user"),
        eval_dir=eval_dir,
        options=RunOptions(answers=False, k=4),
    )
    assert quick.index.reused and quick.summary.answers is None
    assert all(len(r.retrieval.chunks) <= 4 and r.answer is None for r in quick.records)
    assert quick.summary.retrieval.hits.keys() == {1, 2, 3, 4}


def test_ablation_runs_every_lever_on_one_index(
    eval_dir: Path, dataset: Dataset, run: EvalRun, tmp_path: Path
) -> None:
    from evals.ablation import LEVERS, ablate, write_ablation

    settings = make_settings(eval_dir / "user")
    rows = ablate(dataset, settings=settings, eval_dir=eval_dir)
    assert [r.name for r in rows] == [lever.name for lever in LEVERS]
    assert all(r.n == 5 for r in rows)
    defaults, no_coverage, no_rescore, no_plan, rrf, bm25, dense = (r.retrieval for r in rows)
    assert defaults["clause_coverage"] > 0 and no_coverage["clause_coverage"] == 0
    assert defaults["sentence_rescore"] > 0 and no_rescore["sentence_rescore"] == 0
    assert defaults["plan_queries"] and not no_plan["plan_queries"]
    assert (defaults["fusion"], rrf["fusion"]) == ("zscore", "rrf")
    assert (defaults["mode"], bm25["mode"], dense["mode"]) == ("hybrid", "bm25", "dense")
    # the defaults row is the plain run's retrieval, on the same (reused) index
    assert run.summary.retrieval is not None
    assert rows[0].figures["mrr@10"] == run.summary.retrieval.mrr
    written = write_ablation(rows, tmp_path / "abl", title="gold")
    table = written.read_text(encoding="utf-8")
    assert "| newsrag, defaults |" in table and "- sentence re-scoring" in table
    doc = json.loads((tmp_path / "abl" / "ablation.json").read_text(encoding="utf-8"))
    assert [d["name"] for d in doc] == [r.name for r in rows] and "hits@10" in doc[0]
