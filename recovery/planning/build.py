"""Pre-fill a relapse-prevention plan from a screening: suggestions, never decisions.

The warning signs the person reported become suggested triggers and early warning signs, the
recommended paths become treatment next steps, and the flags become the medical and crisis
sections. Each suggestion keeps the reason it was made. A counselor's own choice of path
(`ChosenPath`, passed in by the caller) takes the place of the screening's suggestion in the
next steps, and says that it was the counselor's choice, and why.

`build_draft` puts the draft together; each suggested part (goal, triggers, warning signs, next
steps, therapy aftercare, medical red flags) is chosen by its own function below it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from recovery.content.conditions import Condition
from recovery.content.model import Content, PlanContent
from recovery.planning.draft import (
    Action,
    LapsePlan,
    Line,
    PlanDraft,
    RedFlag,
    SafetyStep,
    TherapySection,
    Trigger,
    UrgePlan,
)
from recovery.planning.vocabulary import MAX_TEXT
from recovery.screening.engine import ScreeningContext, evaluate, fill
from recovery.screening.result import PathResult, ScreeningResult

REVIEW_AFTER = timedelta(days=30)


@dataclass(frozen=True)
class ChosenPath:
    """A counselor's own choice of treatment path for a screening, and their reason."""

    path_id: str
    reason: str


def build_draft(answers: Mapping[str, object], content: Content, *, today: date,
                locale: str | None = None, chosen: ChosenPath | None = None) -> PlanDraft:
    """A first draft of the plan for these answers; `chosen`, a counselor's choice of path, leads
    its next steps. Raises AnswerError for invalid answers."""
    result, ctx = evaluate(answers, content, locale)
    plan, subject = content.plan, result.substance_text
    is_at_risk = plan.safety_plan_when.is_true(ctx)
    return PlanDraft(
        content_version=content.version,
        substance=result.substance,
        substance_text=subject,
        review_date=(today + REVIEW_AFTER).isoformat(),
        crisis_locale=result.crisis_locale,
        goal=suggested_goal(ctx),
        triggers=suggested_triggers(plan, ctx, subject),
        warning_signs=suggested_warning_signs(plan, ctx, subject),
        urge_plan=UrgePlan(delay_minutes=plan.urge_plan.delay_minutes,
                           distractions=plan.urge_plan.distractions,
                           grounding=plan.urge_plan.grounding),
        routine=tuple(Line(r.text) for r in plan.routine),
        next_steps=next_steps(result, content, subject, chosen),
        lapse_plan=LapsePlan(first_day=plan.lapse_plan.first_day,
                             reminder=plan.lapse_plan.reminder,
                             step_up=plan.lapse_plan.step_up),
        medical=medical_red_flags(result, ctx, content),
        therapy=therapy_section(plan, ctx),
        # The result page's safer-use lines (seeds/safer_use.yaml), for the same people.
        harm_reduction=result.safer_use.lines if result.safer_use else (),
        # The safety plan's own steps (seeds/safety_plan.yaml), first in the plan.
        safety_steps=(tuple(SafetyStep(step.title) for step in content.safety_plan.steps)
                      if is_at_risk else ()),
        safety_credit=content.safety_plan.credit if is_at_risk else "",
    )


def holds(condition: Condition | None, ctx: ScreeningContext) -> bool:
    """A suggestion's condition: None (never suggested) or true for these answers."""
    return condition is not None and condition.is_true(ctx)


def suggested_goal(ctx: ScreeningContext) -> str:
    """"Stop" for someone getting ready to change or already changing; otherwise the person
    decides (also when readiness wasn't asked: someone who doesn't use has nothing to stop)."""
    readiness = ctx.answer_values("readiness")
    return "stop" if set(readiness) & {"preparing", "changing"} else "undecided"


def suggested_triggers(plan: PlanContent, ctx: ScreeningContext, subject: str
                       ) -> tuple[Trigger, ...]:
    return tuple(
        Trigger(kind=t.kind, text=fill(t.label, subject), rank="high",
                actions=tuple(Action(a.kind, fill(a.text, subject)) for a in t.actions),
                because=fill(t.because, subject))
        for t in plan.triggers if holds(t.suggest_when, ctx)
    )


def suggested_warning_signs(plan: PlanContent, ctx: ScreeningContext, subject: str
                            ) -> tuple[Line, ...]:
    return tuple(Line(fill(s.text, subject), fill(s.because, subject))
                 for s in plan.warning_signs if holds(s.suggest_when, ctx))


