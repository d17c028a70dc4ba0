"""Sentence spans with exact character offsets (Punkt, from LlamaIndex's bundled NLTK data)."""

from __future__ import annotations

import re
import sys
import threading
from functools import lru_cache

_LOCK = threading.Lock()
_PARAGRAPH = re.compile(r"[^\n]+")
# nltk's package __init__ imports these for classifiers, collocation tests and the transition
# parser, none of which Punkt uses (0.8 s warm, seconds cold; SciPy's sparse matrices alone
# 0.1 s); nltk falls back when they are missing, so each is kept out while it loads unless
# something imported it already. The submodules are named too: SciPy's package itself is often
# loaded (an ONNX export or torch brings it) while scipy.stats, 0.5 s of nltk's import, is not
_UNUSED_BY_PUNKT = ("sklearn", "scipy", "scipy.stats", "scipy.sparse")
# the version of how text is split into sentences (which sets chunk boundaries)
SENTENCES_VERSION = 2  # 2: "Gov.", "Sgt." and the like end no sentence
# titles and state abbreviations news writes before a name that Punkt's English model lacks:
# "Arkansas Gov. Sarah Huckabee Sanders" is one sentence
_TITLES = set(
    """gov govs sens gens sgt capt cmdr cpl pvt supt insp atty rev msgr hon ark neb ind md
    s.d""".split()  # noqa: SIM905
)


@lru_cache(maxsize=1)
def _punkt():  # noqa: ANN202 - nltk type
    with _LOCK:
        from llama_index.core.utils import globals_helper

        blocked = [name for name in _UNUSED_BY_PUNKT if name not in sys.modules]
        for name in blocked:
            sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
        try:
            globals_helper.wait_for_nltk_check()  # puts the bundled punkt_tab on nltk's path
            from nltk.tokenize import PunktTokenizer
        finally:
            for name in blocked:
                if sys.modules.get(name, False) is None:
                    del sys.modules[name]
        punkt = PunktTokenizer("english")
        punkt._params.abbrev_types.update(_TITLES)
        return punkt


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; returns (start, end) offsets, never crossing a line break.

    Every span is non-empty and stripped, so ``text[start:end]`` is the sentence itself.
    """
    punkt = _punkt()
    spans: list[tuple[int, int]] = []
    for line in _PARAGRAPH.finditer(text):
        base = line.start()
        for start, end in punkt.span_tokenize(line.group()):
            piece = text[base + start : base + end]
            stripped = piece.strip()
            if stripped:
                offset = base + start + (len(piece) - len(piece.lstrip()))
                spans.append((offset, offset + len(stripped)))
    return spans


# a page's furniture, not its news: calls to action, pointers to other pages, captions
_FURNITURE = re.compile(
    r"^\W*(?:sign up|subscribe|click|read (?:more|our|the full)|follow (?:us|our|along|live)|"
    r"visit our|for (?:the )?(?:latest|more)\b|here(?:'s|’s| is| are) (?:everything|what|how|"
    r"the latest|a look|our)|watch:|listen:|photo|image|credit|advertisement|this story|"
    r"this article|editor'?s note|update:?$|related:|see also|catch up)",
    re.I,
)


def is_page_furniture(sentence: str) -> bool:
    """Whether ``sentence`` is page furniture ("For the latest on Hamlin, visit our live
    updates here.", "Here's everything that happened Thursday.", "Sign up for …") rather than
    a report of something."""
    return bool(_FURNITURE.match(sentence))
