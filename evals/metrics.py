"""Metrics as pure functions, one per metric. Retrieval follows MultiHop-RAG's protocol
(Tang & Yang 2024, see the dataset's README) so figures compare with the paper's.

Retrieval works on ``found``: for each retrieved chunk in rank order, the set of gold-fact
indices it contains (``facts_found``). Answer metrics compare strings.

Example:
    >>> found = facts_found(["a b c", "xyz"], ["b c"])
    >>> reciprocal_rank(found, k=10)
    1.0
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np

Found = Sequence[frozenset[int]]


def squash(text: str) -> str:
    """The text with every space and newline removed (the protocol's matching form)."""
    return text.replace(" ", "").replace("\n", "")


def facts_found(chunks: Sequence[str], facts: Sequence[str]) -> list[frozenset[int]]:
    """For each chunk, the indices of the facts it contains.

    A fact is in a chunk when the fact, spaces and newlines removed, is a substring of the
    chunk text with spaces and newlines removed.
    """
    keys = [squash(f) for f in facts]
    out = []
    for chunk in chunks:
        text = squash(chunk)
        out.append(frozenset(i for i, key in enumerate(keys) if key and key in text))
    return out


def hit_at(found: Found, *, k: int) -> float:
    """1.0 when a chunk in the top ``k`` holds a gold fact, else 0.0 (Hits@K for one query)."""
    return 1.0 if any(found[:k]) else 0.0


def reciprocal_rank(found: Found, *, k: int = 10) -> float:
    """1 / rank of the first chunk holding a gold fact; 0.0 when none is in the top ``k``."""
    for rank, facts in enumerate(found[:k], start=1):
        if facts:
            return 1.0 / rank
    return 0.0


def average_precision(found: Found, *, n_facts: int, k: int = 10) -> float:
    """MultiHop-RAG's AP@k: the sum over ranks <= k of (gold facts newly found at that rank /
    rank), divided by min(n_facts, k). 0.0 when there are no gold facts."""
    if n_facts <= 0:
        return 0.0
    seen: set[int] = set()
    total = 0.0
    for rank, facts in enumerate(found[:k], start=1):
        new = facts - seen
        total += len(new) / rank
        seen |= facts
    return total / min(n_facts, k)


def best_average_precision(n_facts: int, *, k: int = 10) -> float:
    """The most AP@k can be for a question with ``n_facts`` gold facts in different chunks:
    ranks 1..min(n_facts, k) each find one new fact. Perfect retrieval scores this, not 1.0
    (0.75 for two facts, 0.61 for three, 0.52 for four); only a chunk holding two of the facts
    scores more."""
    n = min(n_facts, k)
    return sum(1.0 / rank for rank in range(1, n + 1)) / n if n > 0 else 0.0


def all_found(found: Found, *, n_facts: int, k: int = 10) -> float:
    """1.0 when every gold fact is in some chunk of the top ``k`` (all evidence retrieved)."""
    if n_facts <= 0:
        return 0.0
    seen: set[int] = set().union(*found[:k]) if found[:k] else set()
    return 1.0 if len(seen) >= n_facts else 0.0


def lenient_match(predicted: str | None, gold: str) -> bool:
    """MultiHop-RAG's answer rule: the two share at least one lower-cased whitespace-separated
    word. No prediction (None) is never a match."""
    if predicted is None:
        return False
    return bool(set(predicted.lower().split()) & set(gold.lower().split()))


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation + "“”‘’")
_ASCII_PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD's normalisation: lower case, no punctuation, no articles, single spaces."""
    text = _ARTICLES.sub(" ", text.lower().translate(_PUNCTUATION))
    return " ".join(text.split())


def squad_normalize(text: str) -> str:
    """SQuAD v1.1's own normalisation, to the character: lower case, ASCII punctuation
    removed, articles dropped, single spaces (curly quotes are kept, as SQuAD keeps them)."""
    text = "".join(ch for ch in text.lower() if ch not in _ASCII_PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def squad_f1(predicted: str | None, gold: str) -> float:
    """SQuAD v1.1's token F1 (0.0 for no prediction)."""
    if predicted is None:
        return 0.0
    pred, ref = squad_normalize(predicted).split(), squad_normalize(gold).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return float(pred == ref)
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def exact_match(predicted: str | None, gold: str) -> bool:
    """Strict: equal after ``normalize_answer``. No prediction is never a match."""
    return predicted is not None and normalize_answer(predicted) == normalize_answer(gold)


def token_f1(predicted: str | None, gold: str) -> float:
    """SQuAD token F1 between the normalised answers (0.0 for no prediction)."""
    if predicted is None:
        return 0.0
    pred, ref = normalize_answer(predicted).split(), normalize_answer(gold).split()
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or not common:
        return float(pred == ref)
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class PrecisionRecall:
    """Counts and ratios for a yes/no decision; a ratio is None when its denominator is 0."""

    true_positive: int
    false_positive: int
    false_negative: int

    @property
    def precision(self) -> float | None:
        """Share of predicted positives that are positive."""
        made = self.true_positive + self.false_positive
        return self.true_positive / made if made else None

    @property
    def recall(self) -> float | None:
        """Share of positives that were predicted."""
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else None


def precision_recall(predicted: Sequence[bool], actual: Sequence[bool]) -> PrecisionRecall:
    """Precision and recall of ``predicted`` against ``actual`` (e.g. abstained vs. the gold
    answer being "Insufficient information.")."""
    if len(predicted) != len(actual):
        raise ValueError("predicted and actual must have the same length")
    pairs = list(zip(predicted, actual, strict=True))
    return PrecisionRecall(
        true_positive=sum(p and a for p, a in pairs),
        false_positive=sum(p and not a for p, a in pairs),
        false_negative=sum(a and not p for p, a in pairs),
    )


def article_key(*, url: str = "", title: str = "") -> str:
    """A key naming one article: its URL without scheme, ``www.``, fragment or trailing slash,
    else its case-folded title."""
    if url.strip():
        parts = urlsplit(url.strip())
        host = parts.netloc.lower().removeprefix("www.")
        query = f"?{parts.query}" if parts.query else ""
        return f"url:{host}{parts.path.rstrip('/')}{query}"
    return f"title:{' '.join(title.casefold().split())}"


def citation_precision(supported: Sequence[bool]) -> float | None:
    """Share of an answer's citations whose cited chunk holds a gold fact (``supported``, one
    flag per citation); None when nothing is cited."""
    return sum(supported) / len(supported) if supported else None


def citation_recall(cited: Sequence[str], gold: Sequence[str]) -> float | None:
    """Share of distinct gold evidence articles cited at least once; None without gold."""
    wanted = set(gold)
    if not wanted:
        return None
    return len(wanted & set(cited)) / len(wanted)


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    kept = [v for v in values if v is not None]
    return float(np.mean(kept)) if kept else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (linear interpolation); None for no values."""
    return float(np.percentile(values, q)) if len(values) else None
