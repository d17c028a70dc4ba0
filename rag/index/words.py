"""The keyword index's words: how text becomes BM25 tokens (lower-cased, stop-worded, stemmed),
and each chunk's tokens as the index keeps them (``WordRows``) so that a rebuild reads the words
of chunks it already held instead of tokenizing them again.

Example:
    >>> tokenize("OpenAI raised money")
    ['openai', 'rais', 'money']
    >>> rows = WordRowsBuilder()
    >>> rows.add(ChunkWords(["openai", "rais"], stream=None))
    >>> rows.finish().words.tolist(), rows.vocab
    ([0, 1], {'openai': 0, 'rais': 1})
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rag.index.chunk_records import load_arrays, save_arrays
from rag.index.sentence_index import BodyWords, TokenStream
from rag.index.store import StoredChunk

# the version of how text is split into tokens: indexes built under another are rebuilt
TOKENS_VERSION = 2  # 2: "won't", "didn't" are one token
# a word; "won't", "didn't" whole, so that "the Hall won't" does not say "won"
_TOKEN = re.compile(r"\w+(?:[’']t\b)?", re.UNICODE)
_WORD_ROWS = ("words", "word_ptr", "heads", "offsets", "offset_ptr", "streamed")
# Lucene's English stop set, the list bm25s ships as ``bm25s.stopwords.STOPWORDS_EN``: kept
# here so that tokenising a question does not import bm25s (and the scipy it loads).
# fmt: off
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
))
# fmt: on


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-worded, stemmed word tokens (single characters and digits kept)."""
    words = [w.replace("’", "'") for w in _TOKEN.findall(text.lower()) if w not in STOPWORDS]
    return _stemmer().stemWords(words)


def token_stream(text: str) -> TokenStream | None:
    """``tokenize(text)`` with each token's offset in ``text``; None when lower-casing changes
    the text's length (offsets would not point into it)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    found = [(m.start(), m.group().replace("’", "'")) for m in _TOKEN.finditer(lowered)]
    kept = [(start, word) for start, word in found if word not in STOPWORDS]
    return TokenStream(_stemmer().stemWords([w for _, w in kept]), [start for start, _ in kept])


def header_text(meta: dict[str, Any]) -> str:
    """The part of a chunk's BM25 text that is not its body: its title and outlet."""
    return f"{meta.get('title', '')}\n{meta.get('source', '')}"


def lexical_text(chunk: StoredChunk) -> str:
    """What BM25 indexes for a chunk: its title and outlet as well as its text."""
    return f"{header_text(chunk.metadata)}\n{chunk.text}"


@dataclass(frozen=True)
class ChunkWords:
    """One chunk's BM25 tokens, its title's and outlet's first, and the body's ``stream`` (its
    tokens with their offsets; None when the body was not tokenized with offsets)."""

    tokens: list[str]
    stream: TokenStream | None


def chunk_words(chunk: StoredChunk, *, streamed: bool) -> ChunkWords:
    """The tokens of ``chunk``, with the body's offsets when ``streamed`` (its article has a
    sentence table of its version)."""
    stream = token_stream(chunk.text) if streamed else None
    if stream is None:
        return ChunkWords(tokenize(lexical_text(chunk)), None)
    tokens = tokenize(header_text(chunk.metadata))
    tokens.extend(stream.tokens)
    return ChunkWords(tokens, stream)


@dataclass(frozen=True)
class WordRows:
    """Each row's BM25 words as vocabulary ids (``words[word_ptr[i]:word_ptr[i + 1]]``, the
    title's and outlet's ``heads[i]`` first, then the body's) and, for the rows whose body
    words were read with their offsets (``streamed``), those offsets
    (``offsets[offset_ptr[i]:offset_ptr[i + 1]]``)."""

    words: np.ndarray
    word_ptr: np.ndarray
    heads: np.ndarray
    offsets: np.ndarray
    offset_ptr: np.ndarray
    streamed: np.ndarray

    def save(self, folder: Path) -> None:
        """Write the arrays into ``folder``."""
        save_arrays(self, folder, _WORD_ROWS)

    @classmethod
    def load(cls, folder: Path) -> WordRows:
        """Map what ``save`` wrote.

        Raises:
            OSError, ValueError: missing or unreadable.
        """
        return cls(**load_arrays(folder, _WORD_ROWS))


class WordRowsBuilder:
    """Collects rows' words one chunk at a time as vocabulary ids (a word gets the next id the
    first time it comes), from tokens (``add``) or from a ``previous`` index's rows
    (``add_previous``), whose ``names[i]`` names its word id ``i``: the ids are the same either
    way."""

    def __init__(self, previous: WordRows | None = None, names: Sequence[str] = ()) -> None:
        self.vocab: dict[str, int] = {}
        self.previous, self._names = previous, names
        self._remap = np.full(len(names), -1, dtype=np.int64)  # previous id -> id here
        self._words, self._lengths = array("i"), array("q")
        self._heads, self._offsets = array("i"), array("i")
        self._offset_ptr, self._streamed = array("q", [0]), bytearray()

    def add(self, found: ChunkWords) -> BodyWords | None:
        """Append one row; returns its body's words (None when not streamed)."""
        ids = np.array([self.vocab.setdefault(t, len(self.vocab)) for t in found.tokens], np.int32)
        stream = found.stream
        offsets = np.asarray(stream.offsets, np.int32) if stream is not None else None
        return self._append(ids, len(ids) - len(stream.tokens) if stream else 0, offsets)

    def add_previous(self, row: int) -> BodyWords | None:
        """Append row ``row`` of the previous index (a streamed one) as it is."""
        rows = self.previous
        assert rows is not None
        old = rows.words[rows.word_ptr[row] : rows.word_ptr[row + 1]]
        ids = self._remap[old]
        missing = old[ids < 0].tolist()
        if missing:  # words new to this build: ids in order of first use, as ``add`` gives
            remap, names, vocab = self._remap, self._names, self.vocab
            for word in missing:
                if remap[word] < 0:
                    remap[word] = vocab.setdefault(names[word], len(vocab))
            ids = remap[old]
        offsets = rows.offsets[rows.offset_ptr[row] : rows.offset_ptr[row + 1]]
        return self._append(ids.astype(np.int32), int(rows.heads[row]), offsets)

    def _append(self, ids: np.ndarray, head: int, offsets: np.ndarray | None) -> BodyWords | None:
        self._words.frombytes(ids.tobytes())
        self._lengths.append(len(ids))
        self._heads.append(head)
        if offsets is not None:
            self._offsets.frombytes(np.ascontiguousarray(offsets, np.int32).tobytes())
        self._offset_ptr.append(len(self._offsets))
        self._streamed.append(offsets is not None)
        return BodyWords(ids[head:], offsets) if offsets is not None else None

    def finish(self) -> WordRows:
        """The rows added."""
        lengths = np.frombuffer(self._lengths, dtype=np.int64)
        word_ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=word_ptr[1:])
        return WordRows(
            words=np.frombuffer(self._words, dtype=np.int32),
            word_ptr=word_ptr,
            heads=np.frombuffer(self._heads, dtype=np.int32),
            offsets=np.frombuffer(self._offsets, dtype=np.int32),
            offset_ptr=np.frombuffer(self._offset_ptr, dtype=np.int64),
            streamed=np.frombuffer(self._streamed, dtype=bool),
        )
