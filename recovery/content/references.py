"""Conditions in seed files, parsed and checked against what they may refer to.

A condition may only read items asked before it (skip logic looks back, never ahead), scales
that exist, levels those scales have, and flags and paths listed before it. `ConditionReader`
is built with what is known at that point of the file and refuses anything else, naming the
place.
"""

from collections.abc import Callable

from recovery.content import conditions as c
from recovery.content.model import (
    Scale,
)
from recovery.content.reading import Node


class ConditionReader:
    """Parses conditions and checks every reference against what is known at that point.

    `items` maps item ids to their option ids; only items listed there may be read, which is how
    skip logic is kept to earlier steps and rules are kept to real answers.
    """

    def __init__(
        self,
        items: dict[str, set[str]],
        scales: dict[str, Scale] | None = None,
        flags: set[str] | None = None,
        paths: set[str] | None = None,
    ) -> None:
        self.items = items
        self.scales = scales or {}
        self.flags = flags or set()
        self.paths = paths or set()

    def read(self, node: Node) -> c.Condition:
        if not isinstance(node.value, dict) or len(node.value) != 1:
            raise node.fail(
                "a condition is a mapping with exactly one of: answer, all, any, not, "
                "level_at_least, score_at_least, flag, path, always"
            )
        key = next(iter(node.value))
        parsers: dict[str, Callable[[Node], c.Condition]] = {
            "answer": self._answer,
            "all": lambda n: c.AllOf(tuple(self.read(p) for p in n.list())),
            "any": lambda n: c.AnyOf(tuple(self.read(p) for p in n.list())),
            "not": lambda n: c.Not(self.read(n)),
            "level_at_least": self._level,
            "score_at_least": self._score,
            "flag": self._flag,
            "path": self._path,
            "always": self._always,
        }
        if key not in parsers:
            raise node.fail(f"unknown condition {key!r}")
        return parsers[key](node.child(key, node.value[key]))

    def _answer(self, node: Node) -> c.Condition:
        fields = node.mapping(["item", "in"])
        item = fields["item"].slug()
        if item not in self.items:
            raise fields["item"].fail(
                f"unknown item {item!r} (conditions may only read items asked earlier)"
            )
        values = [v.slug() for v in fields["in"].list()]
        for value_node, value in zip(fields["in"].list(), values, strict=True):
            if value not in self.items[item]:
                raise value_node.fail(f"item {item!r} has no option {value!r}")
        return c.AnswerIn(item, frozenset(values))

    def _level(self, node: Node) -> c.Condition:
        fields = node.mapping(["scale", "level"])
        scale = self._scale_ref(fields["scale"])
        level = fields["level"].slug()
        index = scale.level_index(level)
        if index is None:
            raise fields["level"].fail(f"scale {scale.id!r} has no level {level!r}")
        return c.LevelAtLeast(scale.id, level, index)

    def _score(self, node: Node) -> c.Condition:
        fields = node.mapping(["scale", "value"])
        scale = self._scale_ref(fields["scale"])
        return c.ScoreAtLeast(scale.id, fields["value"].integer())

    def _scale_ref(self, node: Node) -> Scale:
        scale_id = node.slug()
        if scale_id not in self.scales:
            raise node.fail(f"unknown scale {scale_id!r}")
        return self.scales[scale_id]

    def _flag(self, node: Node) -> c.Condition:
        flag = node.slug()
        if flag not in self.flags:
            raise node.fail(f"unknown flag {flag!r} (a flag may only read flags listed before it)")
        return c.FlagRaised(flag)

    def _path(self, node: Node) -> c.Condition:
        path = node.slug()
        if path not in self.paths:
            raise node.fail(f"unknown path {path!r} (a path may only read paths listed before it)")
        return c.PathChosen(path)

    def _always(self, node: Node) -> c.Condition:
        if node.value is not True:
            raise node.fail("'always' must be true")
        return c.Always()
