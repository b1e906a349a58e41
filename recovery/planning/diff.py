"""What changed between two plan revisions, section by section, in words a person can read."""

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from recovery.planning.draft import PlanDraft
from recovery.planning.vocabulary import GOAL_LABELS, SECTION_TITLES

# Section key -> heading, in the order the plan reads ("about" is a page, not a field).
SECTIONS = {key: title for key, title in SECTION_TITLES.items() if key != "about"}


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
        elif a is None:
            changes.append(Change(heading, "added", describe(b)))
        elif b is None:
            changes.append(Change(heading, "removed", describe(a)))
        elif isinstance(a, list) and isinstance(b, list):
            changes.extend(diff_lists(heading, a, b))
        else:
            changes.append(Change(heading, "changed", describe(b), describe(a)))
    return changes


def diff_lists(heading: str, old: list[Any], new: list[Any]) -> list[Change]:
    # First set aside entries that are identical in both (counting repeats), then pair what is
    # left by its main text only where that text is unique on both sides, so two meetings with
    # the same (or no) name are never mistaken for one that changed.
    unchanged = Counter(map(fingerprint, old)) & Counter(map(fingerprint, new))
    removed = leftovers(old, unchanged)
    added = leftovers(new, unchanged)
    removed_keys = Counter(entry_key(v) for v in removed)
    added_keys = Counter(entry_key(v) for v in added)
    changes: list[Change] = []
    paired: set[str] = set()
    for value in added:
        key = entry_key(value)
        if removed_keys[key] == 1 and added_keys[key] == 1:
            before = next(v for v in removed if entry_key(v) == key)
            changes.append(Change(heading, "changed", describe(value), describe(before)))
            paired.add(key)
        else:
            changes.append(Change(heading, "added", describe(value)))
    changes[:0] = [Change(heading, "removed", describe(v)) for v in removed
                   if entry_key(v) not in paired]
    if not changes and old != new:
        changes.append(Change(heading, "changed", "The order changed."))
    return changes


def fingerprint(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def leftovers(values: list[Any], unchanged: Counter[str]) -> list[Any]:
    """`values` less one copy of each entry counted in `unchanged`, keeping their order."""
    remaining = Counter(unchanged)
    kept = []
    for value in values:
        mark = fingerprint(value)
        if remaining[mark] > 0:
            remaining[mark] -= 1
        else:
            kept.append(value)
    return kept
