"""Short answers of the kind a question asks for, read from the quoted evidence: a person for
"who", a place for "which country", an amount for "how much did it cost", a number with its
unit for "how many years".

Every candidate span of the right shape in the best sentences gets a vote: the sentence's
relevance, times how well the span's kind fits the kind asked (a gazetteer place for "which
country", a name after "chief executive" for "who"), times how close it sits to the words the
question shares with the sentence. Spans the question already names never count. The answer is
the span with the most votes, and only when it has enough of them and clearly leads: a wrong
short answer costs the reader more than none.

Example:
    >>> typed_answer("Which team does Damar Hamlin play for?", Asked("organisation", "team"),
    ...              [("Damar Hamlin, a safety for the Buffalo Bills, collapsed.", 1.0)])
    'Buffalo Bills'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rag.answer.amounts import going_on, scores, since_date, with_unit
from rag.answer.base import Span, initials, singular, word_forms
from rag.answer.closeness import anchors, closeness
from rag.answer.fitting import FIT, NAMED, kind_fit, unlikeness
from rag.answer.gazetteer import is_first_name
from rag.answer.places_asked import question_places
from rag.answer.roles import (
    asked_act,
    asked_done_to,
    asked_owner,
    asks_current,
    asks_successor,
    does_it,
    done_to,
    former,
    holds_role_of,
    leaving,
    not_the_agent,
    other_owner,
    taking_over,
)
from rag.answer.sides import made_thing, maker, maker_named, side_points
from rag.answer.spans import find_spans, joined
from rag.answer.surroundings import (
    counts_less,
    lower_words,
    older_event,
    receives,
    replaced,
    rules_out,
)
from rag.answer.votes import Votes, answer_key, decide, glossing, merged, weighed
from rag.answer.whose import (
    anothers,
    asks_several,
    leader_of,
    located,
    names_given,
    peoples_countries,
    possessed,
)
from rag.retrieve.answer_kind import Asked

Likeness = Callable[[str, list[str]], Sequence[float]]
_OLDER = 0.5  # what a sentence from before the period the question names counts for
_CURRENT_SHARE = 0.25  # a current sentence holding less of what is asked tells no current news
_SUPERSEDED = 0.3  # what a value some sentence says a figure moved from counts for
_OTHER_YEAR = 0.3  # what a sentence naming only other years than the question counts for
_WHEN_NEXT = re.compile(r"^\W*when\s+(?:is|are|will|does|do)\b", re.I)  # a coming day asked
_BARE_YEAR = 0.5  # what a year alone counts for then
_OTHER_COUNT = 0.3  # what a value beside the one asked counts for (another act's count)
_DONE_TO = 2.0  # a name right after the verb "who did X <verb>?" asks of, against the others
_UNOWNED = 0.5  # a name not given the role of the owner asked about ("who is China's president?")
_THIS_YEAR = re.compile(r"\bthis\s+year\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_COUNTRY_NOUNS = {"country", "nation"}
# nouns a person or a company may answer ("which broadcaster": David Attenborough or the BBC)
_PERSON_OR_FIRM = {
    "broadcaster", "investor", "backer", "buyer", "bidder", "owner", "sponsor", "partner",
    "rival", "competitor", "donor", "supplier", "customer", "client", "publisher",
}  # fmt: skip
_PRONOUNS = {"everyone", "everybody", "someone", "somebody", "anyone", "anybody", "nobody"}
_NOT_SINCE = 0.5  # a date asked "how long has it been" the sentence does not say it began
_PEOPLES = 0.36  # what a country named by its people's adjective counts for
_ROMAN = {"ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii", "xiv", "xv", "xvi", "jr", "sr"}
_STOP = set(
    """what which who whom whose when where why how is was are were be been the a an of in on
    at to for from by with and or this that these those did does do has have had will would
    can could should its his her their it he she they week year day new""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Coverage:
    """Which of the question's words (weighted by rarity, summing to 1) each sentence holds."""

    weights: Mapping[str, float]
    forms: Sequence[frozenset[str]]  # per sentence, the word forms it holds
    # a follow-up's own words, apart from what it carries ("direct" of "who directed it
    # (who won best picture)"); empty for a question that carries nothing
    own: frozenset[str] = frozenset()

    def of(self, rows: Iterable[int]) -> float:
        """The share of the question the sentences ``rows`` hold together."""
        held: set[str] = set()
        for row in rows:
            held |= self.forms[row]
        return sum(w for form, w in self.weights.items() if form in held)


