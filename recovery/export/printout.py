"""What the share-safe printouts hold, entry by entry: the handout and the wallet card as
areas (the handout's one page, the card's four panels) of sections of whole items, each item
already masked (masking.py), so the preview page and the PDF show the same words.

Pure: no WeasyPrint, no Flask. An item is never shortened: when a printout doesn't fit, whole
items are left out (`keep_within`) and its section says how many more the full plan holds.
Items the person unticked on the preview page are left out by key (`without`).
"""

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Iterator

from recovery.content.model import CrisisLocale
from recovery.export.masking import Masked, Masker, Piece, plain
from recovery.planning.draft import Contact, PlanDraft, Trigger
from recovery.planning.vocabulary import MEETING_LABELS, RANKS, SECTION_TITLES

# What the first render may hold, per area, in characters of the person's text: more than a
# page can show at the smallest type, so the fitting only ever drops what could not fit anyway,
# and a plan at the size limit costs no more to print than a short one.
AREA_CHARS = {"sheet": 5000, "card": 1400}
WALLET_TRIGGERS = 3  # the card shows the top triggers: high risk first
WALLET_CONTACTS = 4
WALLET_REASONS = 3
WALLET_CRISIS_LINES = 3
WALLET_CRISIS_KINDS = ("emergency", "crisis")
WALLET_METHODS = ("call", "text")  # a chat link is no use in a crisis on a card


@dataclasses.dataclass(frozen=True)
class Item:
    """One entry the person wrote: printed whole or not at all."""

    key: str  # the same for the same words in the same section, whatever their place
    lead: Masked = ()  # printed in bold, first
    text: Masked = ()
    details: tuple[Masked, ...] = ()  # lines under it (a trigger's actions)
    phone: str = ""  # on a line of its own, never broken (the wallet card)

    @property
    def pieces(self) -> Iterator[Piece]:
        yield from self.lead
        yield from self.text
        for detail in self.details:
            yield from detail

    @property
    def length(self) -> int:
        return sum(len(p.text) for p in self.pieces) + len(self.phone)


@dataclasses.dataclass(frozen=True)
class Section:
    id: str
    title: str
    items: tuple[Item, ...]
    more: int = 0  # items of the full plan left out because they did not fit


@dataclasses.dataclass(frozen=True)
class Area:
    """A part of the page that must hold its content: the handout's page, a card panel."""

    id: str
    sections: tuple[Section, ...]


@dataclasses.dataclass(frozen=True)
class Printout:
    layout: str  # handout | wallet
    areas: tuple[Area, ...]

    def items(self) -> Iterator[tuple[Section, Item]]:
        for area in self.areas:
            for section in area.sections:
                for item in section.items:
                    yield section, item

    def with_areas(self, areas: Iterable[Area]) -> "Printout":
        return dataclasses.replace(self, areas=tuple(areas))

    def without(self, keys: Iterable[str]) -> "Printout":
        """The printout without the items the person chose to leave out."""
        drop = frozenset(keys)
        return self._map_sections(lambda s: dataclasses.replace(
            s, items=tuple(i for i in s.items if i.key not in drop)))

    def _map_sections(self, change: Callable[[Section], Section]) -> "Printout":
        return dataclasses.replace(self, areas=tuple(
            dataclasses.replace(a, sections=tuple(change(s) for s in a.sections))
            for a in self.areas))


def item_key(section: str, *texts: str) -> str:
    """Names an item by its section and words: unticking it survives edits elsewhere in the
    plan, and an entry that is reworded is offered again."""
    digest = hashlib.sha256("\0".join((section, *texts)).encode("utf-8", "surrogatepass"))
    return f"{section}-{digest.hexdigest()[:16]}"


# --- Fitting: whole items, round by round ---------------------------------------------------


def in_rounds(sections: tuple[Section, ...]) -> Iterator[tuple[int, Item]]:
    """Every item as (section index, item): the first of each section, then the second of
    each, and so on, so every section keeps its first entries before any keeps its tenth."""
    longest = max((len(s.items) for s in sections), default=0)
    for round_ in range(longest):
        for index, section in enumerate(sections):
            if round_ < len(section.items):
                yield index, section.items[round_]


def keep_within(area: Area, sizes: dict[str, float], room: float) -> Area:
    """The area with the items that fit in `room` (what `sizes` adds up to, by key), taken in
    rounds; each section counts what it left out. An item too big for what is left is passed
    over, and smaller ones after it may still fit."""
    kept: set[str] = set()
    used = 0.0
    for _index, item in in_rounds(area.sections):
        size = sizes.get(item.key, 0.0)
        if used + size <= room:
            kept.add(item.key)
            used += size
    return dataclasses.replace(area, sections=tuple(
        dataclasses.replace(s, items=tuple(i for i in s.items if i.key in kept),
                            more=s.more + sum(i.key not in kept for i in s.items))
        for s in area.sections))


def drop_last(area: Area) -> Area:
    """The area without its last item in round order (when a render still overflows)."""
    last = None
    for _index, item in in_rounds(area.sections):
        last = item.key
    if last is None:
        return area
    return keep_within(area, {last: 1.0}, 0.0)


def capped(area: Area, chars: int) -> Area:
    """At most `chars` characters of items, in rounds: the bound on what one render costs."""
    sizes = {item.key: float(item.length) for _i, item in in_rounds(area.sections)}
    return keep_within(area, sizes, float(chars))


# --- The handout and the wallet card ---------------------------------------------------------


