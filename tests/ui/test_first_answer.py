"""The first minute of `make run`, in a real browser: the app over the shipped corpus only,
asked the short questions a newcomer asks about the one article it holds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from rag import NewsRAG
from tests.conftest import make_settings
from tests.ui.conftest import ROOT, open_app, screenshot, serving
from tests.ui.test_browser import ask, settle

pytestmark = [pytest.mark.browser, pytest.mark.loopback, pytest.mark.slow]


@pytest.fixture(scope="module")
def seed_url(tmp_path_factory: pytest.TempPathFactory, model_loaded: None) -> Iterator[str]:
    """`newsrag ui --ingest corpus` on a fresh data directory, on a free loopback port."""
    app = NewsRAG(make_settings(tmp_path_factory.mktemp("seed-data")))
    assert app.ingest([str(ROOT / "corpus")]).added == 1
    with serving(app, feeds_file=ROOT / "corpus" / "feeds.yaml") as demo:
        yield demo.local_url


@pytest.fixture
def page(chromium: Any, seed_url: str) -> Iterator[Any]:
    page = open_app(chromium, seed_url)
    yield page
    page.context.close()


def test_the_first_answers_over_the_shipped_article(page: Any) -> None:
    # the header counts in words that agree, and says nothing of an outlet it does not know
    expect(page.locator(".nr-top").first).to_contain_text("Answers from 1 article.")
    answer = ask(page, "Who founded Anthropic?")
    expect(answer.locator(".nr-short")).to_have_text("Dario and Daniela Amodei")
    expect(answer.locator(".nr-card")).to_have_count(1)  # one card for the one article
    card = answer.locator(".nr-card")
    expect(card.locator(".nr-meta")).to_have_text("outlet and date not given")
    expect(card.locator("mark").first).to_contain_text("founded by former OpenAI executives")

    claude = ask(page, "What is Claude?")  # short, and named in passing: answered, not refused
    expect(claude.locator(".nr-abstain-banner")).to_have_count(0)
    expect(claude.locator(".nr-text")).to_contain_text("Its flagship model, Claude")
    ceo = ask(page, "Who is the CEO of Google?")
    expect(ceo.locator(".nr-short")).to_have_text("Sundar Pichai")
    who = ask(page, "Who is Dario Amodei?")  # who he is: quoted, with no other name offered
    expect(who.locator(".nr-short")).to_have_count(0)
    expect(who.locator(".nr-text")).to_contain_text("founded by former OpenAI executives")
    tpu = ask(page, "Which company makes the TPU chips Anthropic would use?")
    expect(tpu.locator(".nr-text")).to_contain_text("TPUs (Tensor Processing Units)")
    off = ask(page, "Who won the 2022 World Cup?")
    expect(off.locator(".nr-abstain-banner")).to_be_visible()
    page.locator("#as-of textarea").fill("2024-01-01")  # an undated article is never "later"
    dated = ask(page, "Who founded Anthropic?")
    expect(dated.locator(".nr-header")).to_contain_text("Filters: as of 2024-01-01")
    expect(dated.locator(".nr-short")).to_have_text("Dario and Daniela Amodei")
    page.locator("#as-of textarea").fill("")

    settle(page)
    page.locator("#chat .nr-q").first.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.evaluate("scrollTo(0, 0)")
    shot: Path = screenshot(page, "first-answer.png")
    assert shot.stat().st_size > 10_000
