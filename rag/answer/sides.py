"""Which party a number or a name belongs to, when the question asks about one of several:
the maker of a thing, not its owner or user ("Who makes the TPU chips Anthropic uses?":
Google, whose "proprietary AI chips" they are), and the side of a result asked about ("how
many points did the Chiefs score?": the Chiefs' 38, not the Eagles' 35)."""

from __future__ import annotations

import re

from rag.answer.base import MAKING_VERB, Span, singular, word_forms
from rag.answer.surroundings import BEATING
from rag.retrieve.answer_kind import Asked, lowercase_subject, read_kind
from rag.retrieve.conversation import carried_context, names

# "who makes the TPU chips Anthropic uses?": the verb of making, then what is made
_MAKING = re.compile(rf"{MAKING_VERB}\s+(.*)", re.I)
_NOT_MADE = set(
    "the a an its their these those this that his her new it them one".split()  # noqa: SIM905
)
# "made use of", "make sure", "made history": no thing made
_IDIOM = {"use", "sure", "sense", "history", "headlines", "progress", "up", "it", "way", "clear"}
_POINTERS = {"it", "them", "they", "these", "those", "this", "that"}
_CLAUSE = {"that", "which", "who", "for", "in", "on", "at", "by", "used", "to", "and", "with"}


def made_thing(question: str) -> str:
    """What a question asks the maker of, singular ("chip" of "Who makes the TPU chips
    Anthropic would use?"), or ""."""
    asked, context = carried_context(question)
    m = _MAKING.search(asked)
    if not m:
        return ""
    head = name = ""
    words = re.findall(r"[\w’'-]+", m.group(1))
    if words and words[0].lower() in _POINTERS and context:  # "who makes them (what chips
        named = names(context)  # does anthropic use)": the chips; "(Claude)": Claude
        noun = read_kind(context).noun or (named[0] if named else lowercase_subject(context))
        return singular(noun.lower()) if noun else ""
    if words and words[0].lower() in _IDIOM:
        return ""  # "making use of", "made history"
    for word in words:
        if word.lower() in _CLAUSE or (head and word[:1].isupper()):
            break  # "the TPU chips Anthropic would use": the chips
        if word.islower() and word not in _NOT_MADE:
            head = word
        elif not name and not word.islower() and word.lower() not in _NOT_MADE:
            name = word.lower()  # "who made ChatGPT?"
    return singular(head or name)


def maker(sentence: str, span: Span, thing: str) -> float:
    """For a question about who makes ``thing``: 2 for a name owning it ("Google's
    proprietary AI chips"), 0 for the thing itself ("TPUs (Tensor Processing Units) —
    Google's … chips"), less for another name beside its owner ("Anthropic secures access
    to TPUs — Google's … chips"), else 1."""
    if not thing:
        return 1.0
    after = sentence[span.end :]
    owned = _owned(thing)
    if re.search(rf"{_described(thing)}{re.escape(span.text)}['’]s?\s", sentence, re.I):
        return 2.0  # "TPUs (Tensor Processing Units) — Google’s proprietary AI chips"
    if re.search(rf"\b{re.escape(span.text)}(?:{owned}|\s+{re.escape(thing)})", sentence, re.I):
        return 2.0  # (wherever the sentence names it: "with Google, … Google's chips"), or
        # its name opens the thing's ("Microsoft Azure")
    described = re.match(
        rf"\s*(?:\([^()]{{1,60}}\)\s*)?[—–,(]\s*(?:[\w’'&-]+\s+){{0,5}}{re.escape(thing)}",
        after,
        re.I,
    )
    if described or thing in span.text.lower():
        return 0.0
    if re.search(rf"[A-Z][\w&.-]*{owned}", sentence, re.I):
        return 0.3
    if names_thing(sentence, thing) and not _makes(sentence, thing):
        return 0.3  # "Claude … an alternative to ChatGPT": beside it, not its maker
    return 1.0


def maker_named(span: Span, thing: str) -> Span | None:
    """The maker's name that opens a thing's ("Microsoft" of "Microsoft Azure", asked who
    owns Azure), or None."""
    words = span.text.split()
    if len(words) < 2 or singular(words[-1].lower()) != thing or not words[0][:1].isupper():
        return None
    prefix = " ".join(words[:-1])
    name = prefix.rsplit(" and ", 1)[-1]  # "Microsoft" of "AWS and Microsoft Azure"
    start = span.start + len(prefix) - len(name)
    return Span(name, start, start + len(name), "organisation", 1)


