"""Stored XSS in a real browser: an article whose title, outlet, URL and body carry
``<script>``, ``onerror=``/``onload=`` handlers and ``javascript:`` links is ingested, asked
about and cited; nothing executes, no dialog opens, and no link can run script."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from rag import NewsRAG
from tests.conftest import make_settings
from tests.ui.conftest import open_app, screenshot, serving
from tests.ui.test_browser import DONE, ask, settle

pytestmark = [pytest.mark.browser, pytest.mark.loopback, pytest.mark.slow]

EVIL = """---
title: "Zephyr <img src=x onerror=\\"window.__xss='title'\\"> launches the Q-Bot"
source: "<script>window.__xss='source'</script>Evil Outlet"
url: "javascript:window.__xss='url'"
published_at: "2025-04-02"
---

Zephyr Robotics launched the Q-Bot warehouse robot on Monday, the company said.
<script>window.__xss='body-script'</script>
The Q-Bot <img src=x onerror="window.__xss='img'"> lifts crates of up to 40 kilograms.
[Click for details](javascript:window.__xss='md-link') and
<a href="javascript:window.__xss='a'">more</a> <svg onload="window.__xss='svg'"></svg>
<iframe src="javascript:window.__xss='iframe'"></iframe> The robot ships in June.
"""
PROBE = "() => [window.__xss, document.querySelectorAll('script:not([src])').length]"


@pytest.fixture(scope="module")
def evil_app(tmp_path_factory: pytest.TempPathFactory, model_loaded: None) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("xss")
    (folder / "evil.md").write_text(EVIL, encoding="utf-8")
    app = NewsRAG(make_settings(folder / "data"))
    assert app.ingest([str(folder / "evil.md")]).added == 1
    with serving(app) as demo:
        yield demo.local_url


@pytest.fixture
def page(chromium: Any, evil_app: str) -> Iterator[Any]:
    page = open_app(chromium, evil_app)
    yield page
    page.context.close()


def test_stored_xss_is_inert_in_the_browser(page: Any) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    scripts_before = page.evaluate(PROBE)[1]

    answer = ask(page, "How much can the Q-Bot lift?")
    expect(answer.locator(".nr-text")).to_contain_text("40 kilograms")
    settle(page)
    answer.locator("a.nr-cite", has_text="[1]").first.click()
    card = page.locator("#nr-1-src-1")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Evil Outlet")
    expect(card).to_contain_text("onerror=")  # the payload reached the page, as text
    for link in page.locator(f"{DONE} a").all():  # clicking every link runs nothing
        if link.is_visible():
            link.click(modifiers=["Alt"], no_wait_after=True, force=True)
    page.get_by_role("tab", name="Library").click()
    expect(page.locator("#library-table")).to_contain_text("launches the Q-Bot")
    page.wait_for_timeout(500)

    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('[href],[src]')].map(e => "
        "(e.getAttribute('href') || e.getAttribute('src')).trim().toLowerCase())"
    )
    handlers = page.evaluate(
        "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
        ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"
    )
    xss, scripts_after = page.evaluate(PROBE)
    screenshot(page, "xss-inert.png")
    print(
        f"\nstored XSS: dialogs={dialogs} window.__xss={xss!r} inline scripts "
        f"{scripts_before}->{scripts_after}, javascript: links="
        f"{sum(h.startswith('javascript:') for h in hrefs)}, on* attributes={handlers}"
    )
    assert xss is None and not dialogs
    assert scripts_after == scripts_before  # no inline script was added by the article
    assert not [h for h in hrefs if h.startswith(("javascript:", "vbscript:", "data:text"))]
    assert not handlers
