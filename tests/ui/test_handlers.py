"""The app's handlers over the real engine, without a browser: a streamed chat turn, a
follow-up reading its own conversation, refusals shown in place of an answer, and the
library's add (uploads, URLs, a feed from the feed list, with progress) and delete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag import NewsRAG, NewsragError
from tests.conftest import LoopbackSite
from ui.chat import respond
from ui.library import add_articles, delete_article, library_view
from ui.uploads import Feed

pytestmark = pytest.mark.slow


def test_a_turn_streams_then_ends_with_cards(corpus_engine: NewsRAG) -> None:
    steps = list(respond(corpus_engine, "  How many jobs did Orbital Cloud cut?  ", []))
    first, *middle, (chat, turns, box) = steps
    assert first[0][-1]["content"].startswith('<div class="nr-answer nr-streaming">')
    assert first[2] == "" and first[1] is None  # box cleared, turns untouched until done
    assert any("400" in shown[-1]["content"] for shown, _, _ in middle)  # text arrived early
    assert box == "" and len(chat) == 2 and len(turns) == 1
    assert turns[0]["q"] == "How many jobs did Orbital Cloud cut?" and "[1]" in turns[0]["a"]
    html = chat[-1]["content"]
    assert 'href="#nr-1-src-1"' in html and 'id="nr-1-src-1"' in html
    marked = html[html.index('id="nr-1-src-1"') :]
    assert "<mark>" in marked and "AI Wire · 2025-05-30" in marked


def test_a_follow_up_reads_only_the_conversation_it_is_given(corpus_engine: NewsRAG) -> None:
    *_, (_, turns, _) = respond(corpus_engine, "How many jobs did Orbital Cloud cut?", [])
    *_, (chat, turns, _) = respond(corpus_engine, "What did its chief executive say?", turns)
    assert [t["id"] for t in turns] == [1, 2]
    assert "Searched: “What did its chief executive say? (Orbital Cloud)”" in chat[-1]["content"]
    assert 'id="nr-2-src-1"' in chat[-1]["content"]  # ids unique across turns
    assert "Karen Holt" in turns[1]["a"]
    *_, (alone, _, _) = respond(corpus_engine, "What did its chief executive say?", [])
    assert "Orbital Cloud)" not in alone[-1]["content"]  # no history, nothing carried over


def test_refusals_show_in_place_of_the_answer(corpus_engine: NewsRAG) -> None:
    previous = list(respond(corpus_engine, "How many jobs did Orbital Cloud cut?", []))[-1][1]
    *_, (chat, turns, box) = respond(corpus_engine, "Layoffs?", previous, since="last week")
    assert turns is None  # the conversation is unchanged
    assert box == "Layoffs?"  # the question is back in the box to fix and ask again
    assert len(chat) == 4 and 'class="nr-error"' in chat[-1]["content"]
    assert "Cannot read the since date &#x27;last week&#x27;" in chat[-1]["content"]
    *_, (chat, _, _) = respond(corpus_engine, "Layoffs?", [], outlets=["Daily Planet"])
    assert "No indexed articles come from &#x27;Daily Planet&#x27;" in chat[-1]["content"]
    *_, (chat, _, _) = respond(corpus_engine, "Layoffs?", [], answerer="nobody")
    assert "No answerer named &#x27;nobody&#x27;" in chat[-1]["content"]


def test_the_as_of_filter_asks_as_if_on_that_day(corpus_engine: NewsRAG) -> None:
    question = "What is the latest news about Orbital Cloud?"
    *_, (chat, turns, _) = respond(corpus_engine, question, [], as_of="2025-06-01")
    html = chat[-1]["content"]
    assert "Filters: as of 2025-06-01" in html
    assert "2025-05-30" in html and "2025-06-18" not in html  # the later article is unseen
    *_, (chat, turns, box) = respond(corpus_engine, question, [], as_of="yesterday-ish")
    assert turns is None and box == question
    assert "Cannot read the as_of date &#x27;yesterday-ish&#x27;" in chat[-1]["content"]


def test_library_lists_wire_copies_with_their_original(corpus_engine: NewsRAG) -> None:
    view = library_view(corpus_engine, "corvid labs", "Oldest first")
    assert view.summary == "2 of 10 articles from 2 outlets, 2025-01-14 to 2025-01-15"
    original, copy = view.rows
    assert original[:3] == ["2025-01-14", "TechPulse", original[2]] and original[4] == ""
    assert copy[1] == "AI Wire" and copy[4] == original[2]  # "Copy of" names the original
    assert [value for _, value in view.choices] == [original[-1], copy[-1]]


def test_turns_from_the_browser_are_validated(corpus_engine: NewsRAG) -> None:
    stored = [{"id": 1, "q": "<b>x</b>", "a": "y", "html": "<p>y</p>"}, {"id": "2"}, "junk"]
    first, *_ = respond(corpus_engine, "How many jobs did Orbital Cloud cut?", stored)
    chat = first[0]
    assert len(chat) == 4  # the one valid turn, then the new question
    assert chat[0]["content"] == '<p class="nr-q">&lt;b&gt;x&lt;/b&gt;</p>'


RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Loop News</title>'
    "<link>{base}/</link><item><title>Vantor Systems ships a warehouse vision kit</title>"
    "<link>{base}/vantor</link><pubDate>Tue, 01 Jul 2025 10:00:00 GMT</pubDate>"
    "<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded></item></channel></rss>"
)
BODY = (
    "Vantor Systems has started shipping a vision kit that lets warehouse robots read damaged "
    "barcodes, the company said on Tuesday. The kit pairs two cameras with a small model that "
    "runs on the robot itself, so no images leave the building. "
) * 3


@pytest.mark.loopback
def test_add_from_upload_url_box_and_feed_list_then_delete(
    engine: NewsRAG, tmp_path: Path, site: LoopbackSite
) -> None:
    feed_url = site.add(
        "/feed.xml", RSS.format(base=site.base, body=BODY), content_type="application/rss+xml"
    )
    engine.settings.ui.allow_private_urls = True  # the feed is served on loopback
    story = tmp_path / "Kestrel story.md"
    story.write_text(
        '---\ntitle: "Kestrel Partners backs a chip startup"\nsource: "Ledger"\n'
        'url: "https://ledger.example/kestrel"\npublished_at: "2025-03-03"\n---\n\n'
        + "Kestrel Partners has invested in a chip startup that designs low-power inference "
        "accelerators for phones. " * 4,
        encoding="utf-8",
    )
    calls: list[tuple[object, dict[str, object]]] = []

    report = add_articles(
        engine,
        files=[str(story), str(tmp_path / "notes.pdf")],
        urls="/etc/passwd",
        feed_names=["Loop News", "Not listed"],
        feeds=[Feed("Loop News", feed_url)],
        progress=lambda *args, **kwargs: calls.append((args[0], kwargs)),
    )

    assert "<strong>2 added, 0 updated, 0 unchanged, 2 rejected</strong>" in report
    assert '<code class="nr-item">notes.pdf</code>: unsupported file type' in report
    assert '<code class="nr-item">/etc/passwd</code>: not an http(s) URL' in report
    assert site.hits == ["/feed.xml"]
    done = [args for args, kwargs in calls if kwargs.get("unit") == "chunks"]
    assert done and done[-1][0] == done[-1][1] > 0  # progress reached every chunk
    uploads = engine.settings.data_dir / "uploads"
    assert [
        re.fullmatch(r"Kestrel-story-[0-9a-f]{8}\.md", p.name) is not None
        for p in uploads.iterdir()
    ] == [True]
    view = library_view(engine, "vantor")
    assert view.summary.startswith("1 of 2 articles")
    assert view.rows[0][2] == "Vantor Systems ships a warehouse vision kit"

    notice = delete_article(engine, view.choices[0][1])
    assert notice.startswith("Deleted “Vantor Systems ships a warehouse vision kit”")
    assert [a.title for a in engine.articles()] == ["Kestrel Partners backs a chip startup"]
    with pytest.raises(NewsragError, match="Pick an article to delete first"):
        delete_article(engine, "")
