"""plan.yaml: what the plan builder suggests (triggers, warning signs, the urge and lapse plans,
medical red flags for every substance, ...), each suggestion with its condition and reason.
"""

from recovery.content import conditions as c
from recovery.content.model import (
    TRIGGER_ACTION_KINDS,
    ConditionalList,
    Flag,
    LapsePlanDefaults,
    PlanAction,
    PlanContent,
    PlanSuggestion,
    PlanTrigger,
    Questionnaire,
    RedFlagEntry,
    RoutineEntry,
    Scale,
    SubstanceRedFlags,
    TherapyAftercare,
    TreatmentPath,
    UrgePlanDefaults,
)
from recovery.content.reading import Node, unique
from recovery.content.references import ConditionReader


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
    kinds = read_trigger_kinds(top["trigger_kinds"])
    triggers = read_triggers(top["triggers"], kinds, reader)
    signs = read_warning_signs(top["warning_signs"], reader)

    uf = top["urge_plan"].mapping(["delay_minutes", "delay_note", "distractions", "grounding"])
    urge = UrgePlanDefaults(uf["delay_minutes"].integer(minimum=1), uf["delay_note"].text(),
                            read_lines(uf["distractions"]), uf["grounding"].text())
    routine = read_routine(top["routine"])
    steps_fields = top["next_steps"].mapping([p.id for p in paths])  # one for every path
    next_steps = {path_id: node.text() for path_id, node in steps_fields.items()}
    lf = top["lapse_plan"].mapping(["first_day", "reminder", "step_up"])
    lapse = LapsePlanDefaults(read_lines(lf["first_day"]), lf["reminder"].text(),
                              read_lines(lf["step_up"]))
    substances = {o.id for o in questionnaire.items[questionnaire.subject_item].options}
    red_flags = read_red_flags(top["medical_red_flags"], substances)
    tf = top["therapy_aftercare"].mapping(["applies_when", "common", "call_provider",
                                           "after_session"])
    aftercare = TherapyAftercare(reader.read(tf["applies_when"]), read_lines(tf["common"]),
                                 read_lines(tf["call_provider"]), read_lines(tf["after_session"]))

    def conditional(node: Node, key: str) -> ConditionalList:
        f = node.mapping(["applies_when", key], ["credit"])
        return ConditionalList(reader.read(f["applies_when"]), read_lines(f[key]),
                               f["credit"].text() if "credit" in f else "")

    return PlanContent(
        trigger_kinds=kinds, triggers=triggers, warning_signs=signs,
        urge_plan=urge, routine=routine,
        reason_prompts=read_lines(top["reason_prompts"]), next_steps=next_steps,
        lapse_plan=lapse, medical_red_flags=red_flags, therapy_aftercare=aftercare,
        at_home_safety=conditional(top["at_home_safety"], "rules"),
        harm_reduction=conditional(top["harm_reduction"], "notes"),
        safety_steps=conditional(top["safety_steps"], "steps"),
    )


def read_trigger_kinds(node: Node) -> tuple[tuple[str, str], ...]:
    kind_nodes = node.list()
    kinds = []
    for kind_node in kind_nodes:
        f = kind_node.mapping(["id", "label"])
        kinds.append((f["id"].slug(), f["label"].text()))
    unique(kind_nodes, [k for k, _ in kinds], "trigger kind")
    return tuple(kinds)


def read_triggers(node: Node, kinds: tuple[tuple[str, str], ...], reader: ConditionReader
                  ) -> tuple[PlanTrigger, ...]:
    triggers = []
    trigger_nodes = node.list()
    for trigger_node in trigger_nodes:
        f = trigger_node.mapping(["id", "kind", "label", "actions"], ["suggest_when", "because"])
        actions = []
        for action_node in f["actions"].list():
            af = action_node.mapping(["kind", "text"])
            actions.append(PlanAction(af["kind"].choice(TRIGGER_ACTION_KINDS), af["text"].text()))
        suggest_when, because = read_suggest(f, reader, trigger_node)
        triggers.append(PlanTrigger(
            id=f["id"].slug(), kind=f["kind"].choice(k for k, _ in kinds),
            label=f["label"].text(), actions=tuple(actions), suggest_when=suggest_when,
            because=because))
    unique(trigger_nodes, [t.id for t in triggers], "trigger")
    return tuple(triggers)


def read_warning_signs(node: Node, reader: ConditionReader) -> tuple[PlanSuggestion, ...]:
    signs = []
    sign_nodes = node.list()
    for sign_node in sign_nodes:
        f = sign_node.mapping(["id", "text"], ["suggest_when", "because"])
        suggest_when, because = read_suggest(f, reader, sign_node)
        signs.append(PlanSuggestion(f["id"].slug(), f["text"].text(), suggest_when, because))
    unique(sign_nodes, [s.id for s in signs], "warning sign")
    return tuple(signs)


def read_routine(node: Node) -> tuple[RoutineEntry, ...]:
    routine = []
    routine_nodes = node.list()
    for entry_node in routine_nodes:
        f = entry_node.mapping(["id", "kind", "text"])
        routine.append(RoutineEntry(f["id"].slug(), f["kind"].slug(), f["text"].text()))
    unique(routine_nodes, [r.id for r in routine], "routine entry")
    return tuple(routine)


def read_red_flags(node: Node, substances: set[str]) -> tuple[SubstanceRedFlags, ...]:
    """Medical red flags by substance; every substance the questionnaire offers needs some."""
    red_flags = []
    covered: set[str] = set()
    for group_node in node.list():
        f = group_node.mapping(["substances", "items"])
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
        raise node.fail(
            f"no red flags for: {', '.join(sorted(missing))} (every substance needs some)")
    return tuple(red_flags)
