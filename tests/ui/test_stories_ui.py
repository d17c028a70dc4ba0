"""The Latest and Timeline views and the chat's digest and timeline answers, in a real
headless Chromium over the served app (the shipped and test corpora)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from rag.types import Timeline
from tests.ui.conftest import screenshot
from tests.ui.test_browser import ask
from ui.stories import digest_html, timeline_html

pytestmark = [pytest.mark.browser, pytest.mark.loopback, pytest.mark.slow]


def test_latest_and_timeline_tabs(new_page: Callable[[], Any]) -> None:
    page = new_page()
    page.get_by_role("tab", name="Latest").click()
    latest = page.locator("#latest-view")
    # the test corpus ends in June 2025: the week up to its newest article, and it says so
    expect(latest).to_contain_text("up to the newest article, 2025-06-18", timeout=60_000)
    expect(latest.locator(".nr-story").first).to_contain_text("Orbital Cloud posts $12.4")
    expect(latest.locator(".nr-story").first).to_contain_text("reported by TechPulse")
    page.locator("#period label", has_text="30 days").click()
    expect(latest.locator(".nr-story")).to_have_count(2, timeout=60_000)
    page.locator("#latest-as-of textarea").fill("someday")
    page.locator("#latest-refresh").click()
    expect(latest.locator(".nr-error")).to_contain_text("Cannot read the as_of date")

    page.get_by_role("tab", name="Timeline").click()
    page.locator("#tl-topic textarea").fill("Orbital Cloud")
    page.locator("#tl-go").click()
    steps = page.locator("#timeline-view .nr-step")
    expect(steps.first).to_contain_text("2025-04-02", timeout=60_000)
    expect(steps.nth(1)).to_contain_text("cutting 400 jobs")
    days = steps.locator(".nr-day").all_inner_texts()
    assert days == sorted(days) and len(days) >= 3, days
    steps.nth(1).locator("a.nr-cite").first.click()
    expect(page.locator("#timeline-view .nr-card:target mark")).to_contain_text("400 jobs")
    screenshot(page, "timeline.png")


def test_chat_answers_what_happened_and_how_it_unfolded(new_page: Callable[[], Any]) -> None:
    page = new_page()
    digest = ask(page, "What happened this week?")
    expect(digest.locator(".nr-items .nr-item").first).to_contain_text("Orbital Cloud posts")
    expect(digest.locator(".nr-notice")).to_contain_text("up to the newest article")
    unfolded = ask(page, "How did Orbital Cloud's year unfold?")
    items = unfolded.locator(".nr-items .nr-item")
    expect(items.first).to_contain_text("April 2, 2025")
    assert items.count() >= 3
    items.nth(1).locator("a.nr-cite").first.click()
    expect(unfolded.locator(".nr-card:target")).to_be_visible()


def test_story_html_escapes_what_articles_say() -> None:
    from rag.types import Citation, Development

    evil = '<img src=x onerror="alert(1)">'
    citation = Citation(1, "a", evil, evil, "javascript:alert(1)", "", evil, 0, 5, "c")
    html = timeline_html(Timeline(evil, (Development("2025-01-02", evil, (1,), (evil,)),),
                                  (citation,)))  # fmt: skip
    assert "<img" not in html and "javascript:" not in html and "&lt;img" in html
    from rag.types import ArticleInfo, Digest, Story

    info = ArticleInfo("a", evil, evil, "javascript:alert(1)", "2025-01-02", 1)
    story = Story(evil, evil, citation, (evil,), (info,), "2025-01-02")
    html = digest_html(Digest("2025-01-01", "2025-01-03", (story,), 1, latest="2025-01-02"))
    assert "<img" not in html and "javascript:" not in html
