"""ScreeningResult: what the engine computed, with the reasons. Stored as a dict with a saved
assessment (an `Assessment` row is the stored thing; this is the computed thing)."""

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any


@dataclass(frozen=True)
class EvidenceView:
    """A reason in words: the question and the answer given, or a score, flag or path."""

    kind: str
    ref: str
    label: str
    values: tuple[str, ...] = ()
    area: str = ""


@dataclass(frozen=True)
class Cutoff:
    level: str
    label: str
    min: int
    max: int | None  # None for the top band


@dataclass(frozen=True)
class ExcludedItems:
    items: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ScaleResult:
    scale: str
    title: str
    about: str
    is_applicable: bool
    cutoffs: tuple[Cutoff, ...]
    score: int = 0
    max: int = 0
    level: str = ""
    label: str = ""
    meaning: str = ""
    not_applicable: str = ""
    counted: tuple[EvidenceView, ...] = ()
    excluded: tuple[ExcludedItems, ...] = ()


@dataclass(frozen=True)
class FlagResult:
    id: str
    kind: str
    title: str
    text: str
    urgency: str
    tell_doctor: str
    because: str
    evidence: tuple[EvidenceView, ...]


@dataclass(frozen=True)
class PathReason:
    because: str
    evidence: tuple[EvidenceView, ...]


@dataclass(frozen=True)
class PathResult:
    id: str
    rank: int
    title: str
    summary: str
    reasons: tuple[PathReason, ...]


@dataclass(frozen=True)
class ScreeningResult:
    content_version: str
    substance: str
    substance_label: str
    substance_text: str
    severity: ScaleResult
    scores: tuple[ScaleResult, ...]
    crisis_level: str  # "none", or the most urgent crisis flag's urgency
    flags: tuple[FlagResult, ...]
    paths: tuple[PathResult, ...]
    answers: dict[str, Any] = field(default_factory=dict)
    crisis_locale: str = ""

    @property
    def is_at_risk(self) -> bool:
        return self.crisis_level != "none"

    def flags_of(self, kind: str) -> tuple[FlagResult, ...]:
        return tuple(f for f in self.flags if f.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the answers are left out (they are stored beside it)."""
        data = {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name != "answers"}
        data["is_at_risk"] = self.is_at_risk
        data["notice"] = (
            "This is a screening, not a diagnosis, and not an ASAM Criteria assessment. "
            "Only a qualified clinician can diagnose a substance use disorder."
        )
        return data


def _plain(value: Any) -> Any:
    """What `dataclasses.asdict` makes of `value`, for what a result holds (frozen dataclasses,
    tuples, str, int, bool, None): asdict's generic deep copy took a fifth of a save's CPU."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple | list):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value  # immutable atoms: asdict's deepcopy returns them as they are
