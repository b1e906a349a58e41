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
    is_first_on_card: bool = False  # first in the safety plan on the wallet card

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

    def card_order(self, titles: tuple[str, ...]) -> tuple[int, ...]:
        """The indexes of `titles` (a relapse plan's safety steps, by their titles) in the
        order the wallet card prints them: the step marked first_on_card first."""
        first = {s.title for s in self.steps if s.is_first_on_card}
        return tuple(sorted(range(len(titles)), key=lambda i: titles[i] not in first))

    def position(self, step_id: str) -> int:
        """1 for the first step; raises ValueError for an unknown id."""
        return [s.id for s in self.steps].index(step_id) + 1
