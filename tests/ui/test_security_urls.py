"""No SSRF from the chat app: URLs pasted in the Library tab that point at loopback or private
addresses are refused before any request, unless NEWSRAG_UI__ALLOW_PRIVATE_URLS=true; the
command line (the user's own machine) fetches them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import NewsRAG, Settings
from rag.ingest.sources import load_sources
from tests.conftest import LoopbackSite, make_settings
from ui.library import add_articles

pytestmark = [pytest.mark.loopback]


def test_the_app_refuses_private_urls_unless_allowed(
    tmp_path: Path, site: LoopbackSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = site.add("/gone", "missing", status=404)
    app = NewsRAG(make_settings(tmp_path / "data"))
    report = add_articles(app, urls=f"{url}\nhttp://localhost:1/x\nhttp://169.254.169.254/")
    assert report.count("refused: ") == 3 and "NEWSRAG_UI__ALLOW_PRIVATE_URLS=true" in report
    assert site.hits == []  # refused before any request

    monkeypatch.setenv("NEWSRAG_UI__ALLOW_PRIVATE_URLS", "true")
    allowed = NewsRAG(Settings(data_dir=tmp_path / "data2"))
    assert allowed.settings.ui.allow_private_urls is True
    report = add_articles(allowed, urls=url)
    assert "HTTP 404" in report and site.hits == ["/gone"]  # fetched this time


def test_the_command_line_fetches_from_its_own_machine(site: LoopbackSite) -> None:
    url = site.add("/gone", "missing", status=404)
    (error,) = list(load_sources([url], settings=Settings().ingest))
    assert "HTTP 404" in error.reason and site.hits == ["/gone"]
