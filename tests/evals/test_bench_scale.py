"""The scale bench's worker: a stopped store phase goes on from its last batch, and the chunks a
resumed run writes are the ones an uninterrupted run writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from evals.bench import scale
from rag import NewsRAG
from rag.index.store import ChunkStore
from tests.conftest import make_settings


def test_a_stopped_store_phase_resumes_where_it_stopped(
    tmp_path: Path, model_loaded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scale, "_BATCH", 100)
    folder = tmp_path / "scale-300"
    real_upsert = ChunkStore.upsert
    calls = []

    def failing_upsert(self: ChunkStore, *args: object) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the run is stopped while writing its third batch
        real_upsert(self, *args)

    monkeypatch.setattr(ChunkStore, "upsert", failing_upsert)
    with pytest.raises(KeyboardInterrupt):
        scale.measure_scale(300, folder, settings=make_settings(folder), store_only=True)
    assert scale.stored_so_far(folder, 300) == 200
    assert scale.stored_so_far(folder, 1000) == 0  # another size's run starts over

    written: list[str] = []

    def recording_upsert(self: ChunkStore, ids: list[str], *rest: object) -> None:
        written.extend(ids)
        real_upsert(self, ids, *rest)

    monkeypatch.setattr(ChunkStore, "upsert", recording_upsert)
    point = scale.measure_scale(300, folder, settings=make_settings(folder))
    assert point is not None and point.chunks == 300
    assert written == [f"syn{i:08d}-0" for i in range(200, 300)]  # only the missing batch
    assert point.search_ms.p50 > 0 and point.disk_mb > 0 and point.store_s > 0

    app = NewsRAG(make_settings(folder))
    stored = {c.id: c.text for c in app.store.iter_chunks()}
    assert len(stored) == 300
    # a resumed batch holds what an uninterrupted run would have written there
    vocab = scale._vocabulary(np.random.default_rng(7))
    for start in (0, 200):
        ids, texts, _, _ = scale._batch(vocab, start, 100, app.embedder.dimension)
        assert [stored[i] for i in ids] == texts
    hits = app.search("company announced model", top_k=5)
    assert len(hits) == 5
