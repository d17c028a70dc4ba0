"""Follow-up questions: rewrite the newest question so it stands on its own.

Without an LLM, a follow-up ("and what did Microsoft do?", "when was that?") inherits the
named things (companies, products, people) of the previous user turns that it does not name
itself. State lives only in the messages passed in, so no history leaks between users.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rag.errors import NewsragError
from rag.index.words import tokenize
from rag.retrieve.answer_kind import read_kind

_FOLLOW_UP_START = re.compile(
    r"^(and|but|also|what about|how about|and what|what else|so|then|who else)\b", re.IGNORECASE
)
# a question word opening a short question ("Why?", "When was that?") leans on the last turn
_SHORT_START = re.compile(r"^(why|when|how|did|does|is|was|were|are)\b", re.IGNORECASE)
# "who is the ceo?": a role with no owner asks about the subject of the last turn
_ROLE_ONLY = re.compile(
    r"^\W*who(?:['’]s|\s+is|\s+was|\s+are|\s+were)\s+(?:the\s+)?(?:new\s+|current\s+)?"
    r"(?:ceo|chief\s+executive|co-?founders?|founders?|president|chair(?:man|woman)?|owners?|"
    r"boss|head|leader|coach|manager)\W*$",
    re.IGNORECASE,
)
_CONTEXT_WORDS = 8  # the most words a resolved turn keeps of what it carried
_SHORT = 5  # words: a question this long with no pointer back stands on its own
_PRONOUN = re.compile(
    r"\b(it|its|they|them|their|that|this|those|these|he|she|him|his|her|"
    r"the company|the deal|the firm|the startup)\b"
    # "this week", "that year": a time, not something said before
    r"(?!\s+(?:week|weekend|month|year|morning|afternoon|evening|season|time|day)s?\b)",
    re.IGNORECASE,
)
_THING_POINTERS = {"it", "its", "the company", "the deal", "the firm", "the startup"}
_OWNED = re.compile(r"^.*?['’]s\s+(?=\S)")  # "Google's " of "Google's CEO"
_CARRIED = re.compile(r"\s*\(([^()]+)\)\s*$")  # what condense() appends to a follow-up
# "What about Google?", "And Amazon's?": the last question asked again of another subject
_ELLIPTICAL = re.compile(
    r"^\W*(?:and|what about|how about|and what about|same for|what of)\s+(?:for\s+)?"
    r"(?P<subject>[^?!.]+?)(?:['’]s)?\W*$",
    re.IGNORECASE,
)
# words that follow "what about" without naming a subject ("what about now?")
_NOT_SUBJECT_WORDS = (
    "it its that this these those them him her they he she now then today yesterday "
    "tomorrow later before after earlier recently since others other else everyone more"
)
_NOT_SUBJECTS = set(_NOT_SUBJECT_WORDS.split())
_CONTRACTED = {"what", "who", "where", "when", "how", "it", "that", "there", "here", "he", "she"}
_POSSESSOR = re.compile(r"\b([\w&.-]+)['’]s\b")  # "anthropic" of "who is anthropic's ceo"
_ANOTHER = re.compile(r"\b(?:else|other than|besides|apart from|aside from)\b", re.I)
_ANOTHER_ONE = re.compile(
    r"^\W*(?:(?:and\s+)?(?:any|some)(?:one|body|thing)?\s+else|any\s+others?|(?:who|what)\s+else|"
    r"others?|anything\s+more)\W*$",
    re.I,
)
_BOLD_LINE = re.compile(r"\*\*([^*\n]{2,60})\*\*")  # a short answer on a line of its own
_PERSONAL = re.compile(r"\b(he|she|him|his|her)\b", re.IGNORECASE)
_FIRST_SENTENCE = re.compile(r".*?(?:[.!?][”\"’']?(?=\s)|$)", re.DOTALL)
_NAME = re.compile(r"\b(?:[A-Z][\w&.'-]*[A-Za-z0-9](?:\s+[A-Z][\w&.'-]*[A-Za-z0-9])*|[A-Z]{2,})\b")
_NOT_NAME_WORDS = (
    "What Who Which When Where Why How And But Did Does Is Was Were Are The A An In On Of So "
    "Then Also I Tell Give Can Could Please Do Considering According Following After Before "
    "Has Have Had Between Based Since During While Whereas From For At By With Both Among "
    "Given Should Would Will Under Over Across Many Several Some Most Few Each Every True False "
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
)
_NOT_NAMES = set(_NOT_NAME_WORDS.split())
# question words and particles: what a question asking about nothing of its own is made of
_MODAL = re.compile(r"\b(?:would|could|should|will|might|can|may|must)\b", re.I)
_PARTICLES = set(
    """who whom whose what which when where why how is are was were be been do does did would
    could should will can may might must the a an of to in on for at by with it its they them
    their that this these those there one ones many much more most else about so then and
    but or any anyone anybody someone somebody other others anything something""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Message:
    """One chat turn: ``role`` is "user" or "assistant"."""

    role: str
    content: str


