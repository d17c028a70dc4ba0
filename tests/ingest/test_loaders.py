"""Files and folders -> Articles, with real files under tmp_path."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rag.config import IngestSettings
from rag.ingest.loaders import load_path
from rag.ingest.sources import load_sources
from rag.types import Article, ItemError

SETTINGS = IngestSettings()
MULTIHOP = Path("/work/shared/datasets/multihop-rag/corpus.json")
WriteFile = Callable[[str, str | bytes], Path]
BODY = "Nimbus Research released an open-weights model on Monday.\n\nIt runs on one GPU."


def load(path: Path, settings: IngestSettings = SETTINGS) -> list[Article | ItemError]:
    return list(load_path(path, settings=settings))


def one_article(path: Path) -> Article:
    items = load(path)
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def one_error(path: Path, settings: IngestSettings = SETTINGS) -> ItemError:
    items = load(path, settings)
    assert len(items) == 1 and isinstance(items[0], ItemError), items
    return items[0]


# --- Markdown -----------------------------------------------------------------------------


def test_markdown_front_matter(write_file: WriteFile) -> None:
    path = write_file(
        "nimbus.md",
        "---\ntitle: Nimbus releases a model\nsource: TechPulse\n"
        "url: https://TechPulse.example/nimbus/?utm_source=rss\npublished_at: 2024-04-22\n"
        "author: Dana Whitfield\ncategory: open source\n---\n\n"
        "# Nimbus releases a model\n\nFirst paragraph.\n\n## Details\n\nSecond   paragraph.\n",
    )
    article = one_article(path)
    assert article.title == "Nimbus releases a model"
    assert article.source == "TechPulse"
    assert article.url == "https://techpulse.example/nimbus"
    assert article.published_at == datetime(2024, 4, 22, tzinfo=UTC)  # YAML parsed it as a date
    assert (article.author, article.category) == ("Dana Whitfield", "open source")
    assert "#" not in article.body
    assert "Details\n\nSecond paragraph." in article.body
    assert article.origin == str(path)


def test_markdown_title_falls_back_to_heading_then_stem(write_file: WriteFile) -> None:
    heading = one_article(write_file("a.md", "\n# The Heading ##\n\nBody text here.\n"))
    assert heading.title == "The Heading"
    assert heading.body == "Body text here."  # the title heading is not repeated in the body
    empty = one_article(write_file("b.md", '---\ntitle: ""\nsource: W\n---\n# From heading\n\nx\n'))
    assert (empty.title, empty.source) == ("From heading", "W")
    stem = one_article(write_file("open-ai_dev-day.md", "Body only, no heading.\n"))
    assert stem.title == "Open ai dev day"
    assert stem.body == "Body only, no heading."


def test_markdown_bad_front_matter(write_file: WriteFile) -> None:
    broken = one_error(write_file("a.md", "---\ntitle: [unclosed\n---\nBody\n"))
    assert "front matter is not valid YAML" in broken.reason
    unclosed = one_error(write_file("b.md", "---\ntitle: x\nBody without a closing line\n"))
    assert "no closing '---'" in unclosed.reason
    scalar = one_error(write_file("c.md", "---\njust text\n---\nBody\n"))
    assert "key: value" in scalar.reason
    bad_date = one_error(write_file("d.md", "---\ntitle: T\npublished_at: someday\n---\nBody\n"))
    assert "'someday'" in bad_date.reason and "2023-11-27T08:45:59+00:00" in bad_date.reason


# --- plain text ---------------------------------------------------------------------------


def test_text_short_first_line_is_the_title(write_file: WriteFile) -> None:
    article = one_article(write_file("x.txt", "Chip maker unveils QX-9\n\n" + BODY))
    assert article.title == "Chip maker unveils QX-9"
    assert article.body == BODY


@pytest.mark.parametrize(
    "first_line",
    ["A sentence that ends with a period.", "long " * 40],
)
def test_text_title_falls_back_to_stem(write_file: WriteFile, first_line: str) -> None:
    article = one_article(write_file("quillon_chip-news.txt", f"{first_line}\n{BODY}"))
    assert article.title == "Quillon chip news"
    assert article.body.startswith(first_line.strip())


def test_text_title_without_body_is_an_error(write_file: WriteFile) -> None:
    error = one_error(write_file("t.txt", "Just a title\n"))
    assert "no article text" in error.reason


# --- HTML ---------------------------------------------------------------------------------


def test_html_file_drops_boilerplate(write_file: WriteFile) -> None:
    paragraph = "<p>Halcyon Robotics signed a deal with Parcelway to automate warehouses. " * 3
    page = (
        "<html><head><title>Halcyon signs Parcelway deal</title><script>JS-JUNK()</script>"
        f"</head><body><nav>NAV-JUNK</nav><article>{paragraph}</p></article>"
        "<footer>FOOTER-JUNK</footer></body></html>"
    )
    article = one_article(write_file("deal.html", page))
    assert article.title == "Halcyon signs Parcelway deal"
    assert "Parcelway to automate warehouses" in article.body
    assert not any(junk in article.body for junk in ("JS-JUNK", "NAV-JUNK", "FOOTER-JUNK"))


def test_html_without_text_is_an_error(write_file: WriteFile) -> None:
    error = one_error(write_file("empty.htm", "<html><body><script>x()</script></body></html>"))
    assert "no readable text" in error.reason


# --- JSON and JSONL -----------------------------------------------------------------------


def record(**fields: object) -> dict[str, object]:
    return {"title": "Quillon unveils QX-9", "body": BODY, **fields}


@pytest.mark.parametrize(
    "shape",
    [
        lambda records: records,
        lambda records: {"articles": records},
    ],
)
def test_json_lists_of_records(write_file: WriteFile, shape: Callable[[list], object]) -> None:
    records = [record(source="AI Wire"), record(title="Second", date="November 27, 2023")]
    path = write_file("batch.json", json.dumps(shape(records)))
    items = load(path)
    assert all(isinstance(item, Article) for item in items)
    assert [item.origin for item in items] == [f"{path}#1", f"{path}#2"]
    assert items[0].source == "AI Wire"
    assert items[1].published_at == datetime(2023, 11, 27, tzinfo=UTC)


def test_json_single_record_and_aliases(write_file: WriteFile) -> None:
    path = write_file(
        "one.json", json.dumps({"title": "T", "text": "Aliased body.", "published": 1701074759})
    )
    article = one_article(path)
    assert article.body == "Aliased body."
    assert article.published_at == datetime(2023, 11, 27, 8, 45, 59, tzinfo=UTC)
    assert article.origin == str(path)


def test_json_bad_records_are_reported_and_the_rest_load(write_file: WriteFile) -> None:
    records = [
        record(),
        {"title": "No body"},
        record(body="   "),
        record(title=["a", "list"]),
        record(published_at="next Tuesday"),
        "not an object",
        record(author=None, category=None),  # nulls in optional fields are fine (MultiHop-RAG)
    ]
    path = write_file("mixed.json", json.dumps(records))
    items = load(path)
    assert [type(item).__name__ for item in items] == ["Article"] + ["ItemError"] * 5 + ["Article"]
    errors = {item.item: item.reason for item in items if isinstance(item, ItemError)}
    assert errors[f"{path}#2"].startswith("missing required field 'body'")
    assert "'text', 'content'" in errors[f"{path}#2"]
    assert errors[f"{path}#3"].startswith("missing required field 'body'")
    assert "field 'title' must be a string, got list" in errors[f"{path}#4"]
    assert "'next Tuesday'" in errors[f"{path}#5"]
    assert "2023-11-27T08:45:59+00:00" in errors[f"{path}#5"]
    assert "got str" in errors[f"{path}#6"]


def test_malformed_json_names_line_and_column(write_file: WriteFile) -> None:
    error = one_error(write_file("bad.json", '[\n  {"title": "x",\n   "body": }\n]'))
    assert "is not valid JSON" in error.reason
    assert "line 3, column 12" in error.reason


def test_json_of_the_wrong_shape(write_file: WriteFile) -> None:
    error = one_error(write_file("n.json", "42"))
    assert '{"articles": [...]}' in error.reason


def test_jsonl_bad_line_does_not_stop_the_others(write_file: WriteFile) -> None:
    lines = [json.dumps(record(title="One")), "{oops", "", json.dumps(record(title="Four"))]
    path = write_file("feed.jsonl", "\n".join(lines) + "\n")
    items = load(path)
    assert [getattr(item, "title", None) for item in items] == ["One", None, "Four"]
    error = items[1]
    assert isinstance(error, ItemError)
    assert error.item == f"{path}#2"
    assert "line 2 is not valid JSON" in error.reason
    assert items[2].origin == f"{path}#4"


def test_jsonl_line_separator_inside_a_string_is_not_a_new_line(write_file: WriteFile) -> None:
    line = json.dumps(record(body="Before\u2028after."), ensure_ascii=False)
    assert "\u2028" in line  # a raw U+2028, which str.splitlines() would split on
    article = one_article(write_file("sep.jsonl", line + "\n"))
    assert article.body == "Before\nafter."


# --- feed files ---------------------------------------------------------------------------


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>AI Wire</title><link>https://aiwire.example/</link>
<item><title>Lumen Grid opens a data center</title>
<link>https://aiwire.example/lumen?utm_medium=rss</link>
<pubDate>Thu, 20 Feb 2025 10:00:00 GMT</pubDate><author>ed@aiwire.example (Ed)</author>
<description>&lt;p&gt;Lumen Grid opened a 200 MW site in Norway.&lt;/p&gt;</description></item>
<item><title></title><description></description></item>
</channel></rss>"""


