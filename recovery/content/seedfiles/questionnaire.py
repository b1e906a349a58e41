"""questionnaire.yaml: the steps, their questions and options, and the skip logic between them."""

from recovery.content import conditions as c
from recovery.content.model import (
    ITEM_KINDS,
    Item,
    Option,
    Questionnaire,
    Step,
)
from recovery.content.reading import SLUG, Node, unique
from recovery.content.references import ConditionReader

RESERVED_STEP_IDS = {"start", "support", "result", "save", "forget"}  # /screening/<id> pages


def read_options(node: Node, option_sets: dict[str, tuple[Node, ...]], cond: ConditionReader,
                 kind: str) -> tuple[Option, ...]:
    if kind == "yes_no" and node.value is None:
        node = Node("yes_no", node.file, node.place)  # yes/no questions share one option set
    if isinstance(node.value, str):
        if node.value not in option_sets:
            raise node.fail(f"unknown option set {node.value!r}")
        option_nodes = list(option_sets[node.value])
    else:
        option_nodes = node.list()
    options = []
    for opt_node in option_nodes:
        f = opt_node.mapping(["id", "label"], ["score", "exclusive", "in_text", "show_if"])
        options.append(
            Option(
                id=f["id"].slug(),
                label=f["label"].text(),
                score=f["score"].integer() if "score" in f else 0,
                is_exclusive=f["exclusive"].boolean() if "exclusive" in f else False,
                in_text=f["in_text"].text() if "in_text" in f else "",
                show_if=cond.read(f["show_if"]) if "show_if" in f else c.Always(),
            )
        )
    unique(option_nodes, [o.id for o in options], "option")
    if len(options) < 2:
        raise node.fail("a question needs at least two options")
    return tuple(options)


def read_questionnaire(root: Node) -> Questionnaire:
    top = root.mapping(["subject_item", "subject_fallback", "option_sets", "steps"])
    option_sets = read_option_sets(top["option_sets"])
    steps = read_steps(top["steps"], option_sets)
    subject = top["subject_item"].slug()
    all_items = {i.id: i for s in steps for i in s.items}
    if subject not in all_items or all_items[subject].kind != "single":
        raise top["subject_item"].fail(f"{subject!r} must be a single-choice item")
    if steps[0].show_if != c.Always() or all_items[subject] not in steps[0].items:
        raise top["steps"].fail("the first step must always show and hold the subject item")
    for option in all_items[subject].options:
        if not option.in_text:
            raise top["subject_item"].fail(f"option {option.id!r} of {subject!r} needs in_text")
    return Questionnaire(steps=steps, subject_item=subject,
                         subject_fallback=top["subject_fallback"].text())


def read_option_sets(sets_node: Node) -> dict[str, tuple[Node, ...]]:
    """Named option lists that questions share (read when a question names one)."""
    if not isinstance(sets_node.value, dict):
        raise sets_node.fail("expected a mapping of option set names to option lists")
    option_sets: dict[str, tuple[Node, ...]] = {}
    for name, value in sets_node.value.items():
        set_node = sets_node.child(str(name), value)
        if not isinstance(name, str) or not SLUG.match(name):
            raise set_node.fail(f"{name!r} is not an id")
        option_sets[name] = tuple(set_node.list())
    return option_sets


def read_steps(node: Node, option_sets: dict[str, tuple[Node, ...]]) -> tuple[Step, ...]:
    known: dict[str, set[str]] = {}  # items asked in earlier steps: what skip logic may read
    steps: list[Step] = []
    step_nodes = node.list()
    for step_node in step_nodes:
        sf = step_node.mapping(["id", "title", "items"], ["intro", "show_if"])
        earlier = ConditionReader(dict(known))
        step_show_if = earlier.read(sf["show_if"]) if "show_if" in sf else c.Always()
        items: list[Item] = []
        for item_node in sf["items"].list():
            items.append(read_item(item_node, option_sets, earlier, known, items))
        steps.append(Step(id=sf["id"].slug(), title=sf["title"].text(), items=tuple(items),
                          intro=sf["intro"].text() if "intro" in sf else "",
                          show_if=step_show_if))
        for item in items:
            known[item.id] = {o.id for o in item.options}
    unique(step_nodes, [s.id for s in steps], "step")
    for step_node, step in zip(step_nodes, steps, strict=True):
        if step.id in RESERVED_STEP_IDS:
            raise step_node.fail(f"{step.id!r} is reserved for a page of its own")
    return tuple(steps)


def read_item(item_node: Node, option_sets: dict[str, tuple[Node, ...]],
              earlier: ConditionReader, known: dict[str, set[str]], same_step: list[Item]
              ) -> Item:
    """One question; `known` and `same_step` are the items before it (ids must be unique)."""
    f = item_node.mapping(["id", "kind", "text"], ["options", "hint", "area", "required",
                                                   "show_if"])
    item_id = f["id"].slug()
    if item_id in known or any(i.id == item_id for i in same_step):
        raise f["id"].fail(f"duplicate item id {item_id!r}")
    kind = f["kind"].choice(ITEM_KINDS)
    if kind != "yes_no" and "options" not in f:
        raise item_node.fail(f"a {kind!r} question needs options")
    options_node = f.get("options") or item_node.child("options", None)
    options = read_options(options_node, option_sets, earlier, kind)
    return Item(
        id=item_id, kind=kind, text=f["text"].text(), options=options,
        hint=f["hint"].text() if "hint" in f else "",
        area=f["area"].text() if "area" in f else "",
        is_required=f["required"].boolean() if "required" in f else True,
        show_if=earlier.read(f["show_if"]) if "show_if" in f else c.Always(),
    )