def as_messages(messages: Sequence[Message | Mapping[str, object]]) -> list[Message]:
    """Accept our Message or OpenAI/Gradio-style dicts (content may be a list of blocks)."""
    out = []
    for m in messages:
        if isinstance(m, Message):
            out.append(m)
            continue
        role, content = str(m.get("role", "")), m.get("content", "")
        if isinstance(content, list):  # Gradio 6 content blocks
            content = " ".join(
                str(b.get("text", "")) if isinstance(b, Mapping) else str(b) for b in content
            )
        if role not in ("user", "assistant", "system"):
            raise NewsragError(f"Unknown chat role {role!r}; use 'user' or 'assistant'.")
        out.append(Message(role, str(content)))
    return out


def names(text: str) -> list[str]:
    """Capitalised names and acronyms in ``text``, in order, without question words."""
    found = []
    for match in _NAME.finditer(text):
        words = match.group().split()
        while words and re.sub(r"['’]s$", "", words[0]) in _NOT_NAMES:
            words = words[1:]  # "What's Gemini?" as typed, with a straight apostrophe
        while words and words[-1] in _NOT_NAMES:
            words = words[:-1]
        name = re.sub(r"['’]s$", "", " ".join(words)).rstrip(".'’")
        if name and name not in found:
            found.append(name)
    return found


def _asked_again(question: str, previous: Sequence[str]) -> str:
    """ "Who is Anthropic's CEO?", then "What about Google?" (or "and google's"): the last
    question that was not such a follow-up, asked of the new subject ("Who is Google's
    CEO?"); "" when ``question`` says more than a subject or the last question names none."""
    m = _ELLIPTICAL.match(question.strip())
    if not m:
        return ""
    subject = m.group("subject").strip()
    typed = subject.islower() and " " not in subject and subject not in _NOT_SUBJECTS
    if names(subject) != [subject] and not typed:
        return ""  # "and what did Microsoft do?", "what about the risks?": not a subject
    for earlier in reversed(previous):
        if _ELLIPTICAL.match(earlier.strip()):
            continue  # "What about Google?", then "And Amazon?": the question before both
        # the owner of "Anthropic's CEO", else the first name, is what the subject replaces
        found = _POSSESSOR.findall(earlier) + names(earlier)
        old = [n for n in found if n.lower() not in (subject.lower(), *_CONTRACTED)]
        if not old:
            return ""
        return re.sub(rf"\b{re.escape(old[0])}\b", subject, earlier.strip(), count=1)
    return ""


def carried_context(question: str) -> tuple[str, str]:
    """``question`` split into what was asked and the context ``condense`` appended in
    brackets ("who said that", "what does gartner think"); "" when it carries none."""
    m = _CARRIED.search(question)
    return (question[: m.start()].rstrip(), m.group(1)) if m else (question, "")


def is_follow_up(question: str, known: Callable[[str], bool] | None = None) -> bool:
    """A question that leans on the previous turn: starts like one ("and …", "what about
    …", or a short "why?"), points back with a pronoun and names little itself, or asks
    about nothing of its own ("Who would benefit?", "How many?"). "how long has google
    invested in anthropic" stands on its own."""
    q = question.strip()
    short = bool(_SHORT_START.match(q)) and len(q.split()) < _SHORT
    if short and known is not None:  # "is tiktok being banned": a name typed in lower case
        short = all(known(w) for w in _own_words(q) if len(w) > 2 and w.isalpha())
    return (
        bool(_FOLLOW_UP_START.match(q))
        or short
        or (bool(_PRONOUN.search(q)) and len(names(q)) <= 1)
        or _bare(q)
        or bool(_ROLE_ONLY.match(q))
    )


