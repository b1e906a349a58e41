"""Read a plan from a dict (an uploaded JSON file or a stored revision), strictly.

Uploaded files are untrusted: unknown keys, wrong types, oversized text, control characters and
impossible dates are all refused, with a message that says where. Nothing is half-read: either
a whole PlanDraft comes back or PlanFormatError is raised.

The shape of a plan file is a set of pydantic models (`PlanFile` and the ones it holds: no
extra fields, no type coercion); `draft_from_dict` validates against them, turns the first
problem into a PlanFormatError ("contacts[0].phone: must be a single line") and converts the
result to the frozen dataclasses of draft.py, which the rest of the app uses.
"""

import re
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic import ValidationInfo as Info
from pydantic_core import ErrorDetails

from recovery.planning.draft import (
    SCHEMA,
    SCHEMA_VERSION,
    Action,
    Contact,
    LapsePlan,
    Line,
    Meeting,
    PlanDraft,
    RedFlag,
    SafetyStep,
    TherapySection,
    Trigger,
    UrgePlan,
)
from recovery.planning.vocabulary import (
    ACTION_KINDS,
    CONTROL,
    DELAY_MINUTES,
    GOALS,
    LINE_BREAK,
    MAX_CONTENT_VERSION,
    MAX_DISPLAY_NAME,
    MAX_LINES,
    MAX_MEETING_PLACE,
    MAX_PHONE,
    MAX_SHORT,
    MAX_TEXT,
    MEETING_KINDS,
    PHONE,
    RANKS,
)
from recovery.strict import describe, place, problem

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
T = TypeVar("T")


class PlanFormatError(ValueError):
    def __init__(self, place: str, message: str) -> None:
        self.place, self.message = place, message
        super().__init__(f"{place}: {message}" if place else message)


# --- checked values --------------------------------------------------------------------------


def text_rule(max_length: int = MAX_TEXT, *, required: bool = False, one_line: bool = False
              ) -> Callable[[str, Info], str]:
    """Our rules for a string. `one_line`: a field the plan forms show as one line (a name, a
    phone number). A stored revision (validation context {"stored": True}) may hold a line
    break there from before that rule: it is read with spaces instead, so the plan still opens;
    the next save stores the cleaned text."""

    def check(value: str, info: Info) -> str:
        if len(value) > max_length:
            raise problem(f"longer than {max_length} characters")
        if CONTROL.search(value):
            raise problem("contains control characters")
        if _has_surrogates(value):  # lone surrogates can't be stored or printed
            raise problem("is not valid text")
        if required and not value.strip():
            raise problem("must not be empty")
        if one_line and LINE_BREAK.search(value):
            if not (info.context or {}).get("stored"):
                raise problem("must be a single line")
            value = LINE_BREAK.sub(" ", value).strip() or value
        return value

    return check


def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def rule(test: Callable[[Any], bool], message: str) -> Callable[[Any], Any]:
    """A check that passes the value on or refuses it with `message`. Run before pydantic's own
    type check where our message should win (`True` is "not a whole number" here)."""

    def check(value: Any) -> Any:
        if not test(value):
            raise problem(message)
        return value

    return check


def one_of(allowed: tuple[str, ...]) -> Callable[[Any], Any]:
    return rule(lambda value: value in allowed, f"must be one of {', '.join(allowed)}")


def _entries(value: Any) -> Any:
    # Checked before the entries themselves: a huge list is refused without reading it.
    if not isinstance(value, list):
        raise problem("expected a list")
    if len(value) > MAX_LINES:
        raise problem(f"at most {MAX_LINES} entries")
    return value


def _is_iso_date(value: str) -> bool:
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


LOW, HIGH = DELAY_MINUTES
Entries = Annotated[list[T], BeforeValidator(_entries)]
Text = Annotated[str, AfterValidator(text_rule())]
RequiredText = Annotated[str, AfterValidator(text_rule(required=True))]
Texts = Entries[RequiredText]
RequiredLine = Annotated[str, AfterValidator(text_rule(one_line=True, required=True))]
ShortLine = Annotated[str, AfterValidator(text_rule(MAX_SHORT, one_line=True))]
RequiredShortLine = Annotated[str, AfterValidator(
    text_rule(MAX_SHORT, one_line=True, required=True))]
Slug = Annotated[str, BeforeValidator(rule(
    lambda value: isinstance(value, str) and bool(SLUG.match(value)), "expected an id"))]
DelayMinutes = Annotated[
    int,
    BeforeValidator(rule(lambda value: type(value) is int,  # not bool, an int to Python
                         "expected a whole number")),
    AfterValidator(rule(lambda value: LOW <= value <= HIGH, f"must be between {LOW} and {HIGH}"))]
PhoneNumber = Annotated[str, AfterValidator(text_rule(MAX_PHONE, one_line=True)),
                        AfterValidator(rule(lambda value: bool(PHONE.match(value)),
                                            "a phone number may hold digits, spaces, "
                                            "+ ( ) - and . only"))]
ReviewDate = Annotated[str, AfterValidator(text_rule(10, required=True)),
                       AfterValidator(rule(_is_iso_date, "expected a date such as 2026-12-31"))]
CountryCode = Annotated[str, AfterValidator(text_rule(2)), AfterValidator(rule(
    lambda value: bool(re.match(r"^[A-Z]{2}$", value)), "expected a two-letter country code"))]


# --- the file's shape ------------------------------------------------------------------------


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class LineShape(Shape):
    text: RequiredText
    because: Text


class ActionShape(Shape):
    kind: Annotated[str, BeforeValidator(one_of(ACTION_KINDS))]
    text: RequiredLine


class TriggerShape(Shape):
    kind: Slug
    text: RequiredLine
    rank: Annotated[str, BeforeValidator(one_of(RANKS))]
    actions: Entries[ActionShape]
    because: Text


