"""The MultiHop-RAG loader on a small sample written in its published format, our gold format,
and the offline download message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals import datasets
from evals.datasets import NULL_ANSWER, load_gold, load_multihop, load_queries
from rag import NewsragError

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = {
    "title": "The FTX trial is bigger than Sam Bankman-Fried",
    "author": None,
    "source": "The Verge",
    "published_at": "2023-09-28T12:00:00+00:00",
    "category": "technology",
    "url": "https://www.theverge.com/2023/9/28/ftx-trial",
    "body": "Before his fall, Bankman-Fried made himself out to be the Good Boy of crypto.",
}
QUERIES = [
    {
        "query": "Who is the crypto founder on trial, as reported by The Verge?",
        "answer": "Sam Bankman-Fried",
        "question_type": "inference_query",
        "evidence_list": [{**{k: ARTICLE[k] for k in ("title", "author", "url", "source",
                                                        "category", "published_at")},
                           "fact": "Bankman-Fried made himself out to be the Good Boy of crypto."}],
    },
    {"query": "What did the Mars rover find?", "answer": NULL_ANSWER,
     "question_type": "null_query", "evidence_list": []},
]  # fmt: skip


def _write(folder: Path, corpus: object, queries: object, name: str = "queries-dev.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.json").write_text(json.dumps(corpus), encoding="utf-8")
    (folder / name).write_text(json.dumps(queries), encoding="utf-8")
    return folder


def test_loads_the_published_format(tmp_path: Path) -> None:
    folder = _write(tmp_path / "mh", [ARTICLE], QUERIES, name="MultiHopRAG.json")
    data = load_multihop(folder, download_to=tmp_path / "unused")
    assert data.name == "multihop-rag" and data.corpus == (folder / "corpus.json",)
    first, null = data.questions
    assert (first.qid, first.answer, first.question_type) == (
        "0",
        "Sam Bankman-Fried",
        "inference_query",
    )
    assert first.evidence[0].url == ARTICLE["url"] and first.evidence[0].source == "The Verge"
    assert first.evidence[0].fact.startswith("Bankman-Fried made")
    assert null.is_null and not first.is_null and null.evidence == ()
    assert not (tmp_path / "unused").exists()


def test_select_by_type_then_limit(tmp_path: Path) -> None:
    data = load_multihop(_write(tmp_path, [ARTICLE], QUERIES * 3), download_to=tmp_path)
    assert [q.qid for q in data.select(limit=3).questions] == ["0", "1", "2"]
    assert [q.qid for q in data.select(types=["null_query"], limit=2).questions] == ["1", "3"]
    with pytest.raises(NewsragError, match="temporal_query.*inference_query, null_query"):
        data.select(types=["temporal_query"])


def test_explicit_files_override_the_folder(tmp_path: Path) -> None:
    folder = _write(tmp_path / "mh", [ARTICLE], QUERIES)
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(QUERIES[1:]), encoding="utf-8")
    data = load_multihop(folder, queries=mine, download_to=tmp_path)
    assert len(data.questions) == 1 and data.source == str(mine)


@pytest.mark.parametrize(
    ("corpus", "queries", "message"),
    [
        ([{"title": "t"}], QUERIES, "lacks body, url, source, published_at"),
        ([ARTICLE], [{"query": "q"}], "missing field.*answer"),
        ([ARTICLE], [{**QUERIES[0], "evidence_list": [{"title": "t"}]}], "non-empty 'fact'"),
        ([{**ARTICLE, "url": "https://elsewhere.example/"}], QUERIES, "not in .*different"),
        ([ARTICLE], {"not": "a list"}, "non-empty JSON list"),
    ],
)
def test_malformed_files_are_named(tmp_path: Path, corpus, queries, message: str) -> None:
    folder = _write(tmp_path, corpus, queries)
    with pytest.raises(NewsragError, match=message):
        load_multihop(folder, download_to=tmp_path)


def test_invalid_json_says_where(tmp_path: Path) -> None:
    folder = _write(tmp_path, [ARTICLE], QUERIES)
    (folder / "queries-dev.json").write_text("[{", encoding="utf-8")
    with pytest.raises(NewsragError, match="queries-dev.json is not valid JSON.*line 1"):
        load_multihop(folder, download_to=tmp_path)


def test_offline_without_a_copy_says_where_to_put_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ../shared copy from here
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    target = tmp_path / "data" / "multihop-rag"
    with pytest.raises(NewsragError) as caught:
        load_multihop(None, download_to=target)
    message = str(caught.value)
    assert "HF_HUB_OFFLINE" in message and str(target) in message
    assert "corpus.json and MultiHopRAG.json" in message and "yixuantt/MultiHopRAG" in message
    assert not target.exists()


def test_unreachable_hub_says_where_to_put_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def unreachable(**kwargs: object) -> str:
        calls.append(kwargs)
        raise OSError("network blocked")  # what the test network guard does to the real call

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr("huggingface_hub.hf_hub_download", unreachable)
    with pytest.raises(NewsragError, match="cannot be downloaded.*OSError: network blocked"):
        datasets.fetch_multihop(tmp_path / "mh")
    assert calls[0]["repo_id"] == "yixuantt/MultiHopRAG" and calls[0]["repo_type"] == "dataset"


def test_a_local_copy_in_the_download_folder_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = _write(tmp_path / "data", [ARTICLE], QUERIES)
    assert datasets.locate_multihop(None, download_to=folder) == folder


def test_our_gold_set_over_corpus_is_well_formed() -> None:
    data = load_gold(ROOT / "evals" / "gold" / "corpus.json", corpus=(ROOT / "corpus",))
    body = next((ROOT / "corpus").glob("*.md")).read_text(encoding="utf-8")
    answerable = [q for q in data.questions if not q.is_null]
    assert len(answerable) >= 8 and len(data.questions) - len(answerable) >= 4
    for q in answerable:
        assert q.evidence and all(e.fact in body for e in q.evidence), q.query
    assert all(not q.evidence for q in data.questions if q.is_null)


def test_gold_requires_the_corpus_to_exist(tmp_path: Path) -> None:
    with pytest.raises(NewsragError, match="no such corpus"):
        load_gold(ROOT / "tests" / "data" / "gold.json", corpus=(tmp_path / "missing",))
    assert len(load_queries(ROOT / "tests" / "data" / "gold.json")) == 7
