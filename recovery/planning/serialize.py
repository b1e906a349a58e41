"""Read a plan from a dict (an uploaded JSON file or a stored revision), strictly.

Uploaded files are untrusted: unknown keys, wrong types, oversized text, control characters and
impossible dates are all refused, with a message that says where. Nothing is half-read: either
a whole PlanDraft comes back or PlanFormatError is raised.
"""

import re
from datetime import date
from typing import Any

from recovery.planning.draft import (
    ACTION_KINDS,
    GOALS,
    MEETING_KINDS,
    RANKS,
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
    CONTROL,
    DELAY_MINUTES,
    LINE_BREAK,
    MAX_CONTENT_VERSION,
    MAX_DISPLAY_NAME,
    MAX_LINES,
    MAX_MEETING_PLACE,
    MAX_PHONE,
    MAX_SHORT,
    MAX_TEXT,
    PHONE,
)

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class PlanFormatError(ValueError):
    def __init__(self, place: str, message: str) -> None:
        self.place, self.message = place, message
        super().__init__(f"{place}: {message}" if place else message)


class Reader:
    def __init__(self, value: Any, place: str = "", *, stored: bool = False) -> None:
        # stored: a revision this app saved, perhaps before a rule got stricter (see `line`).
        self.value, self.place, self.stored = value, place, stored

    def fail(self, message: str) -> PlanFormatError:
        return PlanFormatError(self.place, message)

    def at(self, key: str | int, value: Any) -> "Reader":
        if isinstance(key, int):
            return Reader(value, f"{self.place}[{key}]", stored=self.stored)
        return Reader(value, f"{self.place}.{key}" if self.place else key, stored=self.stored)

    def fields(self, required: set[str]) -> dict[str, "Reader"]:
        """The object's fields: exactly `required`, no more and no fewer."""
        if not isinstance(self.value, dict):
            raise self.fail("expected an object")
        for key in self.value:
            if key not in required:
                raise self.fail(f"unknown field {str(key)[:40]!r}")
        for key in sorted(required - self.value.keys()):
            raise self.fail(f"missing field {key!r}")
        return {k: self.at(k, v) for k, v in self.value.items()}

    def items(self) -> list["Reader"]:
        if not isinstance(self.value, list):
            raise self.fail("expected a list")
        if len(self.value) > MAX_LINES:
            raise self.fail(f"at most {MAX_LINES} entries")
        return [self.at(i, v) for i, v in enumerate(self.value)]

    def text(self, max_length: int = MAX_TEXT, required: bool = False) -> str:
        if not isinstance(self.value, str):
            raise self.fail("expected text")
        if len(self.value) > max_length:
            raise self.fail(f"longer than {max_length} characters")
        if CONTROL.search(self.value):
            raise self.fail("contains control characters")
        if _has_surrogates(self.value):  # lone surrogates can't be stored or printed
            raise self.fail("is not valid text")
        if required and not self.value.strip():
            raise self.fail("must not be empty")
        return self.value

    def line(self, max_length: int = MAX_TEXT, required: bool = False) -> str:
        """Text for a field the plan forms show as one line (a name, a phone number).

        A stored revision may hold a line break here from before this rule (an imported phone
        number ending in a newline, say): it is read with spaces instead, so the plan still
        opens; the next save stores the cleaned text.
        """
        text = self.text(max_length, required)
        if LINE_BREAK.search(text):
            if not self.stored:
                raise self.fail("must be a single line")
            text = LINE_BREAK.sub(" ", text).strip() or text
        return text

    def choice(self, allowed: tuple[str, ...]) -> str:
        if self.value not in allowed:
            raise self.fail(f"must be one of {', '.join(allowed)}")
        return str(self.value)

    def slug(self) -> str:
        if not isinstance(self.value, str) or not SLUG.match(self.value):
            raise self.fail("expected an id")
        return self.value

    def integer(self, low: int, high: int) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail("expected a whole number")
        if not low <= self.value <= high:
            raise self.fail(f"must be between {low} and {high}")
        return self.value

    def texts(self, max_length: int = MAX_TEXT) -> tuple[str, ...]:
        return tuple(r.text(max_length, required=True) for r in self.items())


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_line(r: Reader) -> Line:
    f = r.fields({"text", "because"})
    return Line(f["text"].text(required=True), f["because"].text())


def read_trigger(r: Reader) -> Trigger:
    f = r.fields({"kind", "text", "rank", "actions", "because"})
    actions = []
    for ar in f["actions"].items():
        af = ar.fields({"kind", "text"})
        actions.append(Action(af["kind"].choice(ACTION_KINDS), af["text"].line(required=True)))
    return Trigger(kind=f["kind"].slug(), text=f["text"].line(required=True),
                   rank=f["rank"].choice(RANKS), actions=tuple(actions),
                   because=f["because"].text())


