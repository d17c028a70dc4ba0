"""LlamaIndex LLMs built from settings. Each backend is an optional extra; a missing one
raises ImportError naming the install line."""

from __future__ import annotations

import importlib
from typing import Any

from rag.config import LLMSettings
from rag.errors import ConfigError

# provider -> (module, class, extra)
_BACKENDS = {
    "openai_like": ("llama_index.llms.openai_like", "OpenAILike", "openai"),
    "openai": ("llama_index.llms.openai", "OpenAI", "openai"),
    "anthropic": ("llama_index.llms.anthropic", "Anthropic", "anthropic"),
    "ollama": ("llama_index.llms.ollama", "Ollama", "ollama"),
    "llama_cpp": ("llama_index.llms.llama_cpp", "LlamaCPP", "llama-cpp"),
}


def _class(provider: str) -> Any:
    module_name, class_name, extra = _BACKENDS[provider]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImportError(
            f"The {provider} LLM backend is not installed: pip install 'newsrag[{extra}]'"
        ) from exc
    return getattr(module, class_name)


def _secret(cfg: LLMSettings) -> str | None:
    return cfg.api_key.get_secret_value() if cfg.api_key is not None else None


def build_llm(cfg: LLMSettings) -> Any:
    """The LlamaIndex LLM for ``cfg`` (passed explicitly to whoever uses it, never global).

    Raises:
        ImportError: the backend's extra is not installed (the message has the pip line).
        ConfigError: a required setting is missing.
    """
    cls = _class(cfg.provider)
    common = {"temperature": cfg.temperature, "max_tokens": cfg.max_tokens}
    if cfg.provider == "openai_like":
        if not cfg.base_url:
            raise ConfigError(
                f"LLM {cfg.name!r}: an OpenAI-compatible server needs base_url, "
                "e.g. http://127.0.0.1:8080/v1"
            )
        return cls(
            model=cfg.model or "local",
            api_base=cfg.base_url,
            api_key=_secret(cfg) or "not-needed",
            is_chat_model=True,
            context_window=cfg.context_window,
            timeout=cfg.timeout_s,
            additional_kwargs=dict(cfg.extra_body),
            **common,
        )
    if cfg.provider == "openai":
        return cls(
            model=cfg.model or "gpt-4o-mini",
            api_key=_secret(cfg),
            api_base=cfg.base_url,
            timeout=cfg.timeout_s,
            **common,
        )
    if cfg.provider == "anthropic":
        return cls(
            model=cfg.model or "claude-3-5-haiku-latest",
            api_key=_secret(cfg),
            timeout=cfg.timeout_s,
            **common,
        )
    if cfg.provider == "ollama":
        return cls(
            model=cfg.model or "llama3.1",
            base_url=cfg.base_url or "http://127.0.0.1:11434",
            request_timeout=cfg.timeout_s,
            context_window=cfg.context_window,
            temperature=cfg.temperature,
        )
    if not cfg.model:
        raise ConfigError(f"LLM {cfg.name!r}: llama_cpp needs model = the path of a .gguf file.")
    return cls(
        model_path=cfg.model,
        temperature=cfg.temperature,
        max_new_tokens=cfg.max_tokens,
        context_window=cfg.context_window,
        verbose=False,
    )


def parse_llm_spec(spec: str) -> LLMSettings:
    """``provider:model[@base_url]`` (as in ``newsrag ask --llm ollama:llama3.1``) → settings."""
    provider, _, rest = spec.partition(":")
    model, _, base_url = rest.partition("@")
    if provider not in _BACKENDS:
        raise ConfigError(
            f"Unknown LLM provider {provider!r} in {spec!r}. Use one of: "
            f"{', '.join(sorted(_BACKENDS))} (e.g. ollama:llama3.1)."
        )
    return LLMSettings(name=spec, provider=provider, model=model, base_url=base_url or None)
