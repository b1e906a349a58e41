"""Loads seeds/ and validates it strictly.

Unknown keys, dangling references, unordered thresholds and conditions that look ahead are all
errors. Each error names the file and the place inside it (for example
`questionnaire.yaml: steps[2].items[0].options[1]: unknown key 'scroe'`), so a broken file stops
start-up with a message a content editor can act on.

Each file is read by its module in seedfiles/: its shape (a pydantic model) first, then what
refers to other entries or files. The order below matters: a file may only refer to what the
files before it define (scales to questions, flags to scales, paths to flags, the plan and the
result's opening (summary.yaml) to all, the lexicon to the questionnaire's substances).
words.yaml and crisis.yaml come first: every other file, the lexicon included, is read with its
{word} placeholders filled in with the default country's words (seedfiles/words.py).
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from recovery.content.model import Content
from recovery.content.reading import MAX_FILE_BYTES, ContentError, read_seed_file
from recovery.content.seedfiles.crisis import read_crisis
from recovery.content.seedfiles.flags import read_flags
from recovery.content.seedfiles.lexicon import read_lexicon
from recovery.content.seedfiles.paths import read_paths
from recovery.content.seedfiles.plan import read_plan
from recovery.content.seedfiles.questionnaire import read_questionnaire
from recovery.content.seedfiles.safer_use import read_safer_use
from recovery.content.seedfiles.safety_plan import read_safety_plan
from recovery.content.seedfiles.scoring import read_scales
from recovery.content.seedfiles.summary import read_summary
from recovery.content.seedfiles.words import fill_words, read_words, words_for

__all__ = ["DEFAULT_COUNTRY", "MAX_FILE_BYTES", "SEED_FILES", "ContentError", "UnknownCountry",
           "load_content"]

# Every file load_content reads, relative to the seeds directory.
SEED_FILES = ("VERSION", "words.yaml", "questionnaire.yaml", "scoring.yaml", "flags.yaml",
              "paths.yaml", "crisis.yaml", "plan.yaml", "summary.yaml", "safer_use.yaml",
              "safety_plan.yaml", "lexicon.yaml")
T = TypeVar("T")
DEFAULT_COUNTRY = "US"  # the CRISIS_LOCALE setting's default (recovery/config.py)


class UnknownCountry(Exception):
    """The default country asked for is not one of crisis.yaml's: a setting to fix, not the
    content. `countries` lists the ones there are."""

    def __init__(self, country: str, countries: list[str]) -> None:
        self.country, self.countries = country, countries
        super().__init__(f"{country!r} is not one of the countries in crisis.yaml "
                         f"({', '.join(countries)})")


def read_version(seeds_dir: Path) -> str:
    path = seeds_dir / "VERSION"
    if not path.is_file():
        raise ContentError("VERSION", "", "file is missing")
    version = path.read_text(encoding="utf-8", errors="replace").strip()
    if not re.match(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$", version):
        raise ContentError("VERSION", "line 1", f"{version!r} is not a version such as 2026.11-1")
    return version


def load_content(seeds_dir: str | Path, country: str = DEFAULT_COUNTRY) -> Content:
    """Read and validate every seed file, in the words of `country` (the default crisis
    locale); raise ContentError at the first problem, UnknownCountry for a country crisis.yaml
    doesn't have."""
    seeds_dir = Path(seeds_dir)
    version = read_version(seeds_dir)
    # Crisis lines first, their words left as written: which countries there are decides
    # whether `country` can be the default, and words.yaml must cover each of them.
    countries = [loc.id for loc in read_seed_file(seeds_dir / "crisis.yaml", read_crisis)]
    all_words = read_seed_file(seeds_dir / "words.yaml",
                               lambda data: read_words(data, countries))
    if country not in countries:
        raise UnknownCountry(country, countries)
    words = words_for(all_words, country)

    def read(name: str, reader: Callable[[Any], T]) -> T:
        return read_seed_file(seeds_dir / name, lambda data: reader(fill_words(data, words)))

    questionnaire = read("questionnaire.yaml", read_questionnaire)
    severity, scales = read("scoring.yaml", lambda data: read_scales(data, questionnaire))
    flags = read("flags.yaml", lambda data: read_flags(data, questionnaire, scales))
    paths = read("paths.yaml", lambda data: read_paths(data, questionnaire, scales, flags))
    locales = read("crisis.yaml", read_crisis)
    plan = read("plan.yaml",
                lambda data: read_plan(data, questionnaire, scales, flags, paths))
    opening = read("summary.yaml",
                   lambda data: read_summary(data, questionnaire, scales, flags, paths))
    safer_use = read("safer_use.yaml",
                     lambda data: read_safer_use(data, questionnaire, scales, flags, paths))
    safety_plan = read("safety_plan.yaml", read_safety_plan)
    lexicon = read("lexicon.yaml", lambda data: read_lexicon(data, questionnaire))
    return Content(version=version, questionnaire=questionnaire, severity_scale=severity,
                   scales=scales, flags=flags, paths=paths, crisis_locales=locales,
                   default_locale=country, plan=plan, opening=opening,
                   safer_use=safer_use, safety_plan=safety_plan, lexicon=lexicon,
                   words=words)

