"""scoring.yaml: the scales, their items and bands (thresholds that only go up)."""

from recovery.content import conditions as c
from recovery.content.model import (
    Band,
    Exclusion,
    Questionnaire,
    Scale,
)
from recovery.content.reading import Node, unique
from recovery.content.references import ConditionReader


def read_scales(root: Node, questionnaire: Questionnaire) -> tuple[str, tuple[Scale, ...]]:
    top = root.mapping(["severity_scale", "scales"])
    items = questionnaire.items
    answers = ConditionReader({i.id: {o.id for o in i.options} for i in items.values()})
    scales: list[Scale] = []
    scale_nodes = top["scales"].list()
    for node in scale_nodes:
        f = node.mapping(["id", "title", "items", "bands"],
                         ["about", "applies_when", "not_applicable", "exclusions"])
        item_ids = []
        for item_node in f["items"].list():
            item_id = item_node.slug()
            if item_id not in items:
                raise item_node.fail(f"unknown item {item_id!r}")
            if items[item_id].kind == "multi":
                raise item_node.fail(f"{item_id!r} is a multiple choice and cannot be scored")
            item_ids.append(item_id)
        bands = []
        band_nodes = f["bands"].list()
        for band_node in band_nodes:
            bf = band_node.mapping(["level", "min", "label", "meaning"])
            bands.append(Band(level=bf["level"].slug(), min=bf["min"].integer(),
                              label=bf["label"].text(), meaning=bf["meaning"].text()))
        unique(band_nodes, [b.level for b in bands], "level")
        if bands[0].min != 0:
            raise band_nodes[0].fail("the first band must start at 0")
        for i in range(1, len(bands)):
            if bands[i].min <= bands[i - 1].min:
                raise band_nodes[i].fail(
                    f"thresholds must increase ({bands[i].min} after {bands[i - 1].min})")
        exclusions = []
        for ex_node in (f["exclusions"].list() if "exclusions" in f else []):
            ef = ex_node.mapping(["items", "when", "reason"])
            ex_items = tuple(n.slug() for n in ef["items"].list())
            for n, ex_item in zip(ef["items"].list(), ex_items, strict=True):
                if ex_item not in item_ids:
                    raise n.fail(f"{ex_item!r} is not one of this scale's items")
            exclusions.append(Exclusion(ex_items, answers.read(ef["when"]), ef["reason"].text()))
        applies_when = answers.read(f["applies_when"]) if "applies_when" in f else c.Always()
        if "applies_when" in f and "not_applicable" not in f:
            raise node.fail("a scale with applies_when needs not_applicable text")
        scales.append(Scale(
            id=f["id"].slug(), title=f["title"].text(), items=tuple(item_ids),
            bands=tuple(bands), about=f["about"].text() if "about" in f else "",
            applies_when=applies_when,
            not_applicable=f["not_applicable"].text() if "not_applicable" in f else "",
            exclusions=tuple(exclusions),
        ))
    unique(scale_nodes, [s.id for s in scales], "scale")
    severity = top["severity_scale"].slug()
    if severity not in {s.id for s in scales}:
        raise top["severity_scale"].fail(f"unknown scale {severity!r}")
    return severity, tuple(scales)
