"""How much work one PDF may cost, whatever the plan holds.

A plan may hold up to 256 KB of text (the plan file's limit): about 85 pages in the full
layout, 8 to 20 s of WeasyPrint. And every emoji drawn from the colour emoji font costs about
as much as 300 letters (WeasyPrint re-encodes the glyph's PNG at each occurrence and lays it
out as an image). So before rendering:

- the full plan is cut to `FULL_PLAN_CHARS` characters of the person's text, by printing the
  first n entries of every list for the largest n that fits (every section keeps its first
  entries; nothing is cut inside an entry unless even one entry per list is too much), and
  the PDF says that the plan online holds the rest;
- any one render draws at most `MAX_EMOJI` emoji; later ones print as `EMOJI_STAND_IN`.

The handout and the wallet card are already shortened to one page (layouts.py), so they need only
the emoji allowance.
"""

import dataclasses
import re
from typing import Any

from recovery.export.sharesafe import CODE_FIELDS, map_texts
from recovery.planning.draft import PlanDraft

FULL_PLAN_CHARS = 30_000
# (entries per list, characters per text), most generous first.
FULL_PLAN_CUTS = tuple((n, 500) for n in (50, 40, 30, 25, 20, 15, 12, 10, 8, 6, 5, 4, 3, 2, 1)
                       ) + ((1, 200), (1, 80))
MAX_EMOJI = 50
EMOJI_STAND_IN = "[emoji]"
# Pictographs, symbols and flags Pango draws from the colour emoji font, with what joins them
# into one glyph (variation selectors, skin tones, keycaps, zero-width joiners). Broad on
# purpose: a symbol DejaVu draws counts too, which only makes the allowance run out sooner.
_PICTOGRAPH = "[\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
EMOJI = re.compile(rf"{_PICTOGRAPH}(?:[\ufe0e\ufe0f\u20e3]|\u200d{_PICTOGRAPH})*")


@dataclasses.dataclass(frozen=True)
class Fitted:
    plan: PlanDraft
    left_out: int  # entries not printed (and texts shortened)


def cut(value: Any, entries: int, chars: int, counts: list[int], field_name: str = "") -> Any:
    """`value` with every list cut to its first `entries` and every text to `chars`; counts[0]
    gets the characters kept, counts[1] the entries and texts left out or shortened."""
    if field_name in CODE_FIELDS:
        return value
    if isinstance(value, str):
        return cut_text(value, chars, counts)
    if isinstance(value, tuple):
        counts[1] += max(0, len(value) - entries)
        return tuple(cut(v, entries, chars, counts) for v in value[:entries])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: cut(getattr(value, f.name), entries, chars, counts, f.name)
                   for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def cut_text(text: str, chars: int, counts: list[int]) -> str:
    """`text` cut to `chars` (its last one an ellipsis), counted as `cut` says."""
    counts[0] += min(len(text), chars)
    if len(text) <= chars:
        return text
    counts[1] += 1
    return text[: chars - 1] + "…"


def fit_full_plan(plan: PlanDraft, max_chars: int = FULL_PLAN_CHARS) -> Fitted:
    """The plan as the full PDF prints it: whole if it fits in `max_chars`, else the most
    generous of FULL_PLAN_CUTS that does (or the last one)."""
    for entries, chars in FULL_PLAN_CUTS:
        counts = [0, 0]
        fitted = cut(plan, entries, chars, counts)
        if counts[0] <= max_chars:
            break
    return Fitted(fitted, counts[1])


def limit_emoji(value: Any, allowance: int = MAX_EMOJI) -> Any:
    """`value` (a plan, a card) with the emoji after the first `allowance` replaced."""
    seen = 0

    def one(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group() if seen <= allowance else EMOJI_STAND_IN

    return map_texts(value, lambda text, _field: EMOJI.sub(one, text))
