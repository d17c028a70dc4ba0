"""Pooling token states into vectors: a text's mean (the model's own pooling) and, from the same
states, one vector per sentence, found by character offsets or by token ranges. Shared by the
ONNX and torch backends."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.embed.vectors import unit_rows


def range_vectors(hidden: np.ndarray, ranges: Sequence[tuple[int, int]], n: int) -> np.ndarray:
    """Normalised mean of the token states in each of ``n`` token ranges (``hidden[a:b]``);
    zeros for an empty range or one not given."""
    out = np.zeros((n, hidden.shape[-1]), dtype=np.float32)
    for j, (a, b) in enumerate(ranges[:n]):
        if b > a:
            out[j] = hidden[a:b].mean(axis=0)
    return unit_rows(out)


def span_vectors(
    hidden: np.ndarray, offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> np.ndarray:
    """Normalised mean of the token states (``hidden[t]`` for token ``t`` at character
    ``offsets[t]``) lying inside each character span; zeros where no token does."""
    out = np.zeros((len(spans), hidden.shape[-1]), dtype=np.float32)
    if not spans:
        return out
    n = min(len(hidden), len(offsets))  # a padded batch row is longer than its text
    hidden = hidden[:n]
    ends = np.array([end for _, end in offsets[:n]])
    starts = np.array([start for start, _ in offsets[:n]])
    real = ends > starts  # special tokens have empty offsets
    for j, (lo, hi) in enumerate(spans):
        inside = real & (starts >= lo) & (ends <= hi)
        if inside.any():
            out[j] = hidden[inside].mean(axis=0)
    return unit_rows(out)


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Each row's mean token state over the tokens its ``mask`` marks (the model's pooling)."""
    weights = mask[..., None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
