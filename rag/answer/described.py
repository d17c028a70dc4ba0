"""Short answers that describe rather than name: who a person the question names is ("Who is
Ben Wu?": "an AI venture strategist at Bessemer Partners", as the article introduces him), and
the words someone used for something ("How has Sundar Pichai described Google's future?":
"AI-first, cloud everywhere", the words the article quotes).

Example:
    >>> who_answer("Who is Ben Wu?", ["“It’s a delicate dance,” says Ben Wu, an AI "
    ...     "venture strategist at Bessemer Partners."])
    'an AI venture strategist at Bessemer Partners'
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.answer.name_words import EMPLOYED, TITLES
from rag.retrieve.nouns import is_person_noun

_WHO_IS = re.compile(
    r"^\W*who\s+(?:is|was|are|were)\s+(?:(?:dr|mr|mrs|ms|prof)\.?\s+)?"
    r"(?P<name>[\w.’'-]+(?:\s+[\w.’'-]+){0,3}?)\s*(?:,?\s+and\s+.*)?[?.!\s]*$",
    re.I,
)
_DESCRIBING = re.compile(
    r"^\W*(?:how\s+(?:did|does|do|has|have|had|would|is|was)\s+(?P<who>.+?)\s+"
    r"(?:describe|described|characteri[sz]e|characteri[sz]ed|call|called|sum|summed|put)\b|"
    r"what\s+(?:did|does|do|has|have)\s+(?P<caller>.+?)\s+(?:call|called|dub|dubbed)\b)",
    re.I,
)
# the verb of describing, then the words quoted within the sentence's clause
_QUOTED = re.compile(
    r"\b(?:describ|characteri[sz]|call|dubb?|term|label|summ|sum)\w*\b[^.;“\"]{0,80}?"
    r"[“\"](?P<words>[^”\"]{2,120}?)[”\"]"
)
_LONGEST_QUOTE = 12  # words: more is what someone said, not what they called it
_LONGEST = 14  # words a description runs to ("an AI venture strategist at Bessemer Partners")
# what opens a clause after a name, not a description of it ("Ben Wu, who …", ", said …")
_NOT_OPENING = set(
    """who whom whose which that said says told added wrote writes according and but or in
    on at for with by from to as when while where after before during since if though""".split()  # noqa: SIM905
)
_CLAUSE_END = re.compile(r"\s*(?:[,;:()“”\"]|\s[—–]\s|[—–]|\.(?:\s|$)|$)")
_SENIOR = {"senior", "junior", "former", "longtime", "veteran", "top", "lead", "chief", "deputy"}


def who_answer(question: str, sentences: Sequence[str]) -> str | None:
    """How the sentences introduce the person "who is …?" names: the words set beside the
    name ("Sundar Pichai, Google’s CEO,"), before it ("Gartner analyst Sarah Krane") or said
    of it ("Dario Amodei is the CEO of Anthropic"), when they name a role; else None."""
    m = _WHO_IS.match(question)
    if not m:
        return None
    name = re.escape(m.group("name").strip())
    for sentence in sentences:
        for found in re.finditer(rf"(?<![\w’'-]){name}(?![\w’'-])", sentence, re.I):
            if _quoted_at(sentence, found.start()):
                continue  # "“Jacinda Ardern, an accomplished leader, …”": someone's words
            described = (
                _beside(sentence[found.end() :])
                or _said_of(sentence[found.end() :])
                or _before(sentence[: found.start()])
            )
            if described:
                return described
    return None


def described_answer(question: str, sentences: Sequence[str]) -> str | None:
    """The words quoted for what the question asks someone called or how they described it,
    from a sentence naming them; else None."""
    m = _DESCRIBING.match(question)
    if not m:
        return None
    who = (m.group("who") or m.group("caller")).split()
    surname = who[-1].strip("’'s").lower() if who else ""
    for sentence in sentences:
        if surname not in sentence.lower():
            continue
        if q := _QUOTED.search(sentence):
            words = q.group("words").strip().rstrip(".,;:!")
            if len(words.split()) <= _LONGEST_QUOTE:
                return words
    return None


def _beside(after: str) -> str | None:
    """ "Ben Wu, an AI venture strategist at Bessemer Partners.": the words after the name's
    comma, up to the clause's end (an age first is passed over: "Ben Wu, 45, a …")."""
    return _clause_after(re.match(r"\s*,\s*(?:\d{1,3}\s*,\s*)?", after), after)


def _said_of(after: str) -> str | None:
    """ "Dario Amodei is the CEO of Anthropic.": what the name is said to be."""
    return _clause_after(re.match(r"\s+(?:is|was)\s+(?=(?:a|an|the)\s)", after), after)


def _clause_after(opening: re.Match[str] | None, after: str) -> str | None:
    """The words from the end of ``opening`` up to the clause's end, when they describe a
    person (None without an opening)."""
    if opening is None:
        return None
    rest = after[opening.end() :]
    end = _CLAUSE_END.search(rest)
    words = rest[: end.start() if end else len(rest)].strip()
    return words if _describes(words) else None


def _before(before: str) -> str | None:
    """ "Gartner analyst Sarah Krane": the words right before the name that end in a role,
    each a name or a word of rank."""
    words = before.split()
    if not words or not _role(words[-1]):
        return None
    k = len(words) - 1
    while k > 0 and len(words) - k < 4:
        word = words[k - 1]
        plain = word.strip(",.;:").lower()
        if word != word.strip(",.;:") or not (
            word[:1].isupper() or plain in _SENIOR or _role(plain)
        ):
            break
        if plain in ("the", "a", "an") or (word[:1].isupper() and plain in _NOT_OPENING):
            break
        k -= 1
    return " ".join(words[k:]) if len(words) - k > 1 else None  # not a bare "President"


def _describes(words: str) -> bool:
    """Whether ``words`` read as a description of a person: a few words, not a clause, one
    of them a role ("strategist", "CEO")."""
    split = words.split()
    if not 2 <= len(split) <= _LONGEST or split[0].lower() in _NOT_OPENING:
        return False
    if len(split) == 2 and split[0].lower() in ("a", "an", "the"):
        return False  # "a Republican": too little to say who someone is
    return any(_role(w) for w in split)


def _quoted_at(sentence: str, at: int) -> bool:
    """Whether ``at`` is inside a quotation (more quote marks opened than closed before it)."""
    before = sentence[:at]
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _role(word: str) -> bool:
    plain = re.sub(r"['’]s$", "", word.strip(",.;:")).lower()
    return (
        plain in TITLES or plain.rstrip("s") in TITLES or plain in EMPLOYED or is_person_noun(plain)
    )