def names_thing(sentence: str, thing: str) -> bool:
    """Whether the sentence names the thing asked the maker of, in any number."""
    return bool(re.search(rf"\b{re.escape(thing)}(?:e?s)?\b", sentence, re.I))


def owns_thing(sentence: str, thing: str) -> bool:
    """Whether the sentence gives the thing an owner ("OpenAI’s ChatGPT"): who makes it."""
    return bool(
        re.search(rf"\b[A-Z][\w&.-]*{_owned(thing)}", sentence)
        or re.search(rf"{_described(thing)}[A-Z][\w&.-]*['’]s?\s", sentence)
    )


def _owned(thing: str) -> str:
    """A pattern of the thing written after its owner's name: "'s proprietary AI chips",
    "’s flagship model, Claude"."""
    return rf"['’]s?\s+(?i:(?:[\w-]+\s+){{0,3}}(?:[\w-]+,\s+)?{re.escape(thing)})"


def _described(thing: str) -> str:
    """A pattern of the thing followed by what describes it, up to the owner's name: "TPUs
    (Tensor Processing Units) — " before "Google’s proprietary AI chips"."""
    return rf"(?i:{re.escape(thing)}(?:e?s)?)\b\s*(?:\([^()]{{1,60}}\)\s*)?[—–,]\s*"


def _makes(sentence: str, thing: str) -> bool:
    """Whether the sentence says who makes the thing: a making verb before it ("OpenAI
    developed ChatGPT") or "made by" after it, or it is called a maker's ("the ChatGPT
    maker")."""
    thing_re = rf"{re.escape(thing)}(?:e?s)?\b"
    return bool(
        re.search(rf"{MAKING_VERB}\s+(?:[\w’'-]+\s+){{0,3}}{thing_re}", sentence, re.I)
        or re.search(rf"{thing_re}(?:,?\s+[\w’'-]+){{0,4}}\s+{MAKING_VERB}\s+by\b", sentence, re.I)
        or re.search(rf"{thing_re}\s+(?:maker|creator|developer|builder)\b", sentence, re.I)
        or re.search(
            rf"\b(?:maker|creator|developer)s?\s+of\s+(?:[\w’'-]+\s+){{0,2}}{thing_re}",
            sentence,
            re.I,
        )
    )


# a side's points in a result: "Chiefs 38, Eagles 35", "the Chiefs … win 38-35"
_SCORE_UNITS = {"point", "goal", "run"}
_SIDE_BEFORE = re.compile(r"([A-Z][\w.&’'-]*)\s+$")  # "Chiefs " of "Chiefs 35"
_PAIR_FIRST = re.compile(r"^[-–]\d{1,3}\b")  # "-35" after "38"
_PAIR_SECOND = re.compile(r"\b\d{1,3}[-–]$")  # "38-" before "35"
_WIN_VERB = re.compile(rf"\b(?:win|wins|won|{BEATING})\b")
_INTERIM = re.compile(  # a score while the game went on
    r"\(\d{1,2}:\d{2}\s+left|\bat\s+(?:half-?time|the\s+half)\b|\bhalf-?time\s+(?:lead|deficit)",
    re.I,
)


def side_points(sentence: str, span: Span, asked: Asked, wanted: set[str]) -> float:
    """For "how many points did the Chiefs score?": 1 for a number the sentence gives the
    side asked about ("Chiefs 38", the winner's 38 of "the Chiefs … win 38-35"), less for
    another side's ("Eagles 35") or a score while the game went on ("(9:39 left in second
    quarter)"), 1 for any other number."""
    if asked.kind != "number" or singular(asked.unit.lower()) not in _SCORE_UNITS:
        return 1.0
    factor = 0.5 if _INTERIM.search(sentence, span.end, span.end + 40) else 1.0
    if side := _SIDE_BEFORE.search(sentence, 0, span.start):  # a tally: "Chiefs 35,"
        return factor * (1.0 if word_forms(side.group(1)) & wanted else _ANOTHER_SIDE)
    first = bool(_PAIR_FIRST.match(sentence, span.end))
    second = bool(_PAIR_SECOND.search(sentence, 0, span.start))
    if not (first or second):
        return factor
    verbs = list(_WIN_VERB.finditer(sentence, 0, span.start))
    if not verbs:
        return factor
    verb = verbs[-1]  # the last act of winning before the result
    winner = bool(word_forms(sentence[: verb.start()]) & wanted)
    loser = bool(word_forms(sentence[verb.end() : span.start]) & wanted)
    if winner == loser:
        return factor
    return factor * (1.0 if first == winner else _ANOTHER_SIDE)


_ANOTHER_SIDE = 0.3
