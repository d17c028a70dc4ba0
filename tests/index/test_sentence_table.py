"""Sentence vectors written at ingest: stored with each article's body record, read back for the
extractive answerer (so answering runs the model on the question only), and written once for
indexes built before they existed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag import NewsRAG
from rag.config import AnswerSettings, EmbeddingSettings
from rag.embed.embedder import Embedder
from rag.index.sentence_table import SPANS, VECTORS, SentenceTable, build_table
from rag.ingest.sentences import sentence_spans
from rag.types import Chunk
from tests.conftest import CORPUS, make_settings


def _chunk(sentences: tuple[tuple[int, int], ...]) -> Chunk:
    return Chunk("c", "a", 0, "", 0, 0, "", sentences)


def test_a_table_survives_packing_with_its_directions() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(5, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    spans = np.array([[0, 10], [11, 30], [31, 50], [51, 90], [91, 99]], dtype=np.int32)
    packed = SentenceTable(spans, vectors, "m").pack()
    assert all(isinstance(v, str) for v in packed.values())  # Chroma metadata: flat scalars
    table = SentenceTable.unpack(packed)
    assert table is not None and table.model == "m"
    assert table.spans.tolist() == spans.tolist()
    assert (table.vectors * vectors).sum(axis=1).min() > 0.999
    assert table.within(11, 50).tolist() == [1, 2]
    assert SentenceTable.unpack({"content_hash": "x"}) is None  # a record from before tables
    assert SentenceTable.unpack({**packed, VECTORS: packed[VECTORS][:-8]}) is None


def test_a_shared_sentence_keeps_its_first_chunks_vector_and_unread_ones_are_left_out() -> None:
    first = _chunk(((0, 10), (11, 20)))
    second = _chunk(((11, 20), (21, 30)))
    a, b, c, d = np.eye(4, 384, dtype=np.float32)
    table = build_table([first, second], [np.stack([a, b]), np.stack([c, d * 0])], model="m")
    assert table.spans.tolist() == [[0, 10], [11, 20]]
    assert np.array_equal(table.vectors[1], b)
    empty = build_table([_chunk(())], [np.zeros((0, 384), np.float32)], model="m")
    assert SentenceTable.unpack(empty.pack()).spans.shape == (0, 2)


def test_every_article_gets_its_sentences_with_a_vector_each(corpus_engine: NewsRAG) -> None:
    articles = corpus_engine.articles()
    tables = corpus_engine.store.sentence_tables([a.article_id for a in articles])
    assert set(tables) == {a.article_id for a in articles}
    for article in articles:
        body = corpus_engine.article_text(article.article_id)
        table = tables[article.article_id]
        assert table.spans.tolist() == [list(s) for s in sentence_spans(body)]
        assert np.allclose(np.linalg.norm(table.vectors, axis=1), 1.0, atol=1e-5)


def test_answering_embeds_no_sentence(corpus_engine: NewsRAG) -> None:
    embedded: list[str] = []
    embedder = corpus_engine.extractive.embedder
    original = embedder._embed  # what chunks and questions alike are embedded through

    def counting(model, texts, **kw):  # noqa: ANN001, ANN202 - a spy on the real method
        embedded.extend(texts)
        return original(model, texts, **kw)

    embedder._embed = counting
    try:
        answer = corpus_engine.ask("Which firm led the Series C funding round of Corvid Labs?")
        first = list(embedded)
        embedded.clear()
        again = corpus_engine.ask("Which firm led the Series C funding round of Corvid Labs?")
    finally:
        del embedder._embed
    assert answer.short_answer == again.short_answer == "Harbor Capital"
    # the question first (retrieval and answer share it), then only the few short names the
    # short answer weighs against "firm"; every sentence vector was stored
    question = "Which firm led the Series C funding round of Corvid Labs?"
    assert first[0] == question
    assert all(len(text.split()) <= 3 for text in first[1:]), first  # names, never sentences
    assert embedded == []  # asked again: remembered


def test_query_time_vectors_remain_selectable(corpus_engine: NewsRAG, tmp_path: Path) -> None:
    settings = corpus_engine.settings.model_copy(
        update={"answer": AnswerSettings(sentence_vectors="query")}
    )
    app = NewsRAG(settings)
    answer = app.ask("Who is the CEO of Corvid Labs?")
    assert answer.short_answer == "Mira Okafor"
    assert app.extractive.tables is None


def test_an_index_from_before_tables_gets_them_on_the_next_ingest(tmp_path: Path) -> None:
    app = NewsRAG(make_settings(tmp_path / "data"))
    app.ingest([str(CORPUS)])
    records = app.store._articles.get(include=["metadatas"])
    old = [{k: v for k, v in m.items() if k not in (SPANS, VECTORS)} for m in records["metadatas"]]
    app.store._articles.update(ids=records["ids"], metadatas=old)
    for key in (SPANS, VECTORS):  # Chroma merges metadata on update: drop the keys outright
        app.store._articles.update(ids=records["ids"], metadatas=[{**m, key: None} for m in old])
    assert app.store.sentence_tables(records["ids"]) == {}
    # answering still works without tables (sentences embedded when asked)
    assert app.ask("Who is the CEO of Corvid Labs?").short_answer == "Mira Okafor"
    report = app.ingest([str(CORPUS)])
    assert report.chunks_written > 0 and report.rejected == 0
    assert set(app.store.sentence_tables(records["ids"])) == set(records["ids"])
    assert app.ingest([str(CORPUS)]).chunks_written == 0  # and only once


def test_a_clause_sub_query_is_read_in_the_question_s_own_pass(
    model_loaded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedder = Embedder(EmbeddingSettings(backend="onnx"))  # chunks and questions alike
    question = "Did Corvid Labs raise money in May, while Orbital Cloud cut 400 jobs?"
    parts = ["Did Corvid Labs raise money in May", "while Orbital Cloud cut 400 jobs?", "Nimbus"]
    alone = embedder.embed(parts)
    whole = embedder.embed([question])[0]
    nimbus = embedder.embed(["Nimbus"])[0]  # alone: int8 activations are scaled per batch
    model = embedder.model
    runs: list[int] = []
    real_run = model._run

    def counting(encodings):  # noqa: ANN001, ANN202 - a spy on the model's forward pass
        runs.append(len(encodings))
        return real_run(encodings)

    monkeypatch.setattr(model, "_run", counting)
    rows = embedder.embed_question_parts(question, parts)
    assert rows.shape == (4, 384)
    assert runs == [1, 1]  # the question with its two clauses, then the part it doesn't hold
    assert np.allclose(rows[0], whole, atol=1e-5)
    # each clause's vector is nearest its own clause embedded alone
    sims = rows[1:3] @ alone[:2].T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]
    assert np.allclose(rows[3], nimbus, atol=1e-5)


def test_a_changed_article_is_quoted_from_its_new_version(
    tmp_path: Path, model_loaded: None
) -> None:
    app = NewsRAG(make_settings(tmp_path / "data"))
    article = tmp_path / "news" / "corvid.md"
    article.parent.mkdir()
    body = (
        "Corvid Labs raised $120 million in a Series C round led by Harbor Capital. "
        "Chief executive Mira Okafor said the money will fund new robotics hires."
    )
    header = (
        '---\ntitle: "Corvid Labs raises $120M"\nsource: "AI Wire"\n'
        'url: "https://example.com/corvid"\n---\n\n'
    )
    article.write_text(header + body, encoding="utf-8")
    app.ingest([str(article)])
    question = "Who led the Corvid Labs Series C round?"
    first = app.ask(question)
    assert first.citations  # its table is now remembered
    article.write_text(
        header + "In a crowded quarter for robotics start-ups, one deal stood out. " + body,
        encoding="utf-8",
    )
    assert app.ingest([str(article)]).updated == 1
    again = app.ask(question)
    assert again.citations
    for c in again.citations:
        text = app.article_text(c.article_id)
        # whole sentences of the new body, not the old body's offsets laid over it
        assert (c.quote_start, c.quote_end) in sentence_spans(text), c.quote


def test_searching_and_answering_read_no_body_records(corpus_engine: NewsRAG) -> None:
    """The keyword cache holds every chunk's sentences: re-scoring and quoting read it, not
    Chroma's article records."""
    index = corpus_engine.lexical_index()
    assert index.sentences is not None and index.sentences.kept.all()
    reads: list[int] = []
    store = corpus_engine.store
    original = store.sentence_tables

    def counting(article_ids):  # noqa: ANN001, ANN202 - a spy on the real method
        reads.append(len(article_ids))
        return original(article_ids)

    store.sentence_tables = counting
    try:
        question = "Who led the funding round of Corvid Labs, and who is its chief executive?"
        hits = corpus_engine.search(question)
        answer = corpus_engine.ask(question)
    finally:
        del store.sentence_tables
    assert hits and answer.citations
    assert reads == []
