"""Answer and card HTML: escaping of untrusted text, safe links, [n] -> card anchors, one card
per article with every quote highlighted within its paragraph, missing outlet or date left
quiet, unverified sentences and abstentions marked."""

from __future__ import annotations

import re

from rag import Answer, AnswerSentence, Citation, Quote
from ui.render import (
    answer_html,
    answer_markdown,
    describe_filters,
    quotes_in_paragraphs,
    safe_url,
    streaming_html,
)

BODY = (
    "Orbital Cloud is cutting 400 jobs in its consumer division. The cuts affect three apps.\n"
    "\n"
    "In a memo, chief executive Karen Holt said the products never reached scale. "
    "Staff get 16 weeks of severance.\n"
)
QUOTE = "chief executive Karen Holt said the products never reached scale."


def _citation(n: int = 1, **fields: object) -> Citation:
    start = BODY.index(QUOTE)
    base = {
        "n": n,
        "article_id": "a1",
        "title": "Orbital Cloud cuts 400 jobs",
        "source": "AI Wire",
        "url": "https://aiwire.example/orbital",
        "published_at": "2025-05-30T17:05:00+00:00",
        "quote": QUOTE,
        "quote_start": start,
        "quote_end": start + len(QUOTE),
        "chunk_id": "a1:0",
    }
    return Citation(**{**base, **fields})  # type: ignore[arg-type]


def _answer(**fields: object) -> Answer:
    base = {
        "question": "What did the CEO say?",
        "text": f"{QUOTE} [1]",
        "citations": (_citation(),),
        "sentences": (AnswerSentence(QUOTE, (1,), verified=True, support=1.0),),
        "filters": {"sources": ["AI Wire"], "since": "2025-01-01"},
        "timings_ms": {"total": 1234.0},
    }
    return Answer(**{**base, **fields})  # type: ignore[arg-type]


def test_markers_link_to_cards_of_their_own_turn() -> None:
    html = answer_html(_answer(), turn=3, bodies={"a1": BODY})
    assert '<a class="nr-cite" href="#nr-3-src-1"' in html
    assert 'id="nr-3-src-1"' in html
    assert "AI Wire · 2025-05-30" in html
    assert 'href="https://aiwire.example/orbital" target="_blank" rel="noopener noreferrer"' in html


def quote_in_paragraph(citation: Citation, body: str | None) -> str:
    (only,) = quotes_in_paragraphs(citation, body)
    return only


def test_quote_is_marked_inside_its_paragraph_only() -> None:
    marked = quote_in_paragraph(_citation(), BODY)
    assert marked == (f"In a memo, <mark>{QUOTE}</mark> Staff get 16 weeks of severance.")
    assert "400 jobs" not in marked  # the first paragraph is not shown


def test_quote_found_by_text_when_offsets_are_stale_or_missing() -> None:
    moved = _citation(quote_start=0, quote_end=5)
    assert "<mark>" + QUOTE + "</mark>" in quote_in_paragraph(moved, BODY)
    assert quote_in_paragraph(_citation(), None) == f"<mark>{QUOTE}</mark>"
    assert quote_in_paragraph(_citation(quote="not in the body"), BODY) == (
        "<mark>not in the body</mark>"
    )


def test_long_paragraph_is_trimmed_around_the_quote() -> None:
    filler = "word " * 400
    body = filler + QUOTE + " " + filler
    start = body.index(QUOTE)
    marked = quote_in_paragraph(_citation(quote_start=start, quote_end=start + len(QUOTE)), body)
    assert marked.startswith("…") and marked.endswith("…")
    assert f"<mark>{QUOTE}</mark>" in marked
    assert len(marked) < 1000


def test_untrusted_text_is_escaped_everywhere() -> None:
    evil = '<img src=x onerror="alert(1)">'
    body = f"Before {evil} the quote {evil} after."
    citation = _citation(
        title=evil,
        source=evil,
        quote=f"the quote {evil}",
        quote_start=body.index("the quote"),
        quote_end=len(body) - len(" after."),
        url='https://x.example/"><script>alert(1)</script>',
    )
    answer = _answer(
        question=evil,
        text=f"{evil} [1]",
        citations=(citation,),
        sentences=(AnswerSentence(evil, (1,), verified=True),),
        searched=evil,
        short_answer=evil,
    )
    html = answer_html(answer, turn=1, bodies={"a1": body})
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert 'href="https://x.example' not in html  # the broken URL is not linked at all


def test_only_http_links_are_rendered() -> None:
    assert safe_url("https://example.com/a?b=1") == "https://example.com/a?b=1"
    for bad in ("javascript:alert(1)", "//evil.example", "data:text/html,x", "/etc/passwd", ""):
        assert safe_url(bad) is None
    html = answer_html(
        _answer(citations=(_citation(url="javascript:alert(1)"),)), turn=1, bodies={}
    )
    assert "javascript:" not in html
    assert "Orbital Cloud cuts 400 jobs" in html  # the title is still shown, unlinked


