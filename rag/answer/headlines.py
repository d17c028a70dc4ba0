"""Headlines state their article's news in one line ("Chiefs top Eagles 38-35"): they are read
for the short answer, never quoted, and the article whose headline gives the answer is cited
first. Citations quote article bodies only, so a headline is shown on its article's card.
"""

from __future__ import annotations

import re

import numpy as np

from rag.answer.candidates import Candidate

# the small words a title-case headline still writes in lower case ("… in Talks over …")
_SMALL = set("a an the of in on at to for and or but by with vs vs. as from into over".split())  # noqa: SIM905
_HEADLINE = 1.0  # a headline's weight for the short answer, against its article's best sentence
_ITEM_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+")
_STORY = 0.5  # a story named in such a list weighs this much of a headline: a label, no news
_ROUNDUP_ITEMS = 3  # topics before a colon that make a headline a list of the day's stories
_OUTLET_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")  # "… - CNN", "… | Reuters"


def roundup(title: str) -> bool:
    """Whether a headline lists the day's stories ("Nashville shooting, Mike Pence, Mexico
    fire: Tuesday's news"): a name in it is one story, not the others' answer, so each story
    is read as a headline of its own ("Mike Pence" says nothing of the shooting)."""
    return bool(_stories(title))


def _stories(title: str) -> list[str]:
    """The stories a headline listing the day's stories names, or [] for any other."""
    listed, colon, _ = title.partition(":")
    items = _ITEM_SEPARATOR.split(listed)
    # (cut short, with no colon: "UN climate report, Biden's veto, China in Russia, Trump's ar")
    return items if len(items) >= _ROUNDUP_ITEMS + (0 if colon else 1) else []


def headlines(
    candidates: list[Candidate], score: np.ndarray, pool: list[int]
) -> list[tuple[str, float, int]]:
    """(headline, weight, the best candidate of its article) for the articles of the pool's
    sentences: a headline weighs what its article's best sentence scores. A
    headline in title case is left out (every word capitalised hides which are names); one
    writing a word of its own in lower case is read ("Kansas City Chiefs beat Philadelphia
    Eagles in Super Bowl 57")."""
    out = []
    seen: set[str] = set()
    for i in pool:
        hit = candidates[i].hit
        title = _OUTLET_SUFFIX.sub("", hit.title or "").strip(" .…")
        words = title.split()
        if hit.article_id in seen or len(words) < 4:
            continue
        seen.add(hit.article_id)
        if not any(w.islower() and w not in _SMALL for w in words):
            continue
        weight = _HEADLINE * float(score[i])
        if stories := _stories(title):  # each story of the day's list read on its own
            out += [(s, _STORY * weight, i) for s in stories if len(s.split()) >= 2]
            continue
        out.append((title, weight, i))
    return out


def first_quoted(
    short: str | None,
    candidates: list[Candidate],
    score: np.ndarray,
    pool: list[int],
    heads: list[tuple[str, float, int]],
) -> int | None:
    """The sentence to quote first: the best one holding the short answer, unless a headline
    giving it weighs more or is newer ("Chiefs beat Eagles in Super Bowl 57" over an older
    "the Chiefs won Super Bowl 54"); then the best sentence of that headline's article (one
    holding the answer if it has one), so the article it came from is cited first."""
    if not short:
        return None
    found = next((i for i in pool if short in candidates[i].text), None)
    giving = [(w, c) for t, w, c in heads if short in t]
    if not giving:
        return found
    head = max(giving, key=lambda h: (candidates[h[1]].hit.published_at or "", h[0]))
    if found is not None:
        newer = (candidates[head[1]].hit.published_at or "") > (
            candidates[found].hit.published_at or ""
        )
        if score[found] >= head[0] and not newer:
            return found
    article = candidates[head[1]].hit.article_id
    same = [i for i, c in enumerate(candidates) if c.hit.article_id == article]
    holding = [i for i in same if short in candidates[i].text]
    # "the Chiefs" answers for "Kansas City Chiefs": the name's last word, as copy shortens it
    last = short.split()[-1] if len(short.split()) > 1 and short[:1].isupper() else ""
    holding = holding or [
        i for i in same if last and re.search(rf"\b{re.escape(last)}\b", candidates[i].text)
    ]
    return max(holding or same, key=lambda i: score[i])
