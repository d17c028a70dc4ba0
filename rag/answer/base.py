"""What every answerer receives, and the abstention every answerer shares."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import numpy as np

from rag.answer.gazetteer import is_first_name, known_word
from rag.answer.name_words import TITLES
from rag.index.words import STOPWORDS, tokenize
from rag.retrieve.answer_kind import lowercase_subject
from rag.retrieve.conversation import names
from rag.retrieve.intent import Intent
from rag.types import Answer, Hit

NOT_FOUND = "I could not find this in the indexed articles."
_NOT_PLURAL = {"plus", "thus", "onus", "opus"}
_PHRASE = re.compile(r"(?:[A-Z][\w’'-]*\s+(?:(?:of|for|and|the)\s+)?){1,6}[A-Z][\w’'-]*")
# adjectives of peoples and regions: they describe ("a South Asian country"), name nothing
_DEMONYM = re.compile(
    r"(?:(?:North|South|East|West|Central|Southeast|Northern|Southern|Eastern|Western)\s+)?"
    r"(?:American|Asian|African|European|Latin|Arab|Arabic|Middle Eastern|Nordic|Scandinavian|"
    r"British|Brits?|English|Scottish|Welsh|Irish|French|German|Dutch|Belgian|Swiss|Austrian|"
    r"Italian|Spanish|Portuguese|Greek|Turkish|Russian|Ukrainian|Polish|Czech|Hungarian|"
    r"Romanian|Swedish|Norwegian|Danish|Finnish|Chinese|Japanese|Korean|Indian|Pakistani|"
    r"Afghan|Iranian|Iraqi|Israeli|Palestinian|Saudi|Syrian|Egyptian|Nigerian|Kenyan|"
    r"Australian|Canadian|Mexican|Brazilian|Argentine|Argentinian|Colombian|Venezuelan|"
    r"Cuban|Chilean|Peruvian|Thai|Vietnamese|Indonesian|Filipino|Malaysian|Asian-American|"
    r"African-American|Hispanic|Muslim|Christian|Jewish|Catholic|Buddhist|Hindu)"
)


def is_demonym(word: str) -> bool:
    """Whether ``word`` is an adjective of a people or region ("Chinese", "South Asian")."""
    return bool(_DEMONYM.fullmatch(word))


# a capitalised word opening the question or one of its sentences, not followed by another
_OPENER = re.compile(r"(?:^|[.?!:]\s+)[\"“‘']?([A-Z][a-z]+)\b(?!\s+[A-Z])")
_WORD = re.compile(r"\w+")
# the last word of a company's or an institution's name that says what kind it is
_COMPANY_KINDS = set(
    """bank group inc corp co ltd llc plc airlines airways labs university college institute
    foundation fund trust insurance holdings technologies motors pharmaceuticals capital
    partners ventures""".split()  # noqa: SIM905
)
# up to three words before a company's kind, typed in lower case ("silicon valley bank")
_TYPED_COMPANY = re.compile(
    rf"\b((?:[a-z][\w&-]*\s+){{1,3}})({'|'.join(sorted(_COMPANY_KINDS))})\b"
)


@dataclass(frozen=True)
class AnswerRequest:
    """One question with its evidence.

    Args:
        question: as the user asked it.
        hits: retrieved chunks, best first.
        intent: kind and time range read from the question.
        scope: what was searched, in words ("the 609 indexed articles, since 2023-11-01").
        search: runs another retrieval with the same filters (for sub-questions).
        outlets: outlet names in the index (never an answer to "which company").
        history: earlier turns, for answerers that condense with an LLM.
        searched: the question as retrieved for (a follow-up rewritten); defaults to question.
        as_of: the moment the question is asked as of (None: now).
        idf: how rare each of some index words is (``LexicalIndex.idf``), to weigh the
            question's words; None weighs them alike.
        period: the publication period the question names ("this week"), inclusive epoch
            seconds: its articles come first, older ones may still answer.
        named: the outlets of each outlet the question names ("The Verge and TechCrunch"):
            what each reported is quoted.
    """

    question: str
    hits: Sequence[Hit]
    intent: Intent = Intent()
    scope: str = ""
    search: Callable[[str], list[Hit]] | None = None
    outlets: Sequence[str] = ()
    history: Sequence[object] = field(default_factory=tuple)
    searched: str = ""
    as_of: datetime | None = None
    idf: Callable[[Sequence[str]], np.ndarray] | None = None
    period: tuple[int, int] | None = None
    named: Sequence[tuple[str, ...]] = ()

    @property
    def standalone(self) -> str:
        """The question with a follow-up's context filled in."""
        return self.searched or self.question


