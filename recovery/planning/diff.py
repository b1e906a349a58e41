"""What changed between two plan revisions, section by section, in words a person can read."""

from dataclasses import dataclass
from typing import Any

from recovery.planning.draft import GOAL_LABELS, PlanDraft

# Section key -> heading, in the order the plan reads.
SECTIONS = {
    "display_name": "Name on the plan",
    "goal": "Goal",
    "reasons": "My reasons",
    "triggers": "Triggers and action steps",
    "warning_signs": "Early warning signs",
    "urge_plan": "Urge plan",
    "routine": "Daily routine",
    "contacts": "Support contacts",
    "meetings": "Meetings",
    "next_steps": "Treatment next steps",
    "lapse_plan": "If I slip",
    "medical": "Medical red flags",
    "therapy": "Ketamine treatment aftercare",
    "harm_reduction": "Staying safer",
    "safety_steps": "Safety steps",
    "review_date": "Review date",
    "crisis_locale": "Crisis lines country",
}


@dataclass(frozen=True)
class Change:
    section: str  # a heading from SECTIONS
    kind: str  # added | removed | changed
    text: str  # the entry, as it reads now (or read, if removed)
    before: str = ""  # for "changed": how it read before


def describe(value: Any) -> str:
    """One readable line for a plan entry of any shape."""
    if isinstance(value, dict):
        parts = [describe(v) for k, v in value.items()
                 if k != "because" and v not in ("", [], None)]
        return " · ".join(p for p in parts if p)
    if isinstance(value, list):
        return "; ".join(describe(v) for v in value)
    return str(value)


def entry_key(value: Any) -> str:
    """What identifies an entry across revisions: its main text, if it has one."""
    if isinstance(value, dict):
        for key in ("text", "name", "prompt"):
            if key in value:
                return str(value[key])
    return describe(value)


def diff_drafts(old: PlanDraft, new: PlanDraft) -> list[Change]:
    before, after = old.to_dict(), new.to_dict()
    changes: list[Change] = []
    for key, heading in SECTIONS.items():
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if key == "goal":
            changes.append(Change(heading, "changed", GOAL_LABELS[str(b)], GOAL_LABELS[str(a)]))
        elif isinstance(a, list) and isinstance(b, list):
            changes.extend(diff_lists(heading, a, b))
        else:
            changes.append(Change(heading, "changed", describe(b), describe(a)))
    return changes


def diff_lists(heading: str, old: list[Any], new: list[Any]) -> list[Change]:
    old_by_key = {entry_key(v): v for v in old}
    new_by_key = {entry_key(v): v for v in new}
    changes = [Change(heading, "removed", describe(v)) for k, v in old_by_key.items()
               if k not in new_by_key]
    for k, v in new_by_key.items():
        if k not in old_by_key:
            changes.append(Change(heading, "added", describe(v)))
        elif old_by_key[k] != v:
            changes.append(Change(heading, "changed", describe(v), describe(old_by_key[k])))
    if not changes and old != new:
        changes.append(Change(heading, "changed", "The order changed."))
    return changes
