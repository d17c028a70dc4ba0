"""The `newsrag` command in real subprocesses: JSON schemas, persistence across processes,
one-line errors with exit code 1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from rag.embed.torch_backend import has_amx_bf16
from tests.conftest import CORPUS

pytestmark = pytest.mark.slow


def newsrag(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSRAG_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory filled by `newsrag ingest` in its own process."""
    data = tmp_path_factory.mktemp("cli-data")
    articles = tmp_path_factory.mktemp("cli-articles")
    for name in ("quillon-chip.md", "layoffs.md", "earnings.md"):
        (articles / name).write_text((CORPUS / name).read_text())
    (articles / "broken.json").write_text('{"title": "oops", ')
    result = newsrag("ingest", str(articles), "--json", data_dir=data)
    assert result.returncode == 1, result.stderr  # one item was rejected
    report = json.loads(result.stdout)
    assert (report["added"], report["rejected"]) == (3, 1)
    assert report["errors"][0]["item"].endswith("broken.json")
    assert "JSON" in report["errors"][0]["reason"]
    return data


def test_ask_json_schema_in_a_new_process(data_dir: Path) -> None:
    result = newsrag(
        "ask",
        "How much revenue did Orbital Cloud report?",
        "--json",
        "--top-k",
        "4",
        data_dir=data_dir,
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert set(payload) == {
        "question",
        "answer",
        "short_answer",
        "abstained",
        "notice",
        "answer_kind",
        "answerer",
        "searched",
        "filters",
        "sentences",
        "verified_share",
        "citations",
        "timings_ms",
    }
    assert payload["abstained"] is False and "$12.4 billion" in payload["answer"]
    assert payload["answerer"] == "extractive" and payload["verified_share"] == 1.0
    assert all(s["verified"] is True and s["citations"] for s in payload["sentences"])
    assert payload["citations"]
    for c in payload["citations"]:
        keys = {"n", "article_id", "title", "source", "url", "published_at", "quote", "quotes"}
        assert set(c) == keys
        assert c["quotes"] and c["quote"] in {q["text"] for q in c["quotes"]}
        assert f"[{c['n']}]" in payload["answer"]
    assert {"retrieve", "answer", "total"} <= set(payload["timings_ms"])


def test_stats_and_delete(data_dir: Path) -> None:
    stats = json.loads(newsrag("stats", "--json", "--articles", data_dir=data_dir).stdout)
    assert stats["articles"] == 3 and stats["location"].endswith("chroma")
    # which backend embeds chunks and questions here: int8 ONNX, or bfloat16 chunks with AMX
    assert stats["embedding"] in {
        "all-MiniLM-L6-v2 (onnx int8 fused)",
        "all-MiniLM-L6-v2 (torch bfloat16; questions onnx none fused)",
    }
    assert stats["embedding"].startswith("all-MiniLM-L6-v2 (torch") == has_amx_bf16()
    victim = next(a for a in stats["article_list"] if a["source"] == "AI Wire")
    deleted = newsrag("delete", victim["article_id"], data_dir=data_dir)
    assert deleted.returncode == 0 and victim["title"] in deleted.stdout
    after = json.loads(newsrag("stats", "--json", data_dir=data_dir).stdout)
    assert after["articles"] == 2 and "AI Wire" not in after["sources"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ask", "Anything?"), "No articles are indexed yet. Run `newsrag ingest corpus/`."),
        (("delete", "abc123"), "No indexed article has id or URL 'abc123'"),
        (("ingest", "/no/such/folder"), "no such file or directory"),
        (("ask", "x", "--llm", "bogus:model"), "Unknown LLM provider 'bogus'"),
    ],
)
def test_errors_are_one_line_with_exit_code_1(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = newsrag(*args, data_dir=tmp_path / "empty")
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len([line for line in result.stderr.splitlines() if line.strip()]) <= 2


def test_bad_filter_value_is_explained(data_dir: Path) -> None:
    result = newsrag("ask", "Orbital Cloud", "--since", "someday", data_dir=data_dir)
    assert result.returncode == 1
    assert "Error: Cannot read the since date 'someday'. Use YYYY-MM-DD" in result.stderr


def test_bad_settings_and_unusable_data_dirs_are_named(tmp_path: Path) -> None:
    """A bad NEWSRAG_* value or a data directory that is a file (or cannot be made) gets one line
    naming it, never a traceback; the file given as a data directory is left as it was."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine", encoding="utf-8")
    cases = [
        ({"NEWSRAG_EMBEDDING__BACKEND": "tensorflow"}, tmp_path / "d",
         "Bad setting: NEWSRAG_EMBEDDING__BACKEND='tensorflow': Input should be 'auto', 'onnx'"),
        ({"NEWSRAG_RETRIEVAL__TOP_K": "many"}, tmp_path / "d",
         "NEWSRAG_RETRIEVAL__TOP_K='many': Input should be a valid integer"),
        ({"NEWSRAG_LLMS": "[{"}, tmp_path / "d", 'error parsing value for field "llms"'),
        ({}, a_file, f"The data directory {a_file} is a file, not a folder"),
        ({}, a_file / "sub", f"Cannot create the data directory {a_file / 'sub'}"),
    ]  # fmt: skip
    for env, data_dir, message in cases:
        done = subprocess.run(
            [sys.executable, "-m", "rag.cli", "stats"],
            capture_output=True,
            text=True,
            env={**os.environ, "NEWSRAG_DATA_DIR": str(data_dir), **env},
            timeout=120,
            check=False,
        )
        assert done.returncode == 1, (env, done.stdout)
        assert message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr + done.stdout
        assert len([line for line in done.stderr.splitlines() if line.strip()]) == 1
    assert a_file.read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "d").exists()  # a bad setting stops it before anything is made


def test_ui_names_an_address_it_cannot_serve_on(tmp_path: Path) -> None:
    """A taken port, a host that is not this machine's or a port out of range is one line,
    before the model or the app start."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cases = [
            (("--port", str(port)), f"Port {port} on 127.0.0.1 is already in use"),
            (("--host", "no-such-host.invalid", "--port", "7861"), "Cannot serve on host"),
            (("--host", "192.0.2.1", "--port", "7861"), "Cannot serve on 192.0.2.1:7861"),
            (("--port", "70000"), "Port 70000 is not a TCP port"),
        ]
        for args, message in cases:
            done = newsrag("ui", *args, data_dir=tmp_path / "d")
            assert done.returncode == 1, done.stderr
            assert message in done.stderr, done.stderr
            assert "Traceback" not in done.stderr and "gradio" not in done.stderr.lower()