@dataclass(frozen=True)
class Span:
    """One candidate answer: its text, where it is in the sentence, the kind it looks like,
    and how sure the sentence makes that (``evidence``: 0 none, 1 some, 2 strong)."""

    text: str
    start: int
    end: int
    kind: str
    evidence: int = 0
    detail: str = ""  # a place's type ("city"…); a number's "age", "before", "side"; "since"


class Answerer(Protocol):
    """Turns a request into text pieces, then the final Answer."""

    name: str

    def stream(self, request: AnswerRequest) -> Iterator[str | Answer]:
        """Yield the answer text as produced, then the final ``Answer``."""
        ...


def asked_names(question: str, *, outlets: Sequence[str] = ()) -> list[str]:
    """The names a question asks about (outlet names and very short words left out, and a
    single capitalised word that only opens a sentence: "Huge crowds …", "Approximately …")."""
    known_outlets = {o.lower().removeprefix("the ") for o in outlets}
    openers = {m.group(1) for m in _OPENER.finditer(question)}
    out = []
    for name in names(question):
        key = name.lower().removeprefix("the ").strip()
        if name in openers and not _named_elsewhere(question, name):
            continue
        if _DEMONYM.fullmatch(name):
            continue  # "a South Asian country", "French": describes, names nothing to find
        if len(key) >= 3 and key not in known_outlets:
            out.append(name)
    return out


def _named_elsewhere(question: str, name: str) -> bool:
    """Whether ``name`` is also written mid-sentence in ``question`` (so it is a name)."""
    return bool(re.search(rf"[^.?!:\s]\s+{re.escape(name)}\b", question))


@functools.lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """``word`` without a plural's final "s" ("tpus" -> "tpu"; "news", "class" kept)."""
    if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "is", "ews")):
        return word
    if word.endswith("us") and (len(word) > 4 or word in _NOT_PLURAL):  # "virus"; "GPUs" is
        return word
    return word[:-1]


def word_forms(text: str) -> set[str]:
    """The index's stemmed words of ``text``, a plural's "s" dropped, so "TPUs" meets "TPU"."""
    return {singular(w) for w in tokenize(text)}


def missing_names(question: str, hits: Sequence[Hit], *, outlets: Sequence[str] = ()) -> list[str]:
    """Names in the question that no retrieved chunk (text, title or outlet) mentions, in
    any of their forms ("TPU" is mentioned by "TPUs")."""
    # a name counts as seen when each of its words is ("Corvid Labs Series" in "Corvid Labs …
    # a Series C round")
    asked = asked_names(question, outlets=outlets)
    # a code typed in lower case is a name too ("what is gpt-4"), and so is a word no
    # dictionary has that a question typed all in lower case asks about ("what is chatgpt";
    # not the "chatbot" of "which chatbot did google fall behind")
    typed = _TYPED_CODE.findall(question)
    if not any(c.isupper() for c in question[1:]):
        lowered = question.lower()
        made = _MADE_SUBJECT.match(lowered)  # "who made chatgpt" asks about chatgpt too
        asked_about = f"{lowercase_subject(lowered)} {made.group(1) if made else ''}"
        typed += [w for w in _LOWER_WORD.findall(asked_about) if not known_word(w)]
        subject = lowercase_subject(lowered).title()
        if is_person_name(subject):  # "who is sam altman": the person, not only "altman"
            typed.append(subject)
        # and an acronym typed in lower case ("why did svb fail")
        typed += [w for w in _LOWER_ACRONYM.findall(lowered) if not known_word(w)]
    text = " ".join(f"{h.title} {h.source} {h.text}" for h in hits)
    if not any(c.isupper() for c in question[1:]):  # "why did silicon valley bank collapse"
        typed += _typed_companies(question.lower(), text)
    asked += [c for c in typed if c.lower() not in map(str.lower, asked)]
    if not asked:
        return []
    words = {singular(w) for w in _WORD.findall(text.lower())}
    spelled = initials(text)  # "FTC" is mentioned by "the Federal Trade Commission"
    # "llm" by "large language models", "svb" by "Silicon Valley Bank"
    spelled |= {n for n in typed if _LOWER_ACRONYM.fullmatch(n) and _spelled_out(n, text)}
    return [
        n
        for n in asked
        if not _seen(n, words, text) and n.rstrip("s") not in spelled or not coded_seen(n, text)
    ]


