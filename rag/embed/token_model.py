"""A Transformer + mean pooling model run on token ids: what the ONNX Runtime and the torch
bfloat16 backends share. A backend only runs the network (``_hidden``: ids and mask in, token
states out); tokenizing, batching by length, pooling and the sentence vectors pooled from the
same pass are here, so both backends cut, batch and pool alike.

Example:
    >>> model.encode(["OpenAI raised money."], batch_size=32).shape  # any TokenModel
    (1, 384)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.embed.onnx_export import ModelSpec
from rag.embed.pooling import mean_pool, range_vectors, span_vectors
from rag.embed.vectors import unit_rows


class TokenModel:
    """Tokenizer, batching and pooling around a network a subclass runs.

    Args:
        spec: the model folder (its ``tokenizer.json``) and its sizes.
    """

    def __init__(self, spec: ModelSpec) -> None:
        from tokenizers import Tokenizer

        self.spec = spec
        # untruncated, for counting word pieces; a truncating copy feeds the model
        self.tokenizer = Tokenizer.from_file(str(spec.folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self._feed = Tokenizer.from_file(str(spec.folder / "tokenizer.json"))
        self._feed.no_padding()
        self._feed.enable_truncation(spec.max_tokens)
        # the special tokens the model's input starts and ends with ([CLS] … [SEP])
        around = self._feed.encode("").ids
        self._around = (around[0], around[-1]) if len(around) == 2 else None

    def _hidden(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The last layer's token states, float32 (batch, width, dimension)."""
        raise NotImplementedError

    def count_tokens(self, text: str) -> int:
        """Word pieces in ``text`` without special tokens."""
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def token_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without special tokens."""
        return list(self.tokenizer.encode(text, add_special_tokens=False).ids)

    def encode(self, texts: Sequence[str], *, batch_size: int) -> np.ndarray:
        """L2-normalised mean-pooled vectors, float32 (len(texts), dimension). Texts are batched
        by length, so short ones are not padded to the longest of the whole call."""
        return self.encode_spans(texts, None, batch_size=batch_size)[0]

    def encode_spans(
        self,
        texts: Sequence[str],
        spans: Sequence[Sequence[tuple[int, int]]] | None,
        *,
        batch_size: int,
        tokens: Sequence[Sequence[Sequence[int]] | None] | None = None,
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Each text's vector and, from the same forward pass, one vector per character span of
        it (``spans[i]`` for ``texts[i]``): the mean of the token states inside the span, in
        context, normalised. A span the model never read (past its token limit) gets zeros.

        ``tokens[i]``, when given, is ``texts[i]`` already tokenized (no special tokens) in
        segments, a header's and then one per span: the model reads those ids and each span
        pools its own segment, the same as tokenizing the text would give, without doing it.
        """
        given = list(tokens) if tokens is not None and self._around else [None] * len(texts)
        todo = [i for i, segments in enumerate(given) if segments is None]
        encoded = dict(zip(todo, self._feed.encode_batch([texts[i] for i in todo]), strict=True))
        feeds: list[_Feed] = []
        for i in range(len(texts)):
            segments = given[i]
            if segments is None:
                feeds.append(_Feed(encoded[i].ids, offsets=encoded[i].offsets))
            else:
                feeds.append(self._segmented(segments))
        order = np.argsort([-len(f.ids) for f in feeds], kind="stable")
        out = np.empty((len(texts), self.spec.dimension), dtype=np.float32)
        parts: list[np.ndarray] = [np.zeros((0, self.spec.dimension), np.float32)] * len(texts)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            batch = [feeds[i] for i in rows]
            hidden, mask = self._run([f.ids for f in batch])
            out[rows] = unit_rows(mean_pool(hidden, mask))
            if spans is not None:
                for k, i in enumerate(rows):
                    feed = batch[k]
                    if feed.offsets is not None:
                        parts[i] = span_vectors(hidden[k], feed.offsets, spans[i])
                    else:
                        parts[i] = range_vectors(hidden[k], feed.ranges, len(spans[i]))
        return out, parts

    def _segmented(self, segments: Sequence[Sequence[int]]) -> _Feed:
        """The model's input from word-piece segments (a header, then one per span): special
        tokens around, truncated as the tokenizer would; each span's token range."""
        assert self._around is not None
        first, last = self._around
        ids = [first]
        ranges = []
        for k, segment in enumerate(segments):
            if k:
                ranges.append((len(ids), len(ids) + len(segment)))
            ids.extend(segment)
        limit = self.spec.max_tokens - 1
        ids = ids[:limit]
        ids.append(last)
        return _Feed(ids, ranges=[(min(a, limit), min(b, limit)) for a, b in ranges])

    def _run(self, rows: list[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
        width = max(len(r) for r in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, got in enumerate(rows):
            ids[row, : len(got)] = got
            mask[row, : len(got)] = 1
        return self._hidden(ids, mask), mask


@dataclass(frozen=True)
class _Feed:
    """One text's model input: its token ids and, to pool spans, either each token's
    character offsets or each span's token range."""

    ids: Sequence[int]
    offsets: Sequence[tuple[int, int]] | None = None
    ranges: Sequence[tuple[int, int]] = ()
