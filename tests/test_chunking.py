"""Chunking: sentence-aware, sized by the model's tokenizer, exact offsets, small overlap."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from rag.config import EmbeddingSettings
from rag.embeddings import Embedder
from rag.ingest.chunking import ChunkPlan, embed_header, split_article
from rag.sentences import sentence_spans
from rag.types import Article


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


def test_every_chunk_fits_the_model_with_its_header(embedder: Embedder) -> None:
    sentences = [
        f"Sentence number {i} explains how the Quillon QX-9 accelerator performs on "
        f"benchmark {i * 7} with long words like electroencephalography."
        for i in range(120)
    ]
    article = _article(" ".join(sentences[:60]) + "\n\n" + " ".join(sentences[60:]))
    chunks = split_article(
        article, "a1-v1", plan=ChunkPlan(256, 24), count_tokens=embedder.count_tokens
    )
    assert len(chunks) > 5
    for chunk in chunks:
        assert article.body[chunk.start : chunk.end] == chunk.text
        assert chunk.embed_text.endswith(chunk.text)
        assert chunk.embed_text.startswith("Corvid Labs raises money\nTechPulse · 2025-01-14")
        # what the model will actually read, special tokens included
        assert len(embedder.model.tokenizer.encode(chunk.embed_text)) <= embedder.max_tokens
        assert chunk.text[0].isupper() and chunk.text.endswith(".")  # whole sentences
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
        _article(body.strip()), "a2", plan=ChunkPlan(256, 24), count_tokens=embedder.count_tokens
    )
    assert len(chunks) >= 4
    for chunk in chunks:
        assert len(embedder.model.tokenizer.encode(chunk.embed_text)) <= 256
        assert body[chunk.start : chunk.end] == chunk.text


def test_long_titles_are_capped_in_the_header(embedder: Embedder) -> None:
    title = "A very long headline " * 30
    header = embed_header(_article("Body.", title=title), count_tokens=embedder.count_tokens)
    assert embedder.count_tokens(header) < 60
    chunks = split_article(
        _article("Short body sentence here.", title=title),
        "a3",
        plan=ChunkPlan(256, 24),
        count_tokens=embedder.count_tokens,
    )
    assert len(chunks) == 1 and chunks[0].text == "Short body sentence here."


def test_loading_punkt_skips_nltks_sklearn_and_scipy_stats_imports() -> None:
    """Splitting sentences loads NLTK's Punkt without the classifier and statistics libraries
    its package imports (seconds of a cold ingest), and leaves both importable afterwards."""
    probe = (
        "import sys\n"
        "from rag.sentences import sentence_spans\n"
        "assert sentence_spans('Dr. Lee left. He came back.') == [(0, 13), (14, 27)]\n"
        "print(sorted({'sklearn', 'scipy.stats'} & set(sys.modules)))\n"
        "import scipy.stats, sklearn.feature_extraction\n"
        "print(scipy.stats.norm.cdf(0))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    ).stdout.split()
    assert out == ["[]", "0.5"]