def test_local_rss_file(write_file: WriteFile) -> None:
    path = write_file("saved.rss", RSS)
    items = load(path)
    article, error = items
    assert isinstance(article, Article)
    assert article.title == "Lumen Grid opens a data center"
    assert article.body == "Lumen Grid opened a 200 MW site in Norway."
    assert article.source == "AI Wire"
    assert article.url == "https://aiwire.example/lumen"
    assert article.published_at == datetime(2025, 2, 20, 10, tzinfo=UTC)
    assert isinstance(error, ItemError) and error.item == f"{path}#2"


def test_malformed_xml_file(write_file: WriteFile) -> None:
    error = one_error(write_file("broken.xml", "<rss><channel><title>x</ti"))
    assert "not a valid RSS/Atom feed" in error.reason
    assert "line 1" in error.reason


# --- bad files ----------------------------------------------------------------------------


def test_empty_and_whitespace_files(write_file: WriteFile) -> None:
    assert "file is empty" in one_error(write_file("e.md", "")).reason
    assert "file is empty" in one_error(write_file("w.txt", " \n\t\n")).reason
    assert "only whitespace" in one_error(write_file("u.txt", "\u3000\u2003\n")).reason


def test_binary_content_in_a_text_extension(write_file: WriteFile) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert "binary file" in one_error(write_file("image.txt", png)).reason
    assert "binary file" in one_error(write_file("image.xml", png)).reason


