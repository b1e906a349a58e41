"""What goes in each PDF, decided without WeasyPrint, Flask or the app: pure functions of the
plan and the `Content` they are given.

- `full`: the whole plan, cut to what one PDF may cost (budget.py);
- `handout`: share-safe (sharesafe.py), trimmed to `Limits` until it fits on one page
  (`HANDOUT_LIMITS`, most generous first; the renderer picks the first that fits);
- `wallet`: a card with crisis lines, the top triggers with one action each, and three contacts.

Each `*_page` function returns the template and the values it is rendered with.
"""

import dataclasses
from datetime import date
from typing import Any

from recovery.content.model import Content, CrisisLocale
from recovery.export.budget import fit_full_plan, limit_emoji
from recovery.export.sharesafe import Masker, share_safe_draft, share_safe_locale
from recovery.planning.draft import GOAL_LABELS, RANKS, Contact, Line, PlanDraft, Trigger
from recovery.planning.vocabulary import (
    ACTION_LABELS,
    MEETING_LABELS,
    OWN_TRIGGER_LABEL,
    RANK_LABELS,
    SECTION_TITLES,
)

LAYOUTS = ("full", "handout", "wallet")
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


@dataclasses.dataclass(frozen=True)
class Limits:
    """How much of each list, and of each line, the one-page handout shows."""

    items: int
    chars: int
    actions: int


# From most to least generous: the handout uses the first that fits on one page, so a plan of
# a few short lines is shown in full and a long one is shortened rather than spilling over.
HANDOUT_LIMITS = (Limits(5, 200, 2), Limits(5, 160, 1), Limits(4, 140, 1), Limits(4, 110, 1),
                  Limits(3, 100, 1), Limits(3, 80, 1), Limits(2, 70, 1), Limits(1, 50, 1))
HANDOUT_NAME_CHARS = 24
WALLET_TRIGGERS = 3
WALLET_CONTACTS = 3
WALLET_TRIGGER_CHARS = 60
WALLET_ACTION_CHARS = 90
WALLET_NAME_CHARS = 26
WALLET_CRISIS_LINES = 3
WALLET_CRISIS_KINDS = ("emergency", "crisis")
WALLET_METHODS = ("call", "text")  # a chat link is no use in a crisis on a card


@dataclasses.dataclass(frozen=True)
class CardTrigger:
    text: str
    action: str


@dataclasses.dataclass(frozen=True)
class CardCrisisLine:
    name: str
    how: str  # "Call 988 · Text 988"


@dataclasses.dataclass(frozen=True)
class WalletCard:
    crisis: tuple[CardCrisisLine, ...]
    triggers: tuple[CardTrigger, ...]
    contacts: tuple[Contact, ...]


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where possible, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def by_rank(triggers: tuple[Trigger, ...]) -> tuple[Trigger, ...]:
    """High-risk triggers first; the person's own order within a rank."""
    return tuple(sorted(triggers, key=lambda t: RANKS.index(t.rank) if t.rank in RANKS else 99))


def trim_for_handout(plan: PlanDraft, limits: Limits) -> PlanDraft:
    """The plan cut to `limits`: the first entries of each list (highest-ranked triggers
    first), each line shortened. Short fields share a line, so they get a share of it."""
    chars, short = limits.chars, max(20, limits.chars // 2)

    def lines(values: tuple[Line, ...]) -> tuple[Line, ...]:
        return tuple(Line(clip(v.text, chars)) for v in values[: limits.items])

    triggers = tuple(
        dataclasses.replace(t, text=clip(t.text, chars), actions=tuple(
            dataclasses.replace(a, text=clip(a.text, chars)) for a in t.actions[: limits.actions]))
        for t in by_rank(plan.triggers)[: limits.items])
    contacts = tuple(Contact(clip(c.name, short), clip(c.role, short))
                     for c in plan.contacts[: limits.items])
    meetings = tuple(
        dataclasses.replace(m, name=clip(m.name, short), day=clip(m.day, short // 2),
                            time=clip(m.time, short // 2), place="")
        for m in plan.meetings[: max(1, limits.items // 2)])
    urge = plan.urge_plan
    return dataclasses.replace(
        plan, display_name=clip(plan.display_name, HANDOUT_NAME_CHARS),
        reasons=lines(plan.reasons), triggers=triggers, warning_signs=lines(plan.warning_signs),
        contacts=contacts, meetings=meetings,
        urge_plan=dataclasses.replace(
            urge, distractions=tuple(clip(d, short) for d in urge.distractions[: limits.items]),
            grounding="", text_person=clip(urge.text_person, short)),
        lapse_plan=dataclasses.replace(plan.lapse_plan, reminder=clip(plan.lapse_plan.reminder,
                                                                      chars)),
    )


def wallet_card(plan: PlanDraft, crisis: CrisisLocale) -> WalletCard:
    triggers = tuple(
        CardTrigger(clip(t.text, WALLET_TRIGGER_CHARS),
                    clip(t.actions[0].text, WALLET_ACTION_CHARS) if t.actions else "")
        for t in by_rank(plan.triggers)[:WALLET_TRIGGERS])
    # Contacts with a number first: the card is for calling someone.
    contacts = sorted(plan.contacts, key=lambda c: not c.phone)[:WALLET_CONTACTS]
    lines = tuple(
        CardCrisisLine(clip(r.name, 40), " · ".join(
            f"{c.method.capitalize()} {c.value}" for c in r.contacts
            if c.method in WALLET_METHODS))
        for r in crisis.resources if r.kind in WALLET_CRISIS_KINDS)
    return WalletCard(
        crisis=tuple(line for line in lines if line.how)[:WALLET_CRISIS_LINES],
        triggers=triggers,
        contacts=tuple(Contact(clip(c.name, WALLET_NAME_CHARS), phone=clip(c.phone, 24))
                       for c in contacts),
    )


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


def wallet_page(draft: PlanDraft, content: Content, *, paper: str, crisis_locale: CrisisLocale,
                today: date) -> Page:
    """The wallet card: share-safe, but with the contacts' phone numbers (it is for calling)."""
    masker = Masker.for_content(content)
    crisis = share_safe_locale(crisis_locale, masker)
    card = limit_emoji(wallet_card(share_safe_draft(draft, masker, keep_phones=True), crisis))
    return Page("pdf/wallet.html",
                {"card": card, **common_values(content, layout="wallet", paper=paper, today=today)})


@dataclasses.dataclass(frozen=True)
class Handout:
    """The share-safe plan for the one-page handout, before it is trimmed to fit."""

    plan: PlanDraft
    crisis: CrisisLocale
    common: dict[str, Any]

    def page(self, limits: Limits) -> Page:
        return Page("pdf/handout.html", {
            "plan": limit_emoji(trim_for_handout(self.plan, limits)), "full_plan": self.plan,
            "crisis": self.crisis, **self.common})


def handout(draft: PlanDraft, content: Content, *, paper: str, crisis_locale: CrisisLocale,
            today: date, mark: str = "") -> Handout:
    """`mark`: printed at the top of the page (a meeting bundle's client code or initials)."""
    masker = Masker.for_content(content)
    return Handout(share_safe_draft(draft, masker), share_safe_locale(crisis_locale, masker),
                   common_values(content, layout="handout", paper=paper, today=today)
                   | {"page_mark": mark})
