"""HTML (for the chat) and Markdown (for the API) of answers and their source cards.

Everything that comes from an article or a user is untrusted: it is escaped here, and links
are only ever http(s) URLs opened with ``rel="noopener noreferrer"``. Each ``[n]`` of an
answer links to the card ``#nr-{turn}-src-{n}`` in the same message; the card shows title,
outlet and date (those known), a link to the original and every quoted span of the article
``<mark>``-ed within its paragraph.

Example:
    >>> html_text = answer_html(answer, turn=1, bodies={"a1": "Full article text ..."})
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from rag import Answer, AnswerSentence, Citation

_MARKER = re.compile(r"\[(\d+)\]")
_PARAGRAPH_MAX = 900  # characters of context shown around a quote in a very long paragraph
LIST_KINDS = ("digest", "timeline", "people")  # answers shown as a list, an item a line
_UNVERIFIED_TIP = "Its cited source does not clearly support this sentence."


def esc(text: object) -> str:
    """``text`` escaped for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def safe_url(url: str) -> str | None:
    """``url`` if it is an http(s) URL without characters that could break out of an
    attribute, else None (a ``javascript:`` or relative link is never rendered)."""
    url = url.strip()
    if not re.match(r"^https?://[^\s\"'<>`]+$", url, re.IGNORECASE):
        return None
    return url


def external_link(url: str, label_html: str, *, cls: str = "") -> str:
    """``label_html`` linked to ``url`` in a new tab, or left unlinked if the URL is unsafe."""
    href = safe_url(url)
    if href is None:
        return f'<span class="{cls}">{label_html}</span>' if cls else label_html
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<a{klass} href="{esc(href)}" target="_blank" rel="noopener noreferrer">{label_html}</a>'
    )


def card_id(turn: int, n: int) -> str:
    """The element id of source card ``n`` of answer ``turn``."""
    return f"nr-{turn}-src-{n}"


def question_html(question: str) -> str:
    """A user's question as chat HTML (escaped, so it shows literally)."""
    return f'<p class="nr-q">{esc(question)}</p>'


def streaming_html(text: str) -> str:
    """The part of an answer received so far; markers show as plain ``[n]`` until done."""
    body = _MARKER.sub(r'<sup class="nr-pending">[\1]</sup>', esc(text))
    return (
        '<div class="nr-answer nr-streaming"><div class="nr-header">Answering…</div>'
        f'<p class="nr-text">{body}</p></div>'
    )


def error_html(message: str) -> str:
    """A visible notice in the chat for a question that could not be answered."""
    return f'<div class="nr-error" role="alert">⚠ {esc(message)}</div>'


def header_html(answer: Answer) -> str:
    """The answer's header: who answered, which filters applied, what was searched, time."""
    parts = [f'<span class="nr-by">Answered by {esc(answer.answerer)}</span>']
    parts.append(f'<span class="nr-filters">{esc(describe_filters(answer.filters))}</span>')
    if answer.searched and answer.searched.strip() != answer.question.strip():
        parts.append(f'<span class="nr-searched">Searched: “{esc(answer.searched)}”</span>')
    share = answer.verified_share
    if share is not None and share < 1:
        parts.append(f'<span class="nr-share">{round(share * 100)}% of sentences verified</span>')
    total = answer.timings_ms.get("total")
    if total is not None:
        parts.append(f'<span class="nr-time">{total / 1000:.1f} s</span>')
    return '<div class="nr-header">' + " · ".join(parts) + "</div>"


def describe_filters(filters: Mapping[str, object]) -> str:
    """ "Filters: outlets AI Wire, TechPulse; since 2025-01-01" or "Filters: none"."""
    parts = []
    sources = filters.get("sources") or []
    if sources:
        parts.append("outlets " + ", ".join(str(s) for s in sources))  # type: ignore[union-attr]
    for key in ("since", "until"):
        if filters.get(key):
            parts.append(f"{key} {filters[key]}")
    if filters.get("as_of"):
        parts.append(f"as of {filters['as_of']}")
    return "Filters: " + ("; ".join(parts) if parts else "none (all indexed articles)")