def test_unverified_sentences_are_marked_and_counted() -> None:
    sentences = (
        AnswerSentence("Orbital Cloud cut 400 jobs.", (1,), verified=True, support=0.9),
        AnswerSentence("The CEO resigned.", (1,), verified=False, support=0.1),
    )
    answer = _answer(
        text="Orbital Cloud cut 400 jobs. [1] The CEO resigned. [1]",
        sentences=sentences,
        answerer="llama (ollama)",
    )
    html = answer_html(answer, turn=1, bodies={"a1": BODY})
    unverified = re.findall(r'<span class="nr-sent nr-unverified"[^>]*>(.*?)</span>', html)
    assert len(unverified) == 1 and "The CEO resigned." in unverified[0]
    assert "1 sentence is not supported" in html
    assert "50% of sentences verified" in html
    assert "Answered by llama (ollama)" in html
    assert "⚠ (unverified) The CEO resigned. [1]" in answer_markdown(answer)


def test_abstention_is_announced_not_hidden() -> None:
    answer = _answer(
        text="I could not find this in the indexed articles.",
        citations=(),
        sentences=(),
        abstained=True,
    )
    html = answer_html(answer, turn=1, bodies={})
    assert 'class="nr-answer nr-abstained"' in html
    assert "Not found in the indexed articles" in html
    assert "I could not find this" in html
    assert "**Not found in the indexed articles.**" in answer_markdown(answer)


def test_header_shows_filters_and_rewritten_question() -> None:
    answer = _answer(searched="What did the CEO say? (Orbital Cloud)")
    html = answer_html(answer, turn=1, bodies={})
    assert "Filters: outlets AI Wire; since 2025-01-01" in html
    assert "Searched: “What did the CEO say? (Orbital Cloud)”" in html
    assert "1.2 s" in html
    assert describe_filters({}) == "Filters: none (all indexed articles)"


def test_a_marker_without_a_citation_is_shown_not_linked() -> None:
    answer = _answer(text="Claim. [7]", sentences=(), citations=())
    html = answer_html(answer, turn=1, bodies={})
    assert '<sup class="nr-dangling">[7]</sup>' in html
    assert "nr-cite" not in html


def test_streaming_text_is_escaped_with_plain_markers() -> None:
    html = streaming_html("<b>400</b> jobs [1] ")
    assert "&lt;b&gt;400&lt;/b&gt; jobs" in html
    assert '<sup class="nr-pending">[1]</sup>' in html
    assert "href" not in html


FIRST = "Orbital Cloud is cutting 400 jobs in its consumer division."
SECOND = "The cuts affect three apps."
SEVERANCE = "Staff get 16 weeks of severance."


def _quote(text: str) -> Quote:
    start = BODY.index(text)
    return Quote(text, start, start + len(text), "a1:0")


def test_one_card_per_article_with_every_quote_marked_in_its_paragraph() -> None:
    quotes = (_quote(FIRST), _quote(SECOND), _quote(SEVERANCE))
    citation = _citation(quotes=quotes)
    paragraphs = quotes_in_paragraphs(citation, BODY)
    # two quotes of the first paragraph in one paragraph, each marked; the third in its own
    assert paragraphs == [
        f"<mark>{FIRST}</mark> <mark>{SECOND}</mark>",
        f"In a memo, chief executive Karen Holt said the products never reached scale. "
        f"<mark>{SEVERANCE}</mark>",
    ]
    answer = _answer(
        text=f"{FIRST} [1] {SEVERANCE} [1]",
        citations=(citation,),
        sentences=(AnswerSentence(FIRST, (1,), True), AnswerSentence(SEVERANCE, (1,), True)),
    )
    html = answer_html(answer, turn=1, bodies={"a1": BODY})
    assert html.count('class="nr-card"') == 1 and html.count('class="nr-para"') == 2
    markdown = answer_markdown(answer)
    assert markdown.count("1. [Orbital Cloud cuts 400 jobs]") == 1
    assert f"   > {FIRST}" in markdown and f"   > {SEVERANCE}" in markdown


def test_overlapping_quotes_are_marked_as_one() -> None:
    whole = _quote(FIRST)
    part = Quote("cutting 400 jobs", BODY.index("cutting"), BODY.index("cutting") + 16, "a1:0")
    (paragraph,) = quotes_in_paragraphs(_citation(quotes=(whole, part)), BODY)
    assert paragraph.count("<mark>") == 1 and f"<mark>{FIRST}</mark>" in paragraph


def test_missing_outlet_and_date_are_left_quiet() -> None:
    bare = _citation(source="", published_at="")
    html = answer_html(_answer(citations=(bare,)), turn=1, bodies={"a1": BODY})
    assert "unknown outlet" not in html and "undated" not in html
    assert html.count("outlet and date not given") == 1
    assert 'title="Orbital Cloud cuts 400 jobs"' in html  # the marker's tip: the title alone
    dated = answer_html(_answer(citations=(_citation(source=""),)), turn=1, bodies={})
    assert '<div class="nr-meta">2025-05-30</div>' in dated
    markdown = answer_markdown(_answer(citations=(bare,)))
    assert "unknown outlet" not in markdown and "undated" not in markdown


def test_a_notice_is_shown_with_the_answer() -> None:
    notice = "Nothing published between 2025-06-01 and 2025-06-08 answers this; these are older."
    answer = _answer(notice=notice)
    assert f'<div class="nr-notice" role="note">{notice}</div>' in answer_html(
        answer, turn=1, bodies={}
    )
    assert f"_{notice}_" in answer_markdown(answer)
