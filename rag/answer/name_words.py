"""The words that tell names from other capitalised words: sentence words and common
capitalised terms, the words joining one name ("of", "for"), titles and roles written before a
name, the words of bodies and parties, and openers that describe a name."""

from __future__ import annotations

# words written with a capital that do not begin a name (sentence openers, days, months…)
NOT_NAME = set(
    """the a an in on at for but and or as it its this that these those he she they we i his
    her their our my your after before when while if since with from by of to yet so
    meanwhile however still last next earlier later according despite although though
    because now then there here what which who whom whose why how where also once during
    under over into about among between monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november
    december mr mrs ms dr sir st one two three four five six seven eight nine ten some many
    most all both each every no not only just even photo image video watch read click
    subscribe advertisement related more""".split()  # noqa: SIM905
)

COMMON_CAPS = {"ai", "ceo", "cto", "cfo", "tv", "pc", "gdp", "covid", "covid-19", "ok", "am", "pm",
                "ipo", "esg", "llm", "gpu", "gpus", "cpu", "api", "app", "mvp", "qb"}  # fmt: skip

CONNECTORS = {"of", "for", "de", "da", "del", "della", "di", "la", "le", "van", "von", "der",
               "den", "bin", "al", "el", "y", "&", "and", "the", "du", "dos", "das"}  # fmt: skip

# the names "for" goes on ("Centers for Disease Control", "Americans for Prosperity"; not
# "the Trump White House for Clemson")
FOR_HEADS = set(
    """center centers centre centres institute committee council foundation office department
    association society alliance coalition fund campaign americans citizens partnership agency
    commission network league union school college museum organization organisation
    doctors scientists students parents""".split()  # noqa: SIM905
)

TITLES = set(
    """president vice ceo cto cfo coo chief executive chairman chairwoman chair founder
    cofounder co-founder director minister secretary senator sen. rep. representative gov.
    governor mayor judge justice pope king queen prince princess emperor general gen. lt.
    sgt. captain coach manager actor actress singer rapper star player quarterback pitcher
    striker goalkeeper author writer novelist director producer host anchor comedian
    musician artist spokesperson spokesman spokeswoman analyst professor dr. mr. mrs. ms.
    miss sir dame lord lady premier chancellor ambassador commissioner officer leader rev. pastor
    bishop cardinal ex-president former late mrs prime deputy acting interim emeritus attorney
    prosecutor speaker champion""".split()  # noqa: SIM905
)

# who works at a place named next ("an analyst at Gartner", "a researcher at the University …")
EMPLOYED = set(
    """analyst analysts researcher researchers strategist professor economist scientist
    scientists engineer engineers executive executives partner fellow lecturer editor reporter
    correspondent consultant official officials spokesperson spokesman spokeswoman adviser
    advisor lawyer attorney employee employees worker workers staffer student students""".split()  # noqa: SIM905
)

ORG_SUFFIX = set(
    """inc inc. corp corp. co co. ltd ltd. llc plc group bank airlines airline airways capital
    partners university college institute labs lab technologies technology motors foods
    holdings systems media news network networks studios records entertainment
    pharmaceuticals energy club fc united city council committee commission agency
    association federation league party union foundation fund trust insurance financial
    services industries international company corporation ventures games software robotics
    semiconductor semiconductors department ministry court board authority administration house
    service police army navy force guard corps bureau office senate times post journal guardian
    telegraph tribune herald press""".split()  # noqa: SIM905
)

# the last word of a named venue ("Apollo Theater", "SoFi Stadium", "Madison Square Garden")
VENUES = set(
    """stadium arena theater theatre airport park field square palace cathedral coliseum
    colosseum dome speedway ballpark garden gardens station""".split()  # noqa: SIM905
)

# a headline's first word that describes the name after it
# a party written before a member's name
AFFILIATIONS = {"republican", "democrat", "democratic", "gop", "labour", "tory", "conservative",
                 "liberal", "independent", "progressive"}  # fmt: skip

DESCRIBING_OPENERS = {"new", "longtime", "veteran", "top", "big", "embattled", "iconic",
                       "legendary", "beloved", "famed", "historic", "struggling",
                       "rare"}  # fmt: skip