def test_invalid_utf8_names_byte_and_offset(write_file: WriteFile) -> None:
    error = one_error(write_file("latin1.md", "Café crème".encode("latin-1")))
    assert error.reason == "is not valid UTF-8 (byte 0xe9 at offset 3); re-save it as UTF-8"


def test_utf16_gets_a_specific_hint(write_file: WriteFile) -> None:
    error = one_error(write_file("wide.txt", "Title\nBody".encode("utf-16")))
    assert "UTF-16" in error.reason


def test_utf8_bom_is_accepted(write_file: WriteFile) -> None:
    article = one_article(write_file("bom.txt", "\ufeffBOM title\nBody text.".encode()))
    assert article.title == "BOM title"


def test_file_over_the_size_limit(write_file: WriteFile) -> None:
    path = write_file("big.txt", "Big title\n" + "word " * 1000)
    error = one_error(path, IngestSettings(max_file_mb=0.001))
    assert "over the 0.001 MB limit" in error.reason
    assert "max_file_mb" in error.reason


def test_jsonl_size_limit_is_each_records(write_file: WriteFile) -> None:
    """A JSONL file is a collection: over the limit as a whole is fine, one record is not."""
    small = [json.dumps(record(title=f"Story {i}", body="word " * 100)) for i in range(4)]
    huge = json.dumps(record(title="Huge", body="word " * 1000))
    path = write_file("many.jsonl", "\n".join([*small[:2], huge, *small[2:]]) + "\n")
    assert path.stat().st_size > 0.003 * 1024 * 1024
    items = load(path, IngestSettings(max_file_mb=0.003))
    assert [getattr(i, "title", None) for i in items] == ["Story 0", "Story 1", None] + [
        "Story 2",
        "Story 3",
    ]
    assert isinstance(items[2], ItemError) and items[2].item == f"{path}#3"
    assert "line 3 is over the 0.003 MB limit for one article" in items[2].reason


