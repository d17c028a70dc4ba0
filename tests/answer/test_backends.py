"""LLM backends: built from settings (hosted ones are only constructed: they cannot be
reached from here), missing extras named with their install line, --llm specs parsed."""

from __future__ import annotations

import sys

import pytest

from rag import ConfigError, NewsRAG, NewsragError
from rag.answer.backends import build_llm, parse_llm_spec
from rag.config import LLMSettings
from tests.conftest import make_hit, make_settings


@pytest.mark.parametrize(
    ("provider", "model", "class_name"),
    [
        ("openai", "gpt-4o-mini", "OpenAI"),
        ("anthropic", "claude-3-5-haiku-latest", "Anthropic"),
        ("ollama", "llama3.1", "Ollama"),
        ("openai_like", "qwen2.5", "OpenAILike"),
    ],
)
def test_backends_are_built_from_settings(provider: str, model: str, class_name: str) -> None:
    cfg = LLMSettings(
        name="x",
        provider=provider,
        model=model,
        api_key="sk-test-secret",
        base_url="http://127.0.0.1:9/v1",
        temperature=0.2,
        max_tokens=300,
    )
    llm = build_llm(cfg)
    assert type(llm).__name__ == class_name
    assert llm.model == model
    assert llm.temperature == 0.2
    assert "sk-test-secret" not in repr(cfg)  # the key stays a SecretStr


def test_a_missing_extra_names_its_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "llama_index.llms.ollama", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install 'newsrag\[ollama\]'"):
        build_llm(LLMSettings(name="o", provider="ollama", model="llama3.1"))


def test_openai_compatible_needs_a_server_url() -> None:
    with pytest.raises(ConfigError, match="needs base_url"):
        build_llm(LLMSettings(name="v", provider="openai_like", model="m"))


def test_llm_specs() -> None:
    spec = parse_llm_spec("openai_like:qwen2.5@http://127.0.0.1:8080/v1")
    assert (spec.provider, spec.model, spec.base_url) == (
        "openai_like",
        "qwen2.5",
        "http://127.0.0.1:8080/v1",
    )
    assert parse_llm_spec("ollama:llama3.1").base_url is None
    with pytest.raises(ConfigError, match="Unknown LLM provider 'gpt'"):
        parse_llm_spec("gpt:4")


def test_unknown_answerer_lists_the_configured_ones(tmp_path) -> None:
    cfg = LLMSettings(name="local", provider="ollama", model="llama3.1")
    engine = NewsRAG(make_settings(tmp_path, llms=[cfg]))
    assert engine.answerers == ["extractive", "local"]
    with pytest.raises(NewsragError, match="Configured: extractive, local"):
        engine.ask("anything", answerer="gpt-5")


def test_only_the_sources_that_fit_the_context_window_are_sent() -> None:
    from rag.answer.base import AnswerRequest
    from rag.answer.llm import fit_hits

    hits = [make_hit(f"c{i}", f"a{i}", text="word " * 100, end=500) for i in range(8)]
    small = LLMSettings(
        name="s", provider="openai_like", base_url="http://x", context_window=1200, max_tokens=256
    )
    kept = fit_hits(AnswerRequest("Who?", hits), small).hits
    assert [h.chunk_id for h in kept] == ["c0", "c1"]  # (1200-256-400)*3 chars: two sources of ~580
    big = small.model_copy(update={"context_window": 32768})
    assert len(fit_hits(AnswerRequest("Who?", hits), big).hits) == 8
    tiny = small.model_copy(update={"context_window": 600})
    assert len(fit_hits(AnswerRequest("Who?", hits), tiny).hits) == 1  # never none
