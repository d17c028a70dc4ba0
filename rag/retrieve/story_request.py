"""Questions a news desk hears first, read without an LLM: "What happened this week?" asks
for the digest of a period; "How did the OpenAI board saga unfold?" or "Timeline of the
OpenAI board" asks for a topic's timeline. Any other question is answered as usual.

A digest question names no topic: once its period and the words every such question uses
("what's new", "news", "AI", "happened") are set aside, nothing is left ("What happened to
Sam Altman this week?" is a question about Sam Altman).

Example:
    >>> read_story_request("What happened this week?")
    StoryRequest(kind='digest', since='7d', topic='')
    >>> read_story_request("How did the OpenAI board fight unfold?").topic
    'the OpenAI board fight'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_TIMELINE = tuple(
    re.compile(p, re.I)
    for p in (
        r"^how (?:did|has|have|had) (?P<topic>.+?) (?:unfold|unfolded|develop|developed|"
        r"evolve|evolved|play out|played out|progress|progressed)\b(?P<rest>.*)$",
        r"^(?:(?:give me|show me|make|build|what(?:'s| is| was))\s+)?(?:a |the )?"
        r"(?:timeline|chronology)\s+(?:of|for|on)\s+(?P<topic>.+?)(?P<rest>)$",
        r"^(?P<topic>.+?)\s+(?:timeline|chronology)(?P<rest>)$",
        r"^(?:walk me through|tell me how) (?P<topic>.+?) (?:unfolded|developed|happened)"
        r"(?P<rest>.*)$",
    )
)
# a digest's period, as the words say it; "this week" when they say none
_PERIODS = (
    (re.compile(r"\b(?:today|tonight|in the last 24 hours|in the past day)\b", re.I), "24h"),
    (re.compile(r"\byesterday\b", re.I), "48h"),
    (re.compile(r"\b(?:this|last|past) (?:month|30 days)\b", re.I), "30d"),
    (re.compile(r"\b(?:this|last|past) (?:week|7 days)\b|\blately\b|\brecently\b", re.I), "7d"),
)
_DAYS = re.compile(r"\b(?:in )?the (?:last|past) (\d{1,3}) days\b", re.I)
_DIGEST = re.compile(
    r"^(?:so\s+)?(?:what(?:['’]?s| is| has)?(?: been)?\s+(?:happened|happening|new|going on|"
    r"the news|the latest|in the news)|what (?:are|were) the (?:top |latest |biggest |main )?"
    r"(?:stories|news|headlines)|(?:the |any )?(?:latest|top|biggest|main) (?:news|stories|"
    r"headlines)|what did i miss|(?:give me |show me )?(?:a |the )?(?:news )?digest|"
    r"catch me up|any news|"
    # what the indexed articles are about: "What is this article about?", "Summarize the news"
    r"what(?:['’]?s| is| are)\s+(?:this|that|the|these|those|my|your)\s+(?:article|story|"
    r"news|articles|stories|sources?)\s+(?:about|saying)|what(?:['’]?s| is)\s+(?:this|it)\s+"
    r"(?:all\s+)?about|(?:summari[sz]e|sum up)\s+(?:the\s+|"
    r"this\s+|these\s+|my\s+)?(?:article|story|news|articles|stories)|"
    # "tl;dr", "Summary?", "Summarize it", "Sum up", "What are the key points?"
    r"tl\s*;?\s*dr|(?:give me |show me )?(?:a |the )?(?:short |quick )?summary|"
    r"(?:what are |give me |list )?(?:the )?(?:key|main) (?:points|facts|takeaways)|"
    r"(?:what are )?(?:the )?(?:highlights|takeaways)|"
    r"(?:summari[sz]e|sum up)(?:\s+(?:it|this|that|everything|all))?|sum (?:it|this|that) up)"
    r"\b(?P<rest>.*)$",
    re.I,
)
# words a digest question may carry besides its period and still name no topic
_GENERAL = re.compile(
    r"\b(?:in|on|at|of|the|a|an|with|from|across|around|world|news|industry|ai|a\.i\.|"
    r"tech|technology|artificial intelligence|so far|any|big|major|important|please|"
    r"anything|else|me|up|this|that|there|here|everything|stories|headlines|and)\b",
    re.I,
)


# the persons the articles name: "who is quoted?", "which people are mentioned?"
_PEOPLE = re.compile(
    r"^(?:who(?:['’]s|\s+is|\s+are|\s+was|\s+were)\s+(?:the\s+)?(?:people|persons|experts|"
    r"analysts|executives|sources)?\s*(?:mentioned|quoted|named|cited|interviewed|featured)|"
    r"(?:which|what)\s+(?:people|persons|experts|analysts|executives)\s+(?:are|were|is)\s+"
    r"(?:mentioned|quoted|named|cited|interviewed|featured)|who(?:['’]s|\s+is|\s+are)"
    r"(?=\s+in\s+(?:this|the|that)\s+(?:article|story)))(?P<rest>.*)$",
    re.I,
)
# nothing, or the article: "in the article about X" ("who was named in the lawsuit" is a
# question about the news)
_IN_ARTICLE = re.compile(
    r"\s*$|\s+(?:in|by)\s+(?:this|the|that|these)\s+(?:news\s+)?(?:articles?|stor(?:y|ies)|"
    r"pieces?)\b",
    re.I,
)
# "in the article about X" -> "X"; "in this story" -> ""
_ARTICLE_WORDS = re.compile(
    r"^\s*(?:in|by)?\s*(?:this|that|the|these|those)?\s*(?:news\s+)?(?:articles?|stories|story|"
    r"pieces?)?\s*(?:about|on|of)?\s*",
    re.I,
)


@dataclass(frozen=True)
class StoryRequest:
    """A digest (``since`` a duration such as "7d") or a timeline (of ``topic``)."""

    kind: Literal["digest", "timeline", "people"]
    since: str = ""
    topic: str = ""


def read_story_request(question: str) -> StoryRequest | None:
    """The digest, timeline or list of persons ``question`` asks for; None for any other
    question."""
    text = re.sub(r"\s+", " ", question).strip().rstrip("?.! ")
    m = _PEOPLE.match(text)  # "Who is quoted?", "Who are the people in the article about X?"
    if m and _IN_ARTICLE.match(m.group("rest")):
        where = _ARTICLE_WORDS.sub("", m.group("rest")).strip(" ,")  # not "who was named CEO"
        return StoryRequest("people", topic=where)
    for pattern in _TIMELINE:
        if m := pattern.match(text):
            topic = m.group("topic").strip(" ,")
            if len(topic) >= 2:
                return StoryRequest("timeline", topic=topic)
    if m := _DIGEST.match(text):
        rest = m.group("rest")
        if _period_only(rest):
            return StoryRequest("digest", since=_period(text))
    return None


def _period(text: str) -> str:
    if m := _DAYS.search(text):
        return f"{int(m.group(1))}d"
    return next((since for pattern, since in _PERIODS if pattern.search(text)), "7d")


def _period_only(rest: str) -> bool:
    """``rest`` holds nothing but a period and general words (no topic)."""
    left = _DAYS.sub(" ", rest)
    for pattern, _ in _PERIODS:
        left = pattern.sub(" ", left)
    left = _GENERAL.sub(" ", left)
    return not re.sub(r"[\s,;:'’\-]+", "", left)
