"""What a printout may show to other people: no substance names, no phone numbers, no health
details, and a first name or initials at most.

The share-safe handout is taken to peer-support meetings, and the wallet card may be lost, so
both are rendered from a *reduced copy* of the plan: the fields they must hide are emptied here,
and every remaining piece of text is masked (masking.py, from seeds/lexicon.yaml) before any
template sees it. A template cannot leak what it is never given.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

from recovery.content.model import CrisisLocale
from recovery.export.masking import Masker
from recovery.planning.draft import PlanDraft

# Plan fields that hold ids, codes or dates from a closed set, never free text.
CODE_FIELDS = frozenset({"kind", "rank", "goal", "review_date", "content_version",
                         "crisis_locale", "delay_minutes"})


def first_name_or_initials(name: str) -> str:
    """"Alex Smith" -> "Alex"; initials such as "A. S." or "AS" stay as they are."""
    words = name.split()
    if not words:
        return ""
    if all(len(w.strip(".")) <= 2 for w in words):
        return " ".join(words)
    return words[0]


def reduced_draft(draft: PlanDraft, *, keep_phones: bool = False,
                  keep_safety_plan: bool = False) -> PlanDraft:
    """A copy of the plan with only what may be shown to others, its text not masked yet
    (printout.py masks each entry, so the preview can mark what was masked).

    Dropped: the substance, medical red flags, the ketamine-therapy section, harm-reduction
    notes (they say the person still uses), the safety plan (it says they have been at risk),
    treatment next steps, and every "because" note (they quote the screening). Contacts' phone
    numbers are dropped too unless `keep_phones` (the wallet card, which is for the person's
    own use and is useless without them), and the safety plan's steps stay when
    `keep_safety_plan` (the wallet card again: in a crisis they are what the card is for).
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
        safety_steps=draft.safety_steps if keep_safety_plan else (),
        safety_credit="",
    )
    without_reasons: PlanDraft = map_texts(reduced, lambda text, field: "" if field == "because"
                                           else text)
    return without_reasons


def share_safe_draft(draft: PlanDraft, masker: Masker, *, keep_phones: bool = False) -> PlanDraft:
    """`reduced_draft` with every text masked (phone numbers in text too, unless
    `keep_phones`): what the printouts may show, as plain strings."""
    mask = Masker(masker.lexicon, numbers=not keep_phones).mask
    masked: PlanDraft = map_texts(reduced_draft(draft, keep_phones=keep_phones),
                                  lambda text, _field: mask(text))
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


def share_safe_locale(locale: CrisisLocale, masker: Masker) -> CrisisLocale:
    """Crisis lines with their names and descriptions masked too (a service named after a
    substance would say which one); the numbers themselves stay, they are the point."""
    words_only = Masker(masker.lexicon, numbers=False)
    return dataclasses.replace(locale, resources=tuple(
        dataclasses.replace(r, name=words_only.mask(r.name),
                            description=words_only.mask(r.description))
        for r in locale.resources))
