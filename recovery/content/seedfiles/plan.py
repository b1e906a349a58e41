"""plan.yaml: what the plan builder suggests (triggers, warning signs, the urge and lapse plans,
medical red flags for every substance, ...), each suggestion with its condition and reason.

The shape (PlanFile) is checked first; then what it can't see: trigger kinds that exist, ids
that are unique, `suggest_when` and `because` written together, a next step for every path and
red flags for every substance, and the conditions' references.
"""

from typing import Annotated, Any

from pydantic import BeforeValidator

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
from recovery.content.reading import (
    Entries,
    Lines,
    MappingOf,
    SeedProblem,
    Shape,
    Slug,
    Text,
    numbered,
    one_of,
    unique,
    validate,
    whole_number,
)
from recovery.content.references import (
    ConditionReader,
    OptionalCondition,
    RawCondition,
    reader_of_all,
)
from recovery.strict import Loc


class TriggerKindShape(Shape):
    id: Slug
    label: Text


class ActionShape(Shape):
    kind: Annotated[str, BeforeValidator(one_of(TRIGGER_ACTION_KINDS))]
    text: Text


class Suggested(Shape):
    """An entry the builder may pre-fill: `suggest_when` and `because` come together."""

    suggest_when: OptionalCondition = None
    because: Text = ""


class TriggerShape(Suggested):
    id: Slug
    kind: str  # one of trigger_kinds: checked after the shape
    label: Text
    actions: Entries[ActionShape]


class WarningSignShape(Suggested):
    id: Slug
    text: Text


class UrgePlanShape(Shape):
    delay_minutes: Annotated[int, BeforeValidator(whole_number(1))]
    delay_note: Text
    distractions: Lines
    grounding: Text


class RoutineShape(Shape):
    id: Slug
    kind: Slug
    text: Text


class LapsePlanShape(Shape):
    first_day: Lines
    reminder: Text
    step_up: Lines


class RedFlagShape(Shape):
    text: Text
    action: Text
    # Medical flags (flags.yaml) that say the same: raised for this person, they stand in its
    # place, so the plan never lists one red flag twice in different words.
    same_as: Entries[Slug] = []


class RedFlagGroupShape(Shape):
    substances: Entries[Slug]
    items: Entries[RedFlagShape]


class TherapyAftercareShape(Shape):
    applies_when: RawCondition
    common: Lines
    call_provider: Lines
    after_session: Lines


class ConditionalShape(Shape):
    """Lines that belong in the plan only when `applies_when` holds; each section names its
    lines its own way (rules, notes, steps)."""

    applies_when: RawCondition
    credit: Text = ""

    @property
    def lines(self) -> list[str]:
        raise NotImplementedError


class AtHomeSafetyShape(ConditionalShape):
    rules: Lines

    @property
    def lines(self) -> list[str]:
        return self.rules


class SafetyStepsShape(Shape):
    """When the plan gets the safety plan's steps; the steps are safety_plan.yaml's."""

    applies_when: RawCondition


class PlanFile(Shape):
    trigger_kinds: Entries[TriggerKindShape]
    triggers: Entries[TriggerShape]
    warning_signs: Entries[WarningSignShape]
    urge_plan: UrgePlanShape
    routine: Entries[RoutineShape]
    reason_prompts: Lines
    next_steps: MappingOf[str, Text]  # one for every treatment path: checked after the shape
    lapse_plan: LapsePlanShape
    medical_red_flags: Entries[RedFlagGroupShape]
    therapy_aftercare: TherapyAftercareShape
    at_home_safety: AtHomeSafetyShape
    safety_steps: SafetyStepsShape


def read_plan(data: Any, questionnaire: Questionnaire, scales: tuple[Scale, ...],
              flags: tuple[Flag, ...], paths: tuple[TreatmentPath, ...]) -> PlanContent:
    plan = validate(PlanFile, data)
    reader = reader_of_all(questionnaire, scales, flags, paths)
    substances = {o.id for o in questionnaire.items[questionnaire.subject_item].options}
    urge, lapse, therapy = plan.urge_plan, plan.lapse_plan, plan.therapy_aftercare
    return PlanContent(
        trigger_kinds=read_trigger_kinds(plan.trigger_kinds),
        triggers=read_triggers(plan.triggers, plan.trigger_kinds, reader),
        warning_signs=read_warning_signs(plan.warning_signs, reader),
        urge_plan=UrgePlanDefaults(urge.delay_minutes, urge.delay_note,
                                   tuple(urge.distractions), urge.grounding),
        routine=read_routine(plan.routine),
        reason_prompts=tuple(plan.reason_prompts),
        next_steps=read_next_steps(plan.next_steps, paths),
        lapse_plan=LapsePlanDefaults(tuple(lapse.first_day), lapse.reminder,
                                     tuple(lapse.step_up)),
        medical_red_flags=read_red_flags(plan.medical_red_flags, substances,
                                         {f.id for f in flags if f.kind == "medical"}),
        therapy_aftercare=TherapyAftercare(
            reader.read(therapy.applies_when, ("therapy_aftercare", "applies_when")),
            tuple(therapy.common), tuple(therapy.call_provider), tuple(therapy.after_session)),
        at_home_safety=conditional(plan.at_home_safety, "at_home_safety", reader),
        safety_plan_when=reader.read(plan.safety_steps.applies_when,
                                     ("safety_steps", "applies_when")),
    )


