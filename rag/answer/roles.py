"""Whose role a name holds: "Who is the CEO of Anthropic?" is not answered by "Sundar Pichai,
Google's CEO". The question names a role and its owner; a sentence giving a person that role
names the owner too, next to the name ("Google's CEO", "the chief executive of Google",
"Google CEO Sundar Pichai"). When the two owners differ, the name answers another question.
And whether a name did the act a "who" question asks: it is followed by the verb ("LeBron
James passed …"), comes right after it ("… passed Kareem Abdul-Jabbar", asked who he passed),
or the sentence denies it ("has never won") or only asks it ("called for Santos to resign").

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
from collections.abc import Sequence

from rag.answer.base import Span, other_forms, word_forms
from rag.answer.gazetteer import is_first_name
from rag.answer.spans import find_spans
from rag.retrieve.conversation import carried_context

_ROLE = (
    r"(?:ceo|chief executive(?: officer)?|founder|co-?founder|president|chair(?:man|woman)?|"
    r"head|leader|director|owner|coach|manager|captain|spokes(?:man|woman|person)|"
    r"prime minister|minister|governor|mayor|boss|chief)"
)
_NAME = r"[A-Z][\w&.’'-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&.’'-]*)*"
# "the CEO of Anthropic", "Anthropic's CEO", "Anthropic CEO"
_ROLE_ASKED = re.compile(rf"\b{_ROLE}\b", re.I)
_QUESTION_OF = re.compile(rf"(?i:\b{_ROLE})\s+(?:of|at|for)\s+(?:the\s+)?({_NAME})")
# a follow-up's "its CEO", with the names it points back to carried after it: "(Anthropic)"
_POINTER_OWNS = re.compile(rf"\b(?i:its|their|his|her)\s+(?:\w+\s+)?(?i:{_ROLE})\b")
_QUESTION_OWNS = re.compile(rf"({_NAME})(?:['’]s?)?\s+(?:\w+\s+)?(?i:{_ROLE})\b")
# typed in lower case: "who is anthropic's ceo", "who is the ceo of anthropic"
_TYPED_OF = re.compile(
    rf"\b{_ROLE}\s+(?:of|at|for)\s+(?:the\s+)?([\w&.-]+(?:\s+[\w&.-]+){{0,2}})\W*$",
    re.I,
)
_TYPED_OWNS = re.compile(rf"\b([\w&.-]+)['’]s\s+(?:\w+\s+)?{_ROLE}\b", re.I)
# "who is anthropics ceo": a possessive typed without its apostrophe
_TYPED_BARE = re.compile(rf"\b([a-z][\w&.-]*[a-rt-z]s)\s+{_ROLE}\b")
_ROLE_ALONE = re.compile(rf"^\W*who(?:['’]s|\s+is|\s+was|\s+are)\s+(?:the\s+)?{_ROLE}s?\W*$", re.I)
_QUESTION_WORDS = set(
    """what who which is are was were the a an tell me about does do did of""".split()  # noqa: SIM905
)
_ACRONYM = 5  # letters: "FTC" is written in capitals, "CHICAGO" only in a dateline
_NOT_OWNERS = set(
    """its his hers theirs sales news operations affairs company firm startup group team
    country staff it who what that there here this thus was has does""".split()  # noqa: SIM905
)
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


def asked_owner(question: str, sentences: Sequence[str] = ()) -> str | None:
    """The organisation or place whose role the question asks about ("Anthropic" in "Who is
    the CEO of Anthropic?", and in the follow-up "Who is its CEO? (Anthropic)"), or None."""
    own, context = carried_context(question)
    if context and _POINTER_OWNS.search(question):
        return context.split(",")[0].strip()
    m = _QUESTION_OF.search(own) or _QUESTION_OWNS.search(own)
    if m:
        return re.sub(r"['’]s?$", "", m.group(1).strip())  # "Anthropic", not "Anthropic's"
    m = _TYPED_OF.search(own) or _TYPED_OWNS.search(own) or _TYPED_BARE.search(own)
    if m and m.group(1).lower() not in _NOT_OWNERS:
        return m.group(1)
    if context and _ROLE_ALONE.match(own):  # "who is the ceo? (what is anthropic)"
        subject = _subject_of(context)  # not a person the sentences give a role themselves
        return None if subject and _holds_a_role(subject, sentences) else subject
    return None


def _holds_a_role(name: str, sentences: Sequence[str]) -> bool:
    """Whether a sentence gives ``name`` a role ("Sundar Pichai, Google's CEO"): a person,
    who owns no company's role."""
    for sentence in sentences:
        for m in re.finditer(rf"\b{re.escape(name)}\b", sentence):
            if role_owners(sentence, m.start(), m.end()):
                return True
    return False


def _subject_of(context: str) -> str | None:
    """What a follow-up's carried context is about: its first name of no person
    ("Anthropic"), or the one word a question carried whole asks about ("anthropic" of "what
    is anthropic")."""
    if names := re.findall(_NAME, context):  # a person owns no company's CEO
        owners = [n.strip() for n in names if not is_first_name(n.split()[0])]
        return owners[0] if owners else None
    words = [w for w in re.findall(r"[\w&.-]+", context.lower()) if w not in _QUESTION_WORDS]
    return words[0] if len(words) == 1 else None


def other_owner(sentence: str, start: int, end: int, owner: str) -> bool:
    """Whether the sentence gives the name at ``start:end`` a role of someone other than
    ``owner``."""
    after = sentence[end:]
    if _OWNS_AFTER.match(after) and not _same_owner(sentence[start:end], owner):
        return True  # "Google" of "Google's CEO": the owner of another's role
    found = role_owners(sentence, start, end)
    if not found:
        return False
    return not any(_same_owner(name, owner) for name in found)


def holds_role_of(sentence: str, start: int, end: int, owner: str) -> bool:
    """Whether the sentence gives the name at ``start:end`` a role of ``owner`` ("Chinese
    President Xi Jinping" for China)."""
    return any(_same_owner(name, owner) for name in role_owners(sentence, start, end))


def role_owners(sentence: str, start: int, end: int) -> list[str]:
    """Whose role the sentence gives the name at ``start:end`` ("Google" for "Sundar Pichai,
    Google's CEO"), if any."""
    after, before = sentence[end:], sentence[max(0, start - 60) : start]
    found = [m.group(1) for m in (_AFTER_OWNS.match(after), _AFTER_OF.match(after)) if m]
    return found + [
        m.group(1) for m in (_BEFORE_OWNS.search(before), _BEFORE_OF.search(before)) if m
    ]


def unnamed_role(question: str, sentences: Sequence[str]) -> str:
    """ "Who is Anthropic's CEO?" when the sentences give that role only to people of others
    ("Sundar Pichai, Google's CEO"): what was asked ("Anthropic's CEO"), else ""."""
    owner = asked_owner(question, sentences)
    role = _ROLE_ASKED.search(question)
    if not owner or not role:
        return ""
    others = False
    for sentence in sentences:
        for span in find_spans(sentence, "person"):
            found = role_owners(sentence, span.start, span.end)
            if any(_same_owner(name, owner) for name in found):
                return ""  # someone is given the role asked about
            others = others or bool(found)
    if not others:
        return ""
    # as a name and a role are written, when the question was typed in lower case
    if owner.islower():  # "OpenAI"; "Chicago", not the "CHICAGO –" of a dateline
        found = [
            m.group(0) for s in sentences for m in re.finditer(rf"\b{re.escape(owner)}\b", s, re.I)
        ]
        acronyms = [f for f in found if len(f) <= _ACRONYM]
        owner = next((f for f in found if not f.isupper()), next(iter(acronyms), owner.title()))
    asked = role.group(0) if not role.group(0).islower() else role.group(0).replace("ceo", "CEO")
    return f"{owner}’ {asked}" if owner.endswith("s") else f"{owner}’s {asked}"


# "founded by former OpenAI executives " before a name: the act, and who the agent is
_AGENT = re.compile(r"\b([\w-]+)\s+by\s+((?:[\w’'&.-]+\s+){1,8})$")
# ", the San Francisco–based AI research firm founded by" after a name: what was done to it
_PATIENT = re.compile(
    r"^(?:\s*,\s*(?:the|a|an)\s+(?:[\w’'&.–-]+\s+){0,6}?|\s+(?:was|were)\s+)(\w+)\s+by\b"
)


def not_the_agent(sentence: str, start: int, end: int, asked: set[str]) -> bool:
    """Whether the sentence says the name at ``start:end`` is not who did the question's act
    to what the question names (``asked``: the question's ``word_forms``). Asked "Who founded
    OpenAI?", "Anthropic, the firm founded by former OpenAI executives Dario and Daniela
    Amodei" says Anthropic was founded, and that the Amodeis founded it: OpenAI only describes
    them. A role there ("led by OpenAI chief Sam Altman") is one the question may ask about."""
    if (m := _PATIENT.match(sentence[end:])) and word_forms(m.group(1)) & asked:
        return True
    m = _AGENT.search(sentence[max(0, start - 80) : start])
    if not m or not word_forms(m.group(1)) & asked:
        return False
    between = m.group(2)
    if re.search(rf"\b{_ROLE}\b", between, re.I):
        return False
    return bool(word_forms(" ".join(re.findall(r"\b[A-Z][\w&.-]*", between))) & asked)


_SUCCESSOR = re.compile(rf"\b(?:new|next|incoming|future)\s+{_ROLE}\b|\b(?:replace|succeed)", re.I)
_TAKES_OVER = re.compile(
    r"\b(?:named|nam(?:es|ing)\s+(?:\w+\s+){0,3}?as|appoint\w*|tap(?:s|ped|ping)|pick\w*|"
    r"chose|chosen|choos\w+|select\w*|nominat\w*|succe(?:ed\w*|ssor)|replac\w*|"
    r"tak(?:e|es|ing)\s+over|took\s+over|sworn\s+in|elected|(?:to|will|would)\s+become|"
    r"became|promot\w*|hired|installed|incoming|takes?\s+the\s+helm)\b",
    re.I,
)
_NEW_ROLE = re.compile(r"\b(?:new|next)\s+((?:[\w’'-]+\s+){0,2}[\w’'-]+)", re.I)
_CURRENT = re.compile(r"^\W*who(?:['’]s|\s+is|\s+are)\s", re.I)
_FORMER = re.compile(
    r"\b(?:former|ex-|then-|late|previous|predecessor)[\s,]*(?:[\w’'-]+,?\s+){0,3}"
    r"(?:of\s+(?:[\w’'-]+,?\s+){1,3})?$",  # "the previous occupant of 10 Downing Street, "
    re.I,
)
_LEAVING_AFTER = re.compile(
    r"(?:\s*,[^,]{1,60},|['’]s\s+(?:\w+\s+)?(?:decision|plan|announcement)\s+to)?"
    r"\s+(?:is|was|will|has|had|would|said\s+\w+\s+(?:is|was|will))?\s*"
    r"(?:be\s+)?(?:quitting|quit|quits|resign\w*|stepp\w+\s+down|steps?\s+down|leaving|"
    r"retir\w+|ousted|fired)\b",
    re.I,
)
_LEAVING_BEFORE = re.compile(
    r"\b(?:outgoing|departing|ousted|former|ex-)\s*(?:[\w’'-]+\s+){0,3}$", re.I
)


_WHO_DID = re.compile(
    r"^\W*who\s+(?!(?:is|was|are|were|did|does|do|has|have|had|will|would|can|could|"
    r"should|may|might)\b)([a-z]+)\b",
    re.I,
)
_THEN = re.compile(r"(?:\s*,[^,]{1,60},)?\s+(?:has\s+|had\s+|have\s+|just\s+)?([a-z]+)\b")


_WHO_OBJECT = re.compile(
    r"^\W*(?:who|whom)\s+(?:did|does|do|will|would|has|have|had|could|can)\s+(\S.*)", re.I
)
_VERB_BEFORE = re.compile(r"\b([a-z]{3,})\s+(?:the\s+)?$")  # "passed ", "beat the "
_NOT_ACTS = word_forms("the a an to for with of in on at by from be become say said")


def asked_act(question: str) -> set[str]:
    """The forms of the verb "who passed …?" asks who did ("pass"); empty for "who is …"."""
    m = _WHO_DID.match(question)
    return word_forms(m.group(1)) if m else set()


def does_it(sentence: str, end: int, act: set[str]) -> bool:
    """Whether the name ending at ``end`` is the subject of the ``act`` asked ("LeBron James
    passed Kareem Abdul-Jabbar", asked who passed him)."""
    m = _THEN.match(sentence, end)
    return bool(act and m and word_forms(m.group(1)) & act)


def asked_done_to(question: str) -> set[str]:
    """The forms of the words "who did LeBron James pass?" says of the one it asks for (who
    had something done to them); empty for other questions."""
    m = _WHO_OBJECT.match(question)
    return word_forms(m.group(1)) - _NOT_ACTS if m else set()


def done_to(sentence: str, start: int, done: set[str]) -> bool:
    """Whether the name at ``start`` comes right after a verb of ``done`` ("… passed Kareem
    Abdul-Jabbar", asked who LeBron James passed)."""
    m = _VERB_BEFORE.search(sentence, 0, start)
    return bool(done and m and word_forms(m.group(1)) & done)


# "has never won", "did not win", "doesn't own" right after a name
_DENIES = re.compile(
    r"\s+(?:(?:has|have|had|did|does|do|is|was|were|are|will|would)\s+)?"
    r"(?:never|not|no longer)\s+([\w-]+)|\s+\w+n[’']t\s+([\w-]+)"
)
# "called for …", "urged …", "demanded that …" right before a name: what is asked of it
_ASKED_TO = re.compile(
    r"\b(?:call(?:ed|s|ing)?\s+(?:for|on)|urg(?:ed|es|ing)|demand(?:ed|s|ing)?|"
    r"press(?:ed|es|ing)?|push(?:ed|es|ing)?)\s+(?:\w+\s+){0,3}$",
    re.I,
)
_TO_DO = re.compile(r"(?:['’]s)?\s+to\s+(\w+)")


def demanded(sentence: str, span: Span, wanted: set[str]) -> bool:
    """Whether the sentence says only that someone asked the span to do what the question
    asks ("called for Santos to resign", "urged Biden to sign"), not that it was done."""
    if not _ASKED_TO.search(sentence, 0, span.start):
        return False
    m = _TO_DO.match(sentence, span.end)
    return bool(m) and bool((word_forms(m.group(1)) | other_forms(m.group(1))) & wanted)


def denied(after: str, wanted: set[str]) -> bool:
    """Whether the words after a name deny it did what the question asks ("Beyoncé has
    never won album of the year" for "who won album of the year?")."""
    m = _DENIES.match(after)
    forms = word_forms(m.group(1) or m.group(2)) if m else set()
    return any(({f} | other_forms(f)) & wanted for f in forms)  # "did not shoot", asked "shot"


def asks_successor(question: str) -> bool:
    """Whether the question asks who takes a role ("who is the new prime minister?", "who
    will replace her?")."""
    return bool(_SUCCESSOR.search(question))


def taking_over(sentence: str, wanted: set[str]) -> bool:
    """Whether the sentence tells of someone taking a role ("named", "appointed", "will
    succeed", "the new chief of staff"; ``wanted``: the question's word forms), so it can
    say who the new holder asked for is."""
    if _TAKES_OVER.search(sentence):
        return True
    return any(word_forms(m.group(1)) & wanted for m in _NEW_ROLE.finditer(sentence))


def asks_current(question: str) -> bool:
    """Whether the question asks who holds a role now ("who is the CEO of Twitter?")."""
    return bool(_CURRENT.match(question)) and bool(re.search(rf"\b{_ROLE}\b", question, re.I))


def former(sentence: str, start: int) -> bool:
    """Whether the sentence calls the name at ``start`` a former holder ("the platform's
    former CEO, Jack Dorsey", "ex-president …", "his predecessor, Liz Truss")."""
    return bool(_FORMER.search(sentence, 0, start))


def leaving(sentence: str, start: int, end: int) -> bool:
    """Whether the sentence says the name at ``start:end`` is leaving its role ("Jacinda
    Ardern is quitting her job as prime minister", "outgoing CEO Bob Chapek")."""
    return bool(_LEAVING_AFTER.match(sentence, end) or _LEAVING_BEFORE.search(sentence, 0, start))


def _words(name: str) -> set[str]:
    """The words of a name, each without a possessive or a final "s" ("Anthropics" typed for
    "Anthropic's" meets "Anthropic")."""
    return {_word(w) for w in re.findall(r"[\w&.’'-]+", name)} - {"the", "of", ""}


def _word(word: str) -> str:
    """One word of a name as ``_words`` compares it: lower case, without a possessive or a
    final "s"."""
    word = re.sub(r"['’]s?$", "", word.lower().strip("."))
    return re.sub(r"(?<=[^s])s$", "", word)


# the people of a country, named unlike it ("French President Emmanuel Macron")
_DEMONYMS = {
    "american": ("america", "us", "u.s", "usa", "united"),
    "british": ("britain", "uk", "u.k", "united"),
    "french": ("france",),
    "dutch": ("netherlands",),
    "swiss": ("switzerland",),
    "spanish": ("spain",),
    "polish": ("poland",),
    "irish": ("ireland",),
    "welsh": ("wales",),
    "scottish": ("scotland",),
    "english": ("england",),
    "danish": ("denmark",),
    "swedish": ("sweden",),
    "finnish": ("finland",),
    "norwegian": ("norway",),
    "filipino": ("philippines",),
    "afghan": ("afghanistan",),
    "argentine": ("argentina",),
    "greek": ("greece",),
    "thai": ("thailand",),
    "turkish": ("turkey",),
}
_DEMONYM_ENDS = ("", "ese", "ian", "an", "n", "i", "ean", "vian")


def _same_owner(name: str, owner: str) -> bool:
    """Whether a role's owner in a sentence is the one asked about: a word in common, or a
    country and the adjective for its people ("Chinese President Xi Jinping" for "the
    president of China")."""
    found, wanted = _words(name), _words(owner)
    if found & wanted:
        return True
    return any(demonym(a, b) or demonym(b, a) for a in found for b in wanted)


def demonym(word: str, country: str) -> bool:
    """Whether ``word`` names the people of ``country`` ("chinese" of "china", "german" of
    "germany", "french" of "france")."""
    if country in {_word(w) for w in _DEMONYMS.get(word, ())}:
        return True
    stem = re.sub(r"(?<=\w{4})[aeoy]$", "", country)  # "chin(a)", "german(y)", "mexic(o)"
    end = word[len(stem) :]
    if not end and not country.endswith("y"):
        return False  # "german" of "germany", but not "indian" of "indiana"
    return word != country and word.startswith(stem) and end in _DEMONYM_ENDS
