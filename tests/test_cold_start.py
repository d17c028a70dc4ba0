"""A new `newsrag` process loads only what its command needs: `ask` on an existing index reads
the BM25 cache from disk and never imports torch, NLTK, scipy, bm25s or gradio; `--help` and
`import rag` load no engine. Behaviour checks on `sys.modules`, not timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import bm25s
import click
import numpy as np
import pytest
from bm25s.stopwords import STOPWORDS_EN

from rag import NewsRAG
from rag.cli import main
from rag.index.keywords import LexicalIndex
from rag.index.postings import Postings
from rag.index.store import StoredChunk
from rag.index.words import STOPWORDS, lexical_text, tokenize

# runs `newsrag ARGS...` in this interpreter, then writes the imported module names to PATH
_RUN = """
import json, sys
from rag.cli import main
out, args = sys.argv[1], sys.argv[2:]
code = None
try:
    main(args, prog_name="newsrag")
except SystemExit as exc:
    code = exc.code
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(sys.modules)}, f)
"""
# never needed to answer from an existing index: the ONNX backend embeds the question, the BM25
# cache is read without bm25s, sentence offsets and vectors come from ingest (no NLTK)
_NEVER_ON_ASK = {
    "torch",
    "sentence_transformers",
    "transformers",
    "gradio",
    "bm25s",
    "nltk",
    "scipy",
    "sklearn",
}
_ENGINE = {"llama_index.core", "chromadb", "onnxruntime", "rag.engine"}


def run_newsrag(
    tmp_path: Path, *args: str, data_dir: Path, **settings: str
) -> tuple[str, set[str]]:
    """Run the command in a new process; its stdout and the modules it imported."""
    out = tmp_path / "modules.json"
    env = {**os.environ, "NEWSRAG_DATA_DIR": str(data_dir), "COLUMNS": "80"}  # help width 78
    env.update({f"NEWSRAG_{key.upper()}": value for key, value in settings.items()})
    result = subprocess.run(
        [sys.executable, "-c", _RUN, str(out), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    report = json.loads(out.read_text())
    assert report["code"] in (0, None), result.stderr
    return result.stdout, {name.split(".")[0] for name in report["modules"]} | set(
        report["modules"]
    )


@pytest.fixture(scope="module")
def cold_ask(corpus_engine: NewsRAG, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The modules a new process imports to answer a question from the test corpus."""
    stdout, modules = run_newsrag(
        tmp_path_factory.mktemp("cold-ask"),
        "ask",
        "How much revenue did Orbital Cloud report?",
        "--json",
        data_dir=corpus_engine.settings.data_dir,
        # where this session's ONNX model was exported (a new data directory exports its own)
        embedding__cache_dir=str(corpus_engine.embedder.query_model.path.parent.parent),
    )
    answer = json.loads(stdout)
    assert answer["citations"] and not answer["abstained"], answer
    return modules


@pytest.mark.slow
def test_cold_ask_reads_caches_and_imports_no_torch_nltk_scipy_or_gradio(
    cold_ask: set[str],
) -> None:
    assert cold_ask >= _ENGINE  # the probe really saw the engine run
    found = _NEVER_ON_ASK & cold_ask
    assert not found, found  # bm25s absent: the cache was loaded, not rebuilt


def test_help_lists_plugin_commands_without_loading_the_engine(tmp_path: Path) -> None:
    stdout, modules = run_newsrag(tmp_path, "--help", data_dir=tmp_path)
    assert not (_ENGINE | {"gradio", "torch"}) & modules
    # what click prints when it loads every command (the plugins included) to describe it
    ctx = click.Context(main, info_name="newsrag", terminal_width=78)
    formatter = ctx.make_formatter()
    click.Group.format_commands(main, ctx, formatter)
    expected = formatter.getvalue()
    plugins = [ep.name for ep in entry_points(group="newsrag.commands")]
    assert {"ui", "eval", "bench"} <= set(plugins)
    assert all(f"\n  {name} " in expected for name in plugins)
    assert expected in stdout


