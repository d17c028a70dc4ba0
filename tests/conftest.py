"""Shared fixtures: offline environment, a socket guard, a loopback HTTP server, the real model."""

from __future__ import annotations

import asyncio
import http.server
import ipaddress
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from rag import NewsRAG, Settings
from rag.config import OFFLINE_ENV, EmbeddingSettings
from rag.embed.embedder import Embedder
from rag.types import Hit

for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)

DATA = Path(__file__).parent / "data"
_real_connect = socket.socket.connect


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return isinstance(address, (str, bytes))  # AF_UNIX


@pytest.fixture(autouse=True)
def _guard_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse every outbound socket; tests marked ``loopback`` may reach 127.0.0.1 only."""
    allow_loopback = request.node.get_closest_marker("loopback") is not None

    def connect(sock: socket.socket, address: object) -> object:
        if sock.family == getattr(socket, "AF_UNIX", None):
            return _real_connect(sock, address)
        if allow_loopback and _is_loopback(address):
            return _real_connect(sock, address)
        raise OSError(f"network blocked in tests: connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)


@dataclass
class LoopbackSite:
    """A tiny HTTP site on 127.0.0.1: ``routes[path] = (status, headers, body)``."""

    base: str = ""
    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    hits: list[str] = field(default_factory=list)
    conditional: list[str] = field(default_factory=list)  # paths asked with If-None-Match & co
    delays: dict[str, float] = field(default_factory=dict)  # path -> seconds before answering

    def add(
        self,
        path: str,
        body: str | bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve ``body`` at ``path``; returns the full URL."""
        data = body.encode() if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, data)
        return self.base + path


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    """A real HTTP server on loopback serving whatever the test adds."""
    state = LoopbackSite()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            state.hits.append(self.path)
            time.sleep(state.delays.get(self.path, 0.0))
            status, headers, body = state.routes.get(
                self.path, (404, {"Content-Type": "text/plain"}, b"not found")
            )
            tag, since = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            if tag or since:
                state.conditional.append(self.path)
            unchanged = (tag and tag == headers.get("ETag")) or (
                since and not tag and since == headers.get("Last-Modified")
            )
            if status == 200 and unchanged:  # a conditional GET of what did not change
                status, body = 304, b""
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    """Write text or bytes to ``tmp_path/name`` and return the path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


CORPUS = DATA / "corpus"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings with all state under ``data_dir`` (BM25 freshness checked on every query)."""
    base = {"data_dir": data_dir, "retrieval": {"bm25_check_interval_s": 0}}
    return Settings(**{**base, **overrides})


@pytest.fixture(scope="session")
def model_loaded() -> None:
    """Load the real embedding model once per test session (it is cached process-wide)."""
    Embedder(EmbeddingSettings()).embed(["warm up"])


@pytest.fixture
def engine(tmp_path: Path, model_loaded: None) -> NewsRAG:
    """An empty engine on a fresh data directory."""
    return NewsRAG(make_settings(tmp_path / "data"))


@pytest.fixture(scope="session")
def corpus_engine(tmp_path_factory: pytest.TempPathFactory, model_loaded: None) -> NewsRAG:
    """An engine with the test corpus ingested; read-only tests share it."""
    app = NewsRAG(make_settings(tmp_path_factory.mktemp("corpus-data")))
    report = app.ingest([str(CORPUS)])
    assert report.rejected == 0, report.errors
    return app


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, *, seconds: float, what: str) -> None:
    """Poll ``url`` until it answers 2xx; fail if ``proc`` exits or time runs out."""
    import httpx

    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=1).is_success:
                return
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, f"{what} exited early"
        assert time.monotonic() < deadline, f"{what} did not come up in {seconds:.0f} s"
        time.sleep(0.3)


def make_hit(chunk_id: str, article_id: str, *, text: str | None = None, end: int = 0) -> Hit:
    """A retrieved chunk for tests that need no index (only ids and text matter)."""
    return Hit(
        chunk_id=chunk_id,
        article_id=article_id,
        text=chunk_id if text is None else text,
        score=1.0,
        title=article_id,
        source="S",
        url="",
        published_at="",
        start=0,
        end=end,
        position=0,
    )


def run_async(make: Callable[[], Any]) -> Any:
    """Run the coroutine ``make()`` returns to completion on a loop of its own thread, so it
    works even while another loop runs in this one (Playwright's sync API keeps one)."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = asyncio.run(make())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _shared(relative: str) -> Path:
    """A file of ../shared (read-only datasets beside the repository), wherever the clone is."""
    homes = (Path(__file__).resolve().parents[2], Path.cwd().parent, Path("/work"))
    found = [home / "shared" / relative for home in homes]
    return next((path for path in found if path.exists()), found[0])


MULTIHOP_CORPUS = _shared("datasets/multihop-rag/corpus.json")
NO_MULTIHOP = (
    "MultiHop-RAG's articles are read at run time from ../shared/datasets/multihop-rag (never "
    "copied into the repo), and no copy is beside this clone"
)


@pytest.fixture(scope="session")
def openai_news(tmp_path_factory: pytest.TempPathFactory, model_loaded: None) -> NewsRAG:
    """MultiHop-RAG's coverage of OpenAI in November 2023 (read from ../shared at run
    time) with unrelated articles of the same weeks; read-only tests share it."""
    if not MULTIHOP_CORPUS.exists():
        pytest.skip(NO_MULTIHOP)
    records = json.loads(MULTIHOP_CORPUS.read_text(encoding="utf-8"))
    november = [r for r in records if "2023-11-10" <= r["published_at"][:10] <= "2023-11-30"]
    story = [r for r in november if "OpenAI" in r["body"]]
    others = [r for r in november if "OpenAI" not in r["body"] and "AI" not in r["title"]][:8]
    folder = tmp_path_factory.mktemp("openai-news")
    (folder / "articles.json").write_text(json.dumps(story + others), encoding="utf-8")
    app = NewsRAG(make_settings(folder / "data"))
    report = app.ingest([folder / "articles.json"])
    assert report.added == len(story) + len(others) >= 12, report
    return app
