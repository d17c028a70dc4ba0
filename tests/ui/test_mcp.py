"""The MCP tools with the real ``mcp`` client: over stdio (``newsrag mcp`` spawned as an MCP
client spawns it) and over streamable HTTP from ``newsrag ui --mcp`` with a login."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from tests.conftest import CORPUS, free_port, run_async

pytestmark = [pytest.mark.loopback, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Who is the CEO of Corvid Labs?"


def _env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    return {**env, "NEWSRAG_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1", **extra}


async def _session_calls(session: ClientSession) -> dict[str, Any]:
    await session.initialize()
    listed = await session.list_tools()
    tools = {t.name: t for t in listed.tools}
    answer = await session.call_tool("ask_news", {"question": QUESTION})
    search = await session.call_tool("search_news", {"query": "QX-9", "top_k": 2})
    sources = await session.call_tool("list_sources", {})
    bad_date = await session.call_tool("ask_news", {"question": "Layoffs?", "as_of": "soon"})
    missing = await session.call_tool("ask_news", {})
    digest = await session.call_tool("news_digest", {"since": "30d", "as_of": "2025-06-30"})
    timeline = await session.call_tool("news_timeline", {"topic": "Orbital Cloud"})
    return {"tools": tools, "answer": answer, "search": search, "sources": sources,
            "bad_date": bad_date, "missing": missing, "digest": digest,
            "timeline": timeline}  # fmt: skip


def _check(found: dict[str, Any]) -> None:
    tools = found["tools"]
    read_only = {"ask_news", "search_news", "list_sources", "news_digest", "news_timeline"}
    assert set(tools) == read_only  # by default
    for tool in tools.values():
        assert len(tool.description or "") > 60  # tells a model what it is for
    assert set(tools["ask_news"].inputSchema["properties"]) >= {"question", "outlets", "as_of"}
    answer = found["answer"]
    assert not answer.isError
    doc = answer.structuredContent
    assert doc["short_answer"] == "Mira Okafor" and "[1]" in doc["answer"]
    assert doc["citations"][0]["quotes"] and doc["citations"][0]["url"].startswith("https://")
    hits = found["search"].structuredContent["result"]
    assert len(hits) == 2 and "QX-9" in hits[0]["text"] and hits[0]["source"]
    assert found["sources"].structuredContent["articles"] == 10
    bad = found["bad_date"]
    assert bad.isError and "Cannot read the as_of date 'soon'" in bad.content[0].text
    assert found["missing"].isError and "question" in found["missing"].content[0].text
    stories = found["digest"].structuredContent["stories"]
    assert stories[0]["citation"]["source"] == "TechPulse" and stories[0]["lead"]
    developments = found["timeline"].structuredContent["developments"]
    assert [d["day"] for d in developments][:2] == ["2025-04-02", "2025-05-30"]


def test_stdio_tools_from_newsrag_mcp(tmp_path: Path) -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "rag.cli", "mcp", "--ingest", str(CORPUS)],
        env=_env(tmp_path / "data"),
        cwd=str(ROOT),
    )

    async def run() -> dict[str, Any]:
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            return await _session_calls(session)

    _check(run_async(run))


@pytest.fixture(scope="module")
def ui_with_mcp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`newsrag ui --mcp` with a login and ingest enabled; yields its base URL."""
    data = tmp_path_factory.mktemp("mcp-ui")
    port = free_port()
    env = _env(data / "data", NEWSRAG_UI__AUTH="ann:s3cret", NEWSRAG_MCP__ALLOW_INGEST="true")
    command = [sys.executable, "-m", "rag.cli", "ui", "--mcp", "--ingest", str(CORPUS),
               "--port", str(port)]  # fmt: skip
    with (data / "ui.log").open("w") as log:
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:  # up once it answers at all: with a login, everything says 401 first
            try:
                if httpx.get(f"{base}/v1/models", timeout=1).status_code == 401:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                print((data / "ui.log").read_text()[-3000:])
                pytest.fail("newsrag ui --mcp did not come up")
            time.sleep(0.3)
        yield base
        proc.terminate()
        proc.wait(timeout=30)


def test_http_tools_from_the_app_need_its_login(ui_with_mcp: str) -> None:
    url = f"{ui_with_mcp}/mcp"
    refused = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert (
        refused.status_code == 401 and "Missing credentials" in refused.json()["error"]["message"]
    )

    async def run() -> dict[str, Any]:
        headers = {"Authorization": "Bearer ann:s3cret"}  # the app's own login
        async with (
            httpx.AsyncClient(headers=headers, timeout=60) as http,
            streamable_http_client(url, http_client=http) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            found = await _session_calls(session)
            found["ingest"] = await session.call_tool(
                "ingest_url", {"url": f"{ui_with_mcp}/gradio_api/info"}
            )
            found["not_url"] = await session.call_tool("ingest_url", {"url": "/etc/passwd"})
            return found

    found = run_async(run)
    found["tools"].pop("ingest_url")  # offered here: the operator enabled it
    _check(found)
    # a loopback address is this server's own network: refused under the app's rules
    ingest = found["ingest"].structuredContent
    assert ingest["added"] == 0 and "non-public address" in ingest["rejected"][0]["reason"]
    assert found["not_url"].isError and "is not an http(s) URL" in found["not_url"].content[0].text