def typed_answer(
    question: str,
    asked: Asked,
    sentences: Sequence[tuple[str, float]],
    *,
    exclude: Sequence[str] = (),
    answered: Sequence[str] = (),
    likeness: Likeness | None = None,
    coverage: Coverage | None = None,
    current: Sequence[bool] | None = None,
    year: int | None = None,
    newest: int | None = None,
) -> str | None:
    """The short answer of kind ``asked.kind`` the sentences agree on, or None.

    Args:
        question: as asked (its own names are never the answer).
        asked: the kind of answer the question wants (``read_kind``).
        sentences: (text, relevance) of the quoted sentences, best first.
        exclude: names never to answer with (the indexed outlets).
        answered: the answers already given to the question asked again ("who else?"): never
            the answer, nor a name only a sentence naming them gives ("OpenAI" of "founded
            by former OpenAI executives Dario and Daniela Amodei").
        likeness: ``likeness(phrase, names)``, the cosine of each name to the phrase that
            describes the answer ("pharmacy chain", "US state"), from the embedding model;
            None leaves it out.
        coverage: which of the question's words each sentence holds; an answer is only given
            when the sentences it is read in hold, together, enough of what is asked (so a
            name two sentences agree on answers a question that strings two facts together).
            None: all count.
        current: whether each sentence is from the period the question names ("this week");
            the answer must come from one that is, and others count for less. None: all are.
        year: the year the question is asked in, which "this year" means.
        newest: the year of the newest article found (up to ``year``); sentences on events
            of years before the one before it count less. None: ``year``.
    """
    either = asked.noun == "who" or singular(asked.noun) in _PERSON_OR_FIRM
    fits = FIT.get("who" if either else asked.kind)
    if fits is None or not sentences:
        return None
    asked_forms = word_forms(question)
    given = asked_forms | {w for e in [*exclude, *answered] for w in word_forms(e)}
    excluded = [answer_key(e) for e in [*exclude, *answered]]
    before = [answer_key(a) for a in answered]
    acronyms = initials(question) | set(re.findall(r"\b[A-Z]{2,6}\b", question))
    wanted = asked_forms - _STOP
    owner = asked_owner(question, [t for t, _ in sentences]) if asked.kind == "person" else None
    if owner:
        fits = FIT["person"]  # "who is the CEO of …": a person, not a company acting as one
    top = max(score for _, score in sentences) or 1.0
    this_year = {str(year)} if year and _THIS_YEAR.search(question) else set()
    years = set(_YEAR.findall(question)) | this_year if asked.kind != "date" else set()
    # with no year named, news is of the year of the newest article or the one before: an
    # earthquake that "killed 1,000 in 2002" is an older one
    latest = newest or year
    past = latest - 1 if latest and not years and asked.kind != "date" else None
    lowered = lower_words(text for text, _ in sentences)
    places = question_places(question, lowered) if asked.kind == "number" else frozenset()
    succession = asks_successor(question)
    current_holder = asks_current(question)  # "who is the CEO?": not a former one
    made = made_thing(question) if asked.kind in ("person", "organisation") else ""
    several = asks_several(question, asked)
    act = asked_act(question) if asked.kind in ("person", "organisation") else set()
    done = asked_done_to(question) if asked.kind in ("person", "organisation") else set()
    # when some sentences are older news, a current one must hold some of what is asked to
    # make a name current news ("Liverpool thrash United", not the cup Liverpool won last year)
    dated = current is not None and not all(current)
    votes: dict[str, Votes] = {}
    superseded: set[str] = set()  # values a sentence says a figure moved from
    left: set[str] = set()  # who a sentence says is leaving the role a successor is asked for
    glosses: dict[str, str] = {}  # a name in brackets, and the one it glosses
    # a follow-up's own words ("directed" of "who directed it"), when some sentence holds
    # them: a sentence holding none is about the earlier turn's topic, not what is asked of it
    own = coverage.own if coverage is not None else frozenset()
    if own and not any(coverage.forms[row] & own for row in range(len(sentences))):
        own = frozenset()  # said in other words ("Where does he work?": "a strategist at")
    # "how long have they been in talks?": a date only a sentence about the talks gives
    acts = going_on(question, coverage.weights) if coverage and asked.noun == "since" else set()
    # "what is Google's flagship model": not one a sentence writes as another's (for names
    # asked, a role's owner is read by ``other_owner``, and "Anthropic’s competitor" is
    # Google's too)
    theirs = possessed(question) if asked.kind not in NAMED else None
    based = located(question)
    for row, (text, score) in enumerate(sentences):
        if own and not coverage.forms[row] & own:
            continue
        if any(f" {a} " in f" {answer_key(text)} " for a in before):
            continue  # "who else?": a sentence naming the one answered tells of them
        if theirs and anothers(text, *theirs):
            continue  # "Anthropic’s flagship model, Claude" names no model of Google's
        if based and not based & word_forms(text):
            continue  # "where is Google based?": not "Anthropic, the San Francisco–based firm"
        if acts and not acts <= coverage.forms[row]:
            continue
        share = coverage.of([row]) if coverage is not None else 1.0
        weight = max(score, 0.0) / top
        now = current is None or current[row]
        weight *= 1.0 if now else _OLDER
        weight *= _other_year(text, years)
        if older_event(text, past):  # "More than 1,000 people died in 2002"
            weight *= _OTHER_YEAR
        if succession and not taking_over(text, asked_forms):
            # "who is the new chief of staff?": only a sentence naming one says, but one
            # may say who is leaving ("Jacinda Ardern is quitting")
            left |= {
                answer_key(s.text)
                for s in find_spans(text, asked.kind)
                if leaving(text, s.start, s.end)
            }
            continue
        near = anchors(text, wanted)
        seen: set[str] = set()
        found = find_spans(text, asked.kind)
        if asked.noun == "score":  # "what was the score?": "38-35", not "38" and "35"
            found = scores(text) + found
        peoples = peoples_countries(text) if asked.noun in _COUNTRY_NOUNS else []
        found = found + peoples
        if several and asked.kind != "thing":  # "which agencies": "the FTC and the EC"
            found = [j for j in joined(text, found) if not names_given(j, given)] + found
        for span in found:
            if span.detail == "side" and not asked.unit:
                continue  # a side of "7-5, 6-2" is points or games, not a tally asked "how much"
            if written := glossing(text, span.start, span.end, found):
                glosses[answer_key(span.text)] = written  # "TPUs (Tensor Processing Units)"
            span = _without_given(span, given)
            span = (made and maker_named(span, made)) or span  # "Microsoft" of "… Azure"
            if owner and span.kind not in ("person", "name"):
                continue  # "who is the CEO of Anthropic?" asks for a person
            fit = kind_fit(span, asked, fits)
            if span.kind == "name" and " " in span.text and does_it(text, span.end, act):
                fit = max(fits.values())  # "LeBron James passed …", asked who passed: a doer
            if done:  # "who did LeBron James pass?": "… passed Kareem Abdul-Jabbar"
                fit *= _DONE_TO if done_to(text, span.start, done) else 1 / _DONE_TO
            if span in peoples and not leader_of(text, span):
                fit *= _PEOPLES  # "German tanks" says less of Germany than its name
            if asked.kind == "date" and _other_year(span.text, this_year) < 1:
                fit *= _OTHER_YEAR  # "the deadline this year" is not in August 2021
            if asked.kind == "date" and span.text.isdigit() and _WHEN_NEXT.match(question):
                fit *= _BARE_YEAR  # "when is the Super Bowl?": its day, not "the 2023 Super Bowl"
            span = with_unit(text, span, asked.unit)
            if asked.noun == "since":  # "how long has it been …": "since 2023"
                span = since_date(text, span)
                fit *= 1.0 if span.detail == "since" else _NOT_SINCE
            key = answer_key(span.text)
            words = word_forms(span.text)
            if (
                not key
                or key in _PRONOUNS  # "Everyone’s both a client and a competitor"
                or fit <= 0
                or words - _ROMAN <= given  # "Charles III" when the question names Charles
                or key in seen
                or any(f" {e} " in f" {key} " for e in excluded)  # "Google Cloud" is Google's
                or _abbreviated(span.text, acronyms)
                or (owner and other_owner(text, span.start, span.end, owner))
                or not_the_agent(text, span.start, span.end, asked_forms)
                or (current_holder and former(text, span.start))
                or rules_out(text, span, asked, wanted, lowered)  # "has never won"
            ):
                continue  # "NIT" for "National Invitational Tournament", or Google's CEO for
                # Anthropic's
            # "University of Virginia" for "which university": the noun asked names its kind
            fit *= unlikeness(span, asked, words & wanted - word_forms(asked.noun), text)
            if counts_less(text, span, asked, wanted, places):
                fit *= _OTHER_COUNT  # "874,000 people affected" for "how many people died"
            fit *= maker(text, span, made)  # "Google's proprietary AI chips", not the chips
            if asked.kind in NAMED and receives(question, text, span):
                fit *= _OTHER_COUNT  # "tanks for Ukraine's military": Ukraine gets them
            if owner and not holds_role_of(text, span.start, span.end, owner):
                fit *= _UNOWNED  # "Chinese President Xi Jinping", more than "Joe Biden"
            fit *= side_points(text, span, asked, wanted)  # the Chiefs' 38, not the Eagles' 35
            seen.add(key)
            vote = votes.setdefault(key, Votes(surface(span.text, span.kind), kind=span.kind))
            # a name in a sentence holding all of what is asked counts most
            vote.total += weight * share * fit * closeness(span, near, asked, text)
            vote.sentences += 1
            vote.best_fit = max(vote.best_fit, fit)
            vote.rows.add(row)
            vote.current = vote.current or (now and (share >= _CURRENT_SHARE or not dated))
            if span.detail == "before" or replaced(text, span):
                superseded.add(key)  # "from 100 seconds", "ending the Labrador's 31-year term"
            if succession and leaving(text, span.start, span.end):
                left.add(key)  # "Ardern is quitting": not the new prime minister asked for
    for key, vote in votes.items():
        vote.coverage = coverage.of(vote.rows) if coverage is not None else 1.0
        if key in superseded:  # "moved from 100 seconds to 90": 100 is what it was
            vote.total *= _SUPERSEDED
        if key in left:
            vote.total = 0.0
    if likeness is not None and asked.phrase and len(votes) > 1:
        names = weighed(votes)  # (the rest could not lead, nor come near the leader)
        likes = likeness(asked.phrase, [votes[k].text for k in names])
        for key, like in zip(names, likes, strict=True):
            votes[key].total *= 0.5 + max(0.0, float(like))  # a pharmacy chain, not a governor
    # names of several agents or places, each read in its own sentence ("Google and Amazon");
    # not things, which a sentence lists beside others of no kind asked
    kept = merged(votes)
    for vote in kept:  # the name as the writer chose it, not the gloss in brackets after it
        vote.text = glosses.get(answer_key(vote.text), vote.text)
    return decide(kept, several=several and asked.kind in NAMED)


