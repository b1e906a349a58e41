"""The plan's editable sections: for each, the form that edits it and how a valid form becomes
a new PlanDraft.

Every section reads the draft the person opened (the save is refused if the plan moved on
since), so row n of a form always edits entry n of that draft. That is how a suggestion keeps
its "why": an entry left word for word as we suggested it keeps its reason; once the person
rewrites it, it is theirs and the reason goes.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Field, SelectChoice
from wtforms.validators import ValidationError

from recovery.content.model import Content, PlanTrigger
from recovery.planning.draft import (
    Action,
    Contact,
    LapsePlan,
    Line,
    Meeting,
    PlanDraft,
    RedFlag,
    SafetyStep,
    Trigger,
    UrgePlan,
)
from recovery.planning.vocabulary import (
    ACTION_LABELS,
    DELAY_MINUTES,
    GOAL_LABELS,
    MAX_DISPLAY_NAME,
    MAX_MEETING_PLACE,
    MAX_PHONE,
    MAX_SHORT,
    MAX_TEXT,
    MEETING_LABELS,
    OWN_TRIGGER_KIND,
    OWN_TRIGGER_LABEL,
    PHONE,
    RANK_LABELS,
    SECTION_TITLES,
)
from recovery.plans.forms import (
    Column,
    IsoDate,
    PlanForm,
    RowGroup,
    build_form,
    choice_field,
    text_field,
    whole_number_field,
)
from recovery.questionnaire.forms import CheckboxesField
from recovery.screening.engine import fill

MIN_ACTION_SLOTS = 3

Fields = dict[str, Field]


@dataclass(frozen=True)
class Section:
    """One editable part of the plan. The callables get the draft being edited."""

    id: str
    title: str
    intro: str
    apply: Callable[[PlanDraft, PlanForm, Content], PlanDraft]
    fields: Callable[[PlanDraft, Content], Fields] = lambda draft, content: {}
    data: Callable[[PlanDraft], dict[str, Any]] = lambda draft: {}
    groups: Callable[[PlanDraft, Content], list[RowGroup]] = lambda draft, content: []
    is_available: Callable[[PlanDraft], bool] = lambda draft: True

    def form(self, draft: PlanDraft, content: Content,
             formdata: MultiDict[str, Any] | None = None) -> PlanForm:
        name = "".join(part.title() for part in self.id.split("_")) + "Form"
        return build_form(self.fields(draft, content), self.groups(draft, content),
                          self.data(draft), formdata, name)


def kept_because(old: Line | Trigger | None, text: str) -> str:
    """Keep our reason for a suggestion only while it still reads as we suggested it."""
    return old.because if old is not None and old.text == text else ""


# --- Lists of lines: reasons, warning signs, routine, next steps, and plain text lists ----


def line_section(attr: str, title: str, noun: str, intro: str, *,
                 hint: Callable[[Content], str] = lambda content: "") -> Section:
    """A section that is one list of `Line`s (text plus the reason it was suggested)."""

    def groups(draft: PlanDraft, content: Content) -> list[RowGroup]:
        lines: tuple[Line, ...] = getattr(draft, attr)
        return [RowGroup(attr, title, noun, (Column("text", noun, MAX_TEXT, is_long=True),),
                         tuple({"text": line.text} for line in lines), hint=hint(content),
                         notes=tuple(line.because for line in lines))]

    def apply(draft: PlanDraft, form: PlanForm, content: Content) -> PlanDraft:
        old: tuple[Line, ...] = getattr(draft, attr)
        lines = tuple(
            Line(row.values["text"],
                 kept_because(old[row.original] if row.original is not None else None,
                              row.values["text"]))
            for row in form.kept_rows(attr))
        changes: dict[str, Any] = {attr: lines}
        return replace(draft, **changes)

    return Section(attr, title, intro, apply, groups=groups)


def text_rows(name: str, title: str, noun: str, texts: tuple[str, ...]) -> RowGroup:
    return RowGroup(name, title, noun, (Column("text", noun, MAX_TEXT, is_long=True),),
                    tuple({"text": text} for text in texts))


def kept_texts(form: PlanForm, name: str) -> tuple[str, ...]:
    return tuple(row.values["text"] for row in form.kept_rows(name))


# --- About this plan -------------------------------------------------------------------------


def about_fields(draft: PlanDraft, content: Content) -> Fields:
    return {
        "display_name": text_field(
            "Name on the plan (optional)", MAX_DISPLAY_NAME,
            description="A first name or initials is plenty. Printed plans and the handout can "
                        "be seen by other people, so leave out your full name."),
        "goal": choice_field("My goal for now", list(GOAL_LABELS.items()), radio=True),
        "review_date": text_field("Review the plan on", 10, input_type="date", extra=(IsoDate(),),
                                  description="Pick a day to look at the plan again, "
                                              "for example in a month."),
        "crisis_locale": choice_field("Crisis lines for",
                                      [(loc.id, loc.name) for loc in content.crisis_locales]),
    }


def about_data(draft: PlanDraft) -> dict[str, Any]:
    return {"display_name": draft.display_name, "goal": draft.goal,
            "review_date": draft.review_date, "crisis_locale": draft.crisis_locale}


def apply_about(draft: PlanDraft, form: PlanForm, content: Content) -> PlanDraft:
    return replace(draft, display_name=form["display_name"].data or "",
                   goal=form["goal"].data, review_date=form["review_date"].data,
                   crisis_locale=form["crisis_locale"].data)


# --- Triggers --------------------------------------------------------------------------------


def action_slots(draft: PlanDraft) -> int:
    """Three if-then steps per trigger, or more if a trigger already has more (from a file),
    so editing never drops any."""
    return max([MIN_ACTION_SLOTS, *(len(t.actions) for t in draft.triggers)])


def kind_labels(content: Content) -> dict[str, str]:
    return {**dict(content.plan.trigger_kinds), OWN_TRIGGER_KIND: OWN_TRIGGER_LABEL}


def trigger_columns(draft: PlanDraft, content: Content) -> tuple[Column, ...]:
    columns = [
        Column("text", "Trigger", MAX_TEXT, is_required=True),
        Column("kind", "Kind", choices=tuple(kind_labels(content).items()),
               default=OWN_TRIGGER_KIND, is_new_only=True),
        Column("rank", "How risky", choices=tuple(RANK_LABELS.items()), default="medium"),
    ]
    for n in range(1, action_slots(draft) + 1):
        columns.append(Column(f"action{n}_kind", f"If-then step {n}: what I'll do",
                              choices=tuple(ACTION_LABELS.items()), default="cope"))
        columns.append(Column(f"action{n}_text", f"If-then step {n}: how", MAX_TEXT))
    return tuple(columns)


def trigger_row(trigger: Trigger) -> dict[str, str]:
    row = {"text": trigger.text, "kind": trigger.kind, "rank": trigger.rank}
    for n, action in enumerate(trigger.actions, start=1):
        row[f"action{n}_kind"], row[f"action{n}_text"] = action.kind, action.text
    return row


def library_choices(draft: PlanDraft, content: Content) -> list[PlanTrigger]:
    """Library triggers not already in the plan (matched by how they read)."""
    present = {t.text for t in draft.triggers}
    return [t for t in content.plan.triggers if fill(t.label, draft.substance_text) not in present]


def trigger_groups(draft: PlanDraft, content: Content) -> list[RowGroup]:
    return [RowGroup("triggers", "My triggers", "Trigger", trigger_columns(draft, content),
                     tuple(trigger_row(t) for t in draft.triggers), blank_rows=2,
                     notes=tuple(t.because for t in draft.triggers))]


def trigger_fields(draft: PlanDraft, content: Content) -> Fields:
    choices = [SelectChoice(t.id, fill(t.label, draft.substance_text))
               for t in library_choices(draft, content)]
    return {"add": CheckboxesField("Add triggers from the list", choices=choices,
                                   validate_choice=False, validators=[OnlyOffered()])}


class OnlyOffered:
    """Every ticked box must be one we showed (a tampered value is refused, not ignored)."""

    def __call__(self, form: PlanForm, field: Field) -> None:
        offered = {choice.value for choice in field.choices}
        if any(value not in offered for value in field.data or []):
            raise ValidationError("Please choose triggers from the list.")


def apply_triggers(draft: PlanDraft, form: PlanForm, content: Content) -> PlanDraft:
    kept = []
    for row in form.kept_rows("triggers"):
        old = draft.triggers[row.original] if row.original is not None else None
        actions = tuple(
            Action(row.values[f"action{n}_kind"], row.values[f"action{n}_text"])
            for n in range(1, action_slots(draft) + 1) if row.values[f"action{n}_text"])
        kept.append(Trigger(kind=old.kind if old else row.values["kind"], text=row.values["text"],
                            rank=row.values["rank"], actions=actions,
                            because=kept_because(old, row.values["text"])))
    chosen = set(form["add"].data or [])
    added = [library_trigger(t, draft.substance_text)
             for t in library_choices(draft, content) if t.id in chosen]
    return replace(draft, triggers=tuple(kept + added))


def library_trigger(trigger: PlanTrigger, subject: str) -> Trigger:
    """A trigger the person picked from the list: theirs, so no "why"; medium until they say."""
    return Trigger(kind=trigger.kind, text=fill(trigger.label, subject), rank="medium",
                   actions=tuple(Action(a.kind, fill(a.text, subject)) for a in trigger.actions))


def trigger_library(draft: PlanDraft, content: Content
                    ) -> list[tuple[str, list[tuple[str, str]]]]:
    """The library triggers on offer as (id, how it reads), grouped by kind in the content's
    order (for the page)."""
    offered = library_choices(draft, content)
    return [(label, [(t.id, fill(t.label, draft.substance_text))
                     for t in offered if t.kind == kind])
            for kind, label in content.plan.trigger_kinds
            if any(t.kind == kind for t in offered)]


# --- Urge plan, lapse plan -------------------------------------------------------------------


def urge_fields(draft: PlanDraft, content: Content) -> Fields:
    return {
        "delay_minutes": whole_number_field(
            "Minutes I'll wait before deciding anything", *DELAY_MINUTES,
            description=content.plan.urge_plan.delay_note),
        "grounding": text_field("A grounding exercise", MAX_TEXT, is_long=True),
        "text_person": text_field("Who I'll text when an urge hits", MAX_SHORT),
    }


def urge_data(draft: PlanDraft) -> dict[str, Any]:
    urge = draft.urge_plan
    return {"delay_minutes": urge.delay_minutes, "grounding": urge.grounding,
            "text_person": urge.text_person}


def urge_groups(draft: PlanDraft, content: Content) -> list[RowGroup]:
    return [text_rows("distractions", "Things that take my mind off it", "Distraction",
                      draft.urge_plan.distractions)]


def apply_urge(draft: PlanDraft, form: PlanForm, content: Content) -> PlanDraft:
    return replace(draft, urge_plan=UrgePlan(
        delay_minutes=form["delay_minutes"].data, distractions=kept_texts(form, "distractions"),
        grounding=form["grounding"].data or "", text_person=form["text_person"].data or ""))


def lapse_fields(draft: PlanDraft, content: Content) -> Fields:
    return {"reminder": text_field("What I want to remember", MAX_TEXT, is_long=True)}


def lapse_data(draft: PlanDraft) -> dict[str, Any]:
    return {"reminder": draft.lapse_plan.reminder}


def lapse_groups(draft: PlanDraft, content: Content) -> list[RowGroup]:
    lapse = draft.lapse_plan
    return [text_rows("first_day", "In the first 24 hours", "Step", lapse.first_day),
            text_rows("step_up", "When to ask for more help", "Sign", lapse.step_up)]


def apply_lapse(draft: PlanDraft, form: PlanForm, content: Content) -> PlanDraft:
    return replace(draft, lapse_plan=LapsePlan(
        first_day=kept_texts(form, "first_day"), reminder=form["reminder"].data or "",
        step_up=kept_texts(form, "step_up")))


# --- Contacts, meetings, medical red flags, staying safer, safety steps ----------------------


def contact_groups(draft: PlanDraft, content: Content) -> list[RowGroup]:
    columns = (
        Column("name", "Name", MAX_SHORT, is_required=True),
        Column("role", "Who they are to me", MAX_SHORT),
        Column("phone", "Phone", MAX_PHONE, input_type="tel", pattern=PHONE,
               pattern_message="A phone number may hold digits, spaces, + ( ) - and . only."),
    )
    rows = tuple({"name": c.name, "role": c.role, "phone": c.phone} for c in draft.contacts)
    return [RowGroup("contacts", "People I can call", "Contact", columns, rows)]


def apply_contacts(draft: PlanDraft, form: PlanForm, content: Content) -> PlanDraft:
    return replace(draft, contacts=tuple(
        Contact(r.values["name"], r.values["role"], r.values["phone"])
        for r in form.kept_rows("contacts")))


def meeting_groups(draft: PlanDraft, content: Content) -> list[RowGroup]:
    columns = (
        Column("kind", "Kind of meeting",
               choices=(("", "Choose…"), *MEETING_LABELS.items()), is_required=True),
        Column("name", "Name", MAX_SHORT),
        Column("day", "Day", MAX_SHORT),
        Column("time", "Time", MAX_SHORT),
        Column("place", "Place or link", MAX_MEETING_PLACE),
    )
    rows = tuple({"kind": m.kind, "name": m.name, "day": m.day, "time": m.time,
                  "place": m.place} for m in draft.meetings)
    return [RowGroup("meetings", "Meetings I go to or want to try", "Meeting", columns, rows,
                     blank_rows=2)]


def apply_meetings(draft: PlanDraft, form: PlanForm, content: Content) -> PlanDraft:
    return replace(draft, meetings=tuple(Meeting(**r.values) for r in form.kept_rows("meetings")))


def medical_groups(draft: PlanDraft, content: Content) -> list[RowGroup]:
    columns = (Column("text", "Sign", MAX_TEXT, is_long=True, is_required=True),
               Column("action", "What to do", MAX_TEXT, is_long=True))
    rows = tuple({"text": f.text, "action": f.action} for f in draft.medical)
    return [RowGroup("medical", "Signs to get checked", "Red flag", columns, rows, blank_rows=2)]


def apply_medical(draft: PlanDraft, form: PlanForm, content: Content) -> PlanDraft:
    return replace(draft, medical=tuple(RedFlag(r.values["text"], r.values["action"])
                                        for r in form.kept_rows("medical")))


def harm_reduction_groups(draft: PlanDraft, content: Content) -> list[RowGroup]:
    return [text_rows("harm_reduction", "If I do use", "Note", draft.harm_reduction)]


def apply_harm_reduction(draft: PlanDraft, form: PlanForm, content: Content) -> PlanDraft:
    return replace(draft, harm_reduction=kept_texts(form, "harm_reduction"))


def safety_groups(draft: PlanDraft, content: Content) -> list[RowGroup]:
    columns = (Column("response", "My answer", MAX_TEXT, is_long=True),)
    return [RowGroup("safety_steps", SECTION_TITLES["safety_steps"], "Step", columns,
                     tuple({"response": s.response} for s in draft.safety_steps),
                     legends=tuple(s.prompt for s in draft.safety_steps),
                     blank_rows=0, can_remove=False)]


def apply_safety(draft: PlanDraft, form: PlanForm, content: Content) -> PlanDraft:
    group = form.group("safety_steps")
    return replace(draft, safety_steps=tuple(
        SafetyStep(step.prompt, form.row_values(group, index)["response"])
        for index, step in enumerate(draft.safety_steps)))


# --- The registry ----------------------------------------------------------------------------

SECTIONS: dict[str, Section] = {s.id: s for s in [
    Section("about", SECTION_TITLES["about"],
            "Your name on the plan, your goal, when to look at it again, and which country's "
            "crisis lines to show.",
            apply_about, fields=about_fields, data=about_data),
    line_section("reasons", SECTION_TITLES["reasons"], "Reason",
                 "Why recovery matters to you, in your own words. On a hard day, these are "
                 "what you read first.",
                 hint=lambda content: "Some ideas: " + "; ".join(content.plan.reason_prompts)
                 + "."),
    Section("triggers", SECTION_TITLES["triggers"],
            "The people, places, feelings, body states and thoughts that make using more "
            "likely, how risky each one is, and what you'll do when it comes up.",
            apply_triggers, fields=trigger_fields, groups=trigger_groups),
    line_section("warning_signs", SECTION_TITLES["warning_signs"], "Sign",
                 "Changes that tell you, or the people close to you, that things are "
                 "slipping, before any use happens."),
    Section("urge_plan", SECTION_TITLES["urge_plan"],
            "What you'll do when a craving hits: wait, distract yourself, ground yourself, "
            "and reach out.",
            apply_urge, fields=urge_fields, data=urge_data, groups=urge_groups),
    line_section("routine", SECTION_TITLES["routine"], "Habit",
                 "Small daily habits that keep you steady: sleep, light, food, movement, rest "
                 "and people."),
    Section("contacts", SECTION_TITLES["contacts"],
            "People you can call or text. Ask them first, so they know they are on your plan.",
            apply_contacts, groups=contact_groups),
    Section("meetings", SECTION_TITLES["meetings"],
            "Mutual-help meetings you go to or want to try, in person or online.",
            apply_meetings, groups=meeting_groups),
    line_section("next_steps", SECTION_TITLES["next_steps"], "Step",
                 "Concrete things to do next about treatment and support."),
    Section("lapse_plan", SECTION_TITLES["lapse_plan"],
            "What you'll do if you use again, and when to ask for more help.",
            apply_lapse, fields=lapse_fields, data=lapse_data, groups=lapse_groups),
    Section("medical", SECTION_TITLES["medical"],
            "Physical signs that need a doctor, and how soon. Think twice before removing "
            "any: they are here because they can be serious.",
            apply_medical, groups=medical_groups),
    Section("harm_reduction", SECTION_TITLES["harm_reduction"],
            "If you do use, these make it less dangerous.",
            apply_harm_reduction, groups=harm_reduction_groups),
    Section("safety_steps", SECTION_TITLES["safety_steps"],
            "Steps for getting through a moment when you might not feel safe. Fill in what "
            "fits you; you can come back to it any time.",
            apply_safety, groups=safety_groups,
            is_available=lambda draft: bool(draft.safety_steps)),
]}


def find(section_id: str, draft: PlanDraft) -> Section | None:
    section = SECTIONS.get(section_id)
    return section if section is not None and section.is_available(draft) else None
