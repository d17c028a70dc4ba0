"""`newsrag eval` as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rag.cli import main
from tests.conftest import CORPUS, DATA

ROOT = Path(__file__).resolve().parents[2]


def test_multihop_offline_without_data_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ../shared copy from here
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = CliRunner().invoke(main, ["eval", "multihop", "--data-dir", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert "Error: MultiHop-RAG is not in" in result.output and "--dataset-dir" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_gold_run_through_the_installed_command(tmp_path: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out = tmp_path / "run"
    command = [sys.executable, "-m", "rag.cli", "eval", "gold", str(DATA / "gold.json"),
               "--corpus", str(CORPUS), "--data-dir", str(tmp_path / "d"), "--out", str(out),
               "--no-answers", "--types", "inference_query,null_query"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("gold: 6 questions; index ") and "10 articles" in lines[0]
    assert any(line.startswith("newsrag   hits@1") and "(n=4)" in line for line in lines)
    assert lines[-1] == f"report: {out / 'report.md'}"
    doc = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert doc["n_questions"] == 6 and doc["answers"] is None
    assert set(doc["retrieval_by_type"]) == {"inference_query"}
