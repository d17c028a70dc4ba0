"""The app served for real on loopback and a real headless Chromium (Debian's, never one
that Playwright downloads) to drive it. Requests that leave 127.0.0.1 are refused by the
browser and recorded, so the tests also prove the page works offline."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from rag import NewsRAG
from tests.conftest import CORPUS, make_settings
from ui.app import build, start

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output" / "ui"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
STUB_LLM = "stub-llm (unreachable)"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")  # what the browser may reach


@dataclass
class Served:
    """The running app: its URL, engine and the requests the browser refused."""

    url: str
    app: NewsRAG
    blocked: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def ui_engine(tmp_path_factory: pytest.TempPathFactory, model_loaded: None) -> NewsRAG:
    """An engine over the shipped corpus plus the test corpus (several outlets to filter
    by), with one LLM configured that cannot be reached (the answerer switch's other side)."""
    settings = make_settings(
        tmp_path_factory.mktemp("ui-data"),
        llms=[
            {
                "name": STUB_LLM,
                "provider": "openai_like",
                "base_url": "http://127.0.0.1:9/v1",
                "model": "stub",
                "timeout_s": 2,
            }
        ],
    )
    app = NewsRAG(settings)
    report = app.ingest([str(ROOT / "corpus"), str(CORPUS)])
    assert report.rejected == 0, report.errors
    return app


@contextlib.contextmanager
def serving(app: NewsRAG, *, feeds_file: Path | None = None, **options: Any) -> Iterator[Any]:
    """The app over ``app`` served on a free port of 127.0.0.1 (``options`` those of
    ``ui.app.start``: auth, watch); closed when the block ends."""
    demo = build(app, feeds_file=feeds_file, watch=options.get("watch"))
    start(demo, app, host="127.0.0.1", port=None, block=False, **options)
    try:
        yield demo
    finally:
        demo.close()


def open_app(chromium: Any, url: str, *, refused: list[str] | None = None) -> Any:
    """A page of the app at ``url`` in a fresh browser context (its own storage: a separate
    user); requests leaving 127.0.0.1 are refused (and recorded in ``refused``). The caller
    closes ``page.context``."""

    def route(request_route: Any) -> None:
        if request_route.request.url.startswith(LOCAL):
            request_route.continue_()
        else:
            if refused is not None:
                refused.append(request_route.request.url)
            request_route.abort()

    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(90_000)
    context.route("**/*", route)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#chat")
    return page


@pytest.fixture(scope="session")
def served(ui_engine: NewsRAG) -> Iterator[Served]:
    """The app as ``newsrag ui`` serves it, on a free port of 127.0.0.1."""
    with serving(ui_engine, feeds_file=ROOT / "corpus" / "feeds.yaml") as demo:
        yield Served(url=demo.local_url, app=ui_engine)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium for the session."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is missing: run `make system-deps` (apt-get install chromium)"
        )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=30_000)  # the CPU is shared with other work

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium: Any, served: Served) -> Iterator[Callable[[], Any]]:
    """Open the app in a fresh browser context (its own storage: a separate user)."""
    pages: list[Any] = []

    def open_page() -> Any:
        pages.append(open_app(chromium, served.url, refused=served.blocked))
        return pages[-1]

    yield open_page
    for page in pages:
        page.context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot of ``page`` under test-output/ui/ and return its path."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / name
    page.screenshot(path=str(path))
    return path
