"""The safety plan's steps as validated content (seeds/safety_plan.yaml): one source for the
safety plan's own pages and the relapse plan's safety section."""

from dataclasses import dataclass

STEP_KINDS = ("lines", "contacts")


@dataclass(frozen=True)
class SafetyPlanStep:
    id: str
    kind: str  # "lines" (a few short lines) or "contacts" (names with phone numbers)
    title: str  # "My warning signs": the step's heading, and the prompt in the relapse plan
    prompt: str  # the question the step asks, in plain words
    hint: str  # examples
    has_crisis_lines: bool = False  # the chosen country's crisis lines are already on it

    @property
    def is_contacts(self) -> bool:
        return self.kind == "contacts"


@dataclass(frozen=True)
class SafetyPlanContent:
    title: str
    intro: str
    credit: str
    steps: tuple[SafetyPlanStep, ...]

    def step(self, step_id: str) -> SafetyPlanStep | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def position(self, step_id: str) -> int:
        """1 for the first step; raises ValueError for an unknown id."""
        return [s.id for s in self.steps].index(step_id) + 1