def answer_html(answer: Answer, *, turn: int, bodies: Mapping[str, str]) -> str:
    """The finished answer as chat HTML: header, text with linked markers, source cards.

    Args:
        answer: what the engine returned.
        turn: this answer's number in the conversation; makes card ids unique on the page.
        bodies: article id -> article body, for the paragraph around each quote (a missing
            body shows the quote alone).
    """
    numbers = {c.n: c for c in answer.citations}
    classes = "nr-answer nr-abstained" if answer.abstained else "nr-answer"
    out = [f'<div class="{classes}">', header_html(answer)]
    if answer.abstained:
        out.append(
            '<div class="nr-abstain-banner" role="status">Not found in the indexed articles'
            " — nothing below is an answer.</div>"
        )
    if answer.notice:
        out.append(f'<div class="nr-notice" role="note">{esc(answer.notice)}</div>')
    if answer.short_answer and not answer.abstained:
        out.append(f'<div class="nr-short">{esc(answer.short_answer)}</div>')
    tag = "div" if answer.answer_kind in LIST_KINDS and answer.sentences else "p"
    out.append(f'<{tag} class="nr-text">{_text_html(answer, turn, numbers)}</{tag}>')
    unverified = sum(1 for s in answer.sentences if s.verified is False)
    if unverified:
        noun = "sentence is" if unverified == 1 else "sentences are"
        out.append(
            f'<div class="nr-legend">⚠ {unverified} {noun} not supported by the source it '
            "cites (marked ⚠).</div>"
        )
    if answer.citations:
        out.append('<div class="nr-sources"><div class="nr-sources-title">Sources</div>')
        out.extend(card_html(c, turn=turn, body=bodies.get(c.article_id)) for c in answer.citations)
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def _text_html(answer: Answer, turn: int, numbers: Mapping[int, Citation]) -> str:
    if not answer.sentences:
        return _link_markers(esc(answer.text), turn, numbers)
    if answer.answer_kind in LIST_KINDS:  # a digest or a timeline: one line per item
        opening, *items = answer.sentences
        rows = "".join(
            f'<li class="nr-item">{_link_markers(esc(s.text), turn, numbers)} '
            f"{''.join(_marker_link(n, turn, numbers) for n in s.citations)}</li>"
            for s in items
        )
        return f'{esc(opening.text)}<ul class="nr-items">{rows}</ul>'
    pieces = []
    for sentence in answer.sentences:
        marks = "".join(_marker_link(n, turn, numbers) for n in sentence.citations)
        text = _link_markers(esc(sentence.text), turn, numbers)
        if sentence.verified is False:
            pieces.append(
                f'<span class="nr-sent nr-unverified" title="{esc(_UNVERIFIED_TIP)}">'
                f"⚠ {text} {marks}</span>"
            )
        else:
            pieces.append(f'<span class="nr-sent">{text} {marks}</span>')
    return " ".join(pieces)


def _link_markers(escaped: str, turn: int, numbers: Mapping[int, Citation]) -> str:
    return _MARKER.sub(lambda m: _marker_link(int(m.group(1)), turn, numbers), escaped)


def _marker_link(n: int, turn: int, numbers: Mapping[int, Citation]) -> str:
    citation = numbers.get(n)
    if citation is None:  # a marker with no source is shown, never linked
        return f'<sup class="nr-dangling">[{n}]</sup>'
    tip = " — ".join(p for p in (byline(citation), citation.title) if p)
    return f'<a class="nr-cite" href="#{card_id(turn, n)}" title="{esc(tip)}">[{n}]</a>'


def byline(citation: Citation) -> str:
    """ "TechPulse, 2025-05-30": the outlet and date that are known, or "" when neither is."""
    return ", ".join(p for p in (citation.source, citation.published_at[:10]) if p)


def card_html(citation: Citation, *, turn: int, body: str | None) -> str:
    """One source card per article: number, linked title, outlet and date (only what is
    known), and every quote of it highlighted within its paragraph."""
    title = external_link(citation.url, esc(citation.title or "Untitled"), cls="nr-title")
    known = byline(citation).replace(", ", " · ")
    meta = (
        f'<div class="nr-meta">{esc(known)}</div>'
        if known
        else '<div class="nr-meta nr-quiet">outlet and date not given</div>'
    )
    paragraphs = "".join(
        f'<div class="nr-para">{p}</div>' for p in quotes_in_paragraphs(citation, body)
    )
    return (
        f'<div class="nr-card" id="{card_id(turn, citation.n)}">'
        f'<div class="nr-card-head"><span class="nr-num">[{citation.n}]</span> {title}</div>'
        f"{meta}{paragraphs}</div>"
    )