def _bare(question: str, most: int = 1) -> bool:
    """A short question with no subject of its own: no name and no word beyond question
    words and particles ("How many?"), or (up to ``most``) a verb after a modal ("Who would
    benefit?"; "who was the mvp" asks about the MVP)."""
    if names(question) or len(question.split()) >= _SHORT:
        return False
    own = _own_words(question)
    return not own or (len(own) <= most and bool(_MODAL.search(question)))


def _own_subject(question: str, last: str) -> bool:
    """Whether a short question with no pointer back names what the last one asked about,
    and nothing else ("who hosted the oscars", then "when are the oscars")."""
    own = _own_words(question)
    return bool(own) and not _PRONOUN.search(question) and set(own) <= set(_own_words(last))


def _new_topic(question: str, last: str, reply: str) -> bool:
    """Whether a question that reads like a follow-up asks about something the last turn
    never spoke of: two or more words of its own, none in the last question or its answer,
    and nothing pointing back but "the deal" when no deal was spoken of ("which regulators
    could block the deal", after "what does Gartner say about compute?"; "why is compute
    important", after "what are the risks of the deal?")."""
    if _FOLLOW_UP_START.match(question.strip()) or _ROLE_ONLY.match(question):
        return False
    spoken = set(tokenize(f"{last} {reply}"))  # as the index stems them ("regul")
    pointers = {p.lower() for p in _PRONOUN.findall(question)}
    if any(p != "the deal" or "deal" in spoken for p in pointers):
        return False
    own = [w for w in _own_words(question) if len(w) > 3]
    return len(own) >= 2 and not set(tokenize(" ".join(own))) & spoken


def _own_words(question: str) -> list[str]:
    """The words of a question beyond question words and particles."""
    return [w for w in re.findall(r"[a-z’'-]+", question.lower()) if w not in _PARTICLES]


def condense(
    question: str,
    history: Sequence[Message],
    *,
    people: Callable[[str], list[str]] | None = None,
    known: Callable[[str], bool] | None = None,
) -> str:
    """The question to retrieve for: ``question`` plus the names of earlier user turns it
    does not mention (or the last question, when those name nothing), when it is a
    follow-up; otherwise ``question`` unchanged.

    With ``people`` (the persons a text names), "he" or "she" points at the person the last
    question named, else the one the last answer opens with ("Who is Google's CEO?" answered
    "Sundar Pichai, Google's CEO, …", then "What did he say?"), and a question naming its
    own subject carries no person for "it" or "this". With ``known`` (whether a word is a
    common one), a short question holding a word that is not ("is tiktok being banned") names
    its own subject.

    Earlier turns are read as they were resolved themselves: "where?" after "who shot it
    down?" after "what happened with the balloon?" is about the balloon."""
    answered: list[str] = []
    resolved: list[str] = []
    for m in history:
        if m.role == "user":
            resolved.append(_flattened(_condensed(m.content, resolved, answered, people, known)))
        elif m.role == "assistant":
            answered.append(m.content)
    return _condensed(question, resolved, answered, people, known)


def _answered_who(question: str, reply: str) -> list[str]:
    """The person a "who" question was answered with, when the reply opens on its short
    answer in bold (``Answer.reply``, or the Markdown of the app's /ask API): "who passed
    Kareem Abdul-Jabbar?" answered "**LeBron James**" is who "he" is next."""
    if read_kind(question).kind != "person":
        return []
    for line in reply.strip().splitlines()[:3]:
        if m := _BOLD_LINE.fullmatch(line.strip()):
            return [m.group(1)] if names(m.group(1)) == [m.group(1)] else []
    return []


def asks_another(question: str) -> bool:
    """Whether ``question`` only asks the last one again for another answer ("anyone
    else?", "any others?", "who else?")."""
    return bool(_ANOTHER_ONE.match(question))


def answered_before(question: str, history: Sequence[object]) -> list[str]:
    """The short answers already given (``Answer.reply``'s bold line) when ``question`` asks
    for another ("who else?", "any other company?"): those of the turns since the last
    question that did not."""
    if not _for_another(question):
        return []
    given: list[str] = []
    for turn in reversed(history):
        if not isinstance(turn, Message):
            continue
        if turn.role == "assistant":
            lines = turn.content.strip().splitlines()[:3]
            given += [m.group(1) for line in lines if (m := _BOLD_LINE.fullmatch(line.strip()))]
        elif turn.role == "user" and not _for_another(turn.content):
            break
    return given


