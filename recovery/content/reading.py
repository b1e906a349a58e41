"""The strict reading of one seed file: YAML without surprises, and `Node`, a value that knows
its file and place so every error can say where it is (`flags.yaml: flags[2]: missing key
'because'`).
"""

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FILE_BYTES = 1_000_000
class ContentError(Exception):
    """A seed file is broken. `str()` names the file and the place."""

    def __init__(self, file: str, place: str, message: str) -> None:
        self.file, self.place, self.message = file, place, message
        where = f"{file}: {place}" if place else file
        super().__init__(f"{where}: {message}")


class Node:
    """A value read from a seed file, with its file and place, so errors can point at it."""

    def __init__(self, value: Any, file: str, place: str = "") -> None:
        self.value, self.file, self.place = value, file, place

    def fail(self, message: str) -> ContentError:
        return ContentError(self.file, self.place, message)

    def child(self, key: str | int, value: Any) -> "Node":
        if isinstance(key, int):
            return Node(value, self.file, f"{self.place}[{key}]")
        return Node(value, self.file, f"{self.place}.{key}" if self.place else key)

    def mapping(self, required: Iterable[str], optional: Iterable[str] = ()) -> dict[str, "Node"]:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected a mapping, got {type(self.value).__name__}")
        required, optional = set(required), set(optional)
        for key in self.value:
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                raise self.fail(f"unknown key {key!r} (allowed: {allowed})")
        for key in sorted(required):
            if key not in self.value:
                raise self.fail(f"missing key {key!r}")
        return {k: self.child(k, v) for k, v in self.value.items()}

    def list(self, allow_empty: bool = False) -> list["Node"]:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, got {type(self.value).__name__}")
        if not self.value and not allow_empty:
            raise self.fail("must not be empty")
        return [self.child(i, v) for i, v in enumerate(self.value)]

    def text(self) -> str:
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.fail("expected non-empty text")
        return self.value.strip()

    def slug(self) -> str:
        if not isinstance(self.value, str) or not SLUG.match(self.value):
            raise self.fail(f"{self.value!r} is not an id (lowercase letters, digits and _)")
        return self.value

    def integer(self, minimum: int = 0) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"expected a whole number, got {self.value!r}")
        if self.value < minimum:
            raise self.fail(f"must be at least {minimum}")
        return self.value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, got {self.value!r}")
        return self.value

    def choice(self, allowed: Iterable[str]) -> str:
        allowed = tuple(allowed)
        if self.value not in allowed:
            raise self.fail(f"{self.value!r} is not one of {', '.join(allowed)}")
        return str(self.value)


def unique(nodes: list[Node], ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for node, ident in zip(nodes, ids, strict=True):
        if ident in seen:
            raise node.fail(f"duplicate {what} id {ident!r}")
        seen.add(ident)


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice: PyYAML would silently keep the last one,
    which could drop half of a crisis rule without anyone noticing."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Node:
    name = path.name
    if not path.is_file():
        raise ContentError(name, "", "file is missing")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ContentError(name, "", "file is too large")
    try:
        value = yaml.load(path.read_text(encoding="utf-8"), Loader=StrictLoader)
    except UnicodeDecodeError as exc:
        raise ContentError(name, "", f"not UTF-8 text ({exc.reason})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ContentError(name, place, problem) from None
    return Node(value, name)
