"""Chunking: sentence-aware, sized by the model's tokenizer, exact offsets, small overlap."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from rag.config import EmbeddingSettings
from rag.embed.embedder import Embedder
from rag.ingest.chunking import ChunkPlan, _joined, embed_header, split_article
from rag.ingest.sentences import is_page_furniture, sentence_spans
from rag.types import Article, Chunk


@pytest.fixture(scope="module")
def embedder(model_loaded: None) -> Embedder:
    return Embedder(EmbeddingSettings())


def _article(body: str, title: str = "Corvid Labs raises money") -> Article:
    return Article(
        title=title, body=body, source="TechPulse", published_at=datetime(2025, 1, 14, tzinfo=UTC)
    )


def test_sentence_spans_are_exact() -> None:
    text = "Dr. Okafor met the U.S. team. It went well!\n\nA new paragraph starts here."
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == [
        "Dr. Okafor met the U.S. team.",
        "It went well!",
        "A new paragraph starts here.",
    ]
    # a title before a name ends no sentence: "Arkansas Gov. Ada Park"
    text = "The reply came from Arkansas Gov. Ada Park and Sgt. Ivo Brandt. They spoke."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "The reply came from Arkansas Gov. Ada Park and Sgt. Ivo Brandt.",
        "They spoke.",
    ]


def test_every_chunk_fits_the_model_with_its_header(embedder: Embedder) -> None:
    sentences = [
        f"Sentence number {i} explains how the Quillon QX-9 accelerator performs on "
        f"benchmark {i * 7} with long words like electroencephalography."
        for i in range(120)
    ]
    article = _article(" ".join(sentences[:60]) + "\n\n" + " ".join(sentences[60:]))
    chunks = split_article(article, "a1-v1", plan=ChunkPlan(256, 24), tokenize=embedder.tokenize())
    assert len(chunks) > 5
    for chunk in chunks:
        assert article.body[chunk.start : chunk.end] == chunk.text
        assert chunk.embed_text.endswith(chunk.text)
        assert chunk.embed_text.startswith("Corvid Labs raises money\nTechPulse · 2025-01-14")
        # what the model will actually read, special tokens included
        assert len(embedder.model.tokenizer.encode(chunk.embed_text)) <= embedder.max_tokens
        assert chunk.text[0].isupper() and chunk.text.endswith(".")  # whole sentences
        _assert_tokens_are_the_tokenizers(embedder, chunk)
    covered = set()
    for chunk in chunks:
        covered.update(range(chunk.start, chunk.end))
    assert all(i in covered for i, ch in enumerate(article.body) if not ch.isspace())
    overlaps = [a.end > b.start for a, b in zip(chunks, chunks[1:], strict=False)]
    assert any(overlaps)  # neighbours share a sentence
    assert [c.position for c in chunks] == list(range(len(chunks)))


def test_a_sentence_longer_than_the_budget_is_split_on_words(embedder: Embedder) -> None:
    body = "word " * 900 + "end."
    chunks = split_article(
        _article(body.strip()), "a2", plan=ChunkPlan(256, 24), tokenize=embedder.tokenize()
    )
    assert len(chunks) >= 4
    for chunk in chunks:
        assert len(embedder.model.tokenizer.encode(chunk.embed_text)) <= 256
        assert body[chunk.start : chunk.end] == chunk.text
        _assert_tokens_are_the_tokenizers(embedder, chunk)


def test_chunks_carry_the_tokenizers_word_pieces_only_where_pieces_join(
    embedder: Embedder,
) -> None:
    tokenize = embedder.tokenize()
    # a sentence with no spaces is cut by windows inside words; each chunk's pieces are still
    # the tokenizer's own of its embedded text
    run_on = "-".join(["electroencephalography"] * 200)
    body = f"Intro sentence here. {run_on} Closing words.\n\nNext paragraph here."
    chunks = split_article(_article(body), "a4", plan=ChunkPlan(256, 24), tokenize=tokenize)
    assert len(chunks) >= 3
    for chunk in chunks:
        assert body[chunk.start : chunk.end] == chunk.text
        _assert_tokens_are_the_tokenizers(embedder, chunk)
    # two pieces of one word side by side do not join: "electroencephalography" is not
    # "electroence" + "phalography", so such a chunk leaves the tokenizing to the model
    word = "electroencephalography"
    halves = [(0, 11, tokenize(word[:11])), (11, len(word), tokenize(word[11:]))]
    assert [t for _, _, ids in halves for t in ids] != tokenize(word)
    assert _joined(word, (), halves) is None
    spaced = "electroence phalography"
    apart = [(0, 11, tokenize(spaced[:11])), (12, len(spaced), tokenize(spaced[12:]))]
    assert _joined(spaced, (7,), apart) == (
        (7,),
        tuple(tokenize("electroence")),
        tuple(tokenize("phalography")),
    )
    # a control character between them is dropped by the tokenizer, joining the two words
    glued = "ab\x1ccd"
    sides = [(0, 2, tokenize("ab")), (3, 5, tokenize("cd"))]
    assert [t for _, _, ids in sides for t in ids] != tokenize(glued)
    assert _joined(glued, (), sides) is None


def _assert_tokens_are_the_tokenizers(embedder: Embedder, chunk: Chunk) -> None:
    """A chunk's word pieces, where it carries them, are the tokenizer's own of its embedded
    text, and one segment per sentence after the header."""
    if chunk.tokens is None:
        return
    assert [t for segment in chunk.tokens for t in segment] == embedder.tokenize()(chunk.embed_text)
    assert len(chunk.tokens) == 1 + len(chunk.sentences)
    for (start, end), segment in zip(chunk.sentences, chunk.tokens[1:], strict=True):
        assert list(segment) == embedder.tokenize()(
            chunk.text[start - chunk.start : end - chunk.start]
        )


def test_long_titles_are_capped_in_the_header(embedder: Embedder) -> None:
    title = "A very long headline " * 30
    header = embed_header(_article("Body.", title=title), count_tokens=embedder.count_tokens)
    assert embedder.count_tokens(header) < 60
    chunks = split_article(
        _article("Short body sentence here.", title=title),
        "a3",
        plan=ChunkPlan(256, 24),
        tokenize=embedder.tokenize(),
    )
    assert len(chunks) == 1 and chunks[0].text == "Short body sentence here."


@pytest.mark.parametrize(
    ("before", "loaded"),
    [("", "-"), ("import scipy\n", "scipy")],  # SciPy's package alone: an ONNX export's
    ids=["nothing-before", "scipy-package-before"],
)
def test_loading_punkt_skips_nltks_sklearn_and_scipy_imports(before: str, loaded: str) -> None:
    """Splitting sentences loads NLTK's Punkt without the classifier, statistics and sparse
    matrix libraries its package imports (seconds of a cold ingest), also when SciPy's package
    itself is already loaded, and leaves them importable afterwards."""
    probe = (
        "import sys\n"
        f"{before}"
        "from rag.ingest.sentences import sentence_spans\n"
        "assert sentence_spans('Dr. Lee left. He came back.') == [(0, 13), (14, 27)]\n"
        "watched = {'sklearn', 'scipy', 'scipy.stats', 'scipy.sparse'}\n"
        "print(','.join(sorted(watched & set(sys.modules))) or '-')\n"
        "import scipy.sparse, scipy.stats, sklearn.feature_extraction\n"
        "print(scipy.stats.norm.cdf(0), scipy.sparse.eye(2).nnz)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    ).stdout.split()
    assert out == [loaded, "0.5", "2"]


@pytest.mark.parametrize(
    ("sentence", "furniture"),
    [
        ("For the latest on Hamlin, visit our live updates here.", True),
        ("Here's everything that happened Thursday with Hamlin.", True),
        ("Sign up for our newsletter to get the news every morning.", True),
        ("Hamlin had his breathing tube removed Friday, the Bills announced.", False),
        ("Here, regulators say, the rules are stricter.", False),
        ("Following the vote, the board resigned.", False),
    ],
)
def test_page_furniture_is_not_news(sentence: str, furniture: bool) -> None:
    assert is_page_furniture(sentence) is furniture
