"""Loads seeds/ and validates it strictly.

Unknown keys, dangling references, unordered thresholds and conditions that look ahead are all
errors. Each error names the file and the place inside it (for example
`questionnaire.yaml: steps[2].items[0].options[1]: unknown key 'scroe'`), so a broken file stops
start-up with a message a content editor can act on.
"""

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from recovery.content import conditions as c
from recovery.content.model import (
    FLAG_KINDS,
    ITEM_KINDS,
    TRIGGER_ACTION_KINDS,
    URGENCIES,
    Band,
    ConditionalList,
    ContactMethod,
    Content,
    CrisisLocale,
    CrisisResource,
    Exclusion,
    Flag,
    Item,
    LapsePlanDefaults,
    Option,
    PathRule,
    PlanAction,
    PlanContent,
    PlanSuggestion,
    PlanTrigger,
    Questionnaire,
    RedFlagEntry,
    RoutineEntry,
    Scale,
    Step,
    SubstanceRedFlags,
    TherapyAftercare,
    TreatmentPath,
    UrgePlanDefaults,
)

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FILE_BYTES = 1_000_000
RESERVED_STEP_IDS = {"start", "support", "result", "save", "forget"}  # /screening/<id> pages
# Every file load_content reads, relative to the seeds directory.
SEED_FILES = ("VERSION", "questionnaire.yaml", "scoring.yaml", "flags.yaml", "paths.yaml",
              "crisis.yaml", "plan.yaml")


class ContentError(Exception):
    """A seed file is broken. `str()` names the file and the place."""

    def __init__(self, file: str, place: str, message: str) -> None:
        self.file, self.place, self.message = file, place, message
        where = f"{file}: {place}" if place else file
        super().__init__(f"{where}: {message}")


class Node:
    """A value read from a seed file, with its file and place, so errors can point at it."""

    def __init__(self, value: Any, file: str, place: str = "") -> None:
        self.value, self.file, self.place = value, file, place

    def fail(self, message: str) -> ContentError:
        return ContentError(self.file, self.place, message)

    def child(self, key: str | int, value: Any) -> "Node":
        if isinstance(key, int):
            return Node(value, self.file, f"{self.place}[{key}]")
        return Node(value, self.file, f"{self.place}.{key}" if self.place else key)

    def mapping(self, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, "Node"]:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected a mapping, got {type(self.value).__name__}")
        required, optional = set(required), set(optional)
        for key in self.value:
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                raise self.fail(f"unknown key {key!r} (allowed: {allowed})")
        for key in sorted(required):
            if key not in self.value:
                raise self.fail(f"missing key {key!r}")
        return {k: self.child(k, v) for k, v in self.value.items()}

    def list(self, allow_empty: bool = False) -> list["Node"]:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, got {type(self.value).__name__}")
        if not self.value and not allow_empty:
            raise self.fail("must not be empty")
        return [self.child(i, v) for i, v in enumerate(self.value)]

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.fail("expected non-empty text")
        return self.value.strip()

    def slug(self) -> str:
        if not isinstance(self.value, str) or not SLUG.match(self.value):
            raise self.fail(f"{self.value!r} is not an id (lowercase letters, digits and _)")
        return self.value

    def integer(self, minimum: int = 0) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"expected a whole number, got {self.value!r}")
        if self.value < minimum:
            raise self.fail(f"must be at least {minimum}")
        return self.value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, got {self.value!r}")
        return self.value

    def choice(self, allowed: Iterable[str]) -> str:
        allowed = tuple(allowed)
        if self.value not in allowed:
            raise self.fail(f"{self.value!r} is not one of {', '.join(allowed)}")
        return str(self.value)


