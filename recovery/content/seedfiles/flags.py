"""flags.yaml: the flags raised by answers and scores. A flag may only read flags listed
before it."""

from typing import Annotated, Any

from pydantic import BeforeValidator

from recovery.content.model import (
    FLAG_KINDS,
    INTERACTION_TELL_WHO,
    TELL_WHO,
    URGENCIES,
    Flag,
    Questionnaire,
    Scale,
)
from recovery.content.reading import (
    Entries,
    SeedProblem,
    Shape,
    Slug,
    Text,
    numbered,
    one_of,
    unique,
    validate,
)
from recovery.content.references import ConditionReader, RawCondition
from recovery.strict import Loc


class FlagShape(Shape):
    id: Slug
    kind: Annotated[str, BeforeValidator(one_of(FLAG_KINDS))]
    title: Text
    text: Text
    when: RawCondition
    because: Text
    urgency: Annotated[str | None, BeforeValidator(one_of(URGENCIES))] = None
    tell_doctor: Text = ""  # what to tell them
    tell_who: Annotated[str, BeforeValidator(one_of(TELL_WHO))] = "doctor"  # whom to tell
    counselor: Text = ""  # what the counselor should do (counselor mode)


class FlagsFile(Shape):
    flags: Entries[FlagShape]


def read_flags(data: Any, questionnaire: Questionnaire, scales: tuple[Scale, ...]
               ) -> tuple[Flag, ...]:
    shape = validate(FlagsFile, data)
    items = {i.id: {o.id for o in i.options} for i in questionnaire.items.values()}
    flags: list[Flag] = []
    for index, flag in enumerate(shape.flags):
        at: Loc = ("flags", index)
        # Each flag's rule may read only the flags above it.
        reader = ConditionReader(items, {s.id: s for s in scales}, {f.id for f in flags})
        flags.append(read_flag(flag, at, reader))
        unique(numbered(("flags",), (f.id for f in flags)), "flag")
    return tuple(flags)


def read_flag(flag: FlagShape, at: Loc, reader: ConditionReader) -> Flag:
    check_flag(flag, at)
    return Flag(
        id=flag.id, kind=flag.kind, title=flag.title, text=flag.text,
        when=reader.read(flag.when, (*at, "when")), because=flag.because,
        urgency=flag.urgency or "routine", tell_doctor=flag.tell_doctor,
        tell_who=flag.tell_who, counselor=flag.counselor)


def check_flag(flag: FlagShape, at: Loc) -> None:
    if flag.kind in ("crisis", "medical") and flag.urgency is None:
        raise SeedProblem(at, f"a {flag.kind} flag needs an urgency")
    # In counselor mode the crisis stop speaks to the counselor, so it needs its own words.
    if flag.kind == "crisis" and not flag.counselor:
        raise SeedProblem(at, "a crisis flag needs a 'counselor' text (what to do in counselor "
                          "mode)")
    # A medicine interaction is only useful if it says who can act on it, and what to say.
    if flag.kind == "interaction" and (flag.tell_who not in INTERACTION_TELL_WHO
                                       or not flag.tell_doctor):
        raise SeedProblem(at, "an interaction flag needs 'tell_who' (one of "
                          f"{', '.join(INTERACTION_TELL_WHO)}) and 'tell_doctor' (what to tell "
                          "them)")