def _for_another(question: str) -> bool:
    """Whether ``question`` asks for an answer besides those given ("who else invested?",
    "anyone else?")."""
    return bool(_ANOTHER.search(question)) or asks_another(question)


def _flattened(question: str) -> str:
    """A resolved question as one question: "who shot it down (what happened with the
    balloon)" -> "who shot it down what happened with the balloon"."""
    asked, context = carried_context(question)
    if not context:
        return question
    seen = set(_own_words(asked))
    kept = []
    for word in context.split():
        key = word.lower().strip(",;:?!.")
        if key not in _PARTICLES and key not in seen:
            seen.add(key)
            kept.append(word.strip(",;:?!."))
    return " ".join([asked.rstrip("?!. "), *kept[-_CONTEXT_WORDS:]])


def _condensed(
    question: str,
    previous: list[str],
    answered: list[str],
    people: Callable[[str], list[str]] | None,
    known: Callable[[str], bool] | None,
) -> str:
    """``condense`` over the earlier user turns, each already resolved."""
    if not previous or not is_follow_up(question, known) or _own_subject(question, previous[-1]):
        return question
    if asks_another(question):  # "anyone else?": the last question, for another answer
        return previous[-1]
    if _new_topic(question, previous[-1], answered[-1] if len(answered) == len(previous) else ""):
        return question
    if swapped := _asked_again(question, previous):
        return swapped
    own = {n.lower() for n in names(question)}
    if people is not None and _PERSONAL.search(question):
        said = _FIRST_SENTENCE.match(answered[-1]).group(0) if answered else ""
        # the full name the last question typed in lower case, as the answer writes it ("who
        # is tyre nichols", answered "Kamala Harris will attend Tyre Nichols' funeral"), else
        # the answer's first person
        asked, written = previous[-1].lower(), {n.lower() for n in names(previous[-1])}
        typed = [
            n for n in names(said) if " " in n and n.lower() in asked and n.lower() not in written
        ]
        answered_who = _answered_who(previous[-1], answered[-1] if answered else "")
        persons = [
            p
            for p in answered_who or people(previous[-1]) or typed or people(said)
            if p.lower() not in own
        ]
        if persons:
            return f"{question} ({persons[0]})"
    carried: list[str] = []
    # "it" and "the deal" point at a thing, never at a person: "What does Google get from the
    # deal?" after "Who is Sundar Pichai?" is not about him
    pointers = {p.lower() for p in _PRONOUN.findall(question)}
    things = bool(pointers) and pointers <= _THING_POINTERS and people is not None
    # the answer given to each earlier turn, when every turn was answered
    replies = answered if len(answered) == len(previous) else [""] * len(previous)
    latest = list(zip(previous, replies, strict=True))[-3:]
    for text, reply in reversed(latest):  # the latest turns matter most
        # a question naming its own subject points with "this" or "it" at a thing, not a
        # person ("What did Ben Wu say?", then "What does Google get out of this?"); the
        # answer tells a person's name ("Sundar Pichai, Google's CEO, …")
        skip = set()
        if people is not None and (own or things):
            skip = set(people(text)) | set(people(_FIRST_SENTENCE.match(reply).group(0)))
        for name in names(text):
            if own:  # "Who is Google's CEO?", then "And Anthropic's?": the CEO, not Google
                name = _OWNED.sub("", name)
            if name.lower() not in own and name not in carried and name not in skip:
                carried.append(name)
        if carried or (not any(c.isupper() for c in text) and _own_words(text)):
            break  # (a question typed in lower case names its subject all the same)
    if _bare(question, most=0):
        # "How many?" after "What chips does Anthropic use?": of the chips, not of Anthropic;
        # the last question that asked about something of its own is what it points at
        asked = next((p for p in reversed(previous) if not _bare(p.strip())), previous[-1])
        words = carried_context(asked.strip())[0].rstrip("?!. ").split()
        topic = " ".join(w for w in words if w.lower().strip(",;:") not in _PARTICLES)
        return f"{question} ({topic})" if topic else question
    if not carried and not own:
        if things and names(previous[-1]):
            return question  # the last question named only persons: "it" is none of them
        # no name to carry ("what does gartner think", then "who said that"): the last
        # question is what the follow-up points at
        carried.append(previous[-1].strip())
    return f"{question} ({', '.join(carried)})" if carried else question