def unique(nodes: list[Node], ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for node, ident in zip(nodes, ids, strict=True):
        if ident in seen:
            raise node.fail(f"duplicate {what} id {ident!r}")
        seen.add(ident)


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

    def read(self, node: Node) -> c.Condition:
        if not isinstance(node.value, dict) or len(node.value) != 1:
            raise node.fail(
                "a condition is a mapping with exactly one of: answer, all, any, not, "
                "level_at_least, score_at_least, flag, path, always"
            )
        key = next(iter(node.value))
        parsers: dict[str, Callable[[Node], c.Condition]] = {
            "answer": self._answer,
            "all": lambda n: c.AllOf(tuple(self.read(p) for p in n.list())),
            "any": lambda n: c.AnyOf(tuple(self.read(p) for p in n.list())),
            "not": lambda n: c.Not(self.read(n)),
            "level_at_least": self._level,
            "score_at_least": self._score,
            "flag": self._flag,
            "path": self._path,
            "always": self._always,
        }
        if key not in parsers:
            raise node.fail(f"unknown condition {key!r}")
        return parsers[key](node.child(key, node.value[key]))

    def _answer(self, node: Node) -> c.Condition:
        fields = node.mapping(["item", "in"])
        item = fields["item"].slug()
        if item not in self.items:
            raise fields["item"].fail(
                f"unknown item {item!r} (conditions may only read items asked earlier)"
            )
        values = [v.slug() for v in fields["in"].list()]
        for value_node, value in zip(fields["in"].list(), values, strict=True):
            if value not in self.items[item]:
                raise value_node.fail(f"item {item!r} has no option {value!r}")
        return c.AnswerIn(item, frozenset(values))

    def _level(self, node: Node) -> c.Condition:
        fields = node.mapping(["scale", "level"])
        scale = self._scale_ref(fields["scale"])
        level = fields["level"].slug()
        index = scale.level_index(level)
        if index is None:
            raise fields["level"].fail(f"scale {scale.id!r} has no level {level!r}")
        return c.LevelAtLeast(scale.id, level, index)

    def _score(self, node: Node) -> c.Condition:
        fields = node.mapping(["scale", "value"])
        scale = self._scale_ref(fields["scale"])
        return c.ScoreAtLeast(scale.id, fields["value"].integer())

    def _scale_ref(self, node: Node) -> Scale:
        scale_id = node.slug()
        if scale_id not in self.scales:
            raise node.fail(f"unknown scale {scale_id!r}")
        return self.scales[scale_id]

    def _flag(self, node: Node) -> c.Condition:
        flag = node.slug()
        if flag not in self.flags:
            raise node.fail(f"unknown flag {flag!r} (a flag may only read flags listed before it)")
        return c.FlagRaised(flag)

    def _path(self, node: Node) -> c.Condition:
        path = node.slug()
        if path not in self.paths:
            raise node.fail(f"unknown path {path!r} (a path may only read paths listed before it)")
        return c.PathChosen(path)

    def _always(self, node: Node) -> c.Condition:
        if node.value is not True:
            raise node.fail("'always' must be true")
        return c.Always()


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice: PyYAML would silently keep the last one,
    which could drop half of a crisis rule without anyone noticing."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Node:
    name = path.name
    if not path.is_file():
        raise ContentError(name, "", "file is missing")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ContentError(name, "", "file is too large")
    try:
        value = yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader)
    except UnicodeDecodeError as exc:
        raise ContentError(name, "", f"not UTF-8 text ({exc.reason})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ContentError(name, place, problem) from None
    return Node(value, name)


# --- questionnaire.yaml ---------------------------------------------------------------------


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
    sets_node = top["option_sets"]
    if not isinstance(sets_node.value, dict):
        raise sets_node.fail("expected a mapping of option set names to option lists")
    option_sets: dict[str, tuple[Node, ...]] = {}
    for name, value in sets_node.value.items():
        set_node = sets_node.child(str(name), value)
        if not isinstance(name, str) or not SLUG.match(name):
            raise set_node.fail(f"{name!r} is not an id")
        option_sets[name] = tuple(set_node.list())

    known: dict[str, set[str]] = {}  # items asked in earlier steps: what skip logic may read
    steps: list[Step] = []
    step_nodes = top["steps"].list()
    for step_node in step_nodes:
        sf = step_node.mapping(["id", "title", "items"], ["intro", "show_if"])
        earlier = ConditionReader(dict(known))
        step_show_if = earlier.read(sf["show_if"]) if "show_if" in sf else c.Always()
        items: list[Item] = []
        item_nodes = sf["items"].list()
        for item_node in item_nodes:
            f = item_node.mapping(["id", "kind", "text"],
                                  ["options", "hint", "area", "required", "show_if"])
            item_id = f["id"].slug()
            if item_id in known or any(i.id == item_id for i in items):
                raise f["id"].fail(f"duplicate item id {item_id!r}")
            kind = f["kind"].choice(ITEM_KINDS)
            if kind != "yes_no" and "options" not in f:
                raise item_node.fail(f"a {kind!r} question needs options")
            options_node = f.get("options") or item_node.child("options", None)
            options = read_options(options_node, option_sets, earlier, kind)
            items.append(
                Item(
                    id=item_id,
                    kind=kind,
                    text=f["text"].text(),
                    options=options,
                    hint=f["hint"].text() if "hint" in f else "",
                    area=f["area"].text() if "area" in f else "",
                    is_required=f["required"].boolean() if "required" in f else True,
                    show_if=earlier.read(f["show_if"]) if "show_if" in f else c.Always(),
                )
            )
        steps.append(Step(id=sf["id"].slug(), title=sf["title"].text(), items=tuple(items),
                          intro=sf["intro"].text() if "intro" in sf else "",
                          show_if=step_show_if))
        for item in items:
            known[item.id] = {o.id for o in item.options}
    unique(step_nodes, [s.id for s in steps], "step")
    for step_node, step in zip(step_nodes, steps, strict=True):
        if step.id in RESERVED_STEP_IDS:
            raise step_node.fail(f"{step.id!r} is reserved for a page of its own")

    subject = top["subject_item"].slug()
    all_items = {i.id: i for s in steps for i in s.items}
    if subject not in all_items or all_items[subject].kind != "single":
        raise top["subject_item"].fail(f"{subject!r} must be a single-choice item")
    if steps[0].show_if != c.Always() or all_items[subject] not in steps[0].items:
        raise top["steps"].fail("the first step must always show and hold the subject item")
    for option in all_items[subject].options:
        if not option.in_text:
            raise top["subject_item"].fail(f"option {option.id!r} of {subject!r} needs in_text")
    return Questionnaire(steps=tuple(steps), subject_item=subject,
                         subject_fallback=top["subject_fallback"].text())


# --- scoring.yaml ---------------------------------------------------------------------------


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


# --- flags.yaml and paths.yaml --------------------------------------------------------------


def read_flags(root: Node, questionnaire: Questionnaire, scales: tuple[Scale, ...]
               ) -> tuple[Flag, ...]:
    top = root.mapping(["flags"])
    items = {i.id: {o.id for o in i.options} for i in questionnaire.items.values()}
    flags: list[Flag] = []
    nodes = top["flags"].list()
    for node in nodes:
        f = node.mapping(["id", "kind", "title", "text", "when", "because"],
                         ["urgency", "tell_doctor", "counselor"])
        reader = ConditionReader(items, {s.id: s for s in scales}, {fl.id for fl in flags})
        kind = f["kind"].choice(FLAG_KINDS)
        urgency = f["urgency"].choice(URGENCIES) if "urgency" in f else "routine"
        if kind in ("crisis", "medical") and "urgency" not in f:
            raise node.fail(f"a {kind} flag needs an urgency")
        # In counselor mode the crisis stop speaks to the counselor, so it needs its own words.
        if kind == "crisis" and "counselor" not in f:
            raise node.fail("a crisis flag needs a 'counselor' text (what to do in counselor mode)")
        flags.append(Flag(
            id=f["id"].slug(), kind=kind, title=f["title"].text(), text=f["text"].text(),
            when=reader.read(f["when"]), because=f["because"].text(), urgency=urgency,
            tell_doctor=f["tell_doctor"].text() if "tell_doctor" in f else "",
            counselor=f["counselor"].text() if "counselor" in f else "",
        ))
        unique(nodes[: len(flags)], [fl.id for fl in flags], "flag")
    return tuple(flags)


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


# --- crisis.yaml ----------------------------------------------------------------------------

HREF = re.compile(r"^(tel:\+?[0-9]+|sms:\+?[0-9]+(\?body=[A-Za-z0-9]+)?|https://[^\s\"'<>]+)$")


def read_crisis(root: Node) -> tuple[str, tuple[CrisisLocale, ...]]:
    top = root.mapping(["default_locale", "locales"])
    locales = []
    nodes = top["locales"].list()
    for node in nodes:
        f = node.mapping(["id", "name", "resources"])
        resources = []
        res_nodes = f["resources"].list()
        for res_node in res_nodes:
            rf = res_node.mapping(["id", "name", "kind", "description", "contacts"])
            contacts = []
            for con_node in rf["contacts"].list():
                cf = con_node.mapping(["method", "value", "href"], ["note"])
                href = cf["href"].text()
                if not HREF.match(href):
                    raise cf["href"].fail("href must be tel:, sms: or an https:// address")
                contacts.append(ContactMethod(
                    method=cf["method"].choice(("call", "text", "chat")),
                    value=cf["value"].text(), href=href,
                    note=cf["note"].text() if "note" in cf else ""))
            resources.append(CrisisResource(
                id=rf["id"].slug(), name=rf["name"].text(),
                kind=rf["kind"].choice(("emergency", "crisis", "referral")),
                description=rf["description"].text(), contacts=tuple(contacts)))
        unique(res_nodes, [r.id for r in resources], "resource")
        if not any(r.kind == "emergency" for r in resources):
            raise f["resources"].fail("every locale needs an emergency resource")
        if not any(r.kind == "crisis" for r in resources):
            raise f["resources"].fail("every locale needs a crisis line")
        locale_id = f["id"].value
        if not isinstance(locale_id, str) or not re.match(r"^[A-Z]{2}$", locale_id):
            raise f["id"].fail("a locale id is a two-letter country code such as US")
        locales.append(CrisisLocale(id=locale_id, name=f["name"].text(),
                                    resources=tuple(resources)))
    unique(nodes, [loc.id for loc in locales], "locale")
    default = top["default_locale"].value
    if default not in {loc.id for loc in locales}:
        raise top["default_locale"].fail(f"unknown locale {default!r}")
    return str(default), tuple(locales)


# --- plan.yaml ------------------------------------------------------------------------------


def read_lines(node: Node, max_items: int = 40) -> tuple[str, ...]:
    lines = [n.text() for n in node.list()]
    if len(lines) > max_items:
        raise node.fail(f"at most {max_items} lines")
    return tuple(lines)


def read_suggest(fields: dict[str, Node], reader: ConditionReader, node: Node
                 ) -> tuple[c.Condition | None, str]:
    if "suggest_when" not in fields:
        if "because" in fields:
            raise node.fail("'because' only makes sense with 'suggest_when'")
        return None, ""
    if "because" not in fields:
        raise node.fail("a suggestion needs 'because': the person sees why it was suggested")
    return reader.read(fields["suggest_when"]), fields["because"].text()


def read_plan(root: Node, questionnaire: Questionnaire, scales: tuple[Scale, ...],
              flags: tuple[Flag, ...], paths: tuple[TreatmentPath, ...]) -> PlanContent:
    top = root.mapping(["trigger_kinds", "triggers", "warning_signs", "urge_plan", "routine",
                        "reason_prompts", "next_steps", "lapse_plan", "medical_red_flags",
                        "therapy_aftercare", "at_home_safety", "harm_reduction", "safety_steps"])
    reader = ConditionReader(
        {i.id: {o.id for o in i.options} for i in questionnaire.items.values()},
        {s.id: s for s in scales}, {f.id for f in flags}, {p.id for p in paths})

    kind_nodes = top["trigger_kinds"].list()
    kinds = []
    for node in kind_nodes:
        f = node.mapping(["id", "label"])
        kinds.append((f["id"].slug(), f["label"].text()))
    unique(kind_nodes, [k for k, _ in kinds], "trigger kind")

    triggers = []
    trigger_nodes = top["triggers"].list()
    for node in trigger_nodes:
        f = node.mapping(["id", "kind", "label", "actions"], ["suggest_when", "because"])
        actions = []
        for action_node in f["actions"].list():
            af = action_node.mapping(["kind", "text"])
            actions.append(PlanAction(af["kind"].choice(TRIGGER_ACTION_KINDS), af["text"].text()))
        suggest_when, because = read_suggest(f, reader, node)
        triggers.append(PlanTrigger(
            id=f["id"].slug(), kind=f["kind"].choice(k for k, _ in kinds),
            label=f["label"].text(), actions=tuple(actions), suggest_when=suggest_when,
            because=because))
    unique(trigger_nodes, [t.id for t in triggers], "trigger")

    signs = []
    sign_nodes = top["warning_signs"].list()
    for node in sign_nodes:
        f = node.mapping(["id", "text"], ["suggest_when", "because"])
        suggest_when, because = read_suggest(f, reader, node)
        signs.append(PlanSuggestion(f["id"].slug(), f["text"].text(), suggest_when, because))
    unique(sign_nodes, [s.id for s in signs], "warning sign")

    uf = top["urge_plan"].mapping(["delay_minutes", "delay_note", "distractions", "grounding"])
    urge = UrgePlanDefaults(uf["delay_minutes"].integer(minimum=1), uf["delay_note"].text(),
                            read_lines(uf["distractions"]), uf["grounding"].text())

    routine = []
    routine_nodes = top["routine"].list()
    for node in routine_nodes:
        f = node.mapping(["id", "kind", "text"])
        routine.append(RoutineEntry(f["id"].slug(), f["kind"].slug(), f["text"].text()))
    unique(routine_nodes, [r.id for r in routine], "routine entry")

    steps_node = top["next_steps"]
    steps_fields = steps_node.mapping([p.id for p in paths])  # one for every path
    next_steps = {path_id: node.text() for path_id, node in steps_fields.items()}

    lf = top["lapse_plan"].mapping(["first_day", "reminder", "step_up"])
    lapse = LapsePlanDefaults(read_lines(lf["first_day"]), lf["reminder"].text(),
                              read_lines(lf["step_up"]))

    substances = {o.id for o in questionnaire.items[questionnaire.subject_item].options}
    red_flags = []
    covered: set[str] = set()
    for node in top["medical_red_flags"].list():
        f = node.mapping(["substances", "items"])
        subs = []
        for sub_node in f["substances"].list():
            sub = sub_node.slug()
            if sub not in substances:
                raise sub_node.fail(f"unknown substance {sub!r}")
            subs.append(sub)
        items = []
        for item_node in f["items"].list():
            itf = item_node.mapping(["text", "action"])
            items.append(RedFlagEntry(itf["text"].text(), itf["action"].text()))
        covered.update(subs)
        red_flags.append(SubstanceRedFlags(tuple(subs), tuple(items)))
    missing = substances - covered
    if missing:
        raise top["medical_red_flags"].fail(
            f"no red flags for: {', '.join(sorted(missing))} (every substance needs some)")

    tf = top["therapy_aftercare"].mapping(["applies_when", "common", "call_provider",
                                           "after_session"])
    aftercare = TherapyAftercare(reader.read(tf["applies_when"]), read_lines(tf["common"]),
                                 read_lines(tf["call_provider"]), read_lines(tf["after_session"]))

    def conditional(node: Node, key: str) -> ConditionalList:
        f = node.mapping(["applies_when", key], ["credit"])
        return ConditionalList(reader.read(f["applies_when"]), read_lines(f[key]),
                               f["credit"].text() if "credit" in f else "")

    return PlanContent(
        trigger_kinds=tuple(kinds), triggers=tuple(triggers), warning_signs=tuple(signs),
        urge_plan=urge, routine=tuple(routine),
        reason_prompts=read_lines(top["reason_prompts"]), next_steps=next_steps,
        lapse_plan=lapse, medical_red_flags=tuple(red_flags), therapy_aftercare=aftercare,
        at_home_safety=conditional(top["at_home_safety"], "rules"),
        harm_reduction=conditional(top["harm_reduction"], "notes"),
        safety_steps=conditional(top["safety_steps"], "steps"),
    )


def read_version(seeds_dir: Path) -> str:
    path = seeds_dir / "VERSION"
    if not path.is_file():
        raise ContentError("VERSION", "", "file is missing")
    version = path.read_text(encoding="utf-8", errors="replace").strip()
    if not re.match(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,39}$", version):
        raise ContentError("VERSION", "line 1", f"{version!r} is not a version such as 2026.11-1")
    return version


def load_content(seeds_dir: str | Path) -> Content:
    """Read and validate every seed file; raise ContentError at the first problem."""
    seeds_dir = Path(seeds_dir)
    version = read_version(seeds_dir)
    questionnaire = read_questionnaire(read_yaml(seeds_dir / "questionnaire.yaml"))
    severity, scales = read_scales(read_yaml(seeds_dir / "scoring.yaml"), questionnaire)
    flags = read_flags(read_yaml(seeds_dir / "flags.yaml"), questionnaire, scales)
    paths = read_paths(read_yaml(seeds_dir / "paths.yaml"), questionnaire, scales, flags)
    default_locale, locales = read_crisis(read_yaml(seeds_dir / "crisis.yaml"))
    plan = read_plan(read_yaml(seeds_dir / "plan.yaml"), questionnaire, scales, flags, paths)
    return Content(version=version, questionnaire=questionnaire, severity_scale=severity,
                   scales=scales, flags=flags, paths=paths, crisis_locales=locales,
                   default_locale=default_locale, plan=plan)
