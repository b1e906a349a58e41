"""flags.yaml: the flags raised by answers and scores. A flag may only read flags listed
before it."""

from recovery.content.model import (
    FLAG_KINDS,
    URGENCIES,
    Flag,
    Questionnaire,
    Scale,
)
from recovery.content.reading import Node, unique
from recovery.content.references import ConditionReader


def read_flags(root: Node, questionnaire: Questionnaire, scales: tuple[Scale, ...]
               ) -> tuple[Flag, ...]:
    top = root.mapping(["flags"])
    items = {i.id: {o.id for o in i.options} for i in questionnaire.items.values()}
    flags: list[Flag] = []
    nodes = top["flags"].list()
    for node in nodes:
        f = node.mapping(["id", "kind", "title", "text", "when", "because"],
                         ["urgency", "tell_doctor", "counselor"])
        reader = ConditionReader(items, {s.id: s for s in scales}, {fl.id for fl in flags})
        kind = f["kind"].choice(FLAG_KINDS)
        urgency = f["urgency"].choice(URGENCIES) if "urgency" in f else "routine"
        if kind in ("crisis", "medical") and "urgency" not in f:
            raise node.fail(f"a {kind} flag needs an urgency")
        # In counselor mode the crisis stop speaks to the counselor, so it needs its own words.
        if kind == "crisis" and "counselor" not in f:
            raise node.fail("a crisis flag needs a 'counselor' text (what to do in counselor mode)")
        flags.append(Flag(
            id=f["id"].slug(), kind=kind, title=f["title"].text(), text=f["text"].text(),
            when=reader.read(f["when"]), because=f["because"].text(), urgency=urgency,
            tell_doctor=f["tell_doctor"].text() if "tell_doctor" in f else "",
            counselor=f["counselor"].text() if "counselor" in f else "",
        ))
        unique(nodes[: len(flags)], [fl.id for fl in flags], "flag")
    return tuple(flags)