def test_unreadable_file(write_file: WriteFile, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_file("secret.md", "# Title\n\nBody")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything; make the kernel's answer explicit instead
        real = Path.read_bytes

        def read_bytes(self: Path) -> bytes:
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    error = one_error(path)
    assert "permission denied" in error.reason


def test_unsupported_single_file_names_supported_types(write_file: WriteFile) -> None:
    error = one_error(write_file("notes.docx", "x"))
    assert "unsupported file type '.docx'" in error.reason
    for ext in (".md", ".txt", ".html", ".json", ".jsonl", ".xml"):
        assert ext in error.reason


# --- folders ------------------------------------------------------------------------------


def test_folder_walk_is_sorted_recursive_and_skips_non_articles(
    write_file: WriteFile, tmp_path: Path
) -> None:
    write_file("b.md", "# B\n\nbody b")
    write_file("a.txt", "A\nbody a")
    write_file("sub/c.json", json.dumps(record(title="C")))
    write_file("sub/deeper/d.md", "# D\n\nbody d")
    write_file(".hidden.md", "# Hidden\n\nbody")
    write_file(".git/e.md", "# E\n\nbody")
    write_file("feeds.yaml", "feeds: [https://example.com/feed]")
    write_file("script.py", "print('not an article')")
    write_file("photo.png", b"\x89PNG\x00\x00")
    write_file("bad.json", "{")
    items = load(tmp_path)
    titles = [item.title for item in items if isinstance(item, Article)]
    assert titles == ["A", "B", "C", "D"]
    errors = [item for item in items if isinstance(item, ItemError)]
    assert [error.item for error in errors] == [str(tmp_path / "bad.json")]


def test_missing_path_in_sources(tmp_path: Path) -> None:
    missing, empty = load_sources([str(tmp_path / "nope"), " "], settings=SETTINGS)
    assert isinstance(missing, ItemError) and isinstance(empty, ItemError)
    assert missing.reason.startswith("no such file or directory; give a path")
    assert "(.md .txt .html .json .jsonl .xml) or an http(s) URL" in missing.reason
    assert empty.reason == missing.reason  # "" must not mean the current folder


def test_sources_mix_files_and_folders(write_file: WriteFile, tmp_path: Path) -> None:
    single = write_file("one.md", "# One\n\nbody")
    write_file("dir/two.md", "# Two\n\nbody")
    titles = [
        a.title for a in load_sources([str(single), str(tmp_path / "dir")], settings=SETTINGS)
    ]
    assert titles == ["One", "Two"]


def test_sources_reject_other_url_schemes() -> None:
    (error,) = load_sources(["ftp://example.com/a.xml"], settings=SETTINGS)
    assert "unsupported URL scheme 'ftp'" in error.reason


def test_repository_test_corpus_loads_cleanly() -> None:
    corpus = Path(__file__).parents[1] / "data" / "corpus"
    items = load(corpus)
    assert items and all(isinstance(item, Article) for item in items), items
    assert all(item.source and item.published_at for item in items)


@pytest.mark.skipif(not MULTIHOP.exists(), reason=f"{MULTIHOP} is not present")
def test_multihop_rag_corpus() -> None:
    items = load(MULTIHOP)
    articles = [item for item in items if isinstance(item, Article)]
    assert len(articles) == len(items) == 609
    assert all(article.source and article.published_at for article in articles)
    assert all(article.published_at.tzinfo is not None for article in articles)
    assert len({article.url for article in articles}) == 609
    first = json.loads(MULTIHOP.read_text(encoding="utf-8"))[0]
    assert articles[0].title == first["title"]
    assert articles[0].published_at == datetime.fromisoformat(first["published_at"])
