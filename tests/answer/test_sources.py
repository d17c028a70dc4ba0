"""One numbered source per article: citations regrouped, markers renumbered, quotes kept."""

from __future__ import annotations

from rag import Answer, AnswerSentence, Citation
from rag.answer.sources import article_groups, by_article
from tests.conftest import make_hit

BODY_A = "Alpha one. Alpha two. Alpha three."
BODY_B = "Beta one. Beta two."


def _cite(n: int, article: str, text: str, body: str) -> Citation:
    start = body.index(text)
    return Citation(
        n=n,
        article_id=article,
        title=f"Title {article}",
        source="",
        url="",
        published_at="",
        quote=text,
        quote_start=start,
        quote_end=start + len(text),
        chunk_id=f"{article}:0",
    )


def _answer(sentences: list[tuple[str, tuple[int, ...]]], citations: list[Citation]) -> Answer:
    made = tuple(AnswerSentence(t, c, verified=True) for t, c in sentences)
    text = " ".join(f"{t} {''.join(f'[{n}]' for n in c)}" for t, c in sentences)
    return Answer(question="q", text=text, citations=tuple(citations), sentences=made)


def test_quotes_of_one_article_share_its_number() -> None:
    answer = _answer(
        [("Alpha three.", (1,)), ("Beta two.", (2,)), ("Alpha one.", (3,))],
        [
            _cite(1, "a", "Alpha three.", BODY_A),
            _cite(2, "b", "Beta two.", BODY_B),
            _cite(3, "a", "Alpha one.", BODY_A),
        ],
    )
    grouped = by_article(answer)
    assert [s.citations for s in grouped.sentences] == [(1,), (2,), (1,)]
    assert grouped.text == "Alpha three. [1] Beta two. [2] Alpha one. [1]"
    first, second = grouped.citations
    assert (first.n, first.article_id, second.n, second.article_id) == (1, "a", 2, "b")
    # every quote in body order, the first-cited one up front
    assert [q.text for q in first.quotes] == ["Alpha one.", "Alpha three."]
    assert first.quote == "Alpha three."
    for q in first.quotes:
        assert BODY_A[q.start : q.end] == q.text


def test_numbers_that_already_name_articles_are_kept_when_asked() -> None:
    answer = _answer(
        [("Beta two.", (2,)), ("Alpha one.", (1,))],
        [_cite(2, "b", "Beta two.", BODY_B), _cite(1, "a", "Alpha one.", BODY_A)],
    )
    kept = by_article(answer, keep_numbers=True)  # an LLM streamed these numbers
    assert [s.citations for s in kept.sentences] == [(2,), (1,)]
    assert [c.n for c in kept.citations] == [1, 2]
    renumbered = by_article(answer)  # otherwise the first cited is [1]
    assert [s.citations for s in renumbered.sentences] == [(1,), (2,)]
    assert [c.article_id for c in renumbered.citations] == ["b", "a"]


def test_a_sentence_citing_two_quotes_of_one_article_names_it_once() -> None:
    answer = _answer(
        [("Alpha.", (1, 2))],
        [_cite(1, "a", "Alpha one.", BODY_A), _cite(2, "a", "Alpha two.", BODY_A)],
    )
    grouped = by_article(answer)
    assert grouped.sentences[0].citations == (1,) and grouped.text == "Alpha. [1]"
    assert len(grouped.citations) == 1 and len(grouped.citations[0].quotes) == 2


def test_an_answer_without_citations_is_unchanged() -> None:
    answer = Answer(question="q", text="I could not find this.", abstained=True)
    assert by_article(answer) is answer


def test_hits_are_grouped_by_article_in_rank_order() -> None:
    hits = [make_hit("a:0", "a"), make_hit("b:0", "b"), make_hit("a:1", "a")]
    groups = [[h.chunk_id for h in g] for g in article_groups(hits)]
    assert groups == [["a:0", "a:1"], ["b:0"]]
