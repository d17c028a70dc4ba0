"""What kind of short answer a question asks for, read from its wording without an LLM:
"Who …" a person, "Which country …" a place, "How much did it cost …" an amount of money,
"How many …" a number, "When …" a date, "Which film …" a title, "Was … ?" yes or no.

The kind tells the short-answer extractor what span to look for in the quoted evidence, and
what never to answer with (a place for a "who", a name the question already gives).

Example:
    >>> read_kind("Which team does Damar Hamlin play for?")
    Asked(kind='organisation', noun='team', unit='')
    >>> read_kind("How many points did he score?").kind, read_kind("How much did it cost?").kind
    ('number', 'money')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.retrieve.nouns import NOUN_WORDS, AnswerKind, noun_kind


def _word_set(text: str) -> set[str]:
    return set(text.split())


_WORTH = re.compile(r"^\W*what\s+(?:is|are|was|were|'s)\b.*\bworth\s*[?.!]*\s*$", re.I | re.S)
_WON_WORK = re.compile(
    r"^\W*(?:who|what)\s+(?:won|wins|will\s+win|took\s+home|is\s+up\s+for)\b.*\bbest\s+(?:picture|film|"
    r"movie|album|song|record|series|show|documentary|drama|comedy|musical)\b",
    re.I,
)
_ABOUT = re.compile(r"^\W*what\s+(?:is|are|was|were)\b.*\babout\s*[?.!]*\s*$", re.I | re.S)
# "what is the state of the economy?": how it stands, not a state
_CONDITION = re.compile(r"^\W*what(?:['’]s|\s+is|\s+was)\s+the\s+(?:state|status)\s+of\b", re.I)
# "what is the deal?": one or two words after the article and nothing more
_BARE = re.compile(
    r"^\W*what\s+(?:is|are|was|were)\s+(?:the|this|that|these|those)\s+[\w’'-]+"
    r"(?:\s+(?!called\b|named\b|known\b)[\w’'-]+)?\s*[?.!]*\s*$",
    re.I,
)
_START = r"(?:^|[.?!:]\s+)\W*"  # the start of the question or of one of its sentences
_MONEY_VERBS = re.compile(
    r"\b(cost|pay|paid|worth|rais|spen[dt]|fine|pric|earn|salar|sell|sold|budget|bid|offer|"
    r"valu|revenue|profit|loss|debt|make|made|gross|charg|settle|damages|award|donat|invest|"
    r"fund|loan|bonus|jackpot|dollar|pound|euro|yen|billion|million|bill)\w*",
    re.I,
)
_CHANGE = re.compile(
    r"\b(increas|ris[ei]|rose|fall|fell|drop|grow|grew|declin|jump|climb|surg|soar|plung|"
    r"shrink|shrank|gain|cut|slash|reduc|lower|boost)\w*",
    re.I,
)
_HOW = re.compile(
    r"\b(how (?:many|much|old|long|far|tall|high|big|large|fast|deep|often|strong|hot|cold)|"
    r"what percentage|"
    r"what percent|what share|what proportion|what number|what age|by how much)\b",
    re.I,
)
_WHEN = re.compile(
    rf"{_START}(when|since when|until when|what date|what day|what year|what month|"
    r"on what date|in what year|in which year|which year|which month|which day)\b|"
    r"\b(?:by|since|until) when\W*$|"
    r"\bwhen (?:did|does|do|is|was|were|will)\b",
    re.I,
)
# "how long has Google been investing …", "how long have they been married": since when
_SINCE_WHEN = re.compile(r"\s+(?:has|have|had)\s+(?:[\w’'.-]+\s+){0,5}?been\b", re.I)
_WHO = re.compile(rf"{_START}(who|whom|whose)\b|\b(?:to|by|for|with|from|of) (who|whom)\b", re.I)
# "who is" and a name alone (capitalised words, none possessive): a question about that person
_WHO_IS_NAMED = re.compile(
    r"^\W*(?i:who\s+(?:is|was|are|were))\s+(?:Dr\.?\s+|Mr\.?\s+|Ms\.?\s+|Mrs\.?\s+)?"
    r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*\s*\?*\s*$"
)
# "who is the Manhattan district attorney?": a role, its last word a noun for a person
_WHO_IS_ROLE = re.compile(
    r"^\W*who(?:['’]s|\s+(?:is|was|are|were))\s+(?:the|a|an)\s+((?:[\w.&'’-]+\s+){0,3}"
    r"([a-z][\w-]*))\W*$",
    re.I,
)
# "where does he work?", "where did Ben Wu study?", "who does she work for?": an employer
_ASKED_ABOUT = (
    r"(?i:\s+(?:does|did|do|has|have|is|was)(?:\s+(?:he|she|they))?)(?:\s+[A-Z][\w.’'-]*){0,4}"
)
_EMPLOYER_TYPED = re.compile(
    r"\bwhere\s+(?:does|did|do|is|was)\s+([a-z]+)\s+[a-z][\w’'-]*\s+(?:now\s+)?"
    r"(?:work|working|study|studied|studying)\b|"
    r"\bwho\s+(?:does|did|is|was)\s+([a-z]+)\s+[a-z][\w’'-]*\s+(?:now\s+)?(?:works?|working)\s+for\b"
)
_NOT_A_PERSON = set(
    """most many some all any few the these those people you we i they our your their its
    his her workers employees staff americans""".split()  # noqa: SIM905
)
_EMPLOYER = re.compile(
    rf"\b(?i:where){_ASKED_ABOUT}\s+(?i:(?:now\s+)?(?:work|working|study|studied|studying))\b|"
    rf"\b(?i:who){_ASKED_ABOUT}\s+(?i:(?:now\s+)?(?:work|works|working)\s+for)\b"
)
_WHERE = re.compile(
    rf"{_START}where\b|\bwhere (?:did|does|do|is|was|were|are|will|has|have)\b|"
    r"\b(?:from|to|in) where\W*$|\blocated where\b",
    re.I,
)
_YESNO = re.compile(  # ("true or false" is read first, by _TRUE_OR_FALSE)
    r"^(?:\W*)(is|was|are|were|did|does|do|has|have|had|can|could|will|would|should)\b", re.I
)
_TRUE_OR_FALSE = re.compile(r"\btrue or false\b", re.I)
# "Under the proposed deal, would Google gain …?": what the question is asked within
_SETTING = re.compile(
    r"^\W*(?:under|in|after|before|during|since|at|on|for|with|according to|by|as of)\s"
    r"[^,?]{1,60},\s*",
    re.I,
)
_SCORE = re.compile(r"\b(final score|what was the score|by what score|what score)\b", re.I)
_OPENS_ASKING = re.compile(r"\W*(?:what|who|whom|whose|when|where|why|how)\b", re.I)
_WHICH = re.compile(r"\b(which|what|this|these)\s+(?=[\w“\"'])", re.I)
_WORDS = re.compile(r"[\w'’.&-]+")
_BE = {"is", "was", "are", "were"}
# "Anthropic's", "the Lakers'", "anthropic's" typed in lower case
_OWNER = re.compile(r"^(?:[A-Z][\w.&-]*['’]s?|[a-z][\w.&-]*['’]s)$")
_THE = {"the", "a", "an", "its", "his", "her", "their", "this"}
# "which type of X": the kind is X's
_TRANSPARENT = _word_set("type kind sort genre form breed variety class category name")
# words that end the noun phrase after "which": "which team did …", "what share of …"
_PHRASE_END = _word_set(
    """did does do is was are were has have had will would can could should of in on at to for
    from by with about after before during as that who whom which whose when where than and
    or but if not the a an its his her their this these those he she it they we i"""
)
_WHICH_OF = re.compile(r"\b(?:which|what)\s+(?:one\s+)?of\s+(?:the|these|its|their)\s+", re.I)
_NOT_A_NAME = _word_set(
    """the a an this that he she it they his her their my your our in on at of for to by with
    behind winning leading running responsible next new current now there here going"""
)
_NOUN_LIKE = re.compile(r"^[a-z][a-z-]*(?<!s)(?<!ed)(?<!ing)$")  # lower case, not like a verb
_POSSESSIVE = re.compile(r"['’]s?$")
# "… and what did he say?": a second question, whose kind the short answer does not take
_SECOND_QUESTION = re.compile(r",?\s+and\s+(?=(?:who|what|when|where|why|how|which)\b)", re.I)
_LEAD = re.compile(r"^(?:and|but|so|then|also|ok(?:ay)?)[\s,]+", re.I)


@dataclass(frozen=True)
class Asked:
    """The kind of answer asked for; ``noun`` the word that says so ("team", "film"), for
    numbers the ``unit`` asked in ("years" in "how many years"), and ``phrase`` the words that
    describe the answer ("home goods chain", "US state", "a person")."""

    kind: AnswerKind = "other"
    noun: str = ""
    unit: str = ""
    phrase: str = ""


def read_kind(question: str) -> Asked:
    """The kind of short answer ``question`` asks for ("other" when it asks for none)."""
    q = _LEAD.sub("", question.strip())
    q = _SECOND_QUESTION.split(q, maxsplit=1)[0]  # "who is Neil Tanaka and what did he say"
    if _TRUE_OR_FALSE.search(q):  # whatever it says of "this year"
        return Asked("yesno")
    if _SCORE.search(q):
        return Asked("number", "score")
    if m := _HOW.search(q):
        return _how(q, m)
    if m := _WHEN.search(q):
        if re.search(r"\bsince when\b", q, re.I):
            return Asked("date", "since")
        unit = re.search(r"\b(year|month|day)$", m.group(1) or "", re.I)  # "what year": a year
        return Asked("date", unit.group(1).lower() if unit else "")
    if _WORTH.match(q):
        return Asked("money", "worth")  # "what is the deal worth?"
    if _ABOUT.match(q) or _CONDITION.match(q):
        return Asked()  # "What is the deal about?": a description, not a name
    if found := _which(q):
        if found.kind == "thing" and _BARE.match(q):
            return Asked()  # "What is the deal?", "What are the plans?": what it is
        return found
    if _EMPLOYER.search(q) or _employer_typed(q):
        return Asked("organisation", "employer", phrase="an employer")
    if _WHO_IS_NAMED.match(q) or _who_is_lowercase_name(q):  # "Who is Sarah Krane?": who
        return Asked("other", "who is")  # she is, not another name
    if _WON_WORK.match(q):  # "who won best picture?": a film, not a person
        return Asked("title", "title")
    if (m := _WHO_IS_ROLE.match(q)) and _role_holder(m.group(1)):
        # "who is the Manhattan district attorney?", "who is the new chief of staff?": the
        # person holding that role
        return Asked("person", m.group(2).lower(), phrase=m.group(1))
    if _WHO.search(q):
        return Asked("person", "who", phrase="a person")
    if _WHERE.search(q):
        return Asked("place", "where", phrase="a place")
    if _YESNO.search(q) or _YESNO.search(without_setting(q)):
        return Asked("yesno")
    return Asked()


def without_setting(question: str) -> str:
    """``question`` without the setting it opens on ("Under the proposed deal, would Google
    gain …?" -> "would Google gain …?")."""
    return _SETTING.sub("", question)


_NOT_A_SUBJECT = _NOT_A_NAME | NOUN_WORDS  # a role or a word of a sentence, not a name
_WHO_IS_ONE = re.compile(r"^\W*who\s+(?:is|was)\s+(?!the\s)")
_LOWER_SUBJECT = re.compile(
    r"^\W*(?:who|what)\s+(?:is|was|are|were)\s+(?:the\s+)?"
    r"([a-z][\w.'’-]*(?:\s+[a-z][\w.'’-]*){0,2})\W*$"
)


def lowercase_subject(question: str) -> str:
    """ "what is anthropic", "who are the amodeis": the one to three words after "what is" or
    "who is" in a question typed in lower case, none a role or a word of a sentence ("" if
    none). They may be a name typed without capitals; the articles settle whether they are."""
    m = _LOWER_SUBJECT.match(question.strip())
    words = m.group(1).split() if m else []
    forms = set(words) | {w[:-1] for w in words if w.endswith("s")}  # "founders"
    if not words or forms & _NOT_A_SUBJECT:
        return ""
    return m.group(1)


def _who_is_lowercase_name(q: str) -> bool:
    """ "who is humza yousaf": a name typed without capitals, asked about one person."""
    return bool(_WHO_IS_ONE.match(q)) and bool(lowercase_subject(q))


def _how(q: str, m: re.Match[str]) -> Asked:
    phrase = m.group(1).lower()
    after = q[m.end() :]
    if phrase == "how much" and _CHANGE.search(after):  # "how much have prices risen": a share
        return Asked("number", "how much")
    if phrase == "how much" and (
        _MONEY_VERBS.search(after) or re.search(r"[$£€¥]|\bmoney\b", after)
    ):
        return Asked("money", "how much")
    if phrase == "how many":  # "how many years": the unit is the next word
        unit = re.match(r"\s+([a-z][\w-]*)", after, re.I)
        word = unit.group(1).lower() if unit else ""
        return Asked("number", "how many", "" if word in _PHRASE_END else word)
    if phrase in ("how old", "what age"):
        return Asked("number", "age")
    if phrase == "how long" and _SINCE_WHEN.match(after):
        return Asked("date", "since")  # "how long has Google been investing?": since 2023
    return Asked("number", phrase)


def _which(q: str) -> Asked | None:
    """ "which team …", "what film …", "this opponent": the kind of the noun named."""
    if m := _WHICH_OF.search(q):  # "which of these companies": the noun comes later
        q = q[: m.start()] + "which " + q[m.end() :]
    matches = list(_WHICH.finditer(q))
    # ", which officials said …" is a relative clause, not the question, unless nothing else
    # asks ("In addition to the US, which country said …?")
    relative = [m for m in matches if q[: m.start()].rstrip().endswith(",")]
    ordered = [m for m in matches if m not in relative] + relative
    for m in ordered:
        determiner = m.group(1).lower()
        if determiner in ("this", "these") and ("?" in q or _OPENS_ASKING.match(q)):
            continue  # "this week", "these talks" in a real question (a question mark or a
            # question word: "what does google get out of this deal"): not the thing asked
        words = _WORDS.findall(re.split(r"[,;:?!]", q[m.end() : m.end() + 80])[0])
        lowered = [w.lower() for w in words[:2]]
        if len(lowered) == 2 and lowered[0] in _BE and lowered[1] in _THE:
            words = words[2:]  # "what is the current debt limit": the noun phrase after it
        elif len(words) > 2 and lowered[0] in _BE and _OWNER.match(words[1]):
            words = words[2:]  # "what is Anthropic's flagship model": the model
        if words and words[0].lower() == "of":  # "which of these companies"
            words = words[2:] if len(words) > 1 and words[1].lower() in _PHRASE_END else words[1:]
        phrase: list[str] = []
        named = False  # "the name of …": what follows describes the thing named
        for word in words[:9]:
            if word.lower() in _PHRASE_END:
                if word.lower() == "of" and phrase and phrase[-1].lower() in _TRANSPARENT:
                    phrase = []  # "which type of renewable energy": the kind is the energy's
                    named = True
                    continue
                if not phrase and word.lower() in _THE:
                    continue  # "the name of the UK government's plan"
                break
            phrase.append(word.strip(".,;:?!’'"))
        # "which country's prime minister": what is asked is the possessor
        # ("which children's author" is an author: "children" names no kind)
        owner = next((w for w in phrase if re.search(r"['’]s?$", w) and w[:1].islower()), None)
        if owner is not None and not named and noun_kind(owner) is not None:
            phrase = phrase[: phrase.index(owner) + 1]
            phrase[-1] = re.sub(r"['’]s?$", "", owner)
        # the head noun: the first one the phrase names ("which climate action group plans"),
        # or one of a definite kind right after it ("which country singer"), unless that reads
        # as a verb ("which city hosts")
        # a possessive describes the noun after it ("the UK government's new plan": a plan)
        kinds = [None if _POSSESSIVE.search(w) and named else noun_kind(w) for w in phrase]
        first = next((i for i, kind in enumerate(kinds) if kind is not None), None)
        if named and first is not None:  # "the name of the city council's housing plan"
            first = max(i for i, kind in enumerate(kinds) if kind is not None)
        if first is not None:
            head = first
            k = head + 1
            while k < len(kinds):
                if kinds[k] not in (None, "thing") and not phrase[k].lower().endswith("s"):
                    head = k  # "which country singer": the singer
                elif kinds[k] is not None or not _NOUN_LIKE.match(phrase[k]):
                    break  # "which city hosts": a verb
                k += 1  # "which movie theater chain": a noun describing the chain

            owned = [i for i in range(head) if _POSSESSIVE.search(phrase[i])]
            # "the name of Anthropic's flagship model": a flagship model
            start = owned[-1] + 1 if named and owned else 0
            described = " ".join(phrase[start : head + 1])
            return Asked(kinds[head], phrase[head].lower(), phrase=described)  # type: ignore[arg-type]
        if determiner == "which" and phrase:  # "which woodland creatures": something named
            return Asked("thing", phrase[-1].lower(), phrase=" ".join(phrase))
    return None


def _role_holder(role: str) -> bool:
    """Whether ``role`` names a person by what they hold: its last word is a noun for a
    person ("district attorney"), or the word before its "of" is ("chief of staff",
    "secretary of state", "the head of the agency")."""
    words = role.split()
    lowered = [w.lower() for w in words]
    if "of" not in lowered[1:]:
        return noun_kind(lowered[-1]) == "person"
    at = lowered.index("of")
    held = [w for w in words[at + 1 :] if w.lower() not in ("the", "a", "an")]
    if held and held[0][:1].isupper():
        return False  # "the CEO of Google": whose CEO, read with the name
    return lowered[at - 1] == "head" or noun_kind(lowered[at - 1]) == "person"


def _employer_typed(q: str) -> bool:
    """ "where does ben wu work", "who does ben wu work for": a person's name typed in lower
    case, asked where they work ("where do most people work from home?" asks a place)."""
    m = _EMPLOYER_TYPED.search(q)
    return bool(m) and (m.group(1) or m.group(2)) not in _NOT_A_PERSON
