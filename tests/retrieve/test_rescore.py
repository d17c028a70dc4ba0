"""Re-scoring a merged list by each chunk's best single sentence."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rag.index.keywords import LexicalIndex
from rag.index.sentence_table import SentenceTable
from rag.index.store import StoredChunk
from rag.ingest.sentences import sentence_spans
from rag.retrieve.rescore import Rescorer
from tests.conftest import make_hit

# the evidence for "fined by regulators for mislabelled batteries" is one sentence of chunk c;
# chunk b holds the same words scattered over three sentences, chunk a none of them
TEXTS = {
    "a": "The company opened a store. Sales rose in the spring. Analysts were pleased.",
    "b": "Regulators met on Monday. Some batteries were recalled. Labels were mislabelled later.",
    "c": "Markets were calm. Regulators fined Voltcell for mislabelled batteries. Shares fell.",
    "d": "The weather was fine. A parade was held. Nobody mentioned batteries at all.",
}
FILLER = [f"Unrelated story number {i} about gardens and recipes." for i in range(20)]


def _index(texts: dict[str, str] = TEXTS) -> LexicalIndex:
    chunks = [StoredChunk(k, t, {"title": "", "source": "S"}) for k, t in texts.items()]
    chunks += [StoredChunk(f"f{i}", t, {"title": "", "source": "S"}) for i, t in enumerate(FILLER)]
    return LexicalIndex.build(chunks, fingerprint="test")


def _hits(order: str, texts: dict[str, str] = TEXTS) -> list:
    return [make_hit(k, f"art-{k}", text=texts[k], end=len(texts[k])) for k in order]


def test_the_chunk_whose_one_sentence_matches_a_clause_moves_up() -> None:
    lexical = _index()
    reordered = Rescorer().rescore(
        _hits("abdc"),
        clauses=["Which company was fined by regulators for mislabelled batteries"],
        vectors=None,
        tables={},
        lexical=lexical,
        weight=0.8,
    )
    ids = [h.chunk_id for h in reordered]
    # c (last) has one sentence holding the clause: it passes b (the words scattered over three
    # sentences) and d (one word); a stays first, the list's own order is the main signal
    assert ids == ["a", "c", "b", "d"]


def test_weight_zero_keeps_the_order() -> None:
    hits = _hits("abdc")
    kept = Rescorer().rescore(
        hits, clauses=["fined for batteries"], vectors=None, tables={}, lexical=_index(), weight=0
    )
    assert kept == hits


def test_stored_sentence_vectors_count_too() -> None:
    """With words matching nowhere, the chunk whose stored sentence vector points at the
    clause's vector moves up past the two chunks ranked above it."""
    lexical = _index()
    clause = np.zeros((1, 4), np.float32)
    clause[0, 2] = 1.0
    tables = {}
    for k, text in TEXTS.items():
        vectors = np.tile(np.array([[1, 0, 0, 0]], np.float32), (3, 1))
        if k == "d":
            vectors[1] = clause[0]
        cuts = [i + 1 for i, ch in enumerate(text) if ch == "."]
        spans = np.array([[0, cuts[0]], [cuts[0] + 1, cuts[1]], [cuts[1] + 1, cuts[2]]])
        tables[f"art-{k}"] = SentenceTable(spans, vectors, "m")
    reordered = Rescorer().rescore(
        _hits("abcd"),
        clauses=["zzz qqq"],  # no word of it is in any chunk
        vectors=clause,
        tables=tables,
        lexical=lexical,
        weight=0.8,
    )
    assert [h.chunk_id for h in reordered] == ["a", "d", "b", "c"]


