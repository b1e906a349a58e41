"""words.yaml: the words that differ between the varieties of English of the countries in
crisis.yaml ("GP" in the UK, "primary care doctor" in the US; "programme", "program"), and how
content uses them.

Content writes such a word as a placeholder, `{family_doctor}`, or `{Family_doctor}` to start a
sentence with a capital. The loader fills every placeholder in with the default country's word
(the CRISIS_LOCALE setting) right after reading each seed file, before its shape is checked, so
the engine, the plans, the PDFs and the templates (`words` in Jinja) all see plain text in one
variety of English. A placeholder words.yaml doesn't define stops start-up, and so does a word
missing for one of crisis.yaml's countries. `{substance}`, `{areas}`, `{flag}` and `{path}` are
not words: the engine fills them in for each screening (FILLED_PER_SCREENING).
"""

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator

from recovery.content.reading import MappingOf, SeedProblem, Shape, Slug, Text, validate
from recovery.content.seedfiles.crisis import country_code
from recovery.strict import Loc

PLACEHOLDER = re.compile(r"\{([A-Za-z][a-z0-9_]{0,39})\}")
# Filled in by the engine for each screening: the substance (engine.fill), the areas a scale
# counted (scoring.yaml), the flag and path a line of the result's opening is about
# (summary.yaml).
FILLED_PER_SCREENING = frozenset({"substance", "areas", "flag", "path"})

CountryCode = Annotated[str, BeforeValidator(country_code)]


class WordsFile(Shape):
    words: MappingOf[Slug, MappingOf[CountryCode, Text]]


def read_words(data: Any, countries: list[str]) -> dict[str, dict[str, str]]:
    """Each word per country, {"family_doctor": {"US": "primary care doctor", ...}}, for
    exactly crisis.yaml's `countries`."""
    words = dict(validate(WordsFile, data).words)
    check_countries(words, countries)
    return words


def check_countries(words: Mapping[str, Mapping[str, str]], countries: list[str]) -> None:
    """Every word is written for exactly the countries crisis.yaml lists."""
    for name, by_country in words.items():
        missing = [c for c in countries if c not in by_country]
        unknown = [c for c in by_country if c not in countries]
        if missing:
            raise SeedProblem(("words", name), f"missing for {', '.join(missing)} (every "
                              "country in crisis.yaml needs each word)")
        if unknown:
            raise SeedProblem(("words", name), f"{', '.join(unknown)} is not a country in "
                              f"crisis.yaml ({', '.join(countries)})")


def words_for(words: Mapping[str, Mapping[str, str]], country: str) -> dict[str, str]:
    return {name: by_country[country] for name, by_country in words.items()}


def fill_words(data: Any, words: Mapping[str, str], at: Loc = ()) -> Any:
    """`data` (parsed YAML) with every placeholder in its texts filled in; SeedProblem at the
    place of a placeholder that names no word."""
    if isinstance(data, str):
        return PLACEHOLDER.sub(lambda match: _word(match, words, at), data)
    if isinstance(data, list):
        return [fill_words(value, words, (*at, index)) for index, value in enumerate(data)]
    if isinstance(data, dict):
        return {key: fill_words(value, words, (*at, str(key))) for key, value in data.items()}
    return data


def _word(match: re.Match[str], words: Mapping[str, str], at: Loc) -> str:
    name = match.group(1)
    if name in FILLED_PER_SCREENING:
        return match.group(0)
    word = words.get(name.lower())
    if word is None:
        raise SeedProblem(at, f"unknown word {match.group(0)} (words.yaml has: "
                          f"{', '.join(sorted(words))})")
    return word[:1].upper() + word[1:] if name[:1].isupper() else word
