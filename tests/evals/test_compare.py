"""`newsrag eval --compare RUN1 RUN2`: the difference between two runs' metrics.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from evals.report import comparison, flatten, load_metrics, write_comparison
from rag import NewsragError
from rag.cli import main


def _metrics(folder: Path, *, hits4: float, p50: float, digest: str = "q1") -> Path:
    doc = {
        "n_questions": 3,
        "retrieval": {"n": 2, "hits@1": 0.5, "hits@2": 0.5, "hits@4": hits4, "hits@10": 1.0,
                      "mrr@10": 0.75, "map@10": 0.6, "all_evidence@10": 0.5},
        "baseline": None,
        "answers": {"n": 2, "lenient": 0.5, "abstention": {"precision": 1.0}},
        "citations": {"n": 2, "precision": None, "recall": 0.25},
        "latency_ms": {"p50": p50, "p95": 2 * p50},
        "ingest_s": 1.5,
        "config": {"questions_digest": digest, "retrieval": {"k": 10}},
    }  # fmt: skip
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def test_flatten_keeps_the_overall_numbers(tmp_path: Path) -> None:
    flat = flatten(load_metrics(_metrics(tmp_path / "a", hits4=0.5, p50=10.0)))
    assert flat["retrieval.hits@4"] == 0.5 and flat["latency_ms.p95"] == 20.0
    assert "retrieval.hits@2" not in flat and "retrieval.n" not in flat  # curve and counts out
    assert "citations.precision" not in flat and "answers.abstention" not in flat
    assert flat["ingest_s"] == 1.5


def test_comparison_rows_and_files(tmp_path: Path) -> None:
    a = _metrics(tmp_path / "a", hits4=0.5, p50=10.0)
    b = _metrics(tmp_path / "b", hits4=1.0, p50=12.5)
    rows = {r["metric"]: r for r in comparison(load_metrics(a), load_metrics(b))}
    assert rows["retrieval.hits@4"]["delta"] == pytest.approx(0.5)
    assert rows["latency_ms.p50"]["delta"] == pytest.approx(2.5)
    assert rows["retrieval.mrr@10"]["delta"] == 0.0
    _, same = write_comparison(a, b, tmp_path / "cmp")
    assert same
    text = (tmp_path / "cmp" / "compare.md").read_text(encoding="utf-8")
    assert "| retrieval.hits@4 | 0.5000 | 1.0000 | +0.5000 |" in text
    assert (tmp_path / "cmp" / "compare.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_compare_prints_deltas_and_warns_on_different_questions(tmp_path: Path) -> None:
    a = _metrics(tmp_path / "a", hits4=0.5, p50=10.0)
    b = _metrics(tmp_path / "b", hits4=0.25, p50=10.0, digest="other")
    result = CliRunner().invoke(main, ["eval", "--compare", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert "retrieval.hits@4" in result.stdout and "-0.2500" in result.stdout
    assert "different questions" in result.stderr
    assert (b / "compare.md").is_file()


def test_compare_refuses_a_folder_without_metrics(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(NewsragError, match="not a metrics.json"):
        load_metrics(tmp_path / "empty")
    a = _metrics(tmp_path / "a", hits4=0.5, p50=10.0)
    result = CliRunner().invoke(main, ["eval", "--compare", str(a), str(tmp_path / "empty")])
    assert result.exit_code == 1 and "not a metrics.json" in result.output
