"""What a printout may show to other people: no substance names, no phone numbers, no health
details, and a first name or initials at most.

The share-safe handout is taken to peer-support meetings, and the wallet card may be lost, so
both are rendered from a *reduced copy* of the plan: the fields they must hide are emptied here,
and every remaining piece of text is masked, before any template sees it. A template cannot
leak what it is never given.
"""

import dataclasses
import re
from collections.abc import Callable, Iterable
from typing import Any

from recovery.content.model import Content, CrisisLocale
from recovery.planning.draft import PlanDraft

SUBSTANCE_MASK = "[substance]"
NUMBER_MASK = "[number]"

# Words in the substance options that name no substance ("Something else", "also called",
# "special K", "such as", "the substance"): masking them would only garble the sentences.
ORDINARY_WORDS = frozenset({
    "also", "and", "as", "called", "else", "or", "other", "something", "special", "such", "the",
    "substance",
})
# Shorter terms ("K", "ket", "THC", "meth") must match a whole word, or they would eat "method";
# longer ones match inside a word too, so "esketamine", "methamphetamine" and "Alcoholics
# Anonymous" are caught.
SUBSTRING_MIN_LENGTH = 6
# Seven or more digits, with the usual separators: a phone number typed into free text.
PHONE_LIKE = re.compile(r"(?<![\w+(])[+(]?\d[\d ().-]{5,}\d(?!\w)")
MIN_PHONE_DIGITS = 7
# A word, as the masking sees it: letters, digits and underscores (what regex calls \w).
WORD = re.compile(r"\w+")
# Plan fields that hold ids, codes or dates from a closed set, never free text.
CODE_FIELDS = frozenset({"kind", "rank", "goal", "review_date", "content_version",
                         "crisis_locale", "delay_minutes"})


def substance_terms(content: Content) -> tuple[str, ...]:
    """Every word that names a substance in the questionnaire's substance options: the option
    ids, the words of their labels (including the street names in brackets) and their in-text
    forms, lower-case and longest first."""
    item = content.questionnaire.items[content.questionnaire.subject_item]
    terms: set[str] = set()
    for option in item.options:
        for text in (option.id.replace("_", " "), option.label, option.in_text):
            terms.update(w.lower() for w in re.findall(r"[^\W_]+", text))
    return tuple(sorted(terms - ORDINARY_WORDS, key=lambda t: (-len(t), t)))


class Masker:
    """Replaces substance names and phone-like numbers in free text.

    The text is cut into words once and each whole word is looked up, so masking takes time in
    proportion to the text's length. (A regex of `\\w*term\\w*` alternatives retried every
    term at every letter of a long word: a 500-letter word took 17 ms, a whole plan seconds.)
    """

    def __init__(self, terms: Iterable[str]) -> None:
        stems = {self._stem(t) for t in terms}
        # Longer stems are caught inside a word; one alternation finds any of them in one pass.
        inner = sorted((s for s in stems if len(s) >= SUBSTRING_MIN_LENGTH), key=lambda s: -len(s))
        self.inner = re.compile("|".join(map(re.escape, inner))) if inner else None
        # Shorter ones must be the whole word, with an optional plural ending.
        self.whole = frozenset(f"{s}{ending}" for s in stems if len(s) < SUBSTRING_MIN_LENGTH
                               for ending in ("", "s", "es"))

    @classmethod
    def for_content(cls, content: Content) -> "Masker":
        return cls(substance_terms(content))

    @staticmethod
    def _stem(term: str) -> str:
        # "opioids" should also catch "opioid": match on the singular stem.
        term = term.lower()
        return term[:-1] if term.endswith("s") and len(term) > 4 else term

    def _mask_word(self, match: re.Match[str]) -> str:
        word = match.group().lower()
        if word in self.whole or (self.inner is not None and self.inner.search(word)):
            return SUBSTANCE_MASK
        return match.group()

    def mask_substances(self, text: str) -> str:
        return WORD.sub(self._mask_word, text)

    def mask(self, text: str) -> str:
        return PHONE_LIKE.sub(_mask_number, self.mask_substances(text))


def _mask_number(match: re.Match[str]) -> str:
    digits = sum(c.isdigit() for c in match.group())
    return NUMBER_MASK if digits >= MIN_PHONE_DIGITS else match.group()


def first_name_or_initials(name: str) -> str:
    """"Alex Smith" -> "Alex"; initials such as "A. S." or "AS" stay as they are."""
    words = name.split()
    if not words:
        return ""
    if all(len(w.strip(".")) <= 2 for w in words):
        return " ".join(words)
    return words[0]


def share_safe_draft(draft: PlanDraft, masker: Masker, *, keep_phones: bool = False) -> PlanDraft:
    """A copy of the plan with only what may be shown to others, all of its text masked.

    Dropped: the substance, medical red flags, the ketamine-therapy section, harm-reduction
    notes (they say the person still uses), the safety plan (it says they have been at risk),
    treatment next steps, and every "because" note (they quote the screening). Contacts' phone
    numbers are dropped too, and numbers typed into text masked, unless `keep_phones` (the
    wallet card, which is for the person's own use and is useless without them).
    """
    reduced = dataclasses.replace(
        draft,
        substance="",
        substance_text="",
        display_name=first_name_or_initials(draft.display_name),
        contacts=draft.contacts if keep_phones else tuple(
            dataclasses.replace(c, phone="") for c in draft.contacts),
        next_steps=(),
        medical=(),
        therapy=None,
        harm_reduction=(),
        safety_steps=(),
        safety_credit="",
    )
    mask = masker.mask_substances if keep_phones else masker.mask
    masked: PlanDraft = _mask_value(reduced, mask)
    return masked


def map_texts(value: Any, change: Callable[[str, str], str], field_name: str = "") -> Any:
    """`value` (a plan, or any part of one) with `change(text, field name)` applied to every piece
    of free text in it, in field order; ids and codes (CODE_FIELDS) are left alone. It walks the
    whole plan, so a field added to PlanDraft later is covered without anyone remembering to."""
    if field_name in CODE_FIELDS:
        return value
    if isinstance(value, str):
        return change(value, field_name)
    if isinstance(value, tuple):
        return tuple(map_texts(v, change) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: map_texts(getattr(value, f.name), change, f.name)
                   for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def _mask_value(value: Any, mask: Callable[[str], str]) -> Any:
    """Every text masked, and the reasons a suggestion was made left out."""
    return map_texts(value, lambda text, field: "" if field == "because" else mask(text))


def share_safe_locale(locale: CrisisLocale, masker: Masker) -> CrisisLocale:
    """Crisis lines with their names and descriptions masked too (a service named after a
    substance would say which one); the numbers themselves stay, they are the point."""
    return dataclasses.replace(locale, resources=tuple(
        dataclasses.replace(r, name=masker.mask_substances(r.name),
                            description=masker.mask_substances(r.description))
        for r in locale.resources))