class ContactShape(Shape):
    name: RequiredShortLine
    role: ShortLine
    phone: PhoneNumber


class MeetingShape(Shape):
    kind: Annotated[str, BeforeValidator(one_of(MEETING_KINDS))]
    name: ShortLine
    day: ShortLine
    time: ShortLine
    place: Annotated[str, AfterValidator(
        text_rule(MAX_MEETING_PLACE, one_line=True))]


class UrgePlanShape(Shape):
    delay_minutes: DelayMinutes
    distractions: Texts
    grounding: Text
    text_person: ShortLine


class LapsePlanShape(Shape):
    first_day: Texts
    reminder: Text
    step_up: Texts


class RedFlagShape(Shape):
    text: RequiredText
    action: Text


class TherapyShape(Shape):
    common: Texts
    call_provider: Texts
    after_session: Texts
    at_home_rules: Texts


class SafetyStepShape(Shape):
    prompt: RequiredText
    response: Text


class PlanFile(Shape):
    """A plan file, field for field (draft.PlanDraft.to_dict writes exactly this)."""

    schema_: Annotated[str, BeforeValidator(rule(
        lambda value: value == SCHEMA, f"this is not a plan file (expected {SCHEMA!r})"))
    ] = Field(alias="schema")
    schema_version: Annotated[int, BeforeValidator(rule(  # True == 1: the type is checked too
        lambda value: type(value) is int and value == SCHEMA_VERSION,
        f"unsupported version (this app reads {SCHEMA_VERSION})"))]
    content_version: Annotated[str, AfterValidator(
        text_rule(MAX_CONTENT_VERSION, one_line=True, required=True))]
    substance: Slug
    substance_text: RequiredShortLine
    review_date: ReviewDate
    crisis_locale: CountryCode
    display_name: Annotated[str, AfterValidator(
        text_rule(MAX_DISPLAY_NAME, one_line=True))]
    goal: Annotated[str, BeforeValidator(one_of(GOALS))]
    reasons: Entries[LineShape]
    triggers: Entries[TriggerShape]
    warning_signs: Entries[LineShape]
    urge_plan: UrgePlanShape
    routine: Entries[LineShape]
    contacts: Entries[ContactShape]
    meetings: Entries[MeetingShape]
    next_steps: Entries[LineShape]
    lapse_plan: LapsePlanShape
    medical: Entries[RedFlagShape]
    therapy: TherapyShape | None
    harm_reduction: Texts
    safety_steps: Entries[SafetyStepShape]
    safety_credit: Text


# --- reading ---------------------------------------------------------------------------------


def draft_from_dict(data: Any, *, stored: bool = False) -> PlanDraft:
    """The PlanDraft in `data`, or PlanFormatError saying what is wrong and where.

    `stored`: `data` is a revision this app saved; line breaks in one-line fields (refused in
    files and forms) are read as spaces.
    """
    try:
        plan = PlanFile.model_validate(data, context={"stored": stored})
    except ValidationError as error:
        raise format_error(error.errors()) from None
    return to_draft(plan)


def format_error(errors: list[ErrorDetails]) -> PlanFormatError:
    """The first problem, as a place ("contacts[0].phone") and a message a person can read.

    The top level is checked first (unknown fields, then missing ones, then what the file
    says it is), so a file that isn't a plan at all is called that, not a list of its faults.
    """

    def order(error: ErrorDetails) -> int:
        loc = error["loc"]
        if len(loc) <= 1 and error["type"] in ("extra_forbidden", "missing", "model_type"):
            return ("model_type", "extra_forbidden", "missing").index(error["type"])
        return 3 if loc[0] in ("schema", "schema_version") else 4

    first = min(errors, key=order)  # min keeps the earliest among equals: pydantic's order
    loc, message = describe(first)
    return PlanFormatError(place(loc), message)


def to_draft(plan: PlanFile) -> PlanDraft:
    """The validated file as the app's own types (tuples, dataclasses)."""

    def lines(shapes: list[LineShape]) -> tuple[Line, ...]:
        return tuple(Line(s.text, s.because) for s in shapes)

    urge, lapse, therapy = plan.urge_plan, plan.lapse_plan, plan.therapy
    return PlanDraft(
        content_version=plan.content_version, substance=plan.substance,
        substance_text=plan.substance_text, review_date=plan.review_date,
        crisis_locale=plan.crisis_locale, display_name=plan.display_name, goal=plan.goal,
        reasons=lines(plan.reasons),
        triggers=tuple(Trigger(t.kind, t.text, t.rank,
                               tuple(Action(a.kind, a.text) for a in t.actions), t.because)
                       for t in plan.triggers),
        warning_signs=lines(plan.warning_signs),
        urge_plan=UrgePlan(urge.delay_minutes, tuple(urge.distractions), urge.grounding,
                           urge.text_person),
        routine=lines(plan.routine),
        contacts=tuple(Contact(c.name, c.role, c.phone) for c in plan.contacts),
        meetings=tuple(Meeting(m.kind, m.name, m.day, m.time, m.place) for m in plan.meetings),
        next_steps=lines(plan.next_steps),
        lapse_plan=LapsePlan(tuple(lapse.first_day), lapse.reminder, tuple(lapse.step_up)),
        medical=tuple(RedFlag(m.text, m.action) for m in plan.medical),
        therapy=None if therapy is None else TherapySection(
            tuple(therapy.common), tuple(therapy.call_provider), tuple(therapy.after_session),
            tuple(therapy.at_home_rules)),
        harm_reduction=tuple(plan.harm_reduction),
        safety_steps=tuple(SafetyStep(s.prompt, s.response) for s in plan.safety_steps),
        safety_credit=plan.safety_credit,
    )