def _tables(version: str = "v1") -> dict[str, SentenceTable]:
    """A table per article of TEXTS: its real sentence spans, a random unit vector each."""
    rng = np.random.default_rng(7)
    out = {}
    for k, text in TEXTS.items():
        spans = np.array(sentence_spans(text), np.int32)
        vectors = rng.normal(size=(len(spans), 8)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        out[f"art-{k}"] = SentenceTable(spans, vectors, "m", version)
    return out


def _indexed(tables: dict[str, SentenceTable]) -> LexicalIndex:
    meta = {"title": "", "source": "S", "content_hash": "v1", "start": 0}
    chunks = [
        StoredChunk(k, t, {**meta, "article_id": f"art-{k}", "end": len(t)})
        for k, t in TEXTS.items()
    ]
    chunks += [StoredChunk(f"f{i}", t, {"title": "", "source": "S"}) for i, t in enumerate(FILLER)]
    return LexicalIndex.build(chunks, fingerprint="test", tables=tables)


def test_the_keyword_cache_holds_each_chunks_sentences_as_the_rescorer_splits_them(
    tmp_path: Path,
) -> None:
    tables = _tables()
    built = _indexed(tables)
    built.save(tmp_path / "cache")
    loaded = LexicalIndex.load(tmp_path / "cache")
    assert loaded is not None and loaded.sentences is not None
    plain = _index()
    for k in TEXTS:
        hit = _hits(k)[0]
        split = Rescorer()._split(hit, tables[f"art-{k}"], plain)
        for index in (built, loaded):
            words = index.sentence_words(k)
            assert words is not None and words.count == split.count == 3
            pairs = set(zip(words.sentence.tolist(), words.ids.tolist(), strict=True))
            assert pairs == set(zip(split.sentence.tolist(), split.ids.tolist(), strict=True))
            assert np.allclose(
                index.sentences.vectors(words.rows), tables[f"art-{k}"].vectors, atol=0.01
            )  # int8 directions
    assert built.sentence_words("f0") is None  # no table: left out, split when met
    # the same order from the cache as from the tables themselves
    clause = tables["art-d"].vectors[1:2]
    kwargs = {"clauses": ["zzz qqq"], "vectors": clause, "weight": 0.8}
    from_tables = Rescorer().rescore(_hits("abcd"), tables=tables, lexical=plain, **kwargs)
    from_cache = Rescorer().rescore(_hits("abcd"), tables={}, lexical=loaded, **kwargs)
    assert [h.chunk_id for h in from_cache] == [h.chunk_id for h in from_tables]
    assert [h.chunk_id for h in from_cache][:2] == ["a", "d"]  # d holds the clause's vector


def test_a_chunk_cut_from_another_version_of_its_article_is_left_out() -> None:
    index = _indexed(_tables(version="v0"))  # the stored tables predate the chunks
    assert all(index.sentence_words(k) is None for k in TEXTS)
    assert index.sentences is not None and not index.sentences.kept.any()


def test_a_chunk_whose_offsets_lower_casing_would_shift_is_split_when_met() -> None:
    """Lower-casing "İ" gives two characters: word offsets would not point into the text, so the
    chunk is left out of the sentence index (and still indexed by BM25 the usual way)."""
    text = "Regulators in İstanbul fined Voltcell. Shares fell."
    tables = {"art-t": SentenceTable(np.array(sentence_spans(text)), np.eye(2, 8), "m", "v1")}
    meta = {"title": "", "source": "S", "content_hash": "v1", "start": 0, "end": len(text)}
    chunks = [StoredChunk("t", text, {**meta, "article_id": "art-t"})]
    chunks += [StoredChunk(f"f{i}", t, {"title": "", "source": "S"}) for i, t in enumerate(FILLER)]
    index = LexicalIndex.build(chunks, fingerprint="test", tables=tables)
    assert index.sentence_words("t") is None
    assert index.scores("Voltcell fined")[0] > 0
    hit = make_hit("t", "art-t", text=text, end=len(text))
    split = Rescorer()._split(hit, tables["art-t"], index)
    assert split.count == 2 and len(split.rows) == 2


# two chunks hold the evidence for the first clause, one the evidence for the second
COVER = {
    "p": "Markets were calm. Regulators fined Voltcell for mislabelled batteries. Shares fell.",
    "q": "Regulators fined Voltcell for mislabelled batteries, again. Shares fell once more.",
    "r": "The weather was fine. A parade was held downtown. Nobody was fined.",
    "s": "Voltcell also opened a factory in Ohio. Hiring starts soon. The mayor spoke.",
}
COVER_CLAUSES = [
    "Which company was fined by regulators for mislabelled batteries",
    "and opened a factory in Ohio",
]


def test_coverage_lifts_the_evidence_for_a_clause_no_chunk_above_matches() -> None:
    lexical = _index(COVER)
    kwargs = {"clauses": COVER_CLAUSES, "vectors": None, "tables": {}, "lexical": lexical}
    plain = Rescorer().rescore(_hits("pqrs", COVER), weight=0.8, **kwargs)
    covering = Rescorer().rescore(_hits("pqrs", COVER), weight=0.8, coverage=0.6, **kwargs)
    # by score alone the second copy of the first clause's evidence stays second; with
    # coverage the only chunk about the factory passes it
    assert [h.chunk_id for h in plain][:2] == ["p", "q"]
    assert [h.chunk_id for h in covering][:2] == ["p", "s"]
    assert sorted(h.chunk_id for h in covering) == sorted(COVER)  # nothing lost or repeated
    # one clause: nothing to cover, the order is the re-scored one
    one = {**kwargs, "clauses": COVER_CLAUSES[:1]}
    assert Rescorer().rescore(
        _hits("pqrs", COVER), weight=0.8, coverage=0.6, **one
    ) == Rescorer().rescore(_hits("pqrs", COVER), weight=0.8, **one)