def read_trigger_kinds(kinds: list[TriggerKindShape]) -> tuple[tuple[str, str], ...]:
    unique(numbered(("trigger_kinds",), (k.id for k in kinds)), "trigger kind")
    return tuple((k.id, k.label) for k in kinds)


def read_suggest(entry: Suggested, at: Loc, reader: ConditionReader
                 ) -> tuple[c.Condition | None, str]:
    if entry.suggest_when is None:
        if entry.because:
            raise SeedProblem(at, "'because' only makes sense with 'suggest_when'")
        return None, ""
    if not entry.because:
        raise SeedProblem(at, "a suggestion needs 'because': the person sees why it was "
                          "suggested")
    return reader.read(entry.suggest_when, (*at, "suggest_when")), entry.because


def read_triggers(triggers: list[TriggerShape], kinds: list[TriggerKindShape],
                  reader: ConditionReader) -> tuple[PlanTrigger, ...]:
    kind_ids = [k.id for k in kinds]
    read = tuple(read_trigger(trigger, ("triggers", index), kind_ids, reader)
                 for index, trigger in enumerate(triggers))
    unique(numbered(("triggers",), (t.id for t in read)), "trigger")
    return read


def read_trigger(trigger: TriggerShape, at: Loc, kind_ids: list[str], reader: ConditionReader
                 ) -> PlanTrigger:
    if trigger.kind not in kind_ids:
        raise SeedProblem((*at, "kind"),
                          f"{trigger.kind!r} is not one of {', '.join(kind_ids)}")
    suggest_when, because = read_suggest(trigger, at, reader)
    actions = tuple(PlanAction(a.kind, a.text) for a in trigger.actions)
    return PlanTrigger(id=trigger.id, kind=trigger.kind, label=trigger.label,
                       actions=actions, suggest_when=suggest_when, because=because)


def read_warning_signs(signs: list[WarningSignShape], reader: ConditionReader
                       ) -> tuple[PlanSuggestion, ...]:
    read = tuple(PlanSuggestion(sign.id, sign.text,
                                *read_suggest(sign, ("warning_signs", index), reader))
                 for index, sign in enumerate(signs))
    unique(numbered(("warning_signs",), (s.id for s in read)), "warning sign")
    return read


def read_routine(entries: list[RoutineShape]) -> tuple[RoutineEntry, ...]:
    unique(numbered(("routine",), (r.id for r in entries)), "routine entry")
    return tuple(RoutineEntry(r.id, r.kind, r.text) for r in entries)


def read_next_steps(steps: dict[str, str], paths: tuple[TreatmentPath, ...]) -> dict[str, str]:
    """A first step for every treatment path, and for nothing else."""
    path_ids = [p.id for p in paths]
    for key in steps:
        if key not in path_ids:
            raise SeedProblem(("next_steps",),
                              f"unknown key {key!r} (allowed: {', '.join(sorted(path_ids))})")
    for path_id in sorted(path_ids):
        if path_id not in steps:
            raise SeedProblem(("next_steps",), f"missing key {path_id!r}")
    return dict(steps)


def read_red_flags(groups: list[RedFlagGroupShape], substances: set[str],
                   medical_flags: set[str]) -> tuple[SubstanceRedFlags, ...]:
    """Medical red flags by substance; every substance the questionnaire offers needs some,
    and `same_as` names medical flags."""
    for index, group in enumerate(groups):
        check_red_flag_group(group, ("medical_red_flags", index), substances, medical_flags)
    missing = substances - {s for group in groups for s in group.substances}
    if missing:
        raise SeedProblem(("medical_red_flags",), f"no red flags for: "
                          f"{', '.join(sorted(missing))} (every substance needs some)")
    return tuple(SubstanceRedFlags(tuple(g.substances),
                                   tuple(RedFlagEntry(i.text, i.action, tuple(i.same_as))
                                         for i in g.items))
                 for g in groups)


def check_red_flag_group(group: RedFlagGroupShape, at: Loc, substances: set[str],
                         medical_flags: set[str]) -> None:
    """Its substances are the questionnaire's, and its items' `same_as` name medical flags."""
    for sub_index, substance in enumerate(group.substances):
        if substance not in substances:
            raise SeedProblem((*at, "substances", sub_index), f"unknown substance {substance!r}")
    for item_index, item in enumerate(group.items):
        for same_index, flag_id in enumerate(item.same_as):
            if flag_id not in medical_flags:
                raise SeedProblem((*at, "items", item_index, "same_as", same_index),
                                  f"unknown medical flag {flag_id!r}")


def conditional(section: ConditionalShape, key: str, reader: ConditionReader
                ) -> ConditionalList:
    return ConditionalList(reader.read(section.applies_when, (key, "applies_when")),
                           tuple(section.lines), section.credit)
