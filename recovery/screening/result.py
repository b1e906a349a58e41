"""ScreeningResult: what the engine computed, with the reasons. Stored as a dict with a saved
assessment or a client's screening (`to_dict`), and read back with `from_dict` where it leaves
the database, so templates and views only ever see these typed objects.

`from_dict` accepts results saved by earlier versions: a field added since then takes its
default (a flag saved before `counselor` existed has no counselor text, and one saved before
`tell_who` existed speaks to the doctor; a result saved before `what_matters` and `harms`
existed has none)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from recovery.content.model import TELL_WHO

NOTICE = ("This is a screening, not a diagnosis. Only a doctor or another qualified "
          "professional can say whether you have a drug or alcohol problem, or what kind of "
          "care you need.")


@dataclass(frozen=True)
class EvidenceView:
    """A reason in words: the question and the answer given, or a score, flag or path."""

    kind: str
    ref: str
    label: str
    values: tuple[str, ...] = ()
    area: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "EvidenceView":
        return cls(kind=data["kind"], ref=data["ref"], label=data["label"],
                   values=tuple(data.get("values", ())), area=data.get("area", ""))


def _evidence(items: Any) -> tuple[EvidenceView, ...]:
    return tuple(EvidenceView.from_dict(item) for item in items or ())


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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ScaleResult":
        return cls(
            scale=data["scale"], title=data["title"], about=data["about"],
            is_applicable=data["is_applicable"],
            cutoffs=tuple(Cutoff(**cutoff) for cutoff in data["cutoffs"]),
            score=data.get("score", 0), max=data.get("max", 0), level=data.get("level", ""),
            label=data.get("label", ""), meaning=data.get("meaning", ""),
            not_applicable=data.get("not_applicable", ""),
            counted=_evidence(data.get("counted")),
            excluded=tuple(ExcludedItems(items=tuple(ex["items"]), reason=ex["reason"])
                           for ex in data.get("excluded", ())))


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
    # Crisis flags: what the counselor does (flags.yaml's `counselor:`), shown instead of
    # `text` wherever a counselor reads the result. Empty in results saved before it existed.
    counselor: str = ""
    # Whom `tell_doctor` is for (a key of content.model.TELL_WHO); "doctor" in results saved
    # before it existed.
    tell_who: str = "doctor"

    @property
    def tell_whom(self) -> str:
        """Whom to tell, in words: "your prescriber or pharmacist"."""
        return TELL_WHO.get(self.tell_who, TELL_WHO["doctor"])

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "FlagResult":
        return cls(id=data["id"], kind=data["kind"], title=data["title"], text=data["text"],
                   urgency=data["urgency"], tell_doctor=data.get("tell_doctor", ""),
                   because=data["because"], evidence=_evidence(data.get("evidence")),
                   counselor=data.get("counselor", ""),
                   tell_who=data.get("tell_who", "doctor"))


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
    # Why it ranks above paths listed before it (paths.yaml `rank_above`), else empty.
    ranked_because: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PathResult":
        return cls(id=data["id"], rank=data["rank"], title=data["title"],
                   summary=data["summary"],
                   reasons=tuple(PathReason(because=reason["because"],
                                            evidence=_evidence(reason.get("evidence")))
                                 for reason in data["reasons"]),
                   ranked_because=data.get("ranked_because", ""))


@dataclass(frozen=True)
class Priority:
    """A line of "What matters most": crisis help, medical care or the first suggested step."""

    kind: str  # "crisis" | "medical" | "path"
    text: str
    ref: str  # the flag or path it is about
    urgency: str = ""  # crisis and medical lines

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Priority":
        return cls(kind=data["kind"], text=data["text"], ref=data["ref"],
                   urgency=data.get("urgency", ""))


@dataclass(frozen=True)
class Harm:
    """A harm the answers show, named in words (summary.yaml), with the answers behind it."""

    id: str
    text: str
    evidence: tuple[EvidenceView, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Harm":
        return cls(id=data["id"], text=data["text"], evidence=_evidence(data.get("evidence")))


@dataclass(frozen=True)
class SaferUseResult:
    """Safer-use guidance for the chosen substance (seeds/safer_use.yaml), with every reason
    it is shown, like a path's."""

    title: str
    intro: str
    lines: tuple[str, ...]
    reasons: tuple[PathReason, ...]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "SaferUseResult":
        return cls(title=data["title"], intro=data["intro"], lines=tuple(data["lines"]),
                   reasons=_reasons(data["reasons"]))


def _reasons(items: Any) -> tuple[PathReason, ...]:
    return tuple(PathReason(because=reason["because"], evidence=_evidence(reason.get("evidence")))
                 for reason in items)


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
    what_matters: tuple[Priority, ...] = ()  # at most three lines, in this order
    harms: tuple[Harm, ...] = ()
    # None when not shown, and in results saved before it existed.
    safer_use: SaferUseResult | None = None

    @property
    def is_at_risk(self) -> bool:
        return self.crisis_level != "none"

    def flags_of(self, kind: str) -> tuple[FlagResult, ...]:
        return tuple(f for f in self.flags if f.kind == kind)

    @property
    def crisis_flags(self) -> tuple[FlagResult, ...]:
        return self.flags_of("crisis")

    @property
    def notice(self) -> str:
        return NOTICE

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; the answers are left out (they are stored beside it)."""
        # pydantic's dump is dataclasses.asdict's dict without its deep copy of every value,
        # which was a tenth of a save's CPU time.
        data: dict[str, Any] = _result_adapter().dump_python(self, exclude={"answers"})
        data["is_at_risk"] = self.is_at_risk
        data["notice"] = NOTICE
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], answers: Mapping[str, Any] | None = None
                  ) -> "ScreeningResult":
        """A result as `to_dict` stored it (`is_at_risk` and `notice` are worked out again)."""
        return cls(
            content_version=data["content_version"], substance=data["substance"],
            substance_label=data["substance_label"], substance_text=data["substance_text"],
            severity=ScaleResult.from_dict(data["severity"]),
            scores=tuple(ScaleResult.from_dict(scale) for scale in data["scores"]),
            crisis_level=data["crisis_level"],
            flags=tuple(FlagResult.from_dict(flag) for flag in data["flags"]),
            paths=tuple(PathResult.from_dict(path) for path in data["paths"]),
            answers=dict(answers or {}), crisis_locale=data.get("crisis_locale", ""),
            what_matters=tuple(Priority.from_dict(p) for p in data.get("what_matters", ())),
            harms=tuple(Harm.from_dict(h) for h in data.get("harms", ())),
            safer_use=(SaferUseResult.from_dict(data["safer_use"])
                       if data.get("safer_use") else None))


@cache
def _result_adapter() -> TypeAdapter[ScreeningResult]:
    return TypeAdapter(ScreeningResult)