def _typed_companies(lowered: str, text: str) -> list[str]:
    """Companies a question typed in lower case names by a name the passages write with
    capitals and the word for its kind ("silicon valley bank", as "Silicon Valley" is
    written)."""
    out = []
    for m in _TYPED_COMPANY.finditer(lowered):
        words = m.group(1).split()
        for k in range(len(words)):  # the longest run the passages write as a name
            head = " ".join(w.capitalize() for w in words[k:])
            if words[k] not in STOPWORDS and re.search(rf"\b{re.escape(head)}\b", text):
                out.append(f"{' '.join(words[k:])} {m.group(2)}")
                break
    return out


def _seen(name: str, words: set[str], text: str) -> bool:
    """Whether ``text`` (its ``words``) holds each word of ``name`` ("Corvid Labs Series" in
    "Corvid Labs … a Series C round"); a company's name ending in its kind ("Silicon Valley
    Bank") only as written, not as "Silicon Valley" and "banks"."""
    said = _WORD.findall(name.lower())
    if len(said) >= 2 and said[-1] in _COMPANY_KINDS:
        return bool(re.search(rf"\b{re.escape(name)}", text, re.I))
    if _another_person(said, name, text):
        return False
    return all(singular(w) in words for w in said if len(w) >= 3)


def is_person_name(name: str) -> bool:
    """Whether ``name`` reads as a person's full name: a first name, then more ("Sam
    Altman")."""
    words = name.split()
    return len(words) >= 2 and is_first_name(words[0]) and words[-1][:1].isupper()


def _another_person(said: list[str], name: str, text: str) -> bool:
    """Whether the person ``name`` ("Sam Altman") is not in ``text`` although each word is:
    the text names someone else of that surname ("Lisa Altman", then "Altman") and never
    calls one of that surname by a title ("President Biden" may be Joe Biden)."""
    if not is_person_name(name):
        return False
    first, surname = re.escape(said[0]), re.escape(said[-1])
    # "Sam Altman", "Sam H. Altman", "Dario and Daniela Amodei"
    written = rf"\b{first}\s+(?:[A-Z]\.\s+|(?:and|&)\s+[A-Z][\w.’'-]*\s+)?{surname}\b"
    if re.search(rf"\b{re.escape(name)}\b", text, re.I) or re.search(written, text, re.I):
        return False
    before = [
        m.group(1) for m in re.finditer(rf"\b([A-Z][\w.]*)\s+(?i:{re.escape(said[-1])})\b", text)
    ]
    others = {w for w in before if w.lower() != said[0] and is_first_name(w)}
    titled = any(w.lower().rstrip(".") in TITLES or f"{w.lower()}" in TITLES for w in before)
    return bool(others) and not titled


