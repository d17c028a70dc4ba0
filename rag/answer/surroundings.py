"""What the words around a candidate answer say about it, beyond its kind: that the sentence
denies it did what the question asks or only asks it to (``rag.answer.roles``), that it only
numbers a name the question gives ("Super Bowl 57"), labels a headline's topic ("Wild Isles:
…"), is a common word opening the sentence ("Police have released …"), counts another act
("874,000 people affected", asked how many died), is what the answer is compared with or
replaced ("compared with millions", "ending the Labrador retriever's 31-year term"), sits
in a sentence about an older event ("died in 2002"), comments on the act or hears of it ("…,
Rep. Mike Turner told NBC") or was beaten ("Chiefs beat Philadelphia Eagles"). Which party
a name or number belongs to (a thing's maker, a side's points) is ``rag.answer.sides``.

Example:
    >>> _common_word(Span("Police", 0, 6, "name"), {"police"})
    True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from rag.answer.amounts import label_before
from rag.answer.base import Span, same_sense, singular, word_forms
from rag.answer.gazetteer import is_common_word
from rag.answer.places_asked import another_country, another_place
from rag.answer.roles import demanded, denied
from rag.retrieve.answer_kind import Asked

# what ends a headline's topic label: "Super Bowl 2023: Chiefs top Eagles", "Ukraine war:"
_KICKER = re.compile(r"(?:\s+(?:\d+|[IVXLC]+))?\s*:\s")
_EXAMPLES = re.compile(r"\s+(?:like|such\s+as|including)\s")
_LOWER_WORD = re.compile(r"\b[a-z][a-z’'-]+\b")
# "people affected", "residents displaced": the unit and the act a number counts
_COUNTED = re.compile(r"\s+(\w+)\s+(?:were\s+|have\s+been\s+)?(\w+(?:ed|en))\b")
# giving something, and the one given it ("who is sending tanks?": not "to Ukraine")
_GIVING = re.compile(
    r"\b(?:send|sent|sending|sends|give|gives|gave|giving|provid\w*|suppl(?:y|ies|ied|ying)|"
    r"deliver\w*|ship(?:s|ped|ping)?|donat\w*|sell(?:s|ing)?|sold|export\w*|lend\w*|lent)\b",
    re.I,
)
_TO_WHOM = re.compile(
    r"\b(?:to|for)\s+(?:which|what|whom)\b|^\W*(?:where|who\s+(?:will\s+)?gets?)\b|"
    r"\b(?:receiv\w*|recipients?)\b",
    re.I,
)
_RECIPIENT = re.compile(
    r"(?<!according )(?<!due )(?<!thanks )\b(?:to|for|into)\s+(?:the\s+)?"
    r"(?:[\w’'-]+\s+){0,2}?(?:in\s+)?$",
    re.I,
)
# kinds of deadly events, each with the words news uses for it
_EVENTS = (
    "shooting shootings gunfire gunman gunmen massacre",
    "earthquake earthquakes quake quakes tremor aftershock",
    "fire fires blaze wildfire wildfires inferno",
    "explosion explosions blast",
    "crash crashes collision derailment",
    "flood floods flooding",
    "storm storms hurricane tornado tornadoes cyclone typhoon blizzard",
    "bombing bombings bomb",
    "stampede crush",
    "avalanche landslide mudslide",
    "eruption tsunami",
)
_OPENED_FIRE = re.compile(r"\b(?:open(?:ed|s)?|return(?:ed)?|under|cease)[\s-]+fire\b", re.I)
# before a count: what someone hoped or threatened, not what happened ("hoped to kill over 40")
_HOPED = re.compile(
    r"\b(?:hop(?:ed|es|ing)|want(?:ed|s)?|threaten(?:ed|s|ing)?|vow(?:ed|s)?|intend(?:ed|s)?)"
    r"\s+to\s+\w+\s+(?:over\s+|more\s+than\s+|about\s+|up\s+to\s+|at\s+least\s+)?$",
    re.I,
)
# before a value: what the one asked is compared with ("compared with millions", "up from $1.79")
_COMPARED = re.compile(
    r"\b(?:compared\s+(?:with|to)|versus|vs\.?|up\s+from|down\s+from|"
    r"(?:alternative|rival|competitor|challenger)s?\s+(?:to|of)|competing\s+with)\s+"
    r"(?:about\s+|around\s+|nearly\s+|roughly\s+)?$",
    re.I,
)
# before a name: it is what the news replaced ("ending the Labrador retriever's 31-year term")
_OUSTED = re.compile(
    r"\b(?:ending|ended|ends|dethron\w*|unseat\w*|overtak\w*|overtook|surpass\w*|pass(?:ed|es|ing)|"
    r"replac\w*|displac\w*|knock\w*\s+off|succeed\w*)\s+(?:the\s+|its\s+|their\s+)?$",
    re.I,
)
# after a name: it speaks (with a short aside first: ", R-Ohio,")
# ("Pentagon officials said": the body of the ones who speak)
_SPEAKS = re.compile(
    r"(?:\s*,\s*[^,]{1,25},)?(?:\s+(?:officials?|spokes(?:man|woman|person)|sources?))?"
    r"\s+(?:said|says|told|tells|tweeted|wrote|added|argued|noted|announced|confirmed)\b"
)
# a clause telling the act of the one who then speaks: "After winning the Oscar, …"
_OWN_ACT = re.compile(r"^\W*(?:(?:after|before|while|since|when|upon|on)\s+)?\w+ing\b", re.I)
# before a name: it is who was told ("told NBC", "in an interview with CNN")
_AUDIENCE = re.compile(
    r"\b(?:told|tells|telling|said\s+to|spoke\s+to|speaking\s+to|interview\s+with)\s+$", re.I
)
# before a name: it lost ("Kansas City Chiefs beat Philadelphia Eagles"), asked who won
BEATING = r"beat|beats|beating|defeat(?:s|ed|ing)?|top(?:s|ped)?|edg(?:e|es|ed)|rout(?:s|ed)?"
_BEATEN = re.compile(
    rf"\b(?:{BEATING}|overc(?:ame|omes?)|over|past|against|vs\.?|versus)\s+(?:the\s+)?$",
    re.I,
)
_WINNING = word_forms("win wins won winning winner")
_TIMES = word_forms("times many often")
# "Katharine Hepburn, who won best actress four times": a career's tally, not the win asked
_TALLY = re.compile(
    r"[^.;]{0,40}?\b(?:won|wins|has\s+won|had\s+won)\b[^.;]{0,60}?"
    r"\b(?:(?:two|three|four|five|six|seven|eight|nine|ten|\d+)\s+times|twice|thrice)\b",
    re.I,
)
# "like “Parasite” did three years ago", "films such as “CODA,” “Parasite” and …": what the
# news is likened to, or examples of a kind
_LIKENED = re.compile(  # (with the names listed before it, if any)
    r"\b(?:such\s+as|like|unlike)\s+(?:[“\"]?[^,.;“\"]{1,40}[,”\"]+\s*(?:and\s+|or\s+)?){0,4}"
    r"[“\"]?$",
    re.I,
)
# who hands out a prize or hosts the night is not who won it ("Andrew Garfield will present
# the SAG life achievement award to …")
_PRESENTS = re.compile(
    r"(?:\s*,[^,]{1,60},)?\s+(?:will\s+|is\s+(?:set\s+)?to\s+|was\s+to\s+)?"
    r"(?:present(?:s|ed|ing)?|hand(?:s|ed)?\s+(?:out|over)|host(?:s|ed|ing)?|emcee(?:s|d)?)\b",
    re.I,
)
_SPEECH = word_forms(
    "say said says tell told tells tweet tweeted write wrote add added argue argued note noted"
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_LABELLED = re.compile(r"\b([a-z][a-z’'-]+)\s*\(\s*$")  # "best actress (" before a name
_CLOSED = re.compile(r"\s*\)")
# when it happened ("in 2002", "from 2000 to 2007", "Oct. 4, 2021"), not "since 1991"
_IN_YEAR = re.compile(
    r"\b(?i:in|from|between|during)\s+(?:the\s+)?(?:19|20)\d\d\b|"
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},\s+(?:19|20)\d\d\b"
)


def lower_words(sentences: Iterable[str]) -> set[str]:
    """The words the sentences write in lower case (for ``rules_out``)."""
    return {w for text in sentences for w in _LOWER_WORD.findall(text)}


_AS_ADJECTIVE = re.compile(r"-(?:dollar|pound|euro|yuan|yen)$", re.I)  # "multibillion-dollar"
_PRICED = re.compile(r"\s+([a-z]+)(?:\s+([a-z]+))?")  # "… partnership", "… cloud deal"
_LINKING = {"with", "for", "in", "of", "that", "to", "and", "on", "by", "from", "over", "between"}
_WORTH = {"worth", "valu"}
_PUT_IN = re.compile(
    r"\b(?:pour|invest|rais|spen[dt]|paid|pay|lent|lend|loan|donat)\w*\s+(?:[\w$.,-]+\s+){0,3}$",
    re.I,
)
_COMPANY = {"company", "companie", "firm", "rival", "competitor", "business", "businesse"}
_OWNER_BEFORE = re.compile(r"\b([A-Z][\w&.-]*)['’]s\s+$")


def rules_out(sentence: str, span: Span, asked: Asked, wanted: set[str], lowered: set[str]) -> bool:
    """Whether the sentence says the span is no answer: it denies the span did what is asked,
    numbers a name the question gives, is a headline's topic label or a common word opening
    the sentence, or counts a group of the best. ``wanted``: the question's content words;
    ``lowered``: ``lower_words``."""
    opens = not sentence[: span.start].strip(" “\"'")
    return (
        denied(sentence[span.end :], wanted)
        or demanded(sentence, span, wanted)
        or _labels_given(sentence, span, wanted, asked)
        or (opens and bool(_KICKER.match(sentence, span.end)))
        or (opens and _common_word(span, lowered))
        or (opens and _class_of(sentence, span))
        # "the two biggest peaks": a group of the best, not a tally
        or (span.kind == "number" and bool(_TOP_GROUP.match(sentence, span.end)))
        or (_asks_for_another(asked, wanted) and _owned_by_given(sentence, span, wanted))
        or (span.kind == "money" and _prices_another(sentence, span, wanted))
        # "poured billions into …" is what was put in, not what something is worth
        or (
            span.kind == "money"
            and bool(wanted & _WORTH)
            and _PUT_IN.search(sentence[: span.start])
        )
    )


def _prices_another(sentence: str, span: Span, wanted: set[str]) -> bool:
    """Whether an amount written as an adjective prices a thing the question does not ask
    about ("a multibillion-dollar partnership", asked what Google Cloud is worth)."""
    m = _PRICED.match(sentence, span.end) if _AS_ADJECTIVE.search(span.text) else None
    if m is None:
        return False
    first, second = m.groups()  # the noun priced: "cloud partnership", "partnership with"
    thing = singular(second if second and second not in _LINKING else first)
    return not ({thing} | same_sense(thing)) & wanted


def _asks_for_another(asked: Asked, wanted: set[str]) -> bool:
    """Whether the question asks for a company, or for a rival of one it names ("which
    companies …", "who competes with Google?"): not a thing the one named owns."""
    rivalry = any(w.startswith(("compet", "rival")) for w in wanted)
    return singular(asked.noun) in _COMPANY or rivalry


def _owned_by_given(sentence: str, span: Span, wanted: set[str]) -> bool:
    """Whether a name the question gives owns the span ("Google’s Gemini", asked which
    companies compete with Google): its product or unit, no other company (but "Griner's
    Phoenix Mercury" may be the team asked for)."""
    m = _OWNER_BEFORE.search(sentence, 0, span.start)
    return bool(m) and bool(word_forms(m.group(1)) & wanted)


def _labels_given(sentence: str, span: Span, wanted: set[str], asked: Asked) -> bool:
    """Whether the number is part of a name the question gives ("Super Bowl 57" for "what
    was the score of the Super Bowl?"), not the label it asks for ("Category 5" for "what
    category was the storm?")."""
    label = label_before(sentence, span) if span.kind == "number" else ""
    return bool(word_forms(label) & wanted) and singular(label.lower()) != asked.noun


def _class_of(sentence: str, span: Span) -> bool:
    """A common plural opening the sentence before examples of it ("Startups like Anthropic
    need …", "Companies such as Google"): a kind of thing, not a name."""
    return (
        " " not in span.text
        and span.text.endswith("s")
        and bool(_EXAMPLES.match(sentence, span.end))
        and is_common_word(span.text)
    )


def _common_word(span: Span, lowered: set[str]) -> bool:
    """One word the sentences also write in lower case ("Police" beside "police cameras")."""
    return (
        span.kind in ("name", "organisation")
        and " " not in span.text
        and (span.text.lower() in lowered)
    )


def counts_less(
    sentence: str,
    span: Span,
    asked: Asked,
    wanted: set[str],
    places: frozenset[tuple[str, str]] = frozenset(),
) -> bool:
    """Whether the span is a value beside the one asked: a count of another act than the
    question's ("874,000 people affected", asked how many died), what it is compared with
    ("compared with millions for a satellite", "up from $1.79"), or someone commenting on the
    act the sentence has already told ("While the administration shot down the balloon …,
    Rep. Mike Turner, R-Ohio, told NBC …", asked who shot it down), or whom they told it
    ("NBC"); a count of another kind of event ("died in a fire", asked about a shooting), of
    another city or country only (``places``: the question's, from ``question_places``), or
    one someone hoped for ("hoped to kill over 40"); and who presents a prize or hosts the
    night, asked who won; or a name in brackets after another role ("best actress (Michelle
    Yeoh)", asked who directed it)."""
    return (
        _counts_another(sentence[span.end :], asked, wanted)
        or bool(_COMPARED.search(sentence, 0, span.start))
        or _commenting(sentence, span, wanted)
        or bool(_AUDIENCE.search(sentence, 0, span.start))
        or (bool(wanted & _WINNING) and bool(_BEATEN.search(sentence, 0, span.start)))
        or (bool(wanted & _WINNING) and bool(_PRESENTS.match(sentence, span.end)))
        or (
            bool(wanted & _WINNING)
            and not wanted & _TIMES
            and bool(_TALLY.match(sentence, span.end))
        )
        or (asked.kind in ("title", "person", "organisation") and _likened(sentence, span, asked))
        or _labelled_otherwise(sentence, span, wanted)
        or _anothers_clause(sentence, span, asked, wanted)
        or _another_event(sentence, asked, wanted)
        or (asked.kind == "number" and another_place(sentence, places))
        or (asked.kind == "number" and another_country(sentence, span, places))
        or bool(asked.kind == "number" and _HOPED.search(sentence, 0, span.start))
    )


def _likened(sentence: str, span: Span, asked: Asked) -> bool:
    """Whether the span is what the sentence likens the news to, or one of its examples of a
    kind ("such as “CODA,” “Parasite” and …"), asked for one name (not "which companies")."""
    if asked.noun.endswith("s") and asked.noun not in ("who", "us"):
        return False
    before = sentence[max(0, span.start - 120) : span.start]
    return bool(_LIKENED.search(before))


def _labelled_otherwise(sentence: str, span: Span, wanted: set[str]) -> bool:
    """Whether a name in brackets is given by the word before them as holding something the
    question does not ask about ("best actress (Michelle Yeoh)", asked who directed it; "its
    CEO (Jane Doe)", asked who founded it)."""
    if span.kind not in ("person", "name", "organisation"):
        return False
    m = _LABELLED.search(sentence, 0, span.start)
    if not m or not _CLOSED.match(sentence, span.end):
        return False
    return not word_forms(m.group(1)) & wanted


def receives(question: str, sentence: str, span: Span) -> bool:
    """Whether the name at ``span`` is where what the question asks who sends goes ("tanks
    for Ukraine's military", "to battlefields in Ukraine", asked which country is sending
    tanks), when the question does not ask where it goes."""
    if not _GIVING.search(question) or _TO_WHOM.search(question):
        return False
    return bool(_RECIPIENT.search(sentence, 0, span.start))


def _another_event(sentence: str, asked: Asked, wanted: set[str]) -> bool:
    """Whether a count is of another kind of event than the question's ("40 people have died
    in a fire", asked how many were killed in a shooting)."""
    if asked.kind != "number":
        return False
    asked_kinds = {k for k, forms in _event_forms().items() if forms & wanted}
    if not asked_kinds:
        return False
    told = word_forms(_OPENED_FIRE.sub(" ", sentence))
    kinds = {k for k, forms in _event_forms().items() if forms & told}
    return bool(kinds) and not kinds & asked_kinds


@functools.cache
def _event_forms() -> dict[str, set[str]]:
    return {words.split()[0]: word_forms(words) for words in _EVENTS}


def _commenting(sentence: str, span: Span, wanted: set[str]) -> bool:
    if not _SPEAKS.match(sentence, span.end) or wanted & _SPEECH:
        return False  # "who said …?" asks for the speaker
    before = sentence[: span.start]  # a clause before the speaker's own ("Corvid Labs CEO
    clause = before[: max(0, before.rfind(","))]  # Mira Okafor said" is not one)
    if _OWN_ACT.match(clause):
        return False  # "After winning the Oscar, Michelle Yeoh said": her own act
    return len(word_forms(clause) & wanted) >= 2


def _counts_another(after: str, asked: Asked, wanted: set[str]) -> bool:
    if asked.kind != "number":
        return False
    if not asked.unit:
        return False
    m = _COUNTED.match(after, 0)
    if not m or not re.match(rf"{re.escape(singular(asked.unit.lower())[:4])}", m.group(1), re.I):
        return False
    forms = word_forms(m.group(2))
    return not forms & wanted and not any(same_sense(f) & wanted for f in forms)


_TOP_GROUP = re.compile(r"\s+(?:most\s+\w+|[a-z]{2,}est)\s+[a-z]+s\b")


def replaced(sentence: str, span: Span) -> bool:
    """Whether the sentence says the news replaced the span ("ending the Labrador
    retriever's 31-year term", "overtaking Quillon")."""
    return bool(_OUSTED.search(sentence, 0, span.start))


def older_event(sentence: str, past: int | None) -> bool:
    """Whether the sentence places its event in a year before ``past`` and names no later
    one ("More than 1,000 people died in 2002"; "the first since 1991" is background)."""
    if past is None or not _IN_YEAR.search(sentence):
        return False
    return all(int(y) < past for y in _YEAR.findall(sentence))


# a clause telling of another name than the question's: "…, including Amazon, which invested
# heavily through its AWS platform in late 2024"
_WHICH_CLAUSE = re.compile(r"\b([A-Z][\w&.-]+)\s*,\s*(?:which|who)\s+[^,;.]*$")


def _anothers_clause(sentence: str, span: Span, asked: Asked, wanted: set[str]) -> bool:
    """Whether a date or amount sits in a clause about a name the question does not give
    ("Amazon, which invested … in late 2024", asked when Google invested)."""
    if asked.kind not in ("date", "money", "number"):
        return False
    m = _WHICH_CLAUSE.search(sentence, 0, span.start)
    return bool(m) and not word_forms(m.group(1)) & wanted