def _other_year(sentence: str, years: set[str]) -> float:
    """1, or less for a sentence naming only other years than the question does: "the 2022
    Academy Awards" is another ceremony than the 2023 one asked about."""
    named = set(_YEAR.findall(sentence))
    if not years or not named or named & years:
        return 1.0
    return _OTHER_YEAR


_CORPORATE = re.compile(r"(?:,?\s+(?:Inc|Corp|Co|Ltd|LLC|plc|PLC|Corporation|Incorporated)\.?)+$")


def _without_given(span: Span, given: set[str]) -> Span:
    """ "Suga" of "Suga of BTS" when the question names BTS."""
    head, of, tail = span.text.rpartition(" of ")
    if not of or not head or not word_forms(tail) <= given:
        return span
    kind, evidence = span.kind, span.evidence
    if kind == "name" and len(head.split()) >= 2 and is_first_name(head.split()[0]):
        kind, evidence = "person", 1  # "Lina Park" of "Lina Park of Nightjar"
    return Span(head, span.start, span.start + len(head), kind, evidence, span.detail)


def surface(text: str, kind: str) -> str:
    """The form to answer with: no "Inc." or "Corp." after a company's name."""
    return _CORPORATE.sub("", text) if kind in ("organisation", "name", "thing") else text


def _abbreviated(name: str, initials: set[str]) -> bool:
    """Whether ``name`` is one of the question's acronyms ("NIT", "U.S." for "US"), or spells
    one out ("Amazon Web Services" for "AWS")."""
    dotless = name.replace(".", "")  # "U.S." is the question's "US"
    if name in initials or name.rstrip("s") in initials or dotless in initials:
        return True
    capitals = "".join(w[0] for w in name.split() if w[:1].isupper())
    return len(capitals) >= 2 and capitals in initials
