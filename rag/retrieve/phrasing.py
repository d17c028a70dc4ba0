"""A question as people type it to a chatbot, read as the question it asks.

"Hi, who is Google's CEO?", "can you tell me who google's ceo is" and "I'd like to know who
Google's CEO is" all ask "who is Google's CEO"; "I want to know about Claude" asks "tell me about
Claude". The greeting, the request around the question and the politeness are no words any
article must hold. A greeting, thanks or "what can you do?" on its own asks for no article at
all (``small_talk``).

Example:
    >>> plain_question("Hi! Can you tell me who Google's CEO is?")
    "who is Google's CEO?"
    >>> plain_question("I'd like to know whether the deal is done, please")
    'is the deal done'
    >>> small_talk("thanks!"), small_talk("Hello, what can you do?"), small_talk("Who is Claude?")
    ('thanks', 'help', None)
"""

from __future__ import annotations

import re
from typing import Literal

from rag.retrieve.story_request import read_story_request

SmallTalk = Literal["greeting", "thanks", "help"]
ArticleField = Literal["author", "date", "source"]

_GREETING = (
    r"(?:hi+|hello|hey+|hiya|howdy|greetings|good (?:morning|afternoon|evening|day))"
    r"(?: there| all| everyone| folks| newsrag)?"
)
_THANKS = (
    r"(?:(?:thanks|thank you|thx|ty|cheers)(?: (?:so much|a lot|very much))?(?: again)?|"
    r"much appreciated|great|ok(?:ay)?|cool|nice|got it|perfect|awesome|bye|goodbye)"
)
_HELP = (
    r"(?:help|what can you do|what do you do|who are you|what are you|how do(?:es)? (?:this|it|"
    r"you) work|how do i use (?:this|it|you)|what can i ask(?: you)?|what should i ask(?: you)?|"
    r"what do you know|what questions can i ask(?: you)?)"
)
_END = r"[\s!.?,:;)(]*"
_ONLY_GREETING = re.compile(rf"^{_GREETING}{_END}$", re.I)
_ONLY_THANKS = re.compile(rf"^(?:{_THANKS}[\s!.,]*)+{_END}$", re.I)
_ONLY_HELP = re.compile(rf"^{_HELP}{_END}$", re.I)
# what opens a message before its question: "Hi,", "Thanks! And", "Please"; a greeting with
# no stop after it only before a question's first word ("hi who is …", not "Hey Jude")
_QUESTION_START = (
    r"(?:who|whom|whose|what|which|where|when|why|how|is|are|was|were|will|would|has|have|had|"
    r"can|could|should|does|do|did|please|tell|show|give|i|i['’]m|i['’]d|any|explain|describe)\b"
)
_OPENING = re.compile(
    rf"^(?:(?:{_GREETING})(?:\s*[!.,:;]+\s*|\s+(?={_QUESTION_START}))|(?:{_THANKS})[!.,:;]+\s*|"
    r"(?:please|pls)[\s,]+)+",
    re.I,
)
_CLOSING = re.compile(r"[\s,]+(?:please|pls|thanks|thank you|thx)[\s!.]*(?=[?]?$)", re.I)
# the request a question is put inside: "can you tell me", "I'd like to know", "do you know"
_REQUEST = re.compile(
    r"^(?:(?:can|could|would|will) you(?: please)?(?: (?:tell|show|give|let) me| find out)?"
    r"|(?:do|does) (?:you|anyone|anybody) (?:know|have any idea)"
    r"|(?:do you have )?any idea"
    r"|i(?:['’]d| would) (?:like|love) to (?:know|understand|learn|find out|hear)"
    r"|i (?:want|need|wanna) to (?:know|understand|learn|find out|hear)"
    r"|i(?:['’]m| am) (?:curious|wondering|interested)(?: to know| in knowing)?"
    r"|i (?:was )?wonder(?:ing)?"
    r"|(?:please )?(?:tell|show|give) me"
    r"|let me know"
    r"|what (?:do|can) you (?:know|tell me)(?= about))\s+(?P<rest>.+)$",
    re.I,
)
# a request that is itself the ask: "can you summarize the article" asks "summarize the article"
_ASKS = re.compile(r"^(?:can|could|would|will) you\b(?! (?:tell|show|give|let) me\b)", re.I)
_ASKED_ABOUT = re.compile(
    r"^(?:(?:more |anything |something )?(?:about|on|in)|what you know about)\s+(?P<topic>.+)$",
    re.I,
)
# "what's happening with Anthropic?", "any news on the deal?": the latest on a topic
_LATEST = re.compile(
    r"^(?:what(?:['’]s| is| has been)\s+(?:happening|going on|new|up)|"
    r"(?:are there |is there )?any (?:news|updates?)|(?:the )?(?:latest )?(?:news|updates?))\s+"
    r"(?:with|at|in|on|about|from|for|to)\s+(?P<topic>.+)$",
    re.I,
)
_SUMMARY = re.compile(
    r"^(?:summari[sz]e|sum up|(?:give me )?(?:a |the )?(?:short |quick )?summary of|"
    r"(?:what are |give me )?(?:the )?(?:key|main) (?:points|facts|takeaways) (?:of|on|about))"
    r"\s+(?P<topic>.+)$",
    re.I,
)
_EXPLAIN = re.compile(r"^(?:please\s+)?(?:explain|describe)(?: to me)?\s+(?P<rest>.+)$", re.I)
_WH = (
    r"(?:who|whom|whose|what|which|where|when|why|"
    r"how(?: (?:much|many|long|old|big|often|far|soon))?)"
)
_AUX = (
    r"(?:is|are|was|were|will|would|has|have|had|can|could|should|does|do|did|"
    r"'s|’s|'re|’re)"
)
# the auxiliary last or before one last word: "who Google's CEO is", "where it is based"
_EMBEDDED = re.compile(
    rf"^(?P<wh>{_WH})\s+(?P<subject>.+?)\s+(?P<aux>{_AUX})(?P<tail>(?:\s+\S+)?)$", re.I
)
_DIRECT = re.compile(rf"^{_WH}\s+{_AUX}\b", re.I)
_IF = re.compile(rf"^(?:if|whether)\s+(?P<subject>.+?)\s+(?P<aux>{_AUX})\b(?P<tail>.*)$", re.I)
_PUNCT = re.compile(r"[?!.]+$")


