"""Conditions in seed files, parsed and checked against what they may refer to.

A condition may only read items asked before it (skip logic looks back, never ahead), scales
that exist, levels those scales have, and flags and paths listed before it. `ConditionReader`
is built with what is known at that point of the file and refuses anything else, naming the
place. In a seed file's shape a condition is a `RawCondition` (a mapping with one key); it is
read here, in the checks after the shape.
"""

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, TypeAdapter

from recovery.content import conditions as c
from recovery.content.model import Flag, Questionnaire, Scale, TreatmentPath
from recovery.content.reading import (
    Entries,
    SeedProblem,
    Shape,
    Slug,
    WholeNumber,
    validate,
    validate_value,
)
from recovery.strict import Loc, problem

ONE_CONDITION = ("a condition is a mapping with exactly one of: answer, all, any, not, "
                 "level_at_least, score_at_least, flag, path, always")


def _one_condition(value: Any) -> Any:
    if not isinstance(value, dict) or len(value) != 1:
        raise problem(ONE_CONDITION)
    return value


RawCondition = Annotated[dict[Any, Any], BeforeValidator(_one_condition)]
# An optional condition, None when the key is absent (`show_if: null` is still refused).
OptionalCondition = Annotated[dict[Any, Any] | None, BeforeValidator(_one_condition)]
CONDITION = TypeAdapter(RawCondition)
CONDITIONS = TypeAdapter(Entries[Any])
SLUG = TypeAdapter(Slug)


class AnswerShape(Shape):
    item: Slug
    in_: Entries[Slug] = Field(alias="in")


class LevelShape(Shape):
    scale: Slug
    level: Slug


class ScoreShape(Shape):
    scale: Slug
    value: WholeNumber


class ConditionReader:
    """Parses conditions and checks every reference against what is known at that point.

    `items` maps item ids to their option ids; only items listed there may be read, which is how
    skip logic is kept to earlier steps and rules are kept to real answers.
    """

    def __init__(
        self,
        items: dict[str, set[str]],
        scales: dict[str, Scale] | None = None,
        flags: set[str] | None = None,
        paths: set[str] | None = None,
    ) -> None:
        self.items = items
        self.scales = scales or {}
        self.flags = flags or set()
        self.paths = paths or set()

    def read(self, value: Any, at: Loc) -> c.Condition:
        """The condition in `value`, found at `at` in the file."""
        ((key, inner),) = validate_value(CONDITION, value, at).items()
        parsers = self._parsers()
        if key not in parsers:
            raise SeedProblem(at, f"unknown condition {key!r}")
        return parsers[key](inner, (*at, key))

    def _parsers(self) -> dict[str, Callable[[Any, Loc], c.Condition]]:
        """The parser of each kind of condition, by its key in the file."""
        return {
            "answer": self._answer,
            "all": lambda v, loc: c.AllOf(self._read_all(v, loc)),
            "any": lambda v, loc: c.AnyOf(self._read_all(v, loc)),
            "not": lambda v, loc: c.Not(self.read(v, loc)),
            "level_at_least": self._level,
            "score_at_least": self._score,
            "flag": self._flag,
            "path": self._path,
            "always": self._always,
        }

    def _read_all(self, value: Any, at: Loc) -> tuple[c.Condition, ...]:
        entries = validate_value(CONDITIONS, value, at)
        return tuple(self.read(entry, (*at, index)) for index, entry in enumerate(entries))

    def _answer(self, value: Any, at: Loc) -> c.Condition:
        answer = validate(AnswerShape, value, at)
        if answer.item not in self.items:
            raise SeedProblem((*at, "item"), f"unknown item {answer.item!r} "
                              "(conditions may only read items asked earlier)")
        for index, option in enumerate(answer.in_):
            if option not in self.items[answer.item]:
                raise SeedProblem((*at, "in", index),
                                  f"item {answer.item!r} has no option {option!r}")
        return c.AnswerIn(answer.item, frozenset(answer.in_))

    def _level(self, value: Any, at: Loc) -> c.Condition:
        level = validate(LevelShape, value, at)
        scale = self._scale_ref(level.scale, (*at, "scale"))
        index = scale.level_index(level.level)
        if index is None:
            raise SeedProblem((*at, "level"), f"scale {scale.id!r} has no level {level.level!r}")
        return c.LevelAtLeast(scale.id, level.level, index)

    def _score(self, value: Any, at: Loc) -> c.Condition:
        score = validate(ScoreShape, value, at)
        return c.ScoreAtLeast(self._scale_ref(score.scale, (*at, "scale")).id, score.value)

    def _scale_ref(self, scale_id: str, at: Loc) -> Scale:
        if scale_id not in self.scales:
            raise SeedProblem(at, f"unknown scale {scale_id!r}")
        return self.scales[scale_id]

    def _flag(self, value: Any, at: Loc) -> c.Condition:
        flag = validate_value(SLUG, value, at)
        if flag not in self.flags:
            raise SeedProblem(at, f"unknown flag {flag!r} "
                              "(a flag may only read flags listed before it)")
        return c.FlagRaised(flag)

    def _path(self, value: Any, at: Loc) -> c.Condition:
        path = validate_value(SLUG, value, at)
        if path not in self.paths:
            raise SeedProblem(at, f"unknown path {path!r} "
                              "(a path may only read paths listed before it)")
        return c.PathChosen(path)

    def _always(self, value: Any, at: Loc) -> c.Condition:
        if value is not True:
            raise SeedProblem(at, "'always' must be true")
        return c.Always()


def reader_of_all(questionnaire: Questionnaire, scales: tuple[Scale, ...],
                  flags: tuple[Flag, ...], paths: tuple[TreatmentPath, ...]) -> ConditionReader:
    """A reader for a file read after all of these (plan.yaml, summary.yaml...): its
    conditions may refer to any item, scale, flag or path."""
    return ConditionReader(
        {i.id: {o.id for o in i.options} for i in questionnaire.items.values()},
        {s.id: s for s in scales}, {f.id for f in flags}, {p.id for p in paths})