def quotes_in_paragraphs(citation: Citation, body: str | None) -> list[str]:
    """Each paragraph of ``body`` holding a quote of ``citation``, in body order, escaped,
    with every quote in it in ``<mark>``.

    A quote not found at its offsets is looked for elsewhere in the body; one found nowhere
    (or an unknown body) is shown alone.
    """
    spans, alone = [], []
    for quote in citation.spans:
        start, end = quote.start, quote.end
        if body is not None and body[start:end] != quote.text:
            found = body.find(quote.text) if quote.text else -1
            start, end = (found, found + len(quote.text)) if found >= 0 else (-1, -1)
        if body is None or start < 0:
            alone.append(f"<mark>{esc(quote.text)}</mark>")
        else:
            spans.append((start, end))
    if body is None:
        return alone
    paragraphs: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for start, end in sorted(spans):
        para_start = body.rfind("\n", 0, start) + 1
        para_end = body.find("\n", end)
        para_end = len(body) if para_end < 0 else para_end
        paragraphs.setdefault((para_start, para_end), []).append((start, end))
    out = [_marked(body, bounds, marks) for bounds, marks in sorted(paragraphs.items())]
    return out + alone


def _marked(body: str, bounds: tuple[int, int], marks: list[tuple[int, int]]) -> str:
    """One paragraph with its quotes marked (overlapping quotes marked as one), trimmed to
    about ``_PARAGRAPH_MAX`` characters around them."""
    merged: list[list[int]] = []
    for start, end in marks:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    para_start, para_end = bounds
    quoted = sum(end - start for start, end in merged)
    room = max(0, (_PARAGRAPH_MAX - quoted) // 2)
    before = body[para_start : merged[0][0]]
    after = body[merged[-1][1] : para_end]
    if len(before) > room:
        before = "…" + before[len(before) - room :].split(" ", 1)[-1]
    if len(after) > room:
        after = after[:room].rsplit(" ", 1)[0] + "…"
    pieces = [esc(before.lstrip())]
    for k, (start, end) in enumerate(merged):
        if k:
            pieces.append(esc(body[merged[k - 1][1] : start]))
        pieces.append(f"<mark>{esc(body[start:end])}</mark>")
    pieces.append(esc(after.rstrip()))
    return "".join(pieces)


def answer_markdown(answer: Answer) -> str:
    """An answer as Markdown for API clients: header, text with ``[n]``, numbered sources."""
    lines = [f"_{describe_filters(answer.filters)} · answered by {answer.answerer}_", ""]
    if answer.abstained:
        lines.append("**Not found in the indexed articles.**")
    elif answer.short_answer:
        lines.append(f"**{esc(answer.short_answer)}**\n")
    if answer.notice:
        lines.append(f"_{esc(answer.notice)}_\n")
    if answer.sentences and answer.answer_kind in LIST_KINDS:
        opening, *items = answer.sentences
        lines.extend([esc(opening.text), ""])
        lines.extend(f"- {_sentence_markdown(s)}" for s in items)
    elif answer.sentences:
        lines.append(" ".join(_sentence_markdown(s) for s in answer.sentences))
    else:
        lines.append(answer.text)
    if answer.citations:
        lines.append("\n**Sources**")
    for c in answer.citations:
        title = esc(c.title or "Untitled")
        link = f"[{title}]({c.url})" if safe_url(c.url) else title
        known = byline(c)
        lines.append(f"{c.n}. {link}" + (f" — {esc(known)}" if known else ""))
        lines.extend(f"   > {esc(q.text)}" for q in c.spans)
    return "\n".join(lines)


def _sentence_markdown(sentence: AnswerSentence) -> str:
    marks = "".join(f"[{n}]" for n in sentence.citations)
    flag = "⚠ (unverified) " if sentence.verified is False else ""
    return f"{flag}{sentence.text} {marks}".rstrip()
