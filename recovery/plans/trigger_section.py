"""The triggers section of the plan: each trigger with how risky it is and up to a few if-then
steps, plus triggers the person may add from the content's library (recovery.plans.sections
registers it with the other sections)."""

from dataclasses import replace

from wtforms import Field, SelectChoice
from wtforms.validators import ValidationError

from recovery.content.model import Content, PlanTrigger
from recovery.planning.draft import Action, PlanDraft, Trigger, kept_because
from recovery.planning.vocabulary import (
    ACTION_LABELS,
    MAX_TEXT,
    OWN_TRIGGER_KIND,
    OWN_TRIGGER_LABEL,
    RANK_LABELS,
)
from recovery.plans.forms import Column, Fields, PlanForm, RowGroup
from recovery.questionnaire.forms import CheckboxesField
from recovery.screening.engine import fill

MIN_ACTION_SLOTS = 3


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