def read_contact(r: Reader) -> Contact:
    f = r.fields({"name", "role", "phone"})
    phone = f["phone"].line(MAX_PHONE)
    if not PHONE.match(phone):
        raise f["phone"].fail("a phone number may hold digits, spaces, + ( ) - and . only")
    return Contact(f["name"].line(MAX_SHORT, required=True), f["role"].line(MAX_SHORT), phone)


def read_meeting(r: Reader) -> Meeting:
    f = r.fields({"kind", "name", "day", "time", "place"})
    return Meeting(kind=f["kind"].choice(MEETING_KINDS), name=f["name"].line(MAX_SHORT),
                   day=f["day"].line(MAX_SHORT), time=f["time"].line(MAX_SHORT),
                   place=f["place"].line(MAX_MEETING_PLACE))


def read_review_date(r: Reader) -> str:
    text = r.text(10, required=True)
    try:
        date.fromisoformat(text)
    except ValueError:
        raise r.fail("expected a date such as 2026-12-31") from None
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        raise r.fail("expected a date such as 2026-12-31")
    return text


def draft_from_dict(data: Any, *, stored: bool = False) -> PlanDraft:
    """The PlanDraft in `data`, or PlanFormatError saying what is wrong and where.

    `stored`: `data` is a revision this app saved; line breaks in one-line fields (refused in
    files and forms) are read as spaces.
    """
    top = Reader(data, stored=stored)
    f = top.fields({"schema", "schema_version", "content_version", "substance", "substance_text",
                    "review_date", "crisis_locale", "display_name", "goal", "reasons",
                    "triggers", "warning_signs", "urge_plan", "routine", "contacts", "meetings",
                    "next_steps", "lapse_plan", "medical", "therapy", "harm_reduction",
                    "safety_steps", "safety_credit"})
    if f["schema"].value != SCHEMA:
        raise f["schema"].fail(f"this is not a plan file (expected {SCHEMA!r})")
    version = f["schema_version"].value
    if type(version) is not int or version != SCHEMA_VERSION:  # True == 1, so check the type
        raise f["schema_version"].fail(f"unsupported version (this app reads {SCHEMA_VERSION})")

    uf = f["urge_plan"].fields({"delay_minutes", "distractions", "grounding", "text_person"})
    lf = f["lapse_plan"].fields({"first_day", "reminder", "step_up"})
    therapy = None
    if f["therapy"].value is not None:
        tf = f["therapy"].fields({"common", "call_provider", "after_session", "at_home_rules"})
        therapy = TherapySection(*(tf[k].texts() for k in
                                   ("common", "call_provider", "after_session", "at_home_rules")))
    medical = []
    for mr in f["medical"].items():
        mf = mr.fields({"text", "action"})
        medical.append(RedFlag(mf["text"].text(required=True), mf["action"].text()))
    safety = []
    for sr in f["safety_steps"].items():
        sf = sr.fields({"prompt", "response"})
        safety.append(SafetyStep(sf["prompt"].text(required=True), sf["response"].text()))
    locale = f["crisis_locale"].text(2)
    if not re.match(r"^[A-Z]{2}$", locale):
        raise f["crisis_locale"].fail("expected a two-letter country code")

    return PlanDraft(
        content_version=f["content_version"].line(MAX_CONTENT_VERSION, required=True),
        substance=f["substance"].slug(),
        substance_text=f["substance_text"].line(MAX_SHORT, required=True),
        review_date=read_review_date(f["review_date"]),
        crisis_locale=locale,
        display_name=f["display_name"].line(MAX_DISPLAY_NAME),
        goal=f["goal"].choice(GOALS),
        reasons=tuple(read_line(r) for r in f["reasons"].items()),
        triggers=tuple(read_trigger(r) for r in f["triggers"].items()),
        warning_signs=tuple(read_line(r) for r in f["warning_signs"].items()),
        urge_plan=UrgePlan(delay_minutes=uf["delay_minutes"].integer(*DELAY_MINUTES),
                           distractions=uf["distractions"].texts(),
                           grounding=uf["grounding"].text(),
                           text_person=uf["text_person"].line(MAX_SHORT)),
        routine=tuple(read_line(r) for r in f["routine"].items()),
        contacts=tuple(read_contact(r) for r in f["contacts"].items()),
        meetings=tuple(read_meeting(r) for r in f["meetings"].items()),
        next_steps=tuple(read_line(r) for r in f["next_steps"].items()),
        lapse_plan=LapsePlan(first_day=lf["first_day"].texts(), reminder=lf["reminder"].text(),
                             step_up=lf["step_up"].texts()),
        medical=tuple(medical),
        therapy=therapy,
        harm_reduction=f["harm_reduction"].texts(),
        safety_steps=tuple(safety),
        safety_credit=f["safety_credit"].text(),
    )
