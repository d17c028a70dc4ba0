"""Whose role a name holds: "Who is the CEO of Anthropic?" is not answered by "Sundar Pichai,
Google's CEO". The question names a role and its owner; a sentence giving a person that role
names the owner too, next to the name ("Google's CEO", "the chief executive of Google",
"Google CEO Sundar Pichai"). When the two owners differ, the name answers another question.

Example:
    >>> owner = asked_owner("Who is the CEO of Anthropic?")
    >>> owner
    'Anthropic'
    >>> other_owner("Sundar Pichai, Google's CEO, said so.", 0, 13, owner)
    True
    >>> other_owner("Anthropic CEO Dario Amodei said so.", 14, 26, owner)
    False
"""

from __future__ import annotations

import re

from rag.retrieve.conversation import carried_context

_ROLE = (
    r"(?:ceo|chief executive(?: officer)?|founder|co-?founder|president|chair(?:man|woman)?|"
    r"head|leader|director|owner|coach|manager|captain|spokes(?:man|woman|person)|"
    r"prime minister|minister|governor|mayor|boss|chief)"
)
_NAME = r"[A-Z][\w&.’'-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&.’'-]*)*"
# "the CEO of Anthropic", "Anthropic's CEO", "Anthropic CEO"
_QUESTION_OF = re.compile(rf"(?i:\b{_ROLE})\s+(?:of|at|for)\s+(?:the\s+)?({_NAME})")
# a follow-up's "its CEO", with the names it points back to carried after it: "(Anthropic)"
_POINTER_OWNS = re.compile(rf"\b(?i:its|their|his|her)\s+(?:\w+\s+)?(?i:{_ROLE})\b")
_QUESTION_OWNS = re.compile(rf"({_NAME})(?:['’]s?)?\s+(?:\w+\s+)?(?i:{_ROLE})\b")
# next to a name in a sentence: ", Google's CEO" / ", the chief executive of Google" after it,
# "Google CEO " / "Google's chief executive, " / "the CEO of Google, " before it
_AFTER_OWNS = re.compile(
    rf"^\s*,\s*(?:the\s+|a\s+)?(?:[\w-]+\s+){{0,2}}?({_NAME})['’]s?\s+(?:\w+\s+)?(?i:{_ROLE})\b"
)
_AFTER_OF = re.compile(
    rf"^\s*,\s*(?:the\s+|a\s+|its\s+)?(?:[\w-]+\s+){{0,2}}?(?i:{_ROLE})\s+(?:of|at)\s+(?:the\s+)?"
    rf"({_NAME})"
)
_OWNS_AFTER = re.compile(rf"^['’]s?\s+(?:\w+\s+)?(?i:{_ROLE})\b")
_BEFORE_OWNS = re.compile(rf"({_NAME})(?:['’]s)?\s+(?:\w+\s+)?(?i:{_ROLE})\s*,?\s*$")
_BEFORE_OF = re.compile(rf"(?i:{_ROLE})\s+(?:of|at)\s+(?:the\s+)?({_NAME})\s*,?\s*$")


def asked_owner(question: str) -> str | None:
    """The organisation or place whose role the question asks about ("Anthropic" in "Who is
    the CEO of Anthropic?", and in the follow-up "Who is its CEO? (Anthropic)"), or None."""
    context = carried_context(question)[1]
    if context and _POINTER_OWNS.search(question):
        return context.split(",")[0].strip()
    m = _QUESTION_OF.search(question) or _QUESTION_OWNS.search(question)
    return m.group(1).strip() if m else None


def other_owner(sentence: str, start: int, end: int, owner: str) -> bool:
    """Whether the sentence gives the name at ``start:end`` a role of someone other than
    ``owner``."""
    after, before = sentence[end:], sentence[max(0, start - 60) : start]
    if _OWNS_AFTER.match(after) and not _words(sentence[start:end]) & _words(owner):
        return True  # "Google" of "Google's CEO": the owner of another's role
    found = [m.group(1) for m in (_AFTER_OWNS.match(after), _AFTER_OF.match(after)) if m]
    found += [m.group(1) for m in (_BEFORE_OWNS.search(before), _BEFORE_OF.search(before)) if m]
    if not found:
        return False
    wanted = _words(owner)
    return not any(_words(name) & wanted for name in found)


def _words(name: str) -> set[str]:
    words = (re.sub(r"['’]s?$", "", w.lower().strip(".")) for w in re.findall(r"[\w&.’'-]+", name))
    return set(words) - {"the", "of", ""}
