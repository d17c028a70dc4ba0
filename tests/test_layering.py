"""Dependency direction: ui -> rag, evals -> rag; rag never imports ui, evals, tests or gradio;
only rag/store.py imports chromadb and only rag/embeddings.py sentence-transformers."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


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


def test_chromadb_and_sentence_transformers_have_one_home() -> None:
    homes = {"chromadb": {"rag/store.py"}, "sentence_transformers": {"rag/embeddings.py"}}
    for package in ("rag", "ui", "evals"):
        for path in _modules(package):
            rel = path.relative_to(ROOT).as_posix()
            for lib, allowed in homes.items():
                if lib in _imports(path):
                    assert rel in allowed, f"{rel} imports {lib}"
    assert len(_modules("rag")) > 10  # the walk really found the package
