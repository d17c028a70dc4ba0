"""The engine end to end on the test corpus: ingest, upsert, delete, filters, hybrid retrieval."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from rag import ConfigError, NewsRAG, NewsragError, NotFoundError
from rag.retrieve.retriever import SearchFilters
from tests.conftest import CORPUS, DATA, make_settings

FACTS = yaml.safe_load((DATA / "corpus_facts.yaml").read_text())["articles"]


def _article(
    name: str,
    *,
    title: str,
    body: str,
    date: str = "2025-02-01T10:00:00+00:00",
    source: str = "TechPulse",
    url: str = "",
) -> str:
    url_line = f"url: {url}\n" if url else ""
    return (
        f"---\ntitle: {title}\nsource: {source}\n{url_line}published_at: '{date}'\n"
        f"author: Test Writer\ncategory: technology\n---\n\n{body}\n"
    )


def test_ingest_counts_and_stats(corpus_engine: NewsRAG) -> None:
    stats = corpus_engine.stats()
    assert stats.articles == 10
    assert stats.chunks >= 10
    assert stats.sources == {"AI Wire": 3, "Data Daily": 2, "The Silicon Ledger": 2, "TechPulse": 3}
    assert stats.earliest.startswith("2025-01-14") and stats.latest.startswith("2025-06-18")


def test_chunks_keep_offsets_and_metadata(corpus_engine: NewsRAG) -> None:
    chunks = list(corpus_engine.store.iter_chunks())
    for chunk in chunks:
        m = chunk.metadata
        assert m["end"] - m["start"] == len(chunk.text)
        assert m["published_ts"] > 1_700_000_000 and m["published_at"].startswith("2025-")
        assert m["title"] and m["source"] and m["url"].startswith("https://")
        assert 0 <= m["position"] < m["n_chunks"]


def test_syndicated_copy_is_recorded(corpus_engine: NewsRAG) -> None:
    infos = corpus_engine.articles()
    copies = [i for i in infos if i.duplicate_of]
    assert len(copies) == 1
    original = next(i for i in infos if i.article_id == copies[0].duplicate_of)
    # the later wire copy points at the earlier original, whatever order they were read in
    assert (copies[0].source, original.source) == ("AI Wire", "TechPulse")


def test_an_older_original_ingested_later_takes_over(engine: NewsRAG) -> None:
    engine.ingest([str(CORPUS / "corvid-labs-funding-syndicated.md")])
    assert [i.duplicate_of for i in engine.articles()] == [""]
    report = engine.ingest([str(CORPUS / "corvid-labs-funding.md")])
    assert report.added == 1
    by_source = {i.source: i for i in engine.articles()}
    assert by_source["AI Wire"].duplicate_of == by_source["TechPulse"].article_id
    assert by_source["TechPulse"].duplicate_of == ""


def test_reingest_unchanged_embeds_nothing(corpus_engine: NewsRAG) -> None:
    before = {c.id for c in corpus_engine.store.iter_chunks(documents=False)}
    report = corpus_engine.ingest([str(CORPUS)])
    assert (report.added, report.updated, report.skipped, report.chunks_written) == (0, 0, 10, 0)
    assert {c.id for c in corpus_engine.store.iter_chunks(documents=False)} == before


def test_changed_article_replaces_its_chunks(engine: NewsRAG, write_file) -> None:
    body = "Orbital Cloud opened a lab in Lisbon. " * 3 + "\n\nIt hires forty researchers."
    path = write_file(
        "in/lab.md", _article("lab", title="Orbital lab", body=body, url="https://x.example/lab")
    )
    assert engine.ingest([str(path)]).added == 1
    old_ids = {c.id for c in engine.store.iter_chunks(documents=False)}
    write_file(
        "in/lab.md",
        _article(
            "lab",
            title="Orbital lab",
            url="https://x.example/lab",
            body=body.replace("forty", "ninety"),
        ),
    )
    report = engine.ingest([str(path)])
    assert (report.added, report.updated) == (0, 1)
    chunks = list(engine.store.iter_chunks())
    assert not old_ids & {c.id for c in chunks}
    assert all("forty" not in c.text for c in chunks)
    assert any("ninety" in c.text for c in chunks)
    assert engine.stats().articles == 1
    answer = engine.ask("How many researchers does the Lisbon lab hire?")
    assert "ninety" in answer.text and "forty" not in answer.text


def test_delete_by_id_and_url(engine: NewsRAG, write_file) -> None:
    for i, topic in enumerate(["robots sort parcels", "chips run models"]):
        write_file(
            f"in/a{i}.md",
            _article(
                f"a{i}", title=f"Story {i}", body=f"The {topic}. " * 5, url=f"https://x.example/{i}"
            ),
        )
    engine.ingest([str(engine.settings.data_dir.parent / "in")])
    infos = engine.articles()
    assert len(infos) == 2
    removed = engine.delete(infos[0].article_id)
    assert removed.article_id == infos[0].article_id
    other = infos[1].url.replace("x.example", "X.example") + "?utm_source=feed"
    assert engine.delete(other).article_id == infos[1].article_id  # canonical URL matches
    assert engine.stats().articles == 0 and engine.store.count() == 0
    with pytest.raises(NotFoundError):
        engine.article_text(infos[0].article_id)
    with pytest.raises(NotFoundError, match="newsrag stats --articles"):
        engine.delete("no-such-id")
    with pytest.raises(NewsragError, match="No articles are indexed yet"):
        engine.ask("anything?")


def test_bad_items_are_reported_and_the_rest_ingested(engine: NewsRAG, write_file) -> None:
    write_file("in/good.md", _article("g", title="Good", body="Nimbus shipped a model. " * 4))
    write_file("in/empty.txt", "   \n")
    write_file("in/broken.json", '{"title": "x", "body": ')
    write_file("in/binary.txt", b"\x00\x01\x02binary\x00")
    report = engine.ingest([str(engine.settings.data_dir.parent / "in"), "/nonexistent/dir"])
    assert report.added == 1 and report.rejected == 4
    reasons = " | ".join(f"{e.item}: {e.reason}" for e in report.errors)
    for needle in ("empty.txt", "broken.json", "binary.txt", "/nonexistent/dir"):
        assert needle in reasons


def test_filters_by_source_and_date(corpus_engine: NewsRAG) -> None:
    hits = corpus_engine.retriever.search(
        "Orbital Cloud", top_k=10, filters=SearchFilters(sources=("TechPulse",))
    )
    assert hits and {h.source for h in hits} == {"TechPulse"}
    answer = corpus_engine.ask("Orbital Cloud news", sources=["techpulse"], since="2025-06-01")
    assert answer.citations
    assert {c.source for c in answer.citations} == {"TechPulse"}
    assert all(c.published_at >= "2025-06-01" for c in answer.citations)
    answer = corpus_engine.ask("Orbital Cloud news", until="2025-04-02")
    assert answer.citations and all(c.published_at[:10] <= "2025-04-02" for c in answer.citations)
    with pytest.raises(NewsragError, match="Indexed outlets: AI Wire, Data Daily"):
        corpus_engine.ask("x", sources=["Nonexistent Times"])
    with pytest.raises(NewsragError, match="Cannot read the since date"):
        corpus_engine.ask("x", since="last tuesday-ish")


def test_asking_as_of_a_date_hides_later_articles(corpus_engine: NewsRAG) -> None:
    latest = corpus_engine.ask("What is the latest news about Orbital Cloud?")
    assert latest.citations[0].published_at.startswith("2025-06-18")
    back = corpus_engine.ask("What is the latest news about Orbital Cloud?", as_of="2025-06-01")
    assert back.filters == {"as_of": "2025-06-01"}
    assert back.citations and all(c.published_at[:10] <= "2025-06-01" for c in back.citations)
    assert back.citations[0].published_at.startswith("2025-05-30")  # the newest by then
    hits = corpus_engine.search("Orbital Cloud revenue", as_of="2025-05-31", top_k=10)
    assert hits and max(h.published_at[:10] for h in hits) <= "2025-05-31"
    # "this week" counts from the date asked as of: that week's coverage (the layoffs,
    # reported 2025-05-30) comes first; it is a preference, not a filter
    week = corpus_engine.ask("What did Orbital Cloud announce this week?", as_of="2025-06-02")
    assert week.filters == {"as_of": "2025-06-02"} and not week.notice
    assert week.citations[0].published_at[:10] == "2025-05-30"
    with pytest.raises(NewsragError, match="Cannot read the as_of date 'next Tuesday'"):
        corpus_engine.ask("x", as_of="next Tuesday")


def test_hybrid_beats_either_retriever_alone(corpus_engine: NewsRAG) -> None:
    """A paraphrase only dense search finds, and a code name only keyword search finds."""
    paraphrase = "which company helps clinics reduce how long people queue in the ER?"
    code_name = "QX-9"

    def rank(question: str, mode: str, title_word: str) -> int:
        hits = corpus_engine.retriever.search(question, top_k=3, mode=mode)
        return next((i for i, h in enumerate(hits) if title_word in h.title), 99)

    assert rank(paraphrase, "dense", "Tessellate") == 0
    assert rank(paraphrase, "bm25", "Tessellate") == 99
    assert rank(paraphrase, "hybrid", "Tessellate") < 3
    assert rank(code_name, "bm25", "QX-9") == 0
    assert rank(code_name, "hybrid", "QX-9") == 0
    both = "QX-9 accelerator and software that cuts hospital patient waiting"
    hybrid = corpus_engine.retriever.search(both, top_k=2, mode="hybrid")
    assert {"Quillon", "Tessellate"} <= {w for h in hybrid for w in h.title.split()}


def test_answer_cites_exact_spans(corpus_engine: NewsRAG) -> None:
    answer = corpus_engine.ask("Who is the CEO of Corvid Labs?")
    assert not answer.abstained
    assert "Mira Okafor" in answer.text
    assert answer.citations and "[1]" in answer.text
    bodies = {f["title"]: (CORPUS / f["file"]).read_text() for f in FACTS}
    for c in answer.citations:
        assert c.quote in bodies[c.title]
        assert corpus_engine.article_text(c.article_id)[c.quote_start : c.quote_end] == c.quote
    okafor = [c for c in answer.citations if "Mira Okafor" in c.quote]
    assert okafor and {c.source for c in okafor} <= {"TechPulse", "AI Wire"}


def test_abstains_when_nothing_relevant(corpus_engine: NewsRAG) -> None:
    answer = corpus_engine.ask("What is the best recipe for sourdough bread?")
    assert answer.abstained
    assert answer.text.startswith("I could not find this in the indexed articles.")
    assert answer.citations == ()


def test_bm25_cache_is_rebuilt_when_lost(tmp_path: Path, model_loaded: None) -> None:
    data = tmp_path / "data"
    first = NewsRAG(make_settings(data))
    first.ingest([str(CORPUS / "quillon-chip.md")])
    shutil.rmtree(data / "bm25")
    second = NewsRAG(make_settings(data))  # a new process would start like this
    hits = second.retriever.search("QX-9", top_k=1, mode="bm25")
    assert hits and "QX-9" in hits[0].title
    assert (data / "bm25").exists()


@pytest.mark.loopback
def test_feed_list_ingest_goes_on_past_a_dead_feed(engine: NewsRAG, site, write_file) -> None:
    page = site.add(
        "/story",
        "<html><head><title>Halcyon ships robots</title></head><body>"
        "<nav>Home | About</nav><article><h1>Halcyon ships robots</h1>"
        + "<p>Halcyon Robotics shipped 500 warehouse robots to Parcelway.</p>" * 12
        + "</article><script>track()</script></body></html>",
    )
    feed = site.add(
        "/feed.xml",
        f"""<?xml version="1.0"?><rss version="2.0"><channel>
        <title>Robot Weekly</title><link>{site.base}</link>
        <item><title>Halcyon ships robots</title><link>{page}</link>
        <pubDate>Tue, 06 May 2025 10:00:00 GMT</pubDate><description>Short teaser.</description>
        </item></channel></rss>""",
        content_type="application/rss+xml",
    )
    feeds = write_file(
        "feeds.yaml",
        f"feeds:\n  - {{name: dead, url: '{site.base}/gone.xml'}}\n"
        f"  - {{name: robots, url: '{feed}'}}\n",
    )
    report = engine.ingest(feeds=feeds)
    assert (report.added, report.rejected) == (1, 1)
    assert report.errors[0].item.endswith("/gone.xml") and "404" in report.errors[0].reason
    info = engine.articles()[0]
    assert (info.source, info.published_at[:10]) == ("Robot Weekly", "2025-05-06")
    answer = engine.ask("How many robots did Halcyon ship to Parcelway?")
    assert "500 warehouse robots" in answer.text
    assert "track()" not in answer.text and "Home | About" not in answer.text
    again = engine.ingest(feeds=feeds)  # polling the feed again re-embeds nothing
    assert (again.added, again.skipped, again.chunks_written) == (0, 1, 0)


def test_each_named_outlet_gets_its_own_evidence(corpus_engine: NewsRAG) -> None:
    hits = corpus_engine.search(
        "Did TechPulse report Orbital Cloud's quarterly revenue, while AI Wire reported that "
        "Orbital Cloud cut jobs?",
        top_k=4,
    )
    assert {h.source for h in hits[:2]} == {"TechPulse", "AI Wire"}
    files = {f["title"]: f["file"] for f in FACTS}
    assert {files.get(h.title) for h in hits[:2]} == {"earnings.md", "layoffs.md"}


def test_a_stated_publication_day_picks_that_days_article(corpus_engine: NewsRAG) -> None:
    hits = corpus_engine.search(
        "What did the TechPulse article published on April 22, 2025 announce?", top_k=3
    )
    assert hits[0].title.startswith("Nimbus Research releases open-weights")


def test_a_data_dir_that_is_a_file_is_refused_by_the_api(tmp_path: Path) -> None:
    a_file = tmp_path / "index.json"
    a_file.write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match="is a file, not a folder"):
        NewsRAG(make_settings(a_file))
    assert a_file.read_text(encoding="utf-8") == "{}"


def test_when_a_story_says_saturday_the_answer_says_which_saturday(
    engine: NewsRAG, write_file
) -> None:
    death = (
        "Lena Voss, the founder of Nightjar, died Saturday at her home in Oslo, the company "
        "said. She was 71. Voss built Nightjar from a two-person workshop into a maker of "
        "weather satellites."
    )
    earlier = (
        "Lena Voss stepped down as Nightjar's chief executive on May 2, 2024, handing the "
        "company to her longtime deputy. She stayed on the board."
    )
    write_file("in/death.md", _article("death", title="Nightjar founder Lena Voss dies at 71",
                                       body=death, date="2025-03-03T09:00:00+00:00"))  # fmt: skip
    write_file("in/step.md", _article("step", title="Lena Voss steps down at Nightjar",
                                      body=earlier, date="2024-05-03T09:00:00+00:00"))  # fmt: skip
    assert engine.ingest([str(write_file("in/.keep", "").parent)]).added == 2
    answer = engine.ask("When did Lena Voss die?", as_of="2025-03-05")
    assert answer.short_answer == "March 1, 2025"  # the Saturday before the story
    assert answer.sentences[0].text.startswith("Lena Voss, the founder of Nightjar, died")
    asked = engine.ask("Which day did Lena Voss die?", as_of="2025-03-05")
    assert asked.short_answer == "Saturday, March 1, 2025"
    assert engine.ask("What year did Lena Voss step down?", as_of="2024-05-10").short_answer == (
        "2024"  # a year, not the day
    )