def masked_items(section: str, texts: Iterable[str], masker: Masker) -> tuple[Item, ...]:
    return tuple(Item(item_key(section, t), text=masker.pieces(t)) for t in texts if t.strip())


def contact_item(section: str, contact: Contact, masker: Masker, *, phone: bool) -> Item:
    role = (Piece(" ("), *masker.pieces(contact.role), Piece(")")) if contact.role else ()
    return Item(item_key(section, contact.name, contact.role, contact.phone if phone else ""),
                lead=masker.pieces(contact.name), text=role,
                phone=contact.phone if phone else "")


def trigger_item(section: str, trigger: Trigger, masker: Masker, actions: int) -> Item:
    shown = [a.text for a in trigger.actions[:actions]]
    return Item(item_key(section, trigger.text, *shown), lead=masker.pieces(trigger.text),
                details=tuple(masker.pieces(a) for a in shown))


def by_rank(triggers: tuple[Trigger, ...]) -> tuple[Trigger, ...]:
    """High-risk triggers first; the person's own order within a rank."""
    return tuple(sorted(triggers, key=lambda t: RANKS.index(t.rank) if t.rank in RANKS else 99))


def handout_printout(plan: PlanDraft, masker: Masker) -> Printout:
    """The handout's one page from a reduced plan (sharesafe.reduced_draft)."""
    urge = plan.urge_plan
    helpers = (*(contact_item("helpers", c, masker, phone=False) for c in plan.contacts),
               *(meeting_item(m.kind, m.name, m.day, m.time, masker) for m in plan.meetings))
    sections = (
        Section("name", "My name", masked_items("name", [plan.display_name], masker)),
        Section("reasons", "Why I am doing this",
                masked_items("reasons", (r.text for r in plan.reasons), masker)),
        Section("triggers", "My triggers, and what I do",
                tuple(trigger_item("triggers", t, masker, actions=len(t.actions))
                      for t in by_rank(plan.triggers))),
        Section("warning_signs", "Early warning signs",
                masked_items("warning_signs", (s.text for s in plan.warning_signs), masker)),
        Section("urge", "When an urge hits", (
            *masked_items("urge", urge.distractions, masker),
            *((Item(item_key("urge-text", urge.text_person), lead=(Piece("I text "),),
                    text=(*masker.pieces(urge.text_person), Piece("."))),)
              if urge.text_person.strip() else ()))),
        Section("lapse", "If I slip", masked_items("lapse", [plan.lapse_plan.reminder], masker)),
        Section("helpers", "Who helps me", helpers),
    )
    return Printout("handout", (Area("sheet", sections),))


def meeting_item(kind: str, name: str, day: str, time: str, masker: Masker) -> Item:
    when = " ".join(p for p in (day, time) if p)
    text = (*((Piece(": "), *masker.pieces(name)) if name else ()),
            *((Piece(", "), *masker.pieces(when)) if when else ()))
    return Item(item_key("meetings", kind, name, day, time),
                lead=(Piece(MEETING_LABELS.get(kind, kind)),), text=text)


def wallet_printout(plan: PlanDraft, masker: Masker) -> Printout:
    """The card's panels from a reduced plan with its phone numbers and safety plan. Contacts
    with a number come first: the card is for calling someone."""
    contacts = sorted(plan.contacts, key=lambda c: not c.phone)[:WALLET_CONTACTS]
    people = Section("people", "People I can call",
                     tuple(contact_item("people", c, masker, phone=True) for c in contacts),
                     more=max(0, len(plan.contacts) - WALLET_CONTACTS))
    ranked = by_rank(plan.triggers)
    triggers = Section("triggers", "My top triggers",
                       tuple(trigger_item("card-triggers", t, masker, actions=1)
                             for t in ranked[:WALLET_TRIGGERS]),
                       more=max(0, len(ranked) - WALLET_TRIGGERS))
    if plan.safety_steps:
        back = Section("safety", SECTION_TITLES["safety_steps"], tuple(
            Item(item_key("safety", s.prompt, s.response), lead=masker.pieces(s.prompt),
                 details=(masker.pieces(s.response),) if s.response.strip() else ())
            for s in plan.safety_steps))
    else:
        back = Section("reasons", "Why I am doing this",
                       masked_items("card-reasons",
                                    (r.text for r in plan.reasons[:WALLET_REASONS]), masker),
                       more=max(0, len(plan.reasons) - WALLET_REASONS))
    # At risk, the safety plan is the first panel inside; the triggers go behind it.
    inside = (back, triggers) if plan.safety_steps else (triggers, back)
    return Printout("wallet", (Area("crisis", ()), Area("people", (people,)),
                               Area("inside", (inside[0],)), Area("inside-2", (inside[1],))))


@dataclasses.dataclass(frozen=True)
class CardCrisisLine:
    name: str
    how: str  # "Call 988 · Text 988"


def card_crisis_lines(crisis: CrisisLocale) -> tuple[CardCrisisLine, ...]:
    lines = (CardCrisisLine(r.name, " · ".join(
        f"{c.method.capitalize()} {c.value}" for c in r.contacts if c.method in WALLET_METHODS))
        for r in crisis.resources if r.kind in WALLET_CRISIS_KINDS)
    return tuple(line for line in lines if line.how)[:WALLET_CRISIS_LINES]


def printed_text(printout: Printout) -> str:
    """Every item's words as printed (for tests and the preview's summary)."""
    return "\n".join(plain(item.pieces) for _section, item in printout.items())
