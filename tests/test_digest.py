"""What's new: the period's articles grouped into stories, on MultiHop-RAG's November 2023
OpenAI coverage (from ../shared) and on wire copies written here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag import NewsRAG, NewsragError
from rag.types import Digest
from tests.conftest import make_settings

WIRE = (
    "Nimbus Robotics agreed to buy chip designer Coralline for $2.1 billion in cash, the "
    "companies said on Tuesday, in the largest robotics deal of the year."
)


def _check_leads(app: NewsRAG, digest: Digest) -> None:
    for story in digest.stories:
        c = story.citation
        assert app.article_text(c.article_id)[c.quote_start : c.quote_end] == c.quote
        assert c.article_id in {a.article_id for a in story.articles}
        assert story.lead and len(set(story.outlets)) == len(story.outlets)


def test_the_week_of_altmans_firing_leads_with_that_story(openai_news: NewsRAG) -> None:
    digest = openai_news.digest(since="7d", as_of="2023-11-21")
    assert digest.articles >= 5 and digest.stories
    top = digest.stories[0]
    titles = " ".join(a.title for a in top.articles)
    assert "Altman" in titles and len(top.outlets) >= 2, [
        (s.headline, s.outlets) for s in digest.stories[:4]
    ]
    assert len(top.articles) >= 3
    dates = [a.published_at for a in top.articles]
    assert dates == sorted(dates, reverse=True)
    _check_leads(openai_news, digest)
    every = [a.article_id for s in digest.stories for a in s.articles]
    assert len(every) == len(set(every)) == digest.articles
    assert all(digest.since <= a.published_at[:19] for s in digest.stories for a in s.articles)


def test_wire_copies_from_several_outlets_are_one_story(engine: NewsRAG, tmp_path: Path) -> None:
    records = [
        {"title": t, "source": s, "published_at": d, "body": b}
        for t, s, d, b in (
            ("Nimbus to buy Coralline for $2.1bn", "Reuters", "2025-06-03T09:00:00Z", WIRE),
            ("Nimbus Robotics buys chip designer Coralline", "AP", "2025-06-03T11:00:00Z", WIRE),
            ("Robot maker Nimbus strikes $2.1B Coralline deal", "The Verge",
             "2025-06-04T08:00:00Z", "Nimbus Robotics will buy Coralline, a chip designer, for "
             "$2.1 billion in cash, the largest robotics deal of the year so far."),
            ("Heatwave closes schools in Madrid", "El País", "2025-06-04T10:00:00Z",
             "Schools across Madrid closed on Wednesday as temperatures passed 40 degrees."),
            ("Old news", "Reuters", "2025-05-01T10:00:00Z",
             "Coralline reported first-quarter revenue growth of 12 percent on Thursday."),
        )
    ]  # fmt: skip
    (tmp_path / "wire.json").write_text(json.dumps(records), encoding="utf-8")
    engine.ingest([tmp_path / "wire.json"])
    digest = engine.digest(since="7d", as_of="2025-06-05")
    assert digest.articles == 4
    assert [len(s.outlets) for s in digest.stories] == [3, 1]
    assert digest.stories[0].outlets == ("The Verge", "AP", "Reuters")
    assert "Coralline" in digest.stories[0].headline
    _check_leads(engine, digest)
    assert engine.digest(since="2025-06-04", as_of="2025-06-05").articles == 2
    quiet = engine.digest(since="24h", as_of="2025-07-01")
    assert quiet.stories == () and quiet.latest.startswith("2025-06-04")


@pytest.mark.parametrize(
    ("since", "as_of", "message"),
    [("a week", None, "Cannot read since='a week'"), ("7d", "someday", "as_of date"),
     ("2025-07-01", "2025-06-01", "starts .* after it ends")],
)  # fmt: skip
def test_a_bad_period_says_what_to_give(
    tmp_path: Path, model_loaded: None, since: str, as_of: str | None, message: str
) -> None:
    app = NewsRAG(make_settings(tmp_path / "data"))
    with pytest.raises(NewsragError, match=message):
        app.digest(since=since, as_of=as_of)


def test_what_happened_this_week_in_chat_answers_with_the_digest(openai_news: NewsRAG) -> None:
    answer = openai_news.ask("What happened this week?", as_of="2023-11-21")
    assert answer.answer_kind == "digest" and not answer.abstained
    opening, first, *_ = answer.sentences
    assert "November 14, 2023 to November 21, 2023" in opening.text
    assert "Altman" in first.text and "reported by 2 outlets" in first.text
    assert first.citations == (1,) and answer.citations[0].n == 1
    topical = openai_news.ask("What happened to Sam Altman this week?", as_of="2023-11-21")
    assert topical.answer_kind != "digest"


def test_newsrag_digest_json_and_an_empty_week(openai_news: NewsRAG) -> None:
    env = {**os.environ, "NEWSRAG_DATA_DIR": str(openai_news.settings.data_dir)}
    run = [sys.executable, "-m", "rag.cli", "digest"]
    found = subprocess.run([*run, "--as-of", "2023-11-21", "--json"], capture_output=True,
                           text=True, env=env, check=True)  # fmt: skip
    data = json.loads(found.stdout)
    assert data["stories"] and {"headline", "lead", "citation", "outlets", "articles"} <= set(
        data["stories"][0]
    )
    empty = subprocess.run([*run, "--since", "2030-01-01", "--as-of", "2030-01-02"],
                           capture_output=True, text=True, env=env, check=True)  # fmt: skip
    assert "Nothing was published between 2030-01-01 and 2030-01-02" in empty.stdout
    assert "--as-of 2023-11-30" in empty.stdout
    # asked "now", long after the newest article: the same length of time up to it instead
    now = subprocess.run(run, capture_output=True, text=True, env=env, check=True).stdout
    assert "up to the newest article, 2023-11-30" in now and "reported by" in now


def test_undated_articles_still_answer_what_happened(engine: NewsRAG, tmp_path: Path) -> None:
    (tmp_path / "deal.md").write_text(
        "# Nimbus and Coralline agree a chip deal\n\nNimbus Robotics agreed to buy chip "
        "designer Coralline for $2.1 billion in cash, the companies said.\n\nThe deal is the "
        "largest in robotics this year, and regulators must still approve it.\n",
        encoding="utf-8",
    )
    engine.ingest([tmp_path / "deal.md"])
    digest = engine.digest()
    assert [s.headline for s in digest.stories] == ["Nimbus and Coralline agree a chip deal"]
    assert "No indexed article has a publication date" in digest.notice
    assert engine.digest(as_of="2025-06-05").stories == ()  # a period asked for is kept
    answer = engine.ask("What happened this week?")
    assert answer.answer_kind == "digest" and "none of them is dated" in answer.text
    assert answer.citations[0].quote.startswith("Nimbus Robotics agreed")
    # no dated development: the timeline question is answered as a question, and says so
    unfolded = engine.ask("How did the Nimbus Coralline deal unfold?")
    assert unfolded.answer_kind != "timeline" and not unfolded.abstained
    assert "No dated development" in unfolded.notice and unfolded.citations
