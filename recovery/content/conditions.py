"""The small, closed condition language shared by skip logic, flags and treatment paths.

A condition is data, never code: there is no `eval`. Each kind knows how to check itself
against a context and how to say which answers made it true, so every result can explain itself.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Evidence:
    """One fact that made a condition true: an answer, a score, a flag or a path."""

    kind: str  # "answer" | "score" | "level" | "flag" | "path"
    ref: str  # the item, scale, flag or path id
    values: tuple[str, ...] = ()


class Context(Protocol):
    """What a condition can look at. Screening fills in scores, flags and paths as it goes."""

    def answer_values(self, item_id: str) -> tuple[str, ...]: ...

    def level_index(self, scale_id: str) -> int | None: ...

    def level_of(self, scale_id: str) -> str | None: ...

    def score(self, scale_id: str) -> int | None: ...

    def has_flag(self, flag_id: str) -> bool: ...

    def has_path(self, path_id: str) -> bool: ...


class Condition:
    """Base class: `check` returns the evidence when true and None when false."""

    def check(self, ctx: Context) -> list[Evidence] | None:
        raise NotImplementedError

    def is_true(self, ctx: Context) -> bool:
        return self.check(ctx) is not None

    def answer_refs(self) -> set[str]:
        """Item ids this condition reads (for validating references)."""
        return set()


@dataclass(frozen=True)
class Always(Condition):
    def check(self, ctx: Context) -> list[Evidence] | None:
        return []


@dataclass(frozen=True)
class AnswerIn(Condition):
    """True when the answer to `item` (for a multiple choice: any chosen option) is in `values`."""

    item: str
    values: frozenset[str]

    def check(self, ctx: Context) -> list[Evidence] | None:
        chosen = tuple(v for v in ctx.answer_values(self.item) if v in self.values)
        return [Evidence("answer", self.item, chosen)] if chosen else None

    def answer_refs(self) -> set[str]:
        return {self.item}


@dataclass(frozen=True)
class AllOf(Condition):
    parts: tuple[Condition, ...]

    def check(self, ctx: Context) -> list[Evidence] | None:
        found: list[Evidence] = []
        for part in self.parts:
            evidence = part.check(ctx)
            if evidence is None:
                return None
            found.extend(evidence)
        return found

    def answer_refs(self) -> set[str]:
        return set().union(*(p.answer_refs() for p in self.parts))


@dataclass(frozen=True)
class AnyOf(Condition):
    parts: tuple[Condition, ...]

    def check(self, ctx: Context) -> list[Evidence] | None:
        # Collect every true branch, not just the first: the explanation should be complete.
        found: list[Evidence] = []
        is_true = False
        for part in self.parts:
            evidence = part.check(ctx)
            if evidence is not None:
                is_true = True
                found.extend(evidence)
        return found if is_true else None

    def answer_refs(self) -> set[str]:
        return set().union(*(p.answer_refs() for p in self.parts))


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def check(self, ctx: Context) -> list[Evidence] | None:
        return None if self.part.is_true(ctx) else []

    def answer_refs(self) -> set[str]:
        return self.part.answer_refs()


@dataclass(frozen=True)
class LevelAtLeast(Condition):
    """True when a scale's band is at or above `level` (bands are ordered low to high)."""

    scale: str
    level: str
    level_index: int

    def check(self, ctx: Context) -> list[Evidence] | None:
        index = ctx.level_index(self.scale)
        if index is None or index < self.level_index:
            return None
        return [Evidence("level", self.scale, (ctx.level_of(self.scale) or "",))]


@dataclass(frozen=True)
class ScoreAtLeast(Condition):
    scale: str
    value: int

    def check(self, ctx: Context) -> list[Evidence] | None:
        score = ctx.score(self.scale)
        if score is None or score < self.value:
            return None
        return [Evidence("score", self.scale, (str(score),))]


@dataclass(frozen=True)
class FlagRaised(Condition):
    flag: str

    def check(self, ctx: Context) -> list[Evidence] | None:
        return [Evidence("flag", self.flag)] if ctx.has_flag(self.flag) else None


@dataclass(frozen=True)
class PathChosen(Condition):
    path: str

    def check(self, ctx: Context) -> list[Evidence] | None:
        return [Evidence("path", self.path)] if ctx.has_path(self.path) else None
