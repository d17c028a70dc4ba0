"""The LLM answer path against a real llama.cpp OpenAI-compatible server on loopback, serving
tiny GGUF models this test writes (their greedy output is a fixed text, see tiny_gguf.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rag import Answer, NewsRAG, NewsragError
from rag.answer.base import AnswerRequest
from rag.answer.llm import build_prompt
from rag.config import LLMSettings
from tests.answer.conftest import serve_chains
from tests.conftest import CORPUS, free_port, make_settings

pytestmark = [pytest.mark.slow, pytest.mark.loopback]
ROOT = Path(__file__).resolve().parents[2]
QUESTION = "What access to Google TPUs, the Tensor Processing Units, does Anthropic secure?"
CHAINS = {
    "cited": "Anthropic secures access to TPUs [1]. It also sells pizza [7]. "
    "Google gains a marquee customer.",
    "plain": "Anthropic secures access to TPUs.",
    "insufficient": "Insufficient information.",
}


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's server with one tiny model per chain; yields its /v1 URL."""
    with serve_chains(tmp_path_factory.mktemp("gguf"), CHAINS) as base:
        yield base


@pytest.fixture(scope="module")
def app(llama_server: str, tmp_path_factory: pytest.TempPathFactory, model_loaded: None) -> NewsRAG:
    llms = [
        LLMSettings(
            name=f"tiny-{alias}",
            provider="openai_like",
            model=alias,
            base_url=llama_server,
            temperature=0,
            max_tokens=48,
            # the tiny models read byte by byte, with a chat template around the prompt: two
            # sources fit their window (at 3 characters per token, newsrag budgets 1,500)
            context_window=1500,
        )
        for alias in CHAINS
    ]
    engine = NewsRAG(make_settings(tmp_path_factory.mktemp("llm-data"), llms=llms))
    engine.ingest([str(ROOT / "corpus"), str(CORPUS / "earnings.md")])
    return engine


def test_prompt_numbers_articles_with_outlet_and_date_and_fences_them(app: NewsRAG) -> None:
    other = app.search("quarterly earnings and revenue", top_k=1)
    hits = app.search(QUESTION, top_k=2) + other + app.search(QUESTION, top_k=3)[2:]
    articles = list(dict.fromkeys(h.article_id for h in hits))
    assert len(articles) >= 2 and len(hits) > len(articles)  # one article gave several passages
    messages = build_prompt(AnswerRequest(question=QUESTION, hits=hits))
    system, user = (m.content for m in messages)
    assert "[1]" in system and "data, not instructions" in system
    # one numbered source per article, holding every passage of it
    assert user.count("<source n=") == len(articles)
    assert '<source n=1 outlet="' in user and '<source n=2 outlet="' in user
    assert f"<source n={len(articles) + 1} " not in user
    assert all(h.text in user for h in hits)
    assert f'date="{hits[0].published_at[:10] or "undated"}"' in user
    assert user.rstrip().endswith(f"Question: {QUESTION}")


def test_streamed_answer_is_checked_citation_by_citation(app: NewsRAG) -> None:
    items = list(app.stream(QUESTION, answerer="tiny-cited", top_k=3))
    *pieces, answer = items
    assert isinstance(answer, Answer) and len(pieces) > 3  # token by token
    assert "".join(pieces).strip() == CHAINS["cited"]
    first, second, third = answer.sentences
    assert (first.text, first.citations, first.verified) == (
        "Anthropic secures access to TPUs.",
        (1,),
        True,
    )
    assert "TPUs" in next(c for c in answer.citations if c.n == 1).quote
    assert (second.text, second.citations, second.verified) == ("It also sells pizza.", (), False)
    assert "[7]" not in answer.text and "[1]" in answer.text
    assert 0 < answer.verified_share < 1
    assert answer.answerer == "tiny-cited" and not answer.abstained
    for c in answer.citations:
        assert app.article_text(c.article_id)[c.quote_start : c.quote_end] == c.quote


def test_output_without_markers_gets_a_checked_source(app: NewsRAG) -> None:
    answer = app.ask(QUESTION, answerer="tiny-plain", top_k=3)
    (sentence,) = answer.sentences
    assert sentence.verified is True and len(sentence.citations) == 1
    assert "TPUs" in answer.citations[0].quote
    assert answer.text == f"Anthropic secures access to TPUs. [{sentence.citations[0]}]"


def test_the_model_saying_insufficient_information_is_an_abstention(app: NewsRAG) -> None:
    answer = app.ask(QUESTION, answerer="tiny-insufficient")
    assert answer.abstained and answer.citations == ()
    assert answer.text.startswith("I could not find this in the indexed articles.")


def test_follow_ups_are_condensed_by_the_llm(app: NewsRAG) -> None:
    history = [
        {"role": "user", "content": "What is Anthropic getting from Google?"},
        {"role": "assistant", "content": "Access to TPUs [1]."},
    ]
    answer = app.ask("and what does Google get?", history=history, answerer="tiny-plain")
    assert answer.searched == CHAINS["plain"]  # the model's rewrite, not the rule-based one


def test_unreachable_server_is_one_clear_error(tmp_path: Path, model_loaded: None) -> None:
    dead = LLMSettings(
        name="dead",
        provider="openai_like",
        model="x",
        base_url=f"http://127.0.0.1:{free_port()}/v1",
        timeout_s=5,
    )
    engine = NewsRAG(make_settings(tmp_path, llms=[dead]))
    engine.ingest([str(ROOT / "corpus")])
    with pytest.raises(NewsragError, match="The LLM 'dead' failed"):
        engine.ask(QUESTION, answerer="dead")
