"""What goes in each PDF, decided without WeasyPrint, Flask or the app: pure functions of the
plan and the `Content` they are given.

- `full`: the whole plan, cut to what one PDF may cost (budget.py);
- `handout` and `wallet`: share-safe (sharesafe.py, masking.py), made of whole items
  (printout.py); the renderer fits them to their page or panels by type size
  (`HANDOUT_SIZES`, `WALLET_SIZES`), then by leaving whole items out.

`full_page` returns the template and the values it is rendered with; `share_safe` the items
and what the template needs, for the renderer to fit.
"""

import dataclasses
from datetime import date
from typing import Any

from recovery.content.model import Content, CrisisLocale
from recovery.export.budget import fit_full_plan, limit_emoji
from recovery.export.masking import Masker
from recovery.export.printout import (
    Printout,
    Section,
    by_rank,
    card_crisis_lines,
    handout_printout,
    wallet_printout,
)
from recovery.export.sharesafe import reduced_draft, share_safe_locale
from recovery.planning.draft import GOAL_LABELS, PlanDraft
from recovery.planning.vocabulary import (
    ACTION_LABELS,
    MEETING_LABELS,
    OWN_TRIGGER_LABEL,
    RANK_LABELS,
    SECTION_TITLES,
)

LAYOUTS = ("full", "handout", "wallet")
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


def long_date(iso_or_date: str | date) -> str:
    try:
        day = iso_or_date if isinstance(iso_or_date, date) else date.fromisoformat(iso_or_date)
    except ValueError:
        return str(iso_or_date)
    return f"{day.day} {day:%B %Y}"


def labels(content: Content) -> dict[str, Any]:
    return {
        "trigger_kinds": {**dict(content.plan.trigger_kinds), "own": OWN_TRIGGER_LABEL},
        "actions": ACTION_LABELS,
        "meetings": MEETING_LABELS,
        "goals": GOAL_LABELS,
        "ranks": RANK_LABELS,
        "sections": SECTION_TITLES,
    }



# --- What each PDF holds ---------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Page:
    """A print template and the values it is rendered with."""

    template: str
    values: dict[str, Any]


def common_values(content: Content, *, layout: str, paper: str, today: date) -> dict[str, Any]:
    """What every layout prints around the plan: header, footer, labels."""
    return {"layout": layout, "paper": paper, "printed": long_date(today),
            "content_version": content.version, "labels": labels(content)}


def full_page(draft: PlanDraft, content: Content, *, paper: str, crisis_locale: CrisisLocale,
              today: date) -> Page:
    """The whole plan, cut to what one PDF may cost (budget.py)."""
    fitted = fit_full_plan(limit_emoji(draft))  # the stand-ins count towards the length
    plan = fitted.plan
    return Page("pdf/full.html", {
        "plan": plan, "triggers": by_rank(plan.triggers), "crisis": crisis_locale,
        "left_out": fitted.left_out, "review": long_date(plan.review_date),
        "urge_note": content.plan.urge_plan.delay_note,
        **common_values(content, layout="full", paper=paper, today=today)})


# --- The share-safe printouts: whole items, fitted by type size, then by leaving items out --


HANDOUT_SIZES = (13.0, 12.0, 11.0)  # pt, largest first; 11 pt is still large print
WALLET_SIZES = (9.0, 8.25, 7.5)  # pt; 7.5 pt is the smallest a card may use


@dataclasses.dataclass(frozen=True)
class ShareSafe:
    """A share-safe printout before it is fitted: its items (masked), the type sizes to try
    and what the template needs besides them."""

    printout: Printout
    template: str
    sizes: tuple[float, ...]
    values: dict[str, Any]

    def page(self, printout: Printout, size: float) -> Page:
        return Page(self.template, {"printout": printout, "sections": sections_by_id(printout),
                                    "areas": {a.id: a for a in printout.areas},
                                    "font_size": size, **self.values})


def card_order(draft: PlanDraft, content: Content) -> PlanDraft:
    """The safety plan's steps in the card's order: the reason to live first
    (seeds/safety_plan.yaml's first_on_card), so it is never the item the card leaves out."""
    steps = draft.safety_steps
    order = content.safety_plan.card_order(tuple(s.prompt for s in steps))
    return dataclasses.replace(draft, safety_steps=tuple(steps[i] for i in order))


def sections_by_id(printout: Printout) -> dict[str, Section]:
    return {s.id: s for area in printout.areas for s in area.sections}


def share_safe(layout: str, draft: PlanDraft, content: Content, *, paper: str,
               crisis_locale: CrisisLocale, today: date, mark: str = "") -> ShareSafe:
    """The handout or the wallet card of `draft`, every item in it, masked. `mark`: printed at
    the top of the handout's page (a meeting bundle's client code or initials)."""
    masker = Masker(content.lexicon, numbers=layout == "handout")
    crisis = share_safe_locale(crisis_locale, masker)
    common = common_values(content, layout=layout, paper=paper, today=today)
    if layout == "handout":
        plan = limit_emoji(reduced_draft(draft))
        return ShareSafe(handout_printout(plan, masker), "pdf/handout.html", HANDOUT_SIZES,
                         {"crisis": crisis, "goal": plan.goal, "page_mark": mark,
                          "urge_minutes": plan.urge_plan.delay_minutes, **common})
    plan = limit_emoji(reduced_draft(card_order(draft, content), keep_phones=True,
                                     keep_safety_plan=True))
    return ShareSafe(wallet_printout(plan, masker), "pdf/wallet.html", WALLET_SIZES,
                     {"crisis_lines": card_crisis_lines(crisis), **common})
