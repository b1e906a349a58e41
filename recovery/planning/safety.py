"""SafetyPlanDraft: a safety plan as plain data. Pure: no Flask, no database.

A safety plan holds, for each step of seeds/safety_plan.yaml, a few short lines or a few
contacts (a name and a phone number), and the country whose crisis lines it shows. Before it
is saved it lives in the person's own session cookie; saved, it is one sealed JSON value under
a private link. Both come back through `draft_from_dict`, which checks everything, so a stale
cookie or a changed limit never puts text on a page that the form would refuse.

The limits keep a plan to what a phone screen, a session cookie and one printed page hold.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from recovery.planning.vocabulary import MAX_PHONE, PHONE, dialable
from recovery.text import text_problem

SCHEMA = "recovery-safety-plan"
SCHEMA_VERSION = 1
MAX_LINES = 3  # lines on a "lines" step
MAX_LINE = 100  # characters in one line
MAX_CONTACTS = 3  # contacts on a "contacts" step
MAX_NAME = 60  # characters in a contact's name


class SafetyPlanError(ValueError):
    """Data that is not exactly a safety plan (a stale or tampered cookie, a broken row)."""


@dataclass(frozen=True)
class SafetyContact:
    name: str
    phone: str = ""

    @property
    def tel(self) -> str:
        return dialable(self.phone)


@dataclass(frozen=True)
class StepAnswer:
    """What the person wrote on one step: lines, or contacts, as the step's kind says."""

    step_id: str
    lines: tuple[str, ...] = ()
    contacts: tuple[SafetyContact, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.lines and not self.contacts


@dataclass(frozen=True)
class SafetyPlanDraft:
    content_version: str
    crisis_locale: str
    answers: tuple[StepAnswer, ...] = ()

    def answer(self, step_id: str) -> StepAnswer:
        return next((a for a in self.answers if a.step_id == step_id), StepAnswer(step_id))

    def with_answer(self, answer: StepAnswer) -> "SafetyPlanDraft":
        """This draft with `answer` in place of the step's earlier one (an empty one drops
        it)."""
        others = tuple(a for a in self.answers if a.step_id != answer.step_id)
        return replace(self, answers=others if answer.is_empty else (*others, answer))

    @property
    def is_empty(self) -> bool:
        return not self.answers

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; `draft_from_dict(d.to_dict()) == d`."""
        return {
            "schema": SCHEMA, "schema_version": SCHEMA_VERSION,
            "content_version": self.content_version, "crisis_locale": self.crisis_locale,
            "answers": [{"step_id": a.step_id, "lines": list(a.lines),
                         "contacts": [{"name": c.name, "phone": c.phone} for c in a.contacts]}
                        for a in self.answers],
        }


# --- Checking ------------------------------------------------------------------------------


def line_problem(text: str) -> str | None:
    return text_problem(text, limit=MAX_LINE, what="each line", one_line=True)


def name_problem(text: str) -> str | None:
    return text_problem(text, limit=MAX_NAME, what="the name", one_line=True)


def phone_problem(text: str) -> str | None:
    if len(text.strip()) > MAX_PHONE or not PHONE.match(text.strip()):
        return "A phone number may hold digits, spaces, + ( ) - and . only."
    if text.strip() and (not dialable(text) or "+" in text.strip()[1:]):
        return "Please write the number with its digits, and a + only at the start."
    return None


def draft_from_dict(data: Any) -> SafetyPlanDraft:
    """The draft in `data`, checked strictly; SafetyPlanError if it is anything else."""
    fields = _exact(data, {"schema", "schema_version", "content_version", "crisis_locale",
                           "answers"})
    if fields["schema"] != SCHEMA or fields["schema_version"] != SCHEMA_VERSION:
        raise SafetyPlanError("not a safety plan of this version")
    answers = tuple(_answer(item) for item in _list(fields["answers"], 50))
    if len({a.step_id for a in answers}) != len(answers):
        raise SafetyPlanError("a step is answered twice")
    return SafetyPlanDraft(_short(fields["content_version"]), _short(fields["crisis_locale"]),
                           answers)


def _answer(data: Any) -> StepAnswer:
    fields = _exact(data, {"step_id", "lines", "contacts"})
    lines = tuple(_checked(v, line_problem) for v in _list(fields["lines"], MAX_LINES))
    contacts = tuple(_contact(c) for c in _list(fields["contacts"], MAX_CONTACTS))
    answer = StepAnswer(_short(fields["step_id"]), lines, contacts)
    if answer.is_empty or any(not line for line in lines):
        raise SafetyPlanError("an empty answer or line")
    return answer


def _contact(data: Any) -> SafetyContact:
    fields = _exact(data, {"name", "phone"})
    name, phone = _checked(fields["name"], name_problem), _checked(fields["phone"], phone_problem)
    if not name:
        raise SafetyPlanError("a contact without a name")
    return SafetyContact(name, phone)


def _exact(data: Any, keys: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict) or set(data) != keys:
        raise SafetyPlanError("unexpected or missing fields")
    return data


def _list(data: Any, most: int) -> Iterable[Any]:
    if not isinstance(data, list) or len(data) > most:
        raise SafetyPlanError("a list that is too long or not a list")
    return data


def _checked(value: Any, check: Any) -> str:
    if not isinstance(value, str) or check(value) is not None or value != value.strip():
        raise SafetyPlanError("text that breaks the limits")
    return value


def _short(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 40:
        raise SafetyPlanError("an id that is not one")
    return value
