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

from recovery.content.model import Content
from recovery.planning.draft import (
    Contact,
    LapsePlan,
    Line,
    Meeting,
    PlanDraft,
    RedFlag,
    SafetyStep,
    UrgePlan,
    kept_because,
)
from recovery.planning.vocabulary import (
    DELAY_MINUTES,
    GOAL_LABELS,
    MAX_DISPLAY_NAME,
    MAX_MEETING_PLACE,
    MAX_PHONE,
    MAX_SHORT,
    MAX_TEXT,
    MEETING_LABELS,
    PHONE,
    SECTION_TITLES,
)
from recovery.plans.forms import (
    Column,
    Fields,
    IsoDate,
    PlanForm,
    RowGroup,
    build_form,
    choice_field,
    text_field,
    whole_number_field,
)
from recovery.plans.trigger_section import (
    apply_triggers,
    trigger_fields,
    trigger_groups,
)


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
    """One box per step, labelled with the step's title ("My warning signs", what the plan
    keeps) and described by the question the safety plan's own pages ask. The examples come
    too, except for the contacts steps: theirs speak of the safety plan's own page (the crisis
    lines shown on it, numbers called with one tap), not of this one box of text."""
    columns = (Column("response", "My answer", MAX_TEXT, is_long=True),)
    asked = {step.title: step.prompt if step.is_contacts else f"{step.prompt} {step.hint}"
             for step in content.safety_plan.steps}
    return [RowGroup("safety_steps", SECTION_TITLES["safety_steps"], "Step", columns,
                     tuple({"response": s.response} for s in draft.safety_steps),
                     legends=tuple(s.prompt for s in draft.safety_steps),
                     hints=tuple(asked.get(s.prompt, "") for s in draft.safety_steps),
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
