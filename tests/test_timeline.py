"""How a story unfolded, on MultiHop-RAG's own news articles: the November 2023 coverage of
OpenAI's board firing Sam Altman (read from ../shared at run time), with unrelated articles
of the same weeks beside it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence

import pytest

from rag import NewsRAG, NewsragError
from rag.types import Development, Timeline


def _first(developments: Sequence[Development], pattern: str) -> Development:
    found = [d for d in developments if re.search(pattern, d.text, re.I)]
    assert found, f"no development matches {pattern!r}: {[d.text for d in developments]}"
    return found[0]


def _check_cited(app: NewsRAG, timeline: Timeline) -> None:
    """Every development is a real sentence of the first article it cites, and every cited
    article's quotes are where the citation says."""
    by_number = {c.n: c for c in timeline.citations}
    for development in timeline.developments:
        assert development.citations and set(development.citations) <= set(by_number)
        first = by_number[development.citations[0]]
        body = app.article_text(first.article_id)
        assert development.text in re.sub(r"\s+", " ", body), development
    for citation in timeline.citations:
        body = app.article_text(citation.article_id)
        for quote in citation.quotes:
            assert body[quote.start : quote.end] == quote.text


@pytest.mark.parametrize("topic", ["OpenAI board", "Sam Altman"])
def test_the_altman_story_runs_in_order_firing_microsoft_return(
    openai_news: NewsRAG, topic: str
) -> None:
    timeline = openai_news.timeline(topic)
    days = [d.day for d in timeline.developments]
    assert days == sorted(days) and len(days) >= 6, days
    _check_cited(openai_news, timeline)
    fired = _first(timeline.developments, r"\b(fired|ousted|pushed out|ejected)\b")
    microsoft = _first(timeline.developments, r"\bjoin(s|ed)?\s+Microsoft|move to Microsoft")
    back = _first(timeline.developments, r"\breturn\b.*\bCEO\b|\bCEO\b.*\breturn")
    assert fired.day == "2023-11-17", fired
    assert fired.day < microsoft.day < back.day, (fired, microsoft, back)
    assert back.day >= "2023-11-21", back  # from the timeline article dated November 18
    assert any(d.dated_by == "heading" for d in timeline.developments)


def test_one_development_from_several_outlets_is_one_entry(openai_news: NewsRAG) -> None:
    timeline = openai_news.timeline("Sam Altman fired")
    sources = {c.n: c.source for c in timeline.citations}
    shared = [d for d in timeline.developments if len(d.citations) > 1]
    assert shared, [d.text for d in timeline.developments]
    texts = [d.text for d in timeline.developments]
    assert len(texts) == len(set(texts))
    assert any(len({sources[n] for n in d.citations}) > 1 for d in shared)


def test_a_period_keeps_only_its_developments(openai_news: NewsRAG) -> None:
    timeline = openai_news.timeline("Sam Altman", since="2023-11-19", until="2023-11-20")
    assert timeline.developments
    assert all("2023-11-19" <= d.day <= "2023-11-20" for d in timeline.developments)
    with pytest.raises(NewsragError, match="until date"):
        openai_news.timeline("Sam Altman", until="next tuesday")
    with pytest.raises(NewsragError, match="empty"):
        openai_news.timeline("  ")


def test_how_did_it_unfold_in_chat_answers_with_the_timeline(openai_news: NewsRAG) -> None:
    answer = openai_news.ask("How did the OpenAI board fight unfold?")
    assert answer.answer_kind == "timeline" and not answer.abstained
    opening, *lines = answer.sentences
    assert "unfolded" in opening.text and not opening.citations
    assert len(lines) >= 6 and all(s.citations for s in lines)
    numbers = {c.n for c in answer.citations}
    assert {n for s in lines for n in s.citations} == numbers
    assert answer.text.count("\n") == len(lines)
    assert re.match(r"November 1[67], 2023: ", lines[0].text), lines[0].text
    assert openai_news.ask("What is OpenAI's board?").answer_kind != "timeline"


def test_newsrag_timeline_json_and_text(openai_news: NewsRAG) -> None:
    data_dir = str(openai_news.settings.data_dir)
    env = {**os.environ, "NEWSRAG_DATA_DIR": data_dir}
    run = [sys.executable, "-m", "rag.cli", "timeline", "Sam Altman"]
    found = subprocess.run([*run, "--json"], capture_output=True, text=True, env=env, check=True)
    data = json.loads(found.stdout)
    assert data["topic"] == "Sam Altman" and len(data["developments"]) >= 6
    assert {"day", "text", "citations", "outlets", "dated_by"} <= set(data["developments"][0])
    assert {c["n"] for c in data["citations"]} >= {1}
    text = subprocess.run(run, capture_output=True, text=True, env=env, check=True).stdout
    assert re.search(r"^2023-11-17  .*fired.*\[\d", text, re.M), text
    bad = subprocess.run([*run, "--since", "soon"], capture_output=True, text=True, env=env)
    assert bad.returncode == 1 and "Cannot read the since date 'soon'" in bad.stderr
