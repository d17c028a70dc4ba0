"""The optional cross-encoder reranker, with a tiny cross-encoder the test writes itself (no
reranker weights exist on this machine): the plumbing and the order are real, the scores are
those of an untrained model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rag import ConfigError, NewsRAG
from rag.embed.embedder import default_model_path

QUESTION = "How many jobs did Orbital Cloud cut?"


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> str:
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    torch.manual_seed(0)  # one fixed untrained model, so a failure reproduces
    folder = tmp_path_factory.mktemp("tiny-cross-encoder")
    tokenizer = AutoTokenizer.from_pretrained(default_model_path(), local_files_only=True)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=1,
        initializer_range=1.0,  # large random weights: scores spread over (0, 1), no near-ties
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return str(folder)


def test_the_reranker_orders_the_candidates_by_its_scores(
    corpus_engine: NewsRAG, tiny_cross_encoder: str
) -> None:
    from sentence_transformers import CrossEncoder

    def engine(**retrieval: object) -> NewsRAG:
        settings = corpus_engine.settings
        changed = settings.retrieval.model_copy(update={"rescore_depth": 10, **retrieval})
        return NewsRAG(settings.model_copy(update={"retrieval": changed}))

    # with top_k = rescore_depth, the plain search returns the whole pool the reranker reads
    pool = engine().search(QUESTION, top_k=10)
    got = engine(reranker=tiny_cross_encoder).search(QUESTION, top_k=10)
    scores = CrossEncoder(tiny_cross_encoder).predict(
        [(QUESTION, f"{h.title}\n{h.source}\n\n{h.text}") for h in pool]
    )
    wanted = [h.chunk_id for _, h in sorted(zip(-scores, pool, strict=True), key=lambda p: p[0])]
    assert len(pool) == 10 and [h.chunk_id for h in got] == wanted
    assert np.diff(np.sort(scores)).min() > 1e-4  # the order is not decided by float noise
    # an untrained model's order is not the retriever's
    assert wanted != [h.chunk_id for h in pool]


def test_a_missing_reranker_is_one_clear_error(tmp_path: Path, corpus_engine: NewsRAG) -> None:
    settings = corpus_engine.settings
    missing = str(tmp_path / "no-such-model")
    retrieval = settings.retrieval.model_copy(update={"reranker": missing})
    app = NewsRAG(settings.model_copy(update={"retrieval": retrieval}))
    with pytest.raises(ConfigError, match="NEWSRAG_RETRIEVAL__RERANKER"):
        app.search(QUESTION)
