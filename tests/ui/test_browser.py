"""The chat app driven in a real headless Chromium, as a person would use it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.ui.conftest import STUB_LLM, Served, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.loopback, pytest.mark.slow]

ANSWER_TIMEOUT = 120_000  # ms; the CPU is shared, and the first question warms the retriever
DONE = "#chat .nr-answer:not(.nr-streaming)"


def ask(page: Any, question: str) -> Any:
    """Type ``question``, press Enter, wait for the finished answer; returns its locator."""
    before = page.locator(f"{DONE}, #chat .nr-error").count()
    page.locator("#question textarea").fill(question)
    page.locator("#question textarea").press("Enter")
    finished = page.locator(f"{DONE}, #chat .nr-error")
    expect(finished).to_have_count(before + 1, timeout=ANSWER_TIMEOUT)
    return finished.last


def settle(page: Any) -> None:
    """Wait until the chat is idle and its autoscroll has run: Gradio's Chatbot scrolls to
    the bottom 300 ms after its value or status changes, which would undo a [n] click."""
    expect(page.locator("#chat [data-testid=status-tracker]").first).to_have_class(
        re.compile(r"\bhide\b")
    )
    page.wait_for_timeout(400)


def pick_outlet(page: Any, outlet: str) -> None:
    page.locator("#outlets input").click()
    page.get_by_role("option", name=outlet, exact=True).click()
    page.keyboard.press("Escape")


def test_ask_cite_follow_up_filter_reload_and_new_chat(
    new_page: Callable[[], Any], served: Served
) -> None:
    page = new_page()
    titles = " ".join(a.title for a in served.app.articles())
    examples = page.locator("#chat button.example .example-text")
    expect(examples.first).to_be_visible()
    texts = examples.all_inner_texts()
    assert texts[-1] == "What happened this week?"  # the digest
    for text in texts[:-1]:  # each names something an indexed title names
        name = re.sub(
            r"^(What is the latest on|What happened with|What do we know about) ", "", text
        )
        assert name.rstrip("?") in titles, text

    # answers take milliseconds now: record every streaming state the page ever renders
    page.evaluate(
        """() => {
        window.nrStreamed = 0;
        new MutationObserver((records) => {
          for (const r of records) for (const n of r.addedNodes)
            if (n.nodeType === 1 &&
                (n.matches('.nr-streaming') || n.querySelector('.nr-streaming')))
              window.nrStreamed += 1;
        }).observe(document.querySelector('#chat'), {childList: true, subtree: true});
      }"""
    )
    page.locator("#question textarea").fill("How many jobs did Orbital Cloud cut?")
    page.locator("#question textarea").press("Enter")
    answer = page.locator(DONE).last
    expect(answer).to_be_visible(timeout=ANSWER_TIMEOUT)
    assert page.evaluate("window.nrStreamed") >= 1  # the answer streamed in before it was done
    expect(answer.locator(".nr-text")).to_contain_text("400 jobs")
    expect(answer.locator(".nr-header")).to_contain_text("Filters: none")

    settle(page)
    answer.locator("a.nr-cite", has_text="[1]").first.click()
    card = page.locator("#nr-1-src-1")
    expect(card).to_be_in_viewport()
    assert page.evaluate("location.hash") == "#nr-1-src-1"
    expect(card.locator(".nr-meta")).to_have_text("AI Wire · 2025-05-30")
    expect(card.locator("mark").first).to_contain_text("cutting 400 jobs")
    # one card per article: every quote of it marked in its own paragraph, in body order
    titles = answer.locator(".nr-card a.nr-title").all_inner_texts()
    assert len(titles) == len(set(titles)), titles
    paragraph = card.locator(".nr-para").first.inner_text()
    quote = card.locator(".nr-para").first.locator("mark").first.inner_text()
    assert len(paragraph) > len(quote) and "photo-storage app" in paragraph  # its paragraph
    link = card.locator("a.nr-title")
    assert (
        link.get_attribute("href")
        == "https://aiwire.example/news/2025/05/30/orbital-cloud-cuts-400-jobs"
    )
    assert link.get_attribute("rel") == "noopener noreferrer"
    page.locator("#chat .nr-q").first.evaluate("el => el.scrollIntoView({block: 'start'})")
    page.evaluate("scrollTo(0, 0)")  # the question at the top of the chat, the page at its top
    shot = screenshot(page, "chat-answered.png")
    assert shot.stat().st_size > 10_000

    follow_up = ask(page, "What did its chief executive say?")
    expect(follow_up.locator(".nr-header")).to_contain_text("(Orbital Cloud)")
    expect(follow_up.locator(".nr-text")).to_contain_text("Karen Holt")

    pick_outlet(page, "TechPulse")
    page.locator("#since textarea").fill("2025-06-01")
    filtered = ask(page, "How much revenue did Orbital Cloud report?")
    expect(filtered.locator(".nr-header")).to_contain_text(
        "Filters: outlets TechPulse; since 2025-06-01"
    )
    outlets = filtered.locator(".nr-meta").all_inner_texts()
    assert outlets and all(o.startswith("TechPulse · 2025-06") for o in outlets), outlets
    expect(filtered.locator(".nr-text")).to_contain_text("$12.4 billion")
    unknown = ask(page, "What is the weather on Mars?")
    expect(unknown.locator(".nr-abstain-banner")).to_have_text(
        "Not found in the indexed articles — nothing below is an answer."
    )

    page.reload()
    expect(page.locator(DONE)).to_have_count(4)  # the conversation survives a reload
    settle(page)
    page.locator("#chat a.nr-cite").first.click()
    expect(page.locator("#nr-1-src-1 mark").first).to_be_in_viewport()

    page.locator("#new-chat").click()
    expect(page.locator("#chat .nr-answer")).to_have_count(0)
    expect(examples.first).to_be_visible()
    page.reload()
    expect(examples.first).to_be_visible()
    expect(page.locator("#chat .nr-answer")).to_have_count(0)
    assert served.blocked == []  # nothing was fetched from outside 127.0.0.1


def test_two_browsers_keep_separate_conversations(new_page: Callable[[], Any]) -> None:
    ann, bob = new_page(), new_page()
    ann.locator("#question textarea").fill("How many jobs did Orbital Cloud cut?")
    ann.locator("#question textarea").press("Enter")
    bob.locator("#question textarea").fill("Who is the CEO of Corvid Labs?")
    bob.locator("#question textarea").press("Enter")  # both are answered at the same time
    expect(ann.locator(DONE)).to_have_count(1, timeout=ANSWER_TIMEOUT)
    expect(bob.locator(DONE)).to_have_count(1, timeout=ANSWER_TIMEOUT)
    expect(bob.locator(f"{DONE} .nr-text")).to_contain_text("Mira Okafor")

    ann_next = ask(ann, "What did its chief executive say?")
    bob_next = ask(bob, "When did it raise its Series C?")
    expect(ann_next.locator(".nr-header")).to_contain_text("(Orbital Cloud)")
    expect(bob_next.locator(".nr-header")).to_contain_text("Corvid Labs)")  # its own context
    assert "Orbital" not in bob_next.locator(".nr-header").inner_text()
    ann_asked = ["How many jobs did Orbital Cloud cut?", "What did its chief executive say?"]
    bob_asked = ["Who is the CEO of Corvid Labs?", "When did it raise its Series C?"]
    expect(ann.locator("#chat .nr-q")).to_have_text(ann_asked)
    expect(bob.locator("#chat .nr-q")).to_have_text(bob_asked)

    ann.reload()
    expect(ann.locator(DONE)).to_have_count(2)
    expect(ann.locator("#chat .nr-q")).to_have_text(ann_asked)


def test_upload_list_and_delete_an_article(
    new_page: Callable[[], Any], served: Served, tmp_path: Path
) -> None:
    story = tmp_path / "Zephyr story.md"
    story.write_text(
        '---\ntitle: "Zephyr Labs opens a robotics lab in Lisbon"\nsource: "Harbor Times"\n'
        'url: "https://harbortimes.example/zephyr-lisbon"\npublished_at: "2025-07-01"\n---\n\n'
        "Zephyr Labs has opened a robotics research lab in Lisbon with 80 engineers, the "
        "company said on Tuesday. The lab will work on robot hands for household tasks.\n",
        encoding="utf-8",
    )
    slides = tmp_path / "slides.pdf"
    slides.write_bytes(b"%PDF-1.7 not an article")
    page = new_page()
    page.get_by_role("tab", name="Library").click()
    count = len(served.app.articles())
    expect(page.locator("#library-summary")).to_contain_text(f"{count} articles from")
    feeds = page.get_by_label("TechCrunch AI")  # picked from corpus/feeds.yaml
    expect(feeds).to_be_visible()

    page.locator("#upload input[type=file]").set_input_files([str(story), str(slides)])
    uploaded = page.locator("#upload").get_by_role("row")
    expect(uploaded).to_have_count(2)  # both uploads arrived
    expect(uploaded.last).to_contain_text("slides")
    page.locator("#add-btn").click()
    report = page.locator("#add-report")
    expect(report).to_contain_text("1 added", timeout=ANSWER_TIMEOUT)
    expect(report).to_contain_text("slides.pdf: unsupported file type '.pdf'")
    expect(page.locator("#library-summary")).to_contain_text(f"{count + 1} articles from")

    page.get_by_label("Search").fill("zephyr lisbon")
    expect(page.locator("#library-summary")).to_contain_text(f"1 of {count + 1} articles")
    row = page.locator("#library-table").get_by_test_id("cell-0-2")
    expect(row).to_have_text("Zephyr Labs opens a robotics lab in Lisbon")
    page.get_by_role("tab", name="Chat").click()
    page.locator("#outlets input").click()
    expect(page.get_by_role("option", name="Harbor Times", exact=True)).to_be_visible()
    page.keyboard.press("Escape")

    page.get_by_role("tab", name="Library").click()
    row.click()  # picks the article for deletion
    expect(page.locator("#delete-pick input")).to_have_value(re.compile("^Zephyr Labs opens"))
    page.locator("#delete-btn").click()
    expect(page.locator(".toast-body")).to_contain_text("Deleted “Zephyr Labs opens a robotics")
    expect(page.locator("#library-summary")).to_contain_text(f"0 of {count} articles")
    assert "Zephyr Labs opens a robotics lab in Lisbon" not in [
        a.title for a in served.app.articles()
    ]


def test_settings_switch_the_answerer_for_this_browser_only(
    new_page: Callable[[], Any],
) -> None:
    page, other = new_page(), new_page()
    page.get_by_role("tab", name="Settings").click()
    choices = page.locator("#answerer label")
    expect(choices).to_have_text(["extractive", STUB_LLM])
    expect(page.get_by_role("radio", name="extractive")).to_be_checked()
    page.get_by_role("radio", name=STUB_LLM).check()
    page.get_by_role("tab", name="Chat").click()
    failed = ask(page, "How many jobs did Orbital Cloud cut?")
    expect(failed).to_have_class("nr-error")  # the unreachable LLM was really asked
    assert "Traceback" not in failed.inner_text()
    expect(page.locator("#question textarea")).to_have_value("How many jobs did Orbital Cloud cut?")

    answered = ask(other, "How many jobs did Orbital Cloud cut?")  # another user: unaffected
    expect(answered.locator(".nr-header")).to_contain_text("Answered by extractive")

    page.get_by_role("tab", name="Settings").click()
    page.get_by_role("radio", name="extractive").check()
    page.get_by_role("tab", name="Chat").click()
    page.locator("#question textarea").press("Enter")
    expect(page.locator(DONE)).to_have_count(1, timeout=ANSWER_TIMEOUT)
    expect(page.locator(f"{DONE} .nr-header")).to_contain_text("Answered by extractive")


def test_a_greeting_and_a_question_put_as_a_request(new_page: Callable[[], Any]) -> None:
    page = new_page()
    hello = ask(page, "hi")
    expect(hello).to_contain_text("I answer questions about the")  # not a refusal
    expect(hello.locator(".nr-abstain-banner")).to_have_count(0)
    answer = ask(page, "can you tell me how many jobs Orbital Cloud cut?")
    expect(answer.locator(".nr-short")).to_have_text("400")
    expect(answer.locator(".nr-notice")).to_have_count(0)  # no "No article uses “you”"
    expect(answer.locator(".nr-searched")).to_contain_text("how many jobs Orbital Cloud cut?")