def small_talk(message: str) -> SmallTalk | None:
    """What a message that asks for no article is: a greeting, thanks (or goodbye), or a
    question about this assistant ("what can you do?"); None for a question."""
    text = re.sub(r"\s+", " ", message).strip()
    if _ONLY_GREETING.match(text):
        return "greeting"
    if _ONLY_THANKS.match(text):
        return "thanks"
    rest = _OPENING.sub("", text)
    if _ONLY_HELP.match(rest):
        return "help"
    return None


# what is asked about an article itself ("who wrote this?", "when was the article about the
# deal published?", "what is the source of this story?"), and how the article is pointed at
_ABOUT_ARTICLE: tuple[tuple[ArticleField, re.Pattern[str]], ...] = tuple(
    (field, re.compile(pattern, re.I))
    for field, pattern in (
        ("author", r"^(?:who\s+(?:wrote|authored|penned)|who(?:['’]s|\s+is)\s+the\s+"
         r"(?:author|writer)\s+of|by\s+whom\s+(?:is|was))\s+(?P<what>.+?)(?:\s+written)?$"),
        ("date", r"^(?:when\s+(?:was|is)\s+(?P<what>.+?)\s+(?:published|written|posted|dated)|"
         r"what\s+(?:is\s+the\s+)?(?:date|publication\s+date)\s+(?:of|on)\s+(?P<of>.+?))$"),
        ("source", r"^(?:(?:what|which)\s+(?:is\s+the\s+)?(?:source|outlet|publication|"
         r"newspaper|site|website)\s+(?:of|for|published|ran)\s+(?P<what>.+?)|where\s+(?:is|was|"
         r"does|did)\s+(?P<from>.+?)\s+(?:from|come\s+from|published)|who\s+published\s+"
         r"(?P<by>.+?))$"),
    )
)  # fmt: skip
_ARTICLE = re.compile(
    r"^(?:this|that|it|the|these)(?:\s+(?:news\s+)?(?:article|story|piece|post))?"
    r"(?:\s+(?:about|on)\s+(?P<topic>.+))?$",
    re.I,
)


