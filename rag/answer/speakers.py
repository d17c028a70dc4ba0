"""Who said what a question quotes: the person a sentence attributes its quotation to
("“It’s a delicate dance,” says Ben Wu"), or, for a quotation going on in the next sentence
("“Startups like Anthropic need the big players’ infrastructure …”"), the one the sentence
before named. "Who said X?" is answered by that person or by no one, never by another name
the quotation holds ("Anthropic")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.candidates import Candidate
from rag.answer.spans import find_spans

_ASKS = re.compile(
    r"^\W*who\s+(?:(?:has|had|was)\s+)?(?:said|says|say|called|calls|described|describes|told|"
    r"tells|wrote|writes|argued|argues|warned|warns|claimed|claims|quipped|noted|notes|stated|"
    r"joked|tweeted|compared|quoted|predicted|predicts)\b",
    re.I,
)
_VERB = (
    r"(?:says|said|notes|noted|adds|added|told|tells|writes|wrote|explains|explained|argues|"
    r"argued|warns|warned|quipped|insists|insisted|claims|claimed|stated|joked|tweeted|"
    r"predicts|predicted|cautions|cautioned|describes|described|calls|called)"
)
# "says Ben Wu", "notes Dr. Neil Tanaka", "according to Sarah Krane"
_BEFORE = re.compile(rf"(?:\b{_VERB}|\baccording\s+to)\s+(?:(?:Dr|Mr|Mrs|Ms|Prof)\.?\s+)?$")
# "Sarah Krane said", "Sarah Krane, a senior analyst at Gartner, said"
_AFTER = re.compile(rf"\s*(?:,[^,]{{1,80}},)?\s*(?:(?:has|had)\s+)?{_VERB}\b")
_GOES_ON = re.compile(r"[“\"]|(?:He|She|They)\s+(?:also\s+)?" + _VERB + r"\b")


def asks_speaker(question: str) -> bool:
    """Whether the question asks who said something ("who said compute is the new oil?")."""
    return bool(_ASKS.search(question))


def speaker(sentence: str) -> str | None:
    """The person the sentence attributes what it says to, or None."""
    for span in find_spans(sentence, "person"):
        if span.kind != "person":
            continue
        if _BEFORE.search(sentence, 0, span.start) or _AFTER.match(sentence, span.end):
            return span.text
    return None


def quote_speaker(candidates: Sequence[Candidate], i: int) -> str | None:
    """Who said sentence ``i``: the one it names as saying it, or, when it goes on with a
    quotation ("“Startups like …") or a "he said" after the sentence before in its passage,
    the one that sentence names."""
    own = speaker(candidates[i].text)
    if own or i == 0:
        return own
    before = candidates[i - 1]
    if before.hit.chunk_id == candidates[i].hit.chunk_id and _GOES_ON.match(candidates[i].text):
        return speaker(before.text)
    return None


def said_by(
    candidates: Sequence[Candidate], pool: Sequence[int], coverage: Sequence[float], least: float
) -> str | None:
    """Who said what a "who said …?" question quotes: the speaker of the best sentence of
    ``pool`` holding at least ``least`` of the question's words, or None when it names none
    ("As one tech executive quipped privately")."""
    best = next((i for i in pool if coverage[i] >= least), None)
    return None if best is None else quote_speaker(candidates, best)
