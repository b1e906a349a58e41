"""summary.yaml: the result's first lines. "What matters most" (a crisis line, a medical line
and the first suggested step, each in words for its urgency) and the harms a summary names
when flags read from the answers show them. Read after paths.yaml, so a harm's condition may
read any flag or path."""

from typing import Any

from recovery.content.model import (
    URGENCIES,
    Flag,
    HarmSummary,
    Opening,
    Questionnaire,
    Scale,
    TreatmentPath,
)
from recovery.content.reading import (
    Entries,
    MappingOf,
    SeedProblem,
    Shape,
    Slug,
    Text,
    numbered,
    unique,
    validate,
)
from recovery.content.references import RawCondition, reader_of_all
from recovery.strict import Loc


class HarmShape(Shape):
    id: Slug
    when: RawCondition
    text: Text


class SummaryFile(Shape):
    crisis: MappingOf[str, Text]  # crisis urgency -> line: checked after the shape
    medical: MappingOf[str, Text]  # medical urgency -> line with "{flag}"
    first_step: Text  # with "{path}"
    harms: Entries[HarmShape]


def read_summary(data: Any, questionnaire: Questionnaire, scales: tuple[Scale, ...],
                 flags: tuple[Flag, ...], paths: tuple[TreatmentPath, ...]) -> Opening:
    shape = validate(SummaryFile, data)
    for kind in ("crisis", "medical"):
        check_urgencies(getattr(shape, kind), kind, flags)
    if "{path}" not in shape.first_step:
        raise SeedProblem(("first_step",), "must name the path with {path}")
    reader = reader_of_all(questionnaire, scales, flags, paths)
    harms = tuple(HarmSummary(id=harm.id, when=reader.read(harm.when, ("harms", i, "when")),
                              text=harm.text)
                  for i, harm in enumerate(shape.harms))
    unique(numbered(("harms",), (h.id for h in harms)), "harm")
    return Opening(crisis=dict(shape.crisis), medical=dict(shape.medical),
                   first_step=shape.first_step, harms=harms)


def check_urgencies(lines: dict[str, str], kind: str, flags: tuple[Flag, ...]) -> None:
    """A line for every urgency a flag of this kind has, and no unknown urgency."""
    at: Loc = (kind,)
    for urgency in lines:
        if urgency not in URGENCIES:
            raise SeedProblem((*at, urgency), f"unknown urgency {urgency!r}; one of "
                              + ", ".join(URGENCIES))
    for flag in flags:
        if flag.kind == kind and flag.urgency not in lines:
            raise SeedProblem(at, f"missing key {flag.urgency!r} (flag {flag.id!r} has it)")
    if kind == "medical":
        for urgency, line in lines.items():
            if "{flag}" not in line:
                raise SeedProblem((*at, urgency), "must name the flag with {flag}")