# a verb of making ("who makes the TPU chips?", "OpenAI developed ChatGPT")
MAKING_VERB = (
    r"\b(?:makes?|made|making|produces?|produced|builds?|built|manufactures?|manufactured|"
    r"designs?|designed|develops?|developed|creates?|created|invents?|invented|owns?|owned)"
)
_MADE_SUBJECT = re.compile(
    rf"^\W*who\s+(?:{MAKING_VERB}|founded)\s+(?:the\s+)?"
    r"([a-z][\w.'’-]*(?:\s+[a-z][\w.'’-]*){0,2})\W*$"
)
_LOWER_ACRONYM = re.compile(r"(?<![\w’'-])[b-df-hj-np-tv-z]{2,4}(?![\w’'-])")  # no vowel
_TYPED_CODE = re.compile(r"\b[a-z]{2,}-?\d+\b")  # "gpt-4", "covid19"
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z]{4,}(?![\w’'-])")  # "chatgpt"; not "e-scooters"
CODED = re.compile(r"\b([A-Za-z]+)[-‑ ]?(\d+)\b")  # "GPT-4", "COVID-19", "F-35"


def _spelled_out(acronym: str, text: str) -> bool:
    """Whether ``text`` writes out the words ``acronym`` is made of, in any case."""
    pattern = r"[\w’']*[\s-]+".join(re.escape(c) for c in acronym)
    return bool(re.search(rf"\b{pattern}", text, re.I))


def coded_seen(name: str, text: str) -> bool:
    """Whether each code of letters and a number in ``name`` is written in ``text`` as one
    ("GPT-4", "GPT 4" or "GPT4"; not "GPT" in one place and "April 4" in another)."""
    return all(
        re.search(rf"\b{re.escape(m.group(1))}[-‑ ]?{m.group(2)}\b", text, re.I)
        for m in CODED.finditer(name)
    )


def initials(text: str) -> set[str]:
    """The acronyms of the capitalised phrases in ``text`` ("FTC" for "Federal Trade
    Commission", "NIT" for "National Invitational Tournament")."""
    out = set()
    for m in _PHRASE.finditer(text):
        words = [w for w in m.group(0).split() if w[:1].isupper()]
        out.add("".join(w[0] for w in words))
    return out


def abstain(
    request: AnswerRequest, *, missing: Sequence[str] = (), unindexed: Sequence[str] = ()
) -> Answer:
    """The answer that says it cannot answer, what was searched and what was missing
    (``unindexed``: outlets the question names that no indexed article is from)."""
    parts = [NOT_FOUND]
    if unindexed:
        quoted = " or ".join(f"“{u}”" for u in unindexed)
        held = len(request.outlets)
        parts.append(
            f"No indexed article is from {quoted} (the index holds {held} outlets; "
            "ingest that outlet's articles or feed to ask about them)."
        )
    if request.scope:
        parts.append(f"I searched {request.scope}.")
    if missing:
        quoted = ", ".join(f"“{m}”" for m in missing)
        parts.append(f"None of the passages found mentions {quoted}.")
    if request.hits:
        h = request.hits[0]
        byline = ", ".join(p for p in (h.source, h.published_at[:10]) if p)
        parts.append(
            f"The closest article was “{h.title}”"
            + (f" ({byline})" if byline else "")
            + ", which does not answer it."
        )
    elif request.scope:
        parts.append("No article matched those filters.")
    return Answer(
        question=request.question, text=" ".join(parts), abstained=True, hits=tuple(request.hits)
    )


# news verbs that report the same act in other words, as the index stems them ("has poured
# billions into" answers "how much has it invested")
_SENSES = (
    "invest pour fund stake financ backer back",
    "buy bought acquir acquisit purchas takeov",
    "die death dead kill",
    "sue su lawsuit",
    "resign quit",
    "win won beat defeat victori",  # who won: the side that beat the other
    "fire oust sack dismiss",
    "launch releas unveil debut",
    "busi unit divis",  # a company's cloud business, unit or division
    "deal partnership agreement pact",  # what two companies agree on
    "say said tell told think thought believ",  # what someone said or thinks
    "expert analyst strategist specialist",  # "what do experts say": an analyst quoted
    "get gain receiv obtain",  # what a party gets out of a deal
    # whether a deal is done: what says it is, or that it is still being negotiated
    "done finish complet seal negoti talk pend status final",
    "headquart base",  # where a company is: "San Francisco–based", "headquartered in"
    "exec execut",  # a word clipped as people type it: "the tech exec", an executive
    "govt govern",
    "admin administr",
    "worri concern caution cautious fear anxious",  # "why are regulators worried"
)
# the forms of irregular verbs, as the index writes them ("who makes Claude?": "has made")
_IRREGULAR = (
    "make made", "build built", "win won", "lose lost", "sell sold", "pay paid", "lead led",
    "hold held", "take took taken", "give gave given", "bring brought", "spend spent",
    "send sent", "steal stole stolen", "write wrote written", "rise rose risen",
    "fall fell fallen", "grow grew grown", "begin began begun", "choos chose chosen",
    "speak spoke spoken", "meet met", "run ran", "strike struck", "shoot shot",
    "fight fought", "break broke broken", "think thought", "becom becam", "know knew known",
    "drive drove driven", "fli flew flown", "sink sank sunk", "freez froze frozen",
    "swear swore sworn", "sing sang sung", "throw threw thrown", "teach taught",
    "catch caught", "seek sought", "keep kept", "stand stood",
)  # fmt: skip
_SAME_SENSE = {w: frozenset(g.split()) - {w} for g in _SENSES for w in g.split()}
_OTHER_FORMS = {w: frozenset(g.split()) - {w} for g in _IRREGULAR for w in g.split()}


def same_sense(form: str) -> frozenset[str]:
    """Other stemmed words reporting the same act as ``form`` ("pour" for "invest")."""
    return _SAME_SENSE.get(form, frozenset())


def other_forms(form: str) -> frozenset[str]:
    """The other forms of an irregular verb as the index writes them ("made" for "make")."""
    return _OTHER_FORMS.get(form, frozenset())
