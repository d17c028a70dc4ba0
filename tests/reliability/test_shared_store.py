"""The app keeps answering while `newsrag ingest` adds articles from another process on the
same embedded store: it sees them at once, and nothing either process wrote is lost.

Chroma's embedded client is not process-safe (a process keeps the index it loaded; its reads
had failed with "Error finding id" after another process wrote); the store now takes writes
in turn and opens itself again after another process's write."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag import NewsRAG
from rag.index.sharing import WriteStamp
from tests.conftest import CORPUS, make_settings

pytestmark = pytest.mark.slow


def _ingest_elsewhere(path: Path, data_dir: Path) -> None:
    """`newsrag ingest PATH` in its own process."""
    result = subprocess.run(
        [sys.executable, "-m", "rag.cli", "ingest", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "NEWSRAG_DATA_DIR": str(data_dir)},
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_an_article_ingested_by_another_process_is_answered_at_once(
    tmp_path: Path, model_loaded: None
) -> None:
    data, articles = tmp_path / "data", tmp_path / "articles"
    articles.mkdir()
    app = NewsRAG(make_settings(data))
    app.ingest([str(CORPUS / "layoffs.md")])
    assert app.ask("How much revenue did Orbital Cloud report?").citations  # loaded, in use
    (articles / "earnings.md").write_text((CORPUS / "earnings.md").read_text())
    _ingest_elsewhere(articles, data)

    answer = app.ask("How much revenue did Orbital Cloud report?")  # had raised StoreError
    assert any(c.title.startswith("Orbital Cloud posts") for c in answer.citations), answer.text
    # this process then writes on top: the other process's article is kept
    app.ingest([str(CORPUS / "quillon-chip.md")])
    assert len(app.articles()) == 3
    assert len(NewsRAG(make_settings(tmp_path / "data")).articles()) == 3


def test_a_write_in_another_process_changes_the_stamp(tmp_path: Path) -> None:
    ours, theirs = WriteStamp(tmp_path), WriteStamp(tmp_path)
    assert not ours.changed()
    with theirs.writing():
        pass
    assert ours.changed() and not theirs.changed()
    ours.look()
    assert not ours.changed()
    with ours.writing():  # its own write is no change to catch up with
        pass
    assert not ours.changed() and theirs.changed()


def test_a_keyword_index_left_half_written_by_a_dead_process_is_cleared(
    tmp_path: Path, model_loaded: None
) -> None:
    app = NewsRAG(make_settings(tmp_path / "data"))
    app.ingest([str(CORPUS / "layoffs.md")])
    folder = app._bm25_dir
    dead = folder.with_name(f"{folder.name}.999999999-1.tmp")  # no such process
    (dead / "bm25").mkdir(parents=True)
    mine = folder.with_name(f"{folder.name}.{os.getpid()}-0.tmp")  # a live process's
    mine.mkdir()
    app.ingest([str(CORPUS / "earnings.md")])  # saves the keyword index again
    assert not dead.exists() and mine.exists()
    assert (folder / "chunks.json").exists()
