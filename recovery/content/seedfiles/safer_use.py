"""safer_use.yaml: safer-use guidance per substance, and the rules that decide who sees it (each
with its reason, like a path's), never for someone `unless` describes. The result page shows it
and the plan builder copies its lines: this file is the one source of both.

Checked after the shape: the substances are the questionnaire's, each in one guide at most; the
conditions may read any answer, scale, flag or path.
"""

from typing import Any

from recovery.content.model import (
    Flag,
    PathRule,
    Questionnaire,
    SaferUse,
    SaferUseGuide,
    Scale,
    TreatmentPath,
)
from recovery.content.reading import Entries, Lines, SeedProblem, Shape, Slug, Text, validate
from recovery.content.references import RawCondition, reader_of_all
from recovery.content.seedfiles.paths import RuleShape


class GuideShape(Shape):
    substances: Entries[Slug]
    title: Text
    lines: Lines


class SaferUseFile(Shape):
    intro: Text
    unless: RawCondition
    shown_when: Entries[RuleShape]
    guides: Entries[GuideShape]


def read_safer_use(data: Any, questionnaire: Questionnaire, scales: tuple[Scale, ...],
                   flags: tuple[Flag, ...], paths: tuple[TreatmentPath, ...]) -> SaferUse:
    shape = validate(SaferUseFile, data)
    reader = reader_of_all(questionnaire, scales, flags, paths)
    substances = {o.id for o in questionnaire.items[questionnaire.subject_item].options}
    check_substances(shape.guides, substances)
    return SaferUse(
        intro=shape.intro,
        unless=reader.read(shape.unless, ("unless",)),
        rules=tuple(PathRule(reader.read(rule.when, ("shown_when", i, "when")), rule.because)
                    for i, rule in enumerate(shape.shown_when)),
        guides=tuple(SaferUseGuide(tuple(g.substances), g.title, tuple(g.lines))
                     for g in shape.guides))


def check_substances(guides: list[GuideShape], substances: set[str]) -> None:
    """Each substance is one the questionnaire offers, and has one guide at most."""
    seen: set[str] = set()
    for index, guide in enumerate(guides):
        for sub_index, substance in enumerate(guide.substances):
            at = ("guides", index, "substances", sub_index)
            if substance not in substances:
                raise SeedProblem(at, f"unknown substance {substance!r}")
            if substance in seen:
                raise SeedProblem(at, f"{substance!r} already has a guide")
            seen.add(substance)
