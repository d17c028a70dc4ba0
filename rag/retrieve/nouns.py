"""The kinds of short answer, and the nouns that ask for each after "which", "what" or "this"
("which team": an organisation, "what film": a title).

Example:
    >>> noun_kind("actresses"), noun_kind("teams"), noun_kind("quickly")
    ('person', 'organisation', None)
"""

from __future__ import annotations

import re
from typing import Literal

AnswerKind = Literal[
    "person",
    "organisation",
    "place",
    "money",
    "number",
    "date",
    "title",
    "thing",
    "yesno",
    "other",
]


# the noun after "which"/"what"/"this" -> the kind of its answer (singular forms; plurals are
# matched by dropping a final "s")
NOUNS: dict[str, AnswerKind] = {}
for _kind, _words in {
    "person": """person individual man woman boy girl people actor actress singer rapper artist
        musician player athlete star celebrity president leader politician senator governor
        lawmaker congressman congresswoman representative official minister king queen prince
        princess pope ceo chief executive founder billionaire author writer director comedian
        host journalist judge coach quarterback pitcher golfer driver candidate republican
        democrat tycoon entrepreneur chef icon legend figure boxer footballer striker
        goalkeeper rider skier swimmer gymnast runner cyclist investor activist economist
        scientist doctor astronaut explorer monarch royal emperor dictator general officer
        spokesperson lawyer attorney prosecutor suspect victim winner nominee champion
        personality influencer youtuber presenter anchor producer composer designer
        philanthropist cofounder co-founder chairman chairwoman chair mayor premier chancellor
        secretary ambassador envoy commissioner pilot soldier analyst strategist expert
        researcher engineer economist banker trader lobbyist adviser advisor consultant
        whistleblower hacker billionaire heir mother father son daughter wife husband superstar
        dancer skater member naturalist speaker""",
    "organisation": """company firm business brand retailer chain airline automaker carmaker bank
        network studio team club group band organisation organization agency party university
        college school league startup start-up giant maker manufacturer publisher platform
        app service channel outlet newspaper magazine union charity restaurant store
        supermarket insurer lender broadcaster streamer carrier operator conglomerate
        corporation institution regulator court committee department ministry government
        administration foundation nonprofit lab laboratory developer exchange fund
        automobile""",
    "place": """country nation city town state province region island capital continent county
        village area part place location territory neighborhood neighbourhood district
        borough coast river lake mountain ocean sea state's destination venue stadium arena
        theater theatre airport""",
    "title": """film movie book show series song album novel memoir play musical documentary
        podcast painting sitcom franchise title single opera ballet poem cartoon comedy drama
        remake sequel trailer episode comic strip""",
    "date": """year date day month decade century""",
    "number": """magnitude rate percentage percent share number total count age score
        temperature speed population height weight distance length""",
    "money": """fee wage fortune jackpot cost price salary budget bill""",
    "thing": """product model device drug vaccine variant virus disease species animal food dish
        sport language word term award prize medal trophy event holiday festival storm
        hurricane tornado vehicle car phone ship rocket spacecraft satellite chatbot tool
        ingredient plant fruit vegetable seed color colour element planet comet
        material currency cryptocurrency coin stock item gift symbol name slogan drink beverage
        pet creature rodent bird fish insect dinosaur vegetable meat dessert snack weather
        program programme project plan policy law bill deal treaty agreement scheme
        initiative campaign technology energy fuel chip processor""",
    # what a name rarely answers: "what chemical was on the train?" is "vinyl chloride", not
    # the railway that ran it
    "other": """chemical substance compound toxin gas""",
}.items():
    NOUNS.update(dict.fromkeys(_words.split(), _kind))

NOUN_WORDS = frozenset(NOUNS)


def is_person_noun(word: str) -> bool:
    """Whether ``word`` names a kind of person ("singer", "actors", "president")."""
    return noun_kind(word) == "person"


def noun_kind(word: str) -> AnswerKind | None:
    """The kind of answer ``word`` asks for after "which" ("team": an organisation), in any
    of its plural forms; None for a word of no kind."""
    w = re.sub(r"['’]s?$", "", word.lower())
    if "-turned-" in w:  # "footballer-turned-manager": both are people
        return noun_kind(w.split("-turned-")[0])
    for form in (w, w[:-1] if w.endswith("s") else w, w[:-2] if w.endswith("es") else w):
        if form in NOUNS:
            return NOUNS[form]
    if w.endswith("ies") and (w[:-3] + "y") in NOUNS:
        return NOUNS[w[:-3] + "y"]
    return None
