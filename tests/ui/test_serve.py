"""How the app is served: loopback only by default, no public link unless asked, a login
when one is configured, and uploads capped at the ingest size limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from gradio_client import Client

from rag import NewsRAG, Settings
from tests.ui.conftest import serving
from ui.cli import ui

pytestmark = [pytest.mark.loopback, pytest.mark.slow]


@pytest.fixture
def guarded(engine: NewsRAG) -> Iterator[Any]:
    """The app over an empty engine, served with one login."""
    with serving(engine, auth=[("ann", "s3cret")]) as demo:
        yield demo


def test_login_is_required_when_configured(guarded: Any) -> None:
    url = guarded.local_url.rstrip("/")
    assert guarded.server_name == "127.0.0.1" and guarded.share is False
    assert httpx.get(f"{url}/config").status_code == 401
    with httpx.Client() as web:
        refused = web.post(f"{url}/login", data={"username": "ann", "password": "wrong"})
        assert refused.status_code == 400
        assert web.post(f"{url}/login", data={"username": "ann", "password": "s3cret"}).is_success
        assert web.get(f"{url}/config").status_code == 200
    client = Client(guarded.local_url, auth=("ann", "s3cret"), verbose=False)
    assert "/ask" in client.view_api(return_format="dict")["named_endpoints"]


def test_the_app_serves_the_openai_api_behind_its_login(guarded: Any) -> None:
    url = guarded.local_url.rstrip("/")
    refused = httpx.get(f"{url}/v1/models")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_api_key"
    models = httpx.get(f"{url}/v1/models", headers={"Authorization": "Bearer ann:s3cret"})
    assert models.status_code == 200 and [m["id"] for m in models.json()["data"]] == ["newsrag"]
    # the page's own routes are still the app's
    assert httpx.get(f"{url}/config").status_code == 401


def test_uploads_are_capped_at_the_ingest_limit(guarded: Any, engine: NewsRAG) -> None:
    assert guarded.max_file_size == int(engine.settings.ingest.max_file_mb * 1_000_000)


def test_cli_defaults_are_private() -> None:
    options = {p.name: p for p in ui.params}
    assert options["share"].default is False and options["share"].is_flag
    assert options["host"].default is None  # falls back to settings.ui.host
    assert Settings().ui.host == "127.0.0.1"
    result = CliRunner().invoke(ui, ["--help"])
    assert result.exit_code == 0 and "--auth-file" in result.output and "--share" in result.output


def test_a_bad_login_stops_the_cli_before_serving(tmp_path: Path) -> None:
    logins = tmp_path / "logins"
    logins.write_text("ann-without-password\n", encoding="utf-8")
    runner = CliRunner()
    args = ["--data-dir", str(tmp_path / "data"), "--auth-file", str(logins)]
    result = runner.invoke(ui, args)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {logins}:1: a login must look like user:password."
    result = runner.invoke(
        ui, ["--data-dir", str(tmp_path / "data")], env={"NEWSRAG_UI__AUTH": "ann"}
    )
    assert result.exit_code == 1 and "NEWSRAG_UI__AUTH: a login must look like" in result.output
