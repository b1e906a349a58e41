"""paths.yaml: the treatment paths suggested by answers, scores and flags. A path may only read
paths listed before it."""

from recovery.content.model import Flag, PathRule, Questionnaire, Scale, TreatmentPath
from recovery.content.reading import Node, unique
from recovery.content.references import ConditionReader


def read_paths(root: Node, questionnaire: Questionnaire, scales: tuple[Scale, ...],
               flags: tuple[Flag, ...]) -> tuple[TreatmentPath, ...]:
    top = root.mapping(["paths"])
    items = {i.id: {o.id for o in i.options} for i in questionnaire.items.values()}
    paths: list[TreatmentPath] = []
    nodes = top["paths"].list()
    for node in nodes:
        f = node.mapping(["id", "title", "summary", "rules"])
        reader = ConditionReader(items, {s.id: s for s in scales}, {fl.id for fl in flags},
                                 {p.id for p in paths})
        rules = []
        for rule_node in f["rules"].list():
            rf = rule_node.mapping(["when", "because"])
            rules.append(PathRule(reader.read(rf["when"]), rf["because"].text()))
        paths.append(TreatmentPath(id=f["id"].slug(), title=f["title"].text(),
                                   summary=f["summary"].text(), rules=tuple(rules)))
        unique(nodes[: len(paths)], [p.id for p in paths], "path")
    return tuple(paths)
