"""Votes for candidate short answers: one tally per distinct answer, the forms of one name
merged ("Benedict XVI" and "Pope Benedict XVI", "TPUs" and "Tensor Processing Units"), and
the leader taken only when its votes are enough and clearly ahead."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.answer.base import Span, is_demonym
from rag.answer.gazetteer import is_first_name

_MIN_VOTES = 0.12  # the best candidate's share of the best sentence's full vote
_LEAD = 1.5  # how far ahead of the runner-up it must be, unless backed by two sentences
_MIN_COVERAGE = 0.55  # the answer's sentence holds this much of what the question asks
_AGREED, _AGREED_LEAD = 3, 2.5  # sentences agreeing, and how far ahead of the runner-up…
_AGREED_COVERAGE, _AGREED_VOTES = 0.25, 0.3  # …for the share of the question they may hold
_AGREED_FIT = 0.35  # …and for how well the span's kind fits the kind asked
_WEIGHED = 0.1  # votes under this share of the most are not weighed by likeness
_ALSO, _SEVERAL = 0.5, 3  # for several: another's share of the leader's votes; how many


@dataclass
class Votes:
    """The votes one candidate answer has gathered."""

    text: str
    total: float = 0.0
    sentences: int = 0
    best_fit: float = 0.0
    coverage: float = 0.0  # the share of the question's words the sentences holding it hold
    rows: set[int] = field(default_factory=set)  # the sentences it was read in
    current: bool = False  # read in a sentence from the period the question names
    kind: str = ""  # the kind of span it was first read as


def decide(votes: list[Votes], *, several: bool = False) -> str | None:
    """The leader, when its votes are enough and clearly ahead (or agreed on by two
    sentences). ``several``: the question asks for more than one ("who are Anthropic's
    investors?"), and the others that pass the same tests from sentences of their own are
    named with it ("Google and Amazon")."""
    if not votes:
        return None
    ranked = sorted(votes, key=lambda v: -v.total)
    best = ranked[0]
    runner = ranked[1].total if len(ranked) > 1 else 0.0
    # three sentences agreeing on a clear leader need hold less of the question together
    # (the setting a question gives, "Huge crowds lined the streets …", is rarely repeated)
    agreed = (
        best.sentences >= _AGREED
        and best.total >= _AGREED_LEAD * runner
        and best.total >= _AGREED_VOTES
    )
    floor = _AGREED_COVERAGE if agreed else _MIN_COVERAGE
    fit = _AGREED_FIT if agreed else 0.5  # agreement also stands for the kind ("Dilbert")
    if best.total < _MIN_VOTES or best.best_fit < fit or best.coverage < floor:
        return None
    if not best.current and not (best.sentences >= _AGREED and best.total >= _AGREED_LEAD * runner):
        # "this week": older coverage may be quoted, but it does not answer, unless three
        # of its sentences agree on a clear leader (a story building for weeks: "ban TikTok")
        return None
    if best.total >= _LEAD * runner or (best.sentences >= 2 and best.total > runner):
        return _with_others(best, ranked[1:], fit, floor) if several else best.text
    return None


def _with_others(best: Votes, others: list[Votes], fit: float, floor: float) -> str:
    """The leader and the others near it, each read in a sentence naming none chosen before
    it (not "AWS" beside "Amazon, which invested through its AWS platform")."""
    chosen = [best]
    for vote in others:
        if (
            len(chosen) < _SEVERAL
            and " and " not in vote.text + best.text  # a sentence's own list is whole
            and vote.total >= _ALSO * best.total
            and vote.best_fit >= fit
            and vote.coverage >= floor
            and vote.current
            and vote.rows - set().union(*(c.rows for c in chosen))
        ):
            chosen.append(vote)
    names = [v.text for v in chosen]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def weighed(votes: dict[str, Votes]) -> list[str]:
    """The keys of the votes worth weighing by how like the answer asked for they are (a
    factor from 0.5 to 1.5): not one under a tenth of the most votes, which stays under a
    third of the leader's however weighed, so neither leads nor comes within the lead asked
    of it, unless it is a form of another name that its votes would join."""
    most = max((v.total for v in votes.values()), default=0.0)
    keys = {k: f" {answer_key(v.text)} " for k, v in votes.items()}
    return [
        k
        for k, v in votes.items()
        if v.total >= _WEIGHED * most
        or any(
            k != o and (keys[k] in keys[o] or keys[o] in keys[k] or _spells(votes[o].text, v.text)
                        or _spells(v.text, votes[o].text))
            for o in votes
        )
    ]  # fmt: skip


def merged(votes: dict[str, Votes]) -> list[Votes]:
    """A shorter form inside a longer one ("Benedict XVI" in "Pope Benedict XVI") counts for
    the form seen most (the longer on a tie)."""
    items = sorted(votes.values(), key=lambda v: -len(v.text))
    kept: list[Votes] = []
    for vote in items:
        home = next(
            (k for k in kept if f" {answer_key(vote.text)} " in f" {answer_key(k.text)} "), None
        )
        if home is None:  # "TPUs" and "Tensor Processing Units" are one answer
            home = next((k for k in kept if _spells(k.text, vote.text)), None)
        if home is None:
            kept.append(vote)
            continue
        more = vote.sentences > home.sentences
        if (more and len(vote.text.split()) > 1) or (
            (vote.sentences >= 2 * home.sentences or (more and vote.total > home.total))
            and home.kind != "title"
            and _leading_word(vote.text, home.text)
        ):
            home.text = vote.text  # the form seen more often ("Google" for "Google Cloud"),
            # never a lone surname
        elif (
            vote.best_fit > home.best_fit
            and home.kind != "title"  # a quoted name is whole: "Windsor framework"
            and (home.text.startswith(vote.text) or vote.kind == "place")
        ):
            home.text = vote.text  # "California" of "California Department of …"
        if home.kind == "person" and vote.kind == "name" and vote.best_fit > home.best_fit:
            # "Biden" is Joe Biden: a person however written, not a name of unknown kind
            vote.total *= home.best_fit / vote.best_fit
            vote.best_fit = home.best_fit
        home.total += vote.total
        home.sentences = max(home.sentences, vote.sentences)
        home.best_fit = max(home.best_fit, vote.best_fit)
        home.rows |= vote.rows
        home.current = home.current or vote.current
        home.coverage = max(home.coverage, vote.coverage)
    return kept


def _leading_word(word: str, name: str) -> bool:
    """Whether ``word`` opens ``name`` and is no first name ("Google" of "Google Cloud", not
    "Sundar" of "Sundar Pichai")."""
    return name.startswith(f"{word} ") and not is_first_name(word) and not is_demonym(word)


def glossing(text: str, start: int, end: int, spans: Sequence[Span]) -> str | None:
    """The name the one at ``start``:``end`` glosses: written in brackets after a name that
    it spells out or abbreviates ("TPUs (Tensor Processing Units)", "the Federal Trade
    Commission (FTC)"), the name before it is the one the writer chose; else None."""
    if text[start - 1 : start] != "(" or text[end : end + 1] != ")":
        return None
    before = len(text[: start - 1].rstrip())
    name = text[start:end]
    return next(
        (
            s.text
            for s in spans
            if s.end == before and (_spells(s.text, name) or _spells(name, s.text))
        ),
        None,
    )


def _spells(longer: str, acronym: str) -> bool:
    """Whether ``longer`` spells out ``acronym`` ("Tensor Processing Units", "TPUs")."""
    short = acronym.rstrip("s")
    capitals = "".join(w[0] for w in longer.split() if w[:1].isupper())
    return short.isupper() and len(short) >= 2 and capitals == short


def answer_key(text: str) -> str:
    """The words of a candidate answer, lower case: the same answer however written."""
    return " ".join(re.findall(r"\w+", text.lower()))