def next_steps(result: ScreeningResult, content: Content, subject: str,
               chosen: ChosenPath | None = None) -> tuple[Line, ...]:
    """A first step for each treatment path the screening recommended. A counselor's choice
    takes the place of the screening's suggestion (its first path, the one the counselor chose
    instead of) and comes first; the other paths follow. A choice of a path today's content no
    longer has is left out: there is no step to give for it."""
    steps = content.plan.next_steps
    suggested = [Line(fill(steps[p.id], subject), f"Your screening recommended “{p.title}”.")
                 for p in result.paths]
    title = next((p.title for p in content.paths if p.id == (chosen and chosen.path_id)), None)
    if chosen is None or title is None:
        return tuple(suggested)
    first = result.paths[0] if result.paths else None
    replaced = {chosen.path_id, first.id if first else ""}
    counselor = content.words.get("counselor", "counselor")  # counsellor in British English
    counselors = Line(fill(steps[chosen.path_id], subject),
                      counselors_choice(title, first, chosen.reason, counselor))
    return (counselors, *(line for p, line in zip(result.paths, suggested, strict=True)
                          if p.id not in replaced))


def counselors_choice(title: str, suggestion: PathResult | None, reason: str,
                      counselor: str = "counselor") -> str:
    """Why a step is there: the counselor chose its path, in place of the suggestion, and why
    (the reason shortened to fit a plan line; the screening keeps it whole)."""
    if suggestion is None:
        said = f"Your {counselor} chose “{title}”."
    elif suggestion.title == title:
        said = f"Your {counselor} chose “{title}”, as your screening suggested."
    else:
        said = (f"Your {counselor} chose “{title}” in place of your screening's suggestion, "
                f"“{suggestion.title}”.")
    if not reason.strip():
        return said
    return f"{said} Their reason: {shortened(reason, MAX_TEXT - len(said) - 15)}"


def shortened(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where possible, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut) + "…"


def therapy_section(plan: PlanContent, ctx: ScreeningContext) -> TherapySection | None:
    """Aftercare for prescribed treatment sessions (a clinic, esketamine or at home), with the
    at-home rules when the doses are taken at home; None when nothing is prescribed."""
    aftercare, at_home = plan.therapy_aftercare, plan.at_home_safety
    if not aftercare.applies_when.is_true(ctx):
        return None
    return TherapySection(
        common=aftercare.common,
        call_provider=aftercare.call_provider,
        after_session=aftercare.after_session,
        at_home_rules=at_home.lines if at_home.applies_when.is_true(ctx) else (),
    )


def medical_red_flags(result: ScreeningResult, ctx: ScreeningContext, content: Content
                      ) -> tuple[RedFlag, ...]:
    """The medical flags the screening raised (first: they are about this person, not about
    the substance), then the red flags for the main substance and anything used alongside it.
    A general red flag that says the same as a raised flag (`same_as`) is left out, and one
    that is there only for another substance says which ("Alcohol: ...")."""
    main = set(ctx.answer_values(content.questionnaire.subject_item))
    also = set(ctx.answer_values("co_use")) - main
    raised = result.flags_of("medical")
    raised_ids = {f.id for f in raised}
    general = [
        RedFlag(labelled(entry.text, group.substances, main, also, content), entry.action)
        for group in content.plan.medical_red_flags if (main | also) & set(group.substances)
        for entry in group.items if not raised_ids & set(entry.same_as)
    ]
    first_of_each: dict[str, RedFlag] = {}  # by text, in order: a flag said once
    for flag in [RedFlag(text=f.title, action=f.text) for f in raised] + general:
        first_of_each.setdefault(flag.text, flag)
    return tuple(first_of_each.values())


def labelled(text: str, group: tuple[str, ...], main: set[str], also: set[str],
             content: Content) -> str:
    """`text` as it is when its group is about the main substance; otherwise after the names
    of the other substances it is there for, as the questionnaire writes them in a sentence
    ("Alcohol: ...")."""
    if main & set(group):
        return text
    subject = content.questionnaire.items[content.questionnaire.subject_item]
    names = [option.in_text for option in subject.options
             if option.id in group and option.id in also]
    return f"{' or '.join(names).capitalize()}: {text}"
