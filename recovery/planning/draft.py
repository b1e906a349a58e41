"""PlanDraft: a relapse-prevention plan as plain data. Pure: no Flask, no database.

A draft is a document the person owns: every suggestion in it can be edited or removed. It is
stored as a dict (`to_dict`) with each plan revision, downloaded as JSON, and read back with
`from_dict`, which checks everything strictly because uploaded files are untrusted.
"""

from dataclasses import asdict, dataclass, field
from typing import Any

# The fixed choices and their labels live with the plan's other words (vocabulary.py).
from recovery.planning.vocabulary import (  # noqa: F401  (re-exported for readers of drafts)
    ACTION_KINDS,
    GOAL_LABELS,
    GOALS,
    MEETING_KINDS,
    RANKS,
    dialable,
)

SCHEMA = "recovery-plan"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Line:
    """One line of a plan section, and why it was suggested ("" for the person's own)."""

    text: str
    because: str = ""


@dataclass(frozen=True)
class Action:
    kind: str  # avoid | leave | cope | call
    text: str


@dataclass(frozen=True)
class Trigger:
    kind: str  # a trigger kind id from seeds/plan.yaml, or "own"
    text: str
    rank: str  # high | medium | low
    actions: tuple[Action, ...] = ()
    because: str = ""


@dataclass(frozen=True)
class Contact:
    name: str
    role: str = ""
    phone: str = ""

    @property
    def tel(self) -> str:
        return dialable(self.phone)


@dataclass(frozen=True)
class Meeting:
    kind: str  # na | smart | other
    name: str = ""
    day: str = ""
    time: str = ""
    place: str = ""  # an address or a link


@dataclass(frozen=True)
class UrgePlan:
    delay_minutes: int
    distractions: tuple[str, ...] = ()
    grounding: str = ""
    text_person: str = ""


@dataclass(frozen=True)
class LapsePlan:
    first_day: tuple[str, ...] = ()
    reminder: str = ""
    step_up: tuple[str, ...] = ()


@dataclass(frozen=True)
class RedFlag:
    text: str
    action: str


@dataclass(frozen=True)
class TherapySection:
    """For people in ketamine treatment: what is common after a session and when to call."""

    common: tuple[str, ...] = ()
    call_provider: tuple[str, ...] = ()
    after_session: tuple[str, ...] = ()
    at_home_rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class SafetyStep:
    prompt: str
    response: str = ""


@dataclass(frozen=True)
class PlanDraft:
    content_version: str
    substance: str  # the substance id from the screening
    substance_text: str  # how it reads in a sentence ("ketamine")
    review_date: str  # ISO date
    crisis_locale: str
    display_name: str = ""  # first name or initials, optional
    goal: str = "undecided"
    reasons: tuple[Line, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    warning_signs: tuple[Line, ...] = ()
    urge_plan: UrgePlan = field(default_factory=lambda: UrgePlan(delay_minutes=20))
    routine: tuple[Line, ...] = ()
    contacts: tuple[Contact, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    next_steps: tuple[Line, ...] = ()
    lapse_plan: LapsePlan = field(default_factory=LapsePlan)
    medical: tuple[RedFlag, ...] = ()
    therapy: TherapySection | None = None
    harm_reduction: tuple[str, ...] = ()
    safety_steps: tuple[SafetyStep, ...] = ()
    safety_credit: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; `from_dict(to_dict(d)) == d` exactly."""
        return {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, **_lists(asdict(self))}


def _lists(value: Any) -> Any:
    """asdict keeps tuples; JSON has lists. Convert so a dict compares equal after a round trip."""
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value


def kept_because(old: Line | Trigger | None, text: str) -> str:
    """Keep our reason for a suggestion only while it still reads as we suggested it."""
    return old.because if old is not None and old.text == text else ""
