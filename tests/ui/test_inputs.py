"""What the app accepts and derives without the engine: upload checks and safe names, pasted
URLs, the feed list, logins, example questions, and the library's search and sort."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag import ArticleInfo, ConfigError
from rag.examples import example_questions, subject
from ui.app import credentials
from ui.library import select_articles, summary_line
from ui.uploads import accept_uploads, accept_urls, read_feeds, safe_name


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("My story.md", "My-story.md"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        (".hidden.MD", "hidden.md"),
        ("ünïcode 📰 news.html", "n-code-news.html"),
        ("no-suffix", "no-suffix"),
        ("...", "upload"),
    ],
)
def test_safe_names_stay_in_their_folder(given: str, safe: str) -> None:
    assert safe_name(given) == safe


def test_uploads_are_checked_and_saved_under_the_uploads_folder(tmp_path: Path) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "Good story.md"
    good.write_text("---\ntitle: Good\n---\n\nA story.\n", encoding="utf-8")
    binary = incoming / "photo.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    wrong = incoming / "slides.pdf"
    wrong.write_bytes(b"%PDF-1.7")
    big = incoming / "huge.txt"
    big.write_text("x" * 2_100_000, encoding="utf-8")
    uploads = tmp_path / "data" / "uploads"

    batch = accept_uploads([good, binary, wrong, big], uploads, max_mb=2)

    assert len(batch.paths) == 1
    saved = Path(batch.paths[0])
    assert saved.parent == uploads and saved.name.startswith("Good-story-")
    assert saved.read_text(encoding="utf-8") == good.read_text(encoding="utf-8")
    assert batch.names[str(saved)] == "Good story.md"
    reasons = {e.item: e.reason for e in batch.rejected}
    assert reasons["photo.md"].startswith("binary file")
    assert "unsupported file type '.pdf'" in reasons["slides.pdf"]
    assert "larger than the 2 MB limit" in reasons["huge.txt"]
    assert sorted(p.name for p in uploads.iterdir()) == [saved.name]  # nothing else written
    again = accept_uploads([good], uploads, max_mb=2)
    assert again.paths == batch.paths  # the same content is the same file, not a copy


def test_only_http_urls_are_accepted_from_the_url_box() -> None:
    batch = accept_urls(
        "https://a.example/story\n\n# a comment\n  http://b.example/feed.xml  \n"
        "/etc/passwd\nfile:///etc/hosts\nftp://c.example/x\ncorpus/\nhttps://bad host/\n"
    )
    assert batch.paths == ["https://a.example/story", "http://b.example/feed.xml"]
    assert [e.item for e in batch.rejected] == [
        "/etc/passwd",
        "file:///etc/hosts",
        "ftp://c.example/x",
        "corpus/",
        "https://bad host/",
    ]
    assert all("not an http(s) URL" in e.reason for e in batch.rejected)


def test_the_shipped_feed_list_is_read(tmp_path: Path) -> None:
    feeds = read_feeds(Path(__file__).parents[2] / "corpus" / "feeds.yaml")
    assert len(feeds) >= 5
    assert all(f.name and f.url.startswith("https://") for f in feeds)
    listed = tmp_path / "feeds.yaml"
    listed.write_text("- {name: One, url: 'http://x/1'}\n- {name: No url}\n- 3\n")
    assert [(f.name, f.url) for f in read_feeds(listed)] == [("One", "http://x/1")]
    listed.write_text("feeds: [unclosed")
    assert read_feeds(listed) == []
    assert read_feeds(tmp_path / "missing.yaml") == []


def test_logins_from_the_setting_and_a_file(tmp_path: Path) -> None:
    assert credentials(None) is None
    assert credentials("ann:s3cret:with:colons") == [("ann", "s3cret:with:colons")]
    file = tmp_path / "logins"
    file.write_text("# team\nbob:pw1\n\n carol:pw2\n", encoding="utf-8")
    assert credentials("ann:x", file) == [("ann", "x"), ("bob", "pw1"), ("carol", "pw2")]
    file.write_text("dave\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"logins:1: a login must look like user:password"):
        credentials(None, file)
    with pytest.raises(ConfigError, match="user:password"):
        credentials("nopassword:")
    with pytest.raises(ConfigError, match="Cannot read the login file"):
        credentials(None, tmp_path / "absent")


def _info(title: str, source: str, date: str, **fields: str) -> ArticleInfo:
    aid = fields.get("article_id", title[:6])
    dup = fields.get("duplicate_of", "")
    return ArticleInfo(aid, title, source, f"https://{source[:3]}.example/{aid}", date, 2, dup)


ARTICLES = [
    _info("Orbital Cloud posts $12.4 billion quarter", "TechPulse", "2025-06-18T21:10:00+00:00"),
    _info("Orbital Cloud cuts 400 jobs in consumer division", "AI Wire", "2025-05-30T17:05"),
    _info("Halcyon Robotics partners with Parcelway", "Data Daily", "2025-05-08T13:30"),
    _info("AI startup Corvid Labs secures $300 million", "AI Wire", "2025-01-15", duplicate_of="x"),
    _info("Corvid Labs raises $300 million Series C", "TechPulse", "2025-01-14T09:30"),
    _info("Google and Anthropic in talks over a cloud partnership", "", ""),
]


def test_example_questions_come_from_the_indexed_titles() -> None:
    questions = example_questions(ARTICLES)
    assert questions == [
        "What is the latest on Orbital Cloud?",
        "What happened with Halcyon Robotics?",
        "What do we know about Google and Anthropic?",
        "What happened this week?",  # the digest
    ]
    assert example_questions([]) == []
    assert subject("How AI Is Changing The Way We Work") is None  # Title Case: no name
    assert subject("OpenAI's new model tops a benchmark") == "OpenAI"


def test_library_search_sort_and_summary() -> None:
    found = select_articles(ARTICLES, query="orbital CLOUD")
    assert [a.source for a in found] == ["TechPulse", "AI Wire"]
    oldest = select_articles(ARTICLES, order="Oldest first")
    assert oldest[0].title.startswith("Corvid Labs raises") and not oldest[-1].published_at
    by_outlet = [a.source for a in select_articles(ARTICLES, order="Outlet A–Z")]
    assert by_outlet == ["AI Wire", "AI Wire", "Data Daily", "TechPulse", "TechPulse", ""]
    newest = select_articles(ARTICLES)
    assert newest[0].published_at.startswith("2025-06-18") and not newest[-1].published_at
    assert summary_line(found, total=6, query="orbital") == (
        "2 of 6 articles from 2 outlets, 2025-05-30 to 2025-06-18"
    )
    assert summary_line(ARTICLES, total=6).startswith("6 articles from 3 outlets, 2025-01-14")
    assert summary_line([], total=0) == "No articles are indexed yet. Add some below."
