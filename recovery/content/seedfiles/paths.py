"""paths.yaml: the treatment paths suggested by answers, scores and flags. A path may only read
paths listed before it. Paths are ranked in the order listed, except that a path's optional
`rank_above` moves it above paths listed before it when its condition holds (with a reason).
Its optional `applies_when` says who it is for at all (read like a rule); its rules say why it
is suggested."""

from typing import Any

from recovery.content.conditions import Always
from recovery.content.model import (
    Flag,
    PathRule,
    Questionnaire,
    RankAbove,
    Scale,
    TreatmentPath,
)
from recovery.content.reading import (
    Entries,
    SeedProblem,
    Shape,
    Slug,
    Text,
    numbered,
    unique,
    validate,
)
from recovery.content.references import ConditionReader, OptionalCondition, RawCondition
from recovery.strict import Loc


class RuleShape(Shape):
    when: RawCondition
    because: Text


class RankAboveShape(Shape):
    paths: Entries[Slug]
    when: RawCondition
    because: Text


class PathShape(Shape):
    id: Slug
    title: Text
    summary: Text
    rules: Entries[RuleShape]
    rank_above: RankAboveShape | None = None
    applies_when: OptionalCondition = None


class PathsFile(Shape):
    paths: Entries[PathShape]


def read_paths(data: Any, questionnaire: Questionnaire, scales: tuple[Scale, ...],
               flags: tuple[Flag, ...]) -> tuple[TreatmentPath, ...]:
    shape = validate(PathsFile, data)
    items = {i.id: {o.id for o in i.options} for i in questionnaire.items.values()}
    paths: list[TreatmentPath] = []
    for index, path in enumerate(shape.paths):
        # Each path's conditions may read only the paths above it.
        reader = ConditionReader(items, {s.id: s for s in scales}, {f.id for f in flags},
                                 {p.id for p in paths})
        paths.append(read_path(path, ("paths", index), reader))
        unique(numbered(("paths",), (p.id for p in paths)), "path")
    return tuple(paths)


def read_path(path: PathShape, at: Loc, reader: ConditionReader) -> TreatmentPath:
    rules = tuple(PathRule(reader.read(rule.when, (*at, "rules", i, "when")), rule.because)
                  for i, rule in enumerate(path.rules))
    rank_above = (read_rank_above(path.rank_above, (*at, "rank_above"), reader)
                  if path.rank_above else None)
    applies_when = (Always() if path.applies_when is None
                    else reader.read(path.applies_when, (*at, "applies_when")))
    return TreatmentPath(id=path.id, title=path.title, summary=path.summary,
                         rules=rules, rank_above=rank_above, applies_when=applies_when)


def read_rank_above(shape: RankAboveShape, at: Loc, reader: ConditionReader) -> RankAbove:
    for index, path_id in enumerate(shape.paths):
        if path_id not in reader.paths:
            raise SeedProblem((*at, "paths", index), f"unknown path {path_id!r} (a path may "
                              "only be ranked above paths listed before it)")
    return RankAbove(paths=tuple(shape.paths), when=reader.read(shape.when, (*at, "when")),
                     because=shape.because)
