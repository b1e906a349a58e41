"""What changed between two plan revisions, section by section, in words a person can read:
the labels of the plan's fixed choices (risk, if-then steps, kinds of meeting; the trigger
kinds and crisis countries of the content, passed in as `Labels`), never their codes.

`changed_sections` is the short form, for the list of revisions: which sections differ.
"""

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from recovery.planning.draft import PlanDraft
from recovery.planning.vocabulary import (
    ACTION_LABELS,
    GOAL_LABELS,
    MEETING_LABELS,
    PART_LABELS,
    RANK_LABELS,
    SECTION_TITLES,
)

# Section key -> heading, in the order the plan reads ("about" is a page, not a field).
SECTIONS = {key: title for key, title in SECTION_TITLES.items() if key != "about"}


@dataclass(frozen=True)
class Change:
    section: str  # a heading from SECTIONS
    kind: str  # added | removed | changed
    text: str  # the entry, as it reads now (or read, if removed)
    before: str = ""  # for "changed": how it read before


@dataclass(frozen=True)
class Labels:
    """The labels that come from the content: trigger kinds and crisis countries by id."""

    trigger_kinds: Mapping[str, str] = field(default_factory=dict)
    countries: Mapping[str, str] = field(default_factory=dict)

    def of(self, where: str, key: str, code: str) -> str:
        """How the code `code` in field `key` of an entry of `where` reads."""
        table = {("triggers", "kind"): self.trigger_kinds, ("triggers", "rank"): RANK_LABELS,
                 ("actions", "kind"): ACTION_LABELS, ("meetings", "kind"): MEETING_LABELS,
                 ("crisis_locale", ""): self.countries, ("goal", ""): GOAL_LABELS}.get(
                     (where, key))
        return table.get(code, code) if table is not None else code


def describe(value: Any, labels: Labels = Labels(), where: str = "") -> str:
    """One readable line for an entry of section `where`, of any shape: its text first, its
    fixed choices as labels, an if-then step as "Leave: Go home", parts of a one-entry section
    named ("Text or call: Sam")."""
    if isinstance(value, dict):
        if set(value) == {"kind", "text"}:
            return f"{labels.of(where, 'kind', value['kind'])}: {value['text']}"
        ordered = sorted(value.items(), key=lambda item: item[0] != "text")
        parts = [describe_part(key, part, labels, where) for key, part in ordered
                 if key != "because" and part not in ("", [], None)]
        return " · ".join(p for p in parts if p)
    if isinstance(value, list):
        return "; ".join(describe(v, labels, where) for v in value)
    return labels.of(where, "", str(value))


def describe_part(key: str, value: Any, labels: Labels, where: str) -> str:
    if key == "delay_minutes":
        return f"Wait {value} minutes"
    text = describe(value, labels, "actions" if key == "actions" else "")
    if key in PART_LABELS:
        return f"{PART_LABELS[key]}: {text}"
    return labels.of(where, key, text) if isinstance(value, str) else text


def entry_key(value: Any) -> str:
    """What identifies an entry across revisions: its main text, if it has one."""
    if isinstance(value, dict):
        for key in ("text", "name", "prompt"):
            if key in value:
                return str(value[key])
    return describe(value)


def reading_order(old: PlanDraft, new: PlanDraft) -> list[tuple[str, str]]:
    """(key, heading) of every section in the order the plan reads: a plan with safety steps
    (suicide risk was screened) has them first, as its page and PDF do."""
    sections = list(SECTIONS.items())
    if old.safety_steps or new.safety_steps:
        sections.sort(key=lambda section: section[0] != "safety_steps")
    return sections


def changed_sections(old: PlanDraft, new: PlanDraft) -> list[str]:
    """The headings of the sections that differ, in the plan's order."""
    before, after = old.to_dict(), new.to_dict()
    return [heading for key, heading in reading_order(old, new)
            if before.get(key) != after.get(key)]


def diff_drafts(old: PlanDraft, new: PlanDraft, labels: Labels = Labels()) -> list[Change]:
    before, after = old.to_dict(), new.to_dict()
    changes: list[Change] = []
    for key, heading in reading_order(old, new):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if a is None:
            changes.append(Change(heading, "added", describe(b, labels, key)))
        elif b is None:
            changes.append(Change(heading, "removed", describe(a, labels, key)))
        elif isinstance(a, list) and isinstance(b, list):
            changes.extend(diff_lists(heading, a, b, partial(describe, labels=labels, where=key)))
        else:
            changes.append(Change(heading, "changed", describe(b, labels, key),
                                  describe(a, labels, key)))
    return changes


def diff_lists(heading: str, old: list[Any], new: list[Any],
               describe: Callable[[Any], str] = describe) -> list[Change]:
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
