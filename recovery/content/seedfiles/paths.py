"""paths.yaml: the treatment paths suggested by answers, scores and flags. A path may only read
paths listed before it."""

from typing import Any

from recovery.content.model import Flag, PathRule, Questionnaire, Scale, TreatmentPath
from recovery.content.reading import Entries, Shape, Slug, Text, numbered, unique, validate
from recovery.content.references import ConditionReader, RawCondition
from recovery.strict import Loc


class RuleShape(Shape):
    when: RawCondition
    because: Text


class PathShape(Shape):
    id: Slug
    title: Text
    summary: Text
    rules: Entries[RuleShape]


class PathsFile(Shape):
    paths: Entries[PathShape]


def read_paths(data: Any, questionnaire: Questionnaire, scales: tuple[Scale, ...],
               flags: tuple[Flag, ...]) -> tuple[TreatmentPath, ...]:
    shape = validate(PathsFile, data)
    items = {i.id: {o.id for o in i.options} for i in questionnaire.items.values()}
    paths: list[TreatmentPath] = []
    for index, path in enumerate(shape.paths):
        at: Loc = ("paths", index)
        reader = ConditionReader(items, {s.id: s for s in scales}, {f.id for f in flags},
                                 {p.id for p in paths})
        rules = tuple(PathRule(reader.read(rule.when, (*at, "rules", i, "when")), rule.because)
                      for i, rule in enumerate(path.rules))
        paths.append(TreatmentPath(id=path.id, title=path.title, summary=path.summary,
                                   rules=rules))
        unique(numbered(("paths",), (p.id for p in paths)), "path")
    return tuple(paths)
