"""Pre-fill a relapse-prevention plan from a screening: suggestions, never decisions.

The warning signs the person reported become suggested triggers and early warning signs, the
recommended paths become treatment next steps, and the flags become the medical and crisis
sections. Each suggestion keeps the reason it was made.
"""

from collections.abc import Mapping
from datetime import date, timedelta

from recovery.content.conditions import Condition
from recovery.content.model import Content
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
from recovery.screening.engine import ScreeningContext, evaluate, fill
from recovery.screening.result import ScreeningResult

REVIEW_AFTER = timedelta(days=30)


def build_draft(answers: Mapping[str, object], content: Content, *, today: date,
                locale: str | None = None) -> PlanDraft:
    """A first draft of the plan for these answers. Raises AnswerError for invalid answers."""
    result, ctx = evaluate(answers, content, locale)
    plan = content.plan
    subject = result.substance_text

    def holds(condition: Condition | None) -> bool:
        return condition is not None and condition.is_true(ctx)

    triggers = tuple(
        Trigger(kind=t.kind, text=fill(t.label, subject), rank="high",
                actions=tuple(Action(a.kind, fill(a.text, subject)) for a in t.actions),
                because=fill(t.because, subject))
        for t in plan.triggers if holds(t.suggest_when)
    )
    warning_signs = tuple(Line(fill(s.text, subject), fill(s.because, subject))
                          for s in plan.warning_signs if holds(s.suggest_when))
    next_steps = tuple(Line(fill(plan.next_steps[p.id], subject),
                            f"Suggested in your screening: {p.title}")
                       for p in result.paths)
    readiness = ctx.answer_values("readiness")
    goal = "undecided" if set(readiness) & {"not_ready", "unsure"} else "stop"

    therapy = None
    if plan.therapy_aftercare.applies_when.is_true(ctx):
        at_home = plan.at_home_safety
        therapy = TherapySection(
            common=plan.therapy_aftercare.common,
            call_provider=plan.therapy_aftercare.call_provider,
            after_session=plan.therapy_aftercare.after_session,
            at_home_rules=at_home.lines if at_home.applies_when.is_true(ctx) else (),
        )
    safety = plan.safety_steps
    is_at_risk = safety.applies_when.is_true(ctx)

    return PlanDraft(
        content_version=content.version,
        substance=result.substance,
        substance_text=subject,
        review_date=(today + REVIEW_AFTER).isoformat(),
        crisis_locale=result.crisis_locale,
        goal=goal,
        triggers=triggers,
        warning_signs=warning_signs,
        urge_plan=UrgePlan(delay_minutes=plan.urge_plan.delay_minutes,
                           distractions=plan.urge_plan.distractions,
                           grounding=plan.urge_plan.grounding),
        routine=tuple(Line(r.text) for r in plan.routine),
        next_steps=next_steps,
        lapse_plan=LapsePlan(first_day=plan.lapse_plan.first_day,
                             reminder=plan.lapse_plan.reminder,
                             step_up=plan.lapse_plan.step_up),
        medical=medical_red_flags(result, ctx, content),
        therapy=therapy,
        harm_reduction=(plan.harm_reduction.lines
                        if plan.harm_reduction.applies_when.is_true(ctx) else ()),
        safety_steps=tuple(SafetyStep(prompt) for prompt in safety.lines) if is_at_risk else (),
        safety_credit=safety.credit if is_at_risk else "",
    )


def medical_red_flags(result: ScreeningResult, ctx: ScreeningContext, content: Content
                      ) -> tuple[RedFlag, ...]:
    """Red flags for the main substance and anything used alongside it, then the medical flags
    the screening raised (those first: they are about this person, not about the substance)."""
    used = set(ctx.answer_values(content.questionnaire.subject_item))
    used |= set(ctx.answer_values("co_use"))
    from_result = [RedFlag(text=f.title, action=f.text) for f in result.flags_of("medical")]
    general = [
        RedFlag(entry.text, entry.action)
        for group in content.plan.medical_red_flags if used & set(group.substances)
        for entry in group.items
    ]
    seen: set[str] = set()
    unique = []
    for flag in from_result + general:
        if flag.text not in seen:
            seen.add(flag.text)
            unique.append(flag)
    return tuple(unique)