def test_import_rag_is_lazy_and_complete(tmp_path: Path) -> None:
    probe = (
        "import json, sys, rag; before = sorted(sys.modules); "
        "names = {n: getattr(rag, n).__module__ for n in rag.__all__}; "
        "print(json.dumps([before, names, sorted(dir(rag))]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    before, homes, listed = json.loads(result.stdout)
    assert not {"rag.engine", "rag.config", "llama_index", "chromadb", "pydantic"} & set(before)
    assert homes["NewsRAG"] == "rag.engine" and homes["Settings"] == "rag.config"
    assert set(homes) <= set(listed)
    import rag

    assert sorted(rag._HOMES) == sorted(rag.__all__)  # every lazy name is public, and back
    with pytest.raises(AttributeError, match="no attribute 'Engine'"):
        rag.Engine  # noqa: B018 - the lookup is the test


def _chunks() -> list[StoredChunk]:
    texts = [
        "Orbital Cloud reported revenue of $4 billion, up 30 percent on the year.",
        "Quillon unveiled a chip for training models; revenue from chips doubled.",
        "The layoffs at Corvid Labs hit 200 engineers as the cloud unit shrank.",
        "Regulators in the EU asked model makers to publish training data summaries.",
        "Orbital Cloud and Quillon signed a chip supply deal for new data centres.",
    ]
    return [
        StoredChunk(f"a{i}:0000", text, {"title": f"Story {i}", "source": "Wire"})
        for i, text in enumerate(texts)
    ]


def test_bm25_scores_match_bm25s_without_importing_it(tmp_path: Path) -> None:
    chunks = _chunks()
    LexicalIndex.build(chunks, fingerprint="f-5").save(tmp_path / "cache")
    loaded = LexicalIndex.load(tmp_path / "cache")
    assert loaded is not None and loaded.ids == [c.id for c in chunks]
    reference = bm25s.BM25()  # indexed by bm25s itself, and its reading of our files
    reference.index([tokenize(lexical_text(c)) for c in chunks], show_progress=False)
    reread = bm25s.BM25.load(str(tmp_path / "cache" / "bm25"))
    mask = np.array([1, 1, 0, 1, 0], dtype=np.float32)
    queries = ["Orbital Cloud revenue", "chip chip deal", "EU training data", "cloud"]
    for query, weights in [(q, m) for q in queries for m in (None, mask)]:
        tokens = [t for t in tokenize(query) if t in reference.vocab_dict]
        expected = reference.get_scores(tokens, weight_mask=weights)
        assert expected.any()
        got = loaded.scores(query, mask=weights)
        assert got.dtype == expected.dtype and np.array_equal(got, expected), query
        assert np.array_equal(reread.get_scores(tokens, weight_mask=weights), expected)
    assert not loaded.scores("unrelated words only", mask=None).any()
    assert loaded.match_ceiling("revenue") > loaded.match_ceiling("cloud") > 0


def test_bm25_cache_of_another_variant_is_rebuilt(tmp_path: Path) -> None:
    LexicalIndex.build(_chunks(), fingerprint="f-5").save(tmp_path / "cache")
    params = tmp_path / "cache" / "bm25" / "params.index.json"
    params.write_text(json.dumps({**json.loads(params.read_text()), "method": "bm25+"}))
    assert LexicalIndex.load(tmp_path / "cache") is None
    with pytest.raises(ValueError, match="bm25\\+"):
        Postings.load(tmp_path / "cache" / "bm25")


def test_stopwords_are_bm25s_english_list() -> None:
    assert frozenset(STOPWORDS_EN) == STOPWORDS


def test_concurrent_callers_share_one_fingerprint_check(corpus_engine: NewsRAG) -> None:
    """When the cache's last check is old, callers arriving together wait for one look at
    Chroma instead of each reading every chunk id in turn."""
    import threading

    from rag.index.keywords import LexicalCache

    store = corpus_engine.store
    cache = LexicalCache(store, corpus_engine._bm25_dir, check_interval_s=60)
    first = cache.get()
    checks: list[int] = []
    original = store.fingerprint

    def counting(*args: object) -> str:  # a spy on the real method
        checks.append(1)
        return original(*args)  # type: ignore[arg-type]

    store.fingerprint = counting  # type: ignore[method-assign]
    try:
        cache._checked -= 120  # the last check is now old
        start = threading.Barrier(8)
        got: list[LexicalIndex] = []

        def caller() -> None:
            start.wait()
            got.append(cache.get())

        threads = [threading.Thread(target=caller) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        cache.refresh()  # an explicit refresh always looks
    finally:
        del store.fingerprint
    assert len(got) == 8 and all(index is first for index in got)
    assert len(checks) == 2
