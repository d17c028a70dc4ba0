"""The app lets no one in where they don't belong: a wrong login is refused by the page and
the API alike, uploads over the limit are refused and never land outside the data directory,
and secrets (API keys, passwords) appear in no log, error, page, API answer or ``stats``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client

from rag import NewsRAG
from tests.conftest import CORPUS, make_settings
from tests.ui.conftest import serving
from ui.library import add_articles

pytestmark = [pytest.mark.loopback, pytest.mark.slow]
KEY = "sk-SECRET-7f3a9c1e5b"
PASSWORD = "pw-SECRET-42x"
LLM = {
    "name": "paid",
    "provider": "openai_like",
    "model": "m",
    "base_url": "http://127.0.0.1:9/v1",  # nothing listens: every call fails
    "api_key": KEY,
    "timeout_s": 3,
}


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory, model_loaded: None) -> Iterator[Any]:
    """An app with one login, one LLM whose key is secret, and a 1 MB upload limit."""
    data = tmp_path_factory.mktemp("guarded")
    app = NewsRAG(make_settings(data, llms=[LLM], ingest={"max_file_mb": 1}))
    app.ingest([str(CORPUS / "layoffs.md")])
    with serving(app, auth=[("ann", PASSWORD)]) as demo:
        demo.engine = app  # for the tests' own checks
        yield demo


def test_wrong_logins_are_refused_by_the_page_and_the_api(guarded: Any) -> None:
    url = guarded.local_url.rstrip("/")
    outcomes = {}
    for user, password in [("ann", "wrong"), ("bob", PASSWORD), ("", ""), ("ann", PASSWORD[:-1])]:
        with httpx.Client() as web:
            login = web.post(f"{url}/login", data={"username": user, "password": password})
            outcomes[f"{user}:{password}"] = login.status_code
            assert login.status_code >= 400
            assert web.get(f"{url}/config").status_code == 401
            call = web.post(f"{url}/gradio_api/call/ask", json={"data": ["Who cut jobs?"]})
            assert call.status_code in (401, 403), call.text
        with pytest.raises(Exception, match="(?i)login|credentials|401|unauthori"):
            Client(guarded.local_url, auth=(user or "x", password or "x"), verbose=False)
    anonymous = httpx.post(f"{url}/gradio_api/upload", files={"files": ("a.md", b"# hi")})
    assert anonymous.status_code in (401, 403)
    client = Client(guarded.local_url, auth=("ann", PASSWORD), verbose=False)
    assert "400" in client.predict("How many jobs did Orbital Cloud cut?", api_name="/ask")
    print(f"\nlogin: refused {outcomes}; API and upload refused without a login; ann admitted")


def test_uploads_are_limited_and_stay_in_the_data_directory(guarded: Any, tmp_path: Path) -> None:
    url = guarded.local_url.rstrip("/")
    with httpx.Client() as web:
        assert web.post(f"{url}/login", data={"username": "ann", "password": PASSWORD}).is_success
        big = web.post(f"{url}/gradio_api/upload", files={"files": ("big.md", b"x" * 1_500_000)})
        assert big.status_code == 413, big.text
        story = (CORPUS / "earnings.md").read_bytes()
        sent = web.post(
            f"{url}/gradio_api/upload", files={"files": ("../../../../tmp/evil-upload.md", story)}
        )
        assert sent.is_success, sent.text
    (path,) = sent.json()
    assert Path(path).name == "evil-upload.md" and ".." not in Path(path).parts
    assert not Path("/tmp/evil-upload.md").exists()
    app: NewsRAG = guarded.engine
    report = add_articles(app, files=[path, str(tmp_path / "x.sh")])
    data = app.settings.data_dir.resolve()
    written = list(data.rglob("*evil*"))
    assert "1 added" in report and "unsupported file type" in report
    assert written and all(p.parent == data / "uploads" for p in written)
    print(f"\nuploads: 1.5 MB refused with 413 (limit 1 MB); a '../../' name saved as {written}")


def test_secrets_appear_in_no_page_api_answer_error_or_log(guarded: Any) -> None:
    client = Client(guarded.local_url, auth=("ann", PASSWORD), verbose=False)
    with pytest.raises(Exception) as failed:
        client.predict("How many jobs did Orbital Cloud cut?", answerer="paid", api_name="/ask")
    with httpx.Client() as web:
        web.post(f"{guarded.local_url}login", data={"username": "ann", "password": PASSWORD})
        seen = [web.get(guarded.local_url).text, web.get(f"{guarded.local_url}config").text]
    seen += [str(failed.value), json.dumps(client.view_api(return_format="dict"))]
    for text in seen:
        assert KEY not in text and PASSWORD not in text
    print(
        f"\nsecrets: not in the page, /config, the API listing or the error {str(failed.value)!r}"
    )


def test_secrets_stay_out_of_the_command_line_and_its_log(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "NEWSRAG_DATA_DIR": str(tmp_path / "data"),
        "NEWSRAG_LLMS": json.dumps([LLM]),
        "NEWSRAG_UI__AUTH": f"ann:{PASSWORD}",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "rag.cli", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)

    results = [
        run("ingest", str(CORPUS / "layoffs.md"), "-v"),
        run("stats", "--json"),
        run("ask", "How many jobs did Orbital Cloud cut?", "--answerer", "paid", "-v"),
    ]
    log = (tmp_path / "data" / "logs" / "newsrag.log").read_text(encoding="utf-8")
    assert results[2].returncode == 1 and "paid" in results[2].stderr + log
    for text in [log] + [r.stdout + r.stderr for r in results]:
        assert KEY not in text and PASSWORD not in text
    print(f"\nsecrets: absent from {len(results)} commands' output and {len(log)} bytes of log; "
          f"the failing LLM said: {results[2].stderr.strip()[:120]!r}")  # fmt: skip