def article_question(message: str) -> tuple[ArticleField, str] | None:
    """What a question asks about an article itself (its author, date or outlet) and the
    topic it names the article by ("" for "this"); None for a question about the news."""
    text = _PUNCT.sub("", _OPENING.sub("", re.sub(r"\s+", " ", message).strip()))
    for field, pattern in _ABOUT_ARTICLE:
        if m := pattern.match(text):
            what = next(g for g in m.groups() if g)
            if pointed := _ARTICLE.match(what.strip()):
                return field, (pointed.group("topic") or "").strip()
    return None


# "What's Gemini?", "who's Ben Wu", "whats claude": the question word and its verb, written out
_CONTRACTED = re.compile(
    r"\b(what|who|where|when|why|how)(['’]s|['’]re)\b(?=\s)|\b(what|who|where)(s)\b(?=\s)", re.I
)
_FULL = {"'s": "is", "’s": "is", "s": "is", "'re": "are", "’re": "are"}


def plain_question(message: str) -> str:
    """``message`` as the question it asks, without a greeting, politeness or the request
    around it; an indirect question put back in a question's order; one typed all in capitals
    in lower case. Unchanged when it is already a plain question."""
    message = _CONTRACTED.sub(_written_out, message)
    text = re.sub(r"\s+", " ", message).strip()
    if text.isupper() and len(text.split()) > 1:  # "WHO IS THE CEO OF GOOGLE": all in capitals,
        message = text = text.lower()  # which say nothing of names; read as typed in lower case
    rest = _OPENING.sub("", text)
    rest = _CLOSING.sub("", rest)
    if not rest:
        return message
    mark = "?" if rest.endswith("?") else ""
    if m := _REQUEST.match(rest):
        clause = m.group("rest")
        rest = _indirect(clause) or _about(clause) or (clause if _ASKS.match(rest) else rest)
    if m := _LATEST.match(rest):
        return f"what is the latest on {_PUNCT.sub('', m.group('topic'))}{mark}"
    if (m := _SUMMARY.match(rest)) and read_story_request(rest) is None:
        return f"tell me about {m.group('topic')}"  # "summarize the deal" (not "the news")
    if m := _EXPLAIN.match(rest):
        rest = _indirect(m.group("rest")) or f"what is {_PUNCT.sub('', m.group('rest'))}{mark}"
    return rest if rest != text else message  # as typed, to its spaces


def _written_out(m: re.Match[str]) -> str:
    word, ending = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return f"{word} {_FULL[ending.lower()]}"


def _indirect(clause: str) -> str | None:
    """An indirect question as a direct one ("who Google's CEO is" -> "who is Google's
    CEO"; "whether the deal is done" -> "is the deal done"); None when ``clause`` is none."""
    mark = "?" if clause.rstrip().endswith("?") else ""
    clause = _PUNCT.sub("", clause.strip())
    if _DIRECT.match(clause):  # "who is Google's CEO" put inside a request
        return clause + mark
    if m := _EMBEDDED.match(clause):
        aux, tail = m.group("aux").lstrip("'’"), m.group("tail")
        aux = {"s": "is", "re": "are"}.get(aux.lower(), aux)
        if aux.lower() in ("does", "do", "did") and not tail:
            tail = " do"  # "what Anthropic does" -> "what does Anthropic do"
        return f"{m.group('wh')} {aux} {m.group('subject')}{tail}{mark}"
    if re.match(rf"^{_WH}\b", clause, re.I):  # "who founded Anthropic"
        return clause + mark
    if m := _IF.match(clause):
        return f"{m.group('aux')} {m.group('subject')}{m.group('tail')}{mark}"
    if m := re.match(r"^(?:if|whether)\s+(?P<said>.+)$", clause, re.I):
        return f"is it true that {m.group('said')}{mark}"  # "whether Google bought Anthropic"
    return None


def _about(clause: str) -> str | None:
    """ "about Claude" of "I want to know about Claude" -> "tell me about Claude"."""
    if m := _ASKED_ABOUT.match(clause.strip()):
        return f"tell me about {m.group('topic')}"
    return None
