"""Dependency direction: ui -> rag, evals -> rag; rag never imports ui, evals, tests or gradio;
inside rag, the pipeline's stages (ingest -> embed -> index -> retrieve -> answer) import only
stages before them; only rag/index/store.py imports chromadb and only rag/embed/embedder.py
sentence-transformers."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("ingest", "embed", "index", "retrieve", "answer")
# modules any stage may use; they import no stage themselves
FOUNDATIONS = {"config", "errors", "types", "recent"}
TOP = {
    "engine",
    "parts",
    "asking",
    "cli",
    "query_engine",
    "watch",
    "timeline",
    "digest",
    "stories",
    "greeting",
    "examples",
    "news_cli",
}


def _imports(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _full_imports(path)}


def _full_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _rag_parts(path: Path) -> set[str]:
    """The rag subpackages and top modules ``path`` imports ("index", "config", ...)."""
    return {
        name.split(".")[1]
        for name in _full_imports(path)
        if name.startswith("rag.") and len(name.split(".")) > 1
    }


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def test_rag_imports_no_outer_layer() -> None:
    for path in _modules("rag"):
        bad = _imports(path) & {"ui", "evals", "tests", "gradio", "gradio_client"}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_ui_and_evals_do_not_import_each_other() -> None:
    for path in _modules("ui"):
        assert "evals" not in _imports(path), path
    for path in _modules("evals"):
        assert "ui" not in _imports(path), path


def test_the_tree_is_the_pipeline() -> None:
    """Every module of rag/ is a stage's, a foundation or the top (nothing left loose)."""
    loose = {p.stem for p in (ROOT / "rag").glob("*.py")} - FOUNDATIONS - TOP - {"__init__"}
    assert not loose, f"rag/ has modules outside the stages: {sorted(loose)}"
    packages = {p.name for p in (ROOT / "rag").iterdir() if (p / "__init__.py").exists()}
    assert packages == set(STAGES)
    for stage in STAGES:
        doc = ast.get_docstring(ast.parse((ROOT / "rag" / stage / "__init__.py").read_text()))
        assert doc and "In:" in doc and "Out:" in doc, f"rag/{stage} must say what enters/leaves"


def test_stages_import_only_earlier_stages() -> None:
    for position, stage in enumerate(STAGES):
        allowed = set(STAGES[: position + 1]) | FOUNDATIONS
        for path in _modules(f"rag/{stage}"):
            bad = _rag_parts(path) - allowed
            assert not bad, f"{path.relative_to(ROOT)} (stage {stage}) imports later {bad}"
    for name in FOUNDATIONS:
        path = ROOT / "rag" / f"{name}.py"
        bad = _rag_parts(path) - FOUNDATIONS
        assert not bad, f"rag/{name}.py is a foundation but imports {bad}"


def test_the_layering_check_sees_a_violation(tmp_path: Path) -> None:
    """The stage check reads imports the way they are written, so a late import is caught."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from rag.answer.base import abstain\n", encoding="utf-8")
    assert _rag_parts(module) == {"answer"}


def test_chromadb_and_sentence_transformers_have_one_home() -> None:
    homes = {
        "chromadb": {"rag/index/store.py"},
        "sentence_transformers": {"rag/embed/embedder.py"},
    }
    for package in ("rag", "ui", "evals"):
        for path in _modules(package):
            rel = path.relative_to(ROOT).as_posix()
            for lib, allowed in homes.items():
                if lib in _imports(path):
                    assert rel in allowed, f"{rel} imports {lib}"
    assert len(_modules("rag")) > 10  # the walk really found the package
