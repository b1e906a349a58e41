"""scoring.yaml: the scales, their items and bands (thresholds that only go up).

The shape (ScoringFile) is checked first; then each scale's items against the questionnaire,
its bands' order, its exclusions and conditions, one function each.
"""

from typing import Any

from recovery.content import conditions as c
from recovery.content.model import (
    Band,
    Exclusion,
    Item,
    Questionnaire,
    Scale,
)
from recovery.content.reading import (
    Entries,
    SeedProblem,
    Shape,
    Slug,
    Text,
    WholeNumber,
    numbered,
    unique,
    validate,
)
from recovery.content.references import ConditionReader, OptionalCondition, RawCondition
from recovery.strict import Loc


class BandShape(Shape):
    level: Slug
    min: WholeNumber
    label: Text
    meaning: Text


class ExclusionShape(Shape):
    items: Entries[Slug]
    when: RawCondition
    reason: Text


class ScaleShape(Shape):
    id: Slug
    title: Text
    items: Entries[Slug]
    bands: Entries[BandShape]
    about: Text = ""
    applies_when: OptionalCondition = None
    not_applicable: Text = ""  # required with applies_when: what the result says instead
    exclusions: Entries[ExclusionShape] = []


class ScoringFile(Shape):
    severity_scale: Slug
    scales: Entries[ScaleShape]


def read_scales(data: Any, questionnaire: Questionnaire) -> tuple[str, tuple[Scale, ...]]:
    """The id of the severity scale, and every scale."""
    shape = validate(ScoringFile, data)
    items = questionnaire.items
    answers = ConditionReader({i.id: {o.id for o in i.options} for i in items.values()})
    scales = tuple(read_scale(scale, ("scales", index), items, answers)
                   for index, scale in enumerate(shape.scales))
    unique(numbered(("scales",), (s.id for s in scales)), "scale")
    if shape.severity_scale not in {s.id for s in scales}:
        raise SeedProblem(("severity_scale",), f"unknown scale {shape.severity_scale!r}")
    return shape.severity_scale, scales


def read_scale(scale: ScaleShape, at: Loc, items: dict[str, Item], answers: ConditionReader
               ) -> Scale:
    check_scored_items(scale.items, (*at, "items"), items)
    check_bands(scale.bands, (*at, "bands"))
    exclusions = tuple(read_exclusion(exclusion, (*at, "exclusions", index), scale, answers)
                       for index, exclusion in enumerate(scale.exclusions))
    return Scale(
        id=scale.id, title=scale.title, items=tuple(scale.items),
        bands=tuple(Band(b.level, b.min, b.label, b.meaning) for b in scale.bands),
        about=scale.about, applies_when=read_applies_when(scale, at, answers),
        not_applicable=scale.not_applicable, exclusions=exclusions)


def read_applies_when(scale: ScaleShape, at: Loc, answers: ConditionReader) -> c.Condition:
    """Whom the scale is for (everyone, without `applies_when`); with `applies_when`, the scale
    needs words for everyone else."""
    if scale.applies_when is None:
        return c.Always()
    applies_when = answers.read(scale.applies_when, (*at, "applies_when"))
    if not scale.not_applicable:
        raise SeedProblem(at, "a scale with applies_when needs not_applicable text")
    return applies_when


def check_scored_items(item_ids: list[str], at: Loc, items: dict[str, Item]) -> None:
    """Every item is asked, and has one answer to score."""
    for index, item_id in enumerate(item_ids):
        if item_id not in items:
            raise SeedProblem((*at, index), f"unknown item {item_id!r}")
        if items[item_id].kind == "multi":
            raise SeedProblem((*at, index),
                              f"{item_id!r} is a multiple choice and cannot be scored")


def check_bands(bands: list[BandShape], at: Loc) -> None:
    """Levels are unique, and thresholds start at 0 and only go up."""
    unique(numbered(at, (b.level for b in bands)), "level")
    if bands[0].min != 0:
        raise SeedProblem((*at, 0), "the first band must start at 0")
    for index in range(1, len(bands)):
        low, high = bands[index - 1].min, bands[index].min
        if high <= low:
            raise SeedProblem((*at, index), f"thresholds must increase ({high} after {low})")


def read_exclusion(exclusion: ExclusionShape, at: Loc, scale: ScaleShape,
                   answers: ConditionReader) -> Exclusion:
    for index, item_id in enumerate(exclusion.items):
        if item_id not in scale.items:
            raise SeedProblem((*at, "items", index),
                              f"{item_id!r} is not one of this scale's items")
    return Exclusion(tuple(exclusion.items), answers.read(exclusion.when, (*at, "when")),
                     exclusion.reason)
