"""Which of the question's words each quoted sentence holds, each weighted by how rare it is in
the index: what ranks sentences for the extractive answer and gates its short answer.

Word forms meet across plural and singular ("TPUs", "TPU"), across a stem's longer and shorter
forms ("founders", "founded") and across words reporting the same act ("poured" for
"invested"); a sentence opening on a pointer back ("The tech giant …") holds the names of the
sentence before it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from rag.answer.base import (
    MAKING_VERB,
    AnswerRequest,
    initials,
    other_forms,
    same_sense,
    singular,
    word_forms,
)
from rag.answer.candidates import Candidate, with_referent
from rag.answer.gazetteer import is_place
from rag.answer.roles import demonym
from rag.answer.sides import made_thing, owns_thing
from rag.answer.spans import find_spans
from rag.answer.typed import Coverage
from rag.index.words import tokenize
from rag.retrieve.conversation import carried_context

_STEM = 5  # word forms this long meet the longer forms they begin ("found", "founder")
_POINTS_BACK = re.compile(
    r"(?:The|This|That|These|Those)\s+(?:[“\"][^”\"]{1,40}[”\"]\s+|[\w-]+\s+){0,2}?(?:company|firm|giant|group|startup|"
    r"maker|move|deal|agreement|partnership|country|team|club|agency|bank|chain|network|"
    r"star|singer|actor|actress|player|leader|president|minister|executive|official)s?\b|"
    r"(?:It|He|She|They|Its|His|Her|Their)\b"
)
_ATTRIBUTED = re.compile(r"[”\"],?\s+(?:says|said|notes|noted|told|added|wrote)\b")
_CAPITALISED = re.compile(r"\b[A-Z][\w&’'-]*")
_LOWER_CODE = re.compile(r"\b([a-z]{2,5})\b")
_ACRONYM = re.compile(r"\b([A-Z]{2,6})s?\b")
# what an amount of money is, as ``singular`` writes the words ("worth" of "what is it worth")
_AMOUNT_NOUNS = {"money", "amount", "sum", "price", "cash", "worth", "cost", "valu"}
_EMPLOYER_VERBS = frozenset(tokenize("work works working worked study studies studied studying"))
_CONDITION = re.compile(r"\bstate(?=\s+of\s+(?:the\s+)?([\w’'-]+(?:\s+[A-Z][\w’'-]+)*))")
# adjectives whose adverb says something else ("finally", "hardly", "nearly"), which the index
# stems to the adjective
_ADVERB_ONLY = {"final", "actual", "general", "hard", "late", "near", "bare", "short", "present"}
_HOW_MEASURE = re.compile(
    r"\bhow\s+(?:big|large|long|old|far|tall|high|fast|deep|often|strong|hot|cold|soon|small|"
    r"heavy|wide)\b",
    re.I,
)
_COMPARING = re.compile(
    r"\s+(?:vs\.?|versus)\s+|(?P<what>\bcompar(?:e|ed|ing)\b|\bdifferences?\s+between\b)", re.I
)
_JOINED = re.compile(r",?\s+(?:and|with|to|or|vs\.?|versus)\s+|,\s+", re.I)
# "what does OpenAI make?": the maker asked about
_MAKER = re.compile(
    rf"\b(?:what|which\s+[\w-]+)\s+(?:does|did|do|has|have)\s+([\w&.’'-]+(?:\s+[\w&.-]+)?)\s+"
    rf"{MAKING_VERB}\b",
    re.I,
)
_USED_FOR = re.compile(r"\bused\s+for\b", re.I)
_NO_WORD = "\x00"  # a token no index holds: its rarity is that of an unseen word
_UNSEEN_SHARE = 0.5  # a word no article uses weighs this share of the rarest one they use
_UNREPORTED = 0.6  # words no article uses holding this share of a question: no short answer
_DESCRIBED = 0.5  # what a word describing a name the question gives weighs
_APPOSITIVE = re.compile(r"[A-Z][\w&’'-]*,\s+(?:the|a|an)\s+([^,?]+?)\s*(?:,|\?|$)")
# the words every question is made of ("s" of "Anthropic's", "t" of "don't"; "relationship"
# of "what is Google's relationship with Anthropic", which asks how the two stand; "key" and
# "main" of "what are the main risks", "mentioned" of "which companies are mentioned",
# "involved" of "is Microsoft involved", "important" of "why is compute important", "want"
# of "why does Anthropic want Google", which asks its reasons; "difference" and "compare",
# which ask for each side; "else" and "besides" of "who else invested besides Google")
_WHICH_TIME = re.compile(r"\b(?:what|which)\s+(?:year|month|day|date)\b", re.I)
# "when did Google first invest": when it began, which no sentence says with "first"
_WHEN_FIRST = re.compile(
    r"^(\W*when\s+(?:did|does|do|was|were)\s+\S+(?:\s+\S+){0,2}?)\s+first\b", re.I
)
# "what is the name of Anthropic's model": the model asked for (no sentence says "name")
_NAME_OF = re.compile(
    r"\b((?:what|which)(?:['’]s|\s+(?:is|was|are|were)))\s+the\s+(?:names?|titles?)\s+of\s+", re.I
)
_QUESTION_WORDS = set(
    """what which who whom whose when where why how is was are were be been being do does did
    has have had will would can could should shall may might must the a an of in on at to
    for from by with about as and or but not this that these those it its there their they
    he she his her them tell me please know any some latest recent recently new news much out
    many s t behind relationship relationships happen happened happens happening mentioned
    mention mentions key main involved involve involvement important importance significant
    significance want wants wanted between among vs versus difference differences compare
    compared comparison else besides anyone anybody others""".split()  # noqa: SIM905
)


def _asking(question: str) -> str:
    """The question without the word that says what measure it asks for ("big" of "How big
    is the deal?"): no sentence answers by repeating it ("the big players"); "the state of
    the deal" asks its status (not "the state of Texas")."""
    question = _CONDITION.sub(lambda m: m.group(0) if is_place(m.group(1)) else "status", question)
    question = _USED_FOR.sub("for", question)  # "what is Claude used for": its purpose
    question = _WHICH_TIME.sub("when", question)  # "what year": no sentence says "year"
    question = _NAME_OF.sub(r"\1 ", question)
    question = _WHEN_FIRST.sub(r"\1", question)  # "when did Google first invest": its start
    return _HOW_MEASURE.sub("how", question)


@functools.cache
def _question_forms() -> frozenset[str]:
    """The question words as the index writes them ("does" -> "doe"), and as written."""
    return frozenset(_QUESTION_WORDS) | frozenset(tokenize(" ".join(sorted(_QUESTION_WORDS))))


def question_coverage(request: AnswerRequest, candidates: list[Candidate]) -> Coverage:
    """Which of the question's content words each sentence holds, each word weighted by how
    rare it is in the index (a sentence naming "Claude" covers "What is Claude?"); plural and
    singular forms meet ("TPUs", "TPU")."""
    skip = _question_forms()
    tokens = [t for t in tokenize(_asking(request.standalone)) if t not in skip]
    rarity = request.idf(tokens) if request.idf is not None else np.ones(len(tokens))
    if request.idf is not None and len(rarity):
        unseen = float(request.idf([_NO_WORD])[0])
        rarity = _by_stem(tokens, rarity, unseen, request.idf)
        rarity = _unseen_capped(rarity, unseen)
    described = _described(request.standalone, skip)
    carried = _carried(request.standalone, skip)
    weights: dict[str, float] = {}
    for token, weight in zip(tokens, rarity, strict=True):
        form = singular(token)
        if token in described or token in carried:  # "Anthropic, the company behind
            weight = _DESCRIBED * weight  # Claude": who it is, not what is asked; and what a
            # follow-up carries from earlier turns, not what it asks itself
        weights[form] = max(weights.get(form, 0.0), float(weight))
    total = sum(weights.values()) or 1.0
    share = {form: weight / total for form, weight in weights.items()}
    forms = [held(share.keys(), _sentence_words(c)) for c in candidates]
    # "Google is Anthropic's investor. The tech giant has poured billions into the company":
    # a sentence opening on a pointer back, or going on with a quote the sentence before
    # attributed, holds the names of the sentence before it
    for i in range(1, len(candidates)):
        before, c = candidates[i - 1], candidates[i]
        if before.hit.chunk_id == c.hit.chunk_id and _continues(before.text, c.text):
            named = word_forms(" ".join(_CAPITALISED.findall(before.text)))
            forms[i] = forms[i] | held(share.keys(), named)
    # "the FTC" is held by a sentence naming the Federal Trade Commission
    acronyms = {a: singular(a.lower()) for a in _ACRONYM.findall(request.standalone)}
    # typed in lower case ("what is the ftc"): a short word no article uses as written
    typed = {w for w in _LOWER_CODE.findall(request.standalone) if w in _unheld(share, forms)}
    acronyms |= {w.upper(): singular(w) for w in typed}
    acronyms = {a: form for a, form in acronyms.items() if form in share}
    if acronyms:
        for i, c in enumerate(candidates):
            spelled = initials(c.text)
            forms[i] = forms[i] | {form for a, form in acronyms.items() if a in spelled}
    # "his Mexican counterpart" is held by "Mexico's President …", "in Mexico" by "Mexican"
    peoples = {singular(w.lower()) for w in _CAPITALISED.findall(request.standalone)}
    peoples &= share.keys()
    if peoples:
        for i, c in enumerate(candidates):
            named = {
                singular(w.lower().removesuffix("’s").removesuffix("'s"))
                for w in _CAPITALISED.findall(c.text)
            }
            forms[i] = forms[i] | {
                p for p in peoples if any(demonym(p, n) or demonym(n, p) for n in named)
            }
    # "how much money is involved?": a sentence giving an amount holds "money"
    amounts = share.keys() & _AMOUNT_NOUNS if request.intent.asked.kind == "money" else set()
    if amounts:
        for i, c in enumerate(candidates):
            if any(s.kind == "money" for s in find_spans(c.text, "money")):
                forms[i] = forms[i] | amounts
    # "who made ChatGPT?" and "what does OpenAI make?": "OpenAI’s ChatGPT" says, without
    # the verb
    thing = made_thing(request.standalone)
    maker = _MAKER.search(request.standalone)
    making = share.keys() & _making_forms(request.standalone) if thing or maker else set()
    if making:
        for i, c in enumerate(candidates):
            said = with_referent(c, request.hits)  # "Its flagship model, Claude": Anthropic's
            if (thing and owns_thing(said, thing)) or (maker and _owns_named(said, maker[1])):
                forms[i] = forms[i] | making
    own = frozenset(share.keys() - {singular(t) for t in carried}) if carried else frozenset()
    return Coverage(share, forms, own)


def _owns_named(sentence: str, owner: str) -> bool:
    """Whether the sentence names a thing of ``owner``'s ("OpenAI’s ChatGPT")."""
    return bool(re.search(rf"\b(?i:{re.escape(owner)})['’]s?\s+(?:[\w-]+\s+)?[A-Z]", sentence))


def _making_forms(question: str) -> set[str]:
    """The word forms of the question's verb of making ("made" of "who made ChatGPT?")."""
    return {singular(t) for t in tokenize(" ".join(re.findall(MAKING_VERB, question, re.I)))}


def compared(question: str, covered: Coverage) -> list[np.ndarray]:
    """For a question comparing two or more things ("gemini vs claude", "compare Google and
    Amazon's investments", "the difference between TPUs and GPUs"), a mask per thing over
    the sentences holding it; else none. Each side is quoted, however rare its words."""
    m = _COMPARING.search(question)
    if not m:
        return []
    if m.group("what"):  # "compare X and Y", "the difference between X and Y"
        parts = _JOINED.split(question[m.end() :])
    else:  # "X vs Y"
        parts = [question[: m.start()], question[m.end() :]]
    # each side by the word naming it: the first of each ("Amazon" of "Amazon's
    # investments"), and the last before "vs"
    words = [[t for t in tokenize(p) if singular(t) in covered.weights] for p in parts]
    heads = [w[-1 if not i and not m.group("what") else 0] for i, w in enumerate(words) if w]
    sides = list(dict.fromkeys(singular(h) for h in heads))
    if len(sides) < 2:
        return []
    return [np.array([side in f for f in covered.forms]) for side in sides]


def _unheld(share: dict[str, float], forms: list[set[str]]) -> set[str]:
    """The question's words no sentence holds."""
    held_somewhere = set().union(*forms) if forms else set()
    return {w for w in share if w not in held_somewhere}


def in_passage(covered: Coverage, candidates: list[Candidate]) -> np.ndarray:
    """The share of the question each sentence holds together with the sentences either side
    of it in its passage. News states a fact once and goes on without repeating its subject:
    after "Virgin Galactic plans to sell seats to the public", the sentence "Reservations
    open up Feb. 16 and will cost $450,000." answers what a ticket to space costs."""
    out = np.empty(len(candidates))
    for i, c in enumerate(candidates):
        rows = [
            j
            for j in (i - 1, i, i + 1)
            if 0 <= j < len(candidates) and candidates[j].hit.chunk_id == c.hit.chunk_id
        ]
        out[i] = covered.of(rows)
    return out


def _continues(before: str, sentence: str) -> bool:
    """Whether ``sentence`` goes on from the one ``before``: it opens on a pointer back ("The
    tech giant …", "Its flagship model …"), or goes on with a quote ``before`` attributed
    ("“Startups like Anthropic need …" after "“It’s a delicate dance,” says Ben Wu, …")."""
    if _POINTS_BACK.match(sentence):
        return True
    quoting = sentence.startswith(("“", '"')) and not _ATTRIBUTED.search(sentence)
    return quoting and bool(_ATTRIBUTED.search(before))


def _carried(question: str, skip: frozenset[str]) -> set[str]:
    """The words a follow-up carries from earlier turns ("CEO" of "And Anthropic's founders?
    (CEO)") that it does not use itself."""
    asked, context = carried_context(question)
    return set(tokenize(context)) - set(tokenize(asked)) - skip


def _described(question: str, skip: frozenset[str]) -> set[str]:
    """The words of the question that describe a name it gives ("the company behind
    Claude" in "Who founded Anthropic, the company behind Claude?")."""
    out: set[str] = set()
    for m in _APPOSITIVE.finditer(question):
        out |= set(tokenize(m.group(1))) - skip
    return out


def unreported(request: AnswerRequest) -> list[str]:
    """The words, as typed, of a question that turns on words no article uses in any form or
    sense ("acquired" of "Who acquired Anthropic?" over articles that never say acquired,
    bought or purchased): when such words hold most of what it asks (by rarity), the act
    asked about is not reported, so no name answers it. Empty when the question is reported."""
    if request.idf is None:
        return []
    skip = _question_forms()
    # a follow-up's own words and the names it carries, not a whole question carried for
    # it ("who is the ceo? (what did google announce)" does not turn on "announce")
    own, context = carried_context(request.standalone)
    own = " ".join([own, *re.findall(r"\b[A-Z][\w&.’'-]*", context)])
    if request.intent.asked.kind == "money":  # an amount answers "how much money"
        skip = skip | _AMOUNT_NOUNS
    if request.intent.asked.noun == "employer":  # "where does he work?": "an analyst at X"
        skip = skip | _EMPLOYER_VERBS
    thing = made_thing(request.standalone)
    if thing and any(owns_thing(h.text, thing) for h in request.hits):
        skip = skip | _making_forms(request.standalone)  # "OpenAI’s ChatGPT": who created it
    tokens = [t for t in tokenize(_asking(own)) if t not in skip and t.isalpha()]
    if not tokens:
        return []
    unseen = float(request.idf([_NO_WORD])[0])
    rarity = request.idf(tokens)
    used = _by_stem(tokens, rarity, unseen, request.idf)  # "founder" in "founded by"
    missing: dict[str, float] = {}
    for token, weight, stem in zip(tokens, rarity, used, strict=True):
        if stem < unseen - 1e-9:
            continue
        # the plural the index keeps whole ("tpus" of "TPUs", asked "What is a TPU?")
        senses = sorted(same_sense(singular(token)) | other_forms(token) | {f"{token}s"})
        if all(w >= unseen - 1e-9 for w in request.idf(senses)):
            missing[token] = missing.get(token, 0.0) + float(weight)
    total = float(rarity.sum())
    if missing:  # "the FTC" (or "ftc") is used by a passage naming the Federal Trade Commission
        spelled = {a.lower() for h in request.hits for a in initials(h.text)}
        missing = {t: w for t, w in missing.items() if singular(t) not in spelled}
        total = sum(
            float(w) for t, w in zip(tokens, rarity, strict=True) if singular(t) not in spelled
        )
    if not missing or sum(missing.values()) < _UNREPORTED * total:
        return []
    typed = {t: w for w in re.findall(r"[\w’'-]+", own) for t in tokenize(w)}
    return [typed.get(token, token) for token in missing]


def _by_stem(
    tokens: list[str], rarity: np.ndarray, unseen: float, idf: Callable[[Sequence[str]], np.ndarray]
) -> np.ndarray:
    """A word no article uses weighs as the shorter form it begins that they do use
    ("founder" as "found" of "founded by"): the sentences holding that form hold it."""
    out = rarity.copy()
    for i, token in enumerate(tokens):
        if rarity[i] < unseen - 1e-9 or len(token) <= _STEM:
            continue
        stems = [token[:k] for k in range(len(token) - 1, _STEM - 1, -1)]
        seen = [r for r in idf(stems) if r < unseen - 1e-9]
        if seen:
            out[i] = float(seen[0])
    return out


def _unseen_capped(rarity: np.ndarray, unseen: float) -> np.ndarray:
    """A word no article uses ("Is the deal done?", "Will regulators block the deal?" over
    one article) weighs half the rarest word of the question an article does use: in a small
    index everything unseen would otherwise outweigh the subject, and the question's subject
    is what the articles must speak of. With no word seen, all weigh the same."""
    seen = rarity[rarity < unseen - 1e-9]
    if not len(seen):
        return rarity
    return np.where(rarity >= unseen - 1e-9, _UNSEEN_SHARE * float(seen.max()), rarity)


def _sentence_words(candidate: Candidate) -> set[str]:
    """The sentence's word forms; an adjective it holds only as its adverb ("finally" for
    "final", which the index stems alike) is not among them."""
    words = {singular(w) for w in candidate.words}
    for form in words & _ADVERB_ONLY:
        text = candidate.text
        if re.search(rf"\b{form}ly\b", text, re.I) and not re.search(
            rf"\b{form}(?!ly\b)", text, re.I
        ):
            words.discard(form)
    return words


def held(wanted: Iterable[str], words: set[str]) -> frozenset[str]:
    """The wanted word forms the sentence holds, a form also meeting a longer or shorter one
    of the same stem ("founders" the question, "founded" the sentence: "founder", "found"),
    or a word reporting the same act ("poured" for "invested")."""
    held = set()
    stems = [w for w in words if len(w) >= _STEM]
    for form in wanted:
        if (
            form in words
            or same_sense(form) & words
            or (len(form) >= _STEM and any(w.startswith(form) or form.startswith(w) for w in stems))
        ):
            held.add(form)
    return frozenset(held)
