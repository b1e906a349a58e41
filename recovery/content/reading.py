"""The strict reading of one seed file: YAML without surprises, the building blocks of the
seed files' shapes (pydantic models with no unknown keys and strict types), and errors that name
the file and the place (`flags.yaml: flags[2]: missing key 'because'`).

A seed file is read in two passes, in its module under seedfiles/: `validate` checks its shape
(a `Shape` model), then the module checks what the shape can't see (unique ids, references to
other entries and files) and builds the frozen types of model.py. Both raise SeedProblem with
the place; `read_seed_file` adds the file's name, as a ContentError.
"""

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from recovery.strict import Loc, describe, place, problem

SLUG = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FILE_BYTES = 1_000_000
MAX_LINES = 40  # in one list of suggested lines
T = TypeVar("T")
K = TypeVar("K")
S = TypeVar("S", bound="Shape")


class ContentError(Exception):
    """A seed file is broken. `str()` names the file and the place."""

    def __init__(self, file: str, place: str, message: str) -> None:
        self.file, self.place, self.message = file, place, message
        where = f"{file}: {place}" if place else file
        super().__init__(f"{where}: {message}")


class SeedProblem(Exception):
    """A problem at a place in the seed file being read; read_seed_file adds the file."""

    def __init__(self, loc: Loc, message: str) -> None:
        self.loc, self.message = loc, message
        super().__init__(f"{place(loc)}: {message}")


# --- the shapes' building blocks -------------------------------------------------------------


class Shape(BaseModel):
    """A mapping in a seed file: only the keys declared, each of the declared type (no coercion:
    `"20"` is not a number, `yes` unquoted is not an id)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        # Before the fields, so a misspelt key is named as such (with the keys allowed), not as
        # the missing key it was meant to be.
        if not isinstance(data, dict):
            raise problem(f"expected a mapping, got {type(data).__name__}")
        keys = {field.alias or name: field for name, field in cls.model_fields.items()}
        for key in data:
            if key not in keys:
                raise problem(f"unknown key {key!r} (allowed: {', '.join(sorted(keys))})")
        for key in sorted(keys):
            if keys[key].is_required() and key not in data:
                raise problem(f"missing key {key!r}")
        return data


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise problem("expected non-empty text")
    return value.strip()


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise problem(f"{value!r} is not an id (lowercase letters, digits and _)")
    return value


def whole_number(minimum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise problem(f"expected a whole number, got {value!r}")
        if value < minimum:
            raise problem(f"must be at least {minimum}")
        return value

    return check


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise problem(f"expected true or false, got {value!r}")
    return value


def one_of(allowed: Iterable[str]) -> Callable[[Any], str]:
    allowed = tuple(allowed)

    def check(value: Any) -> str:
        if value not in allowed:
            raise problem(f"{value!r} is not one of {', '.join(allowed)}")
        return str(value)

    return check


def _entries(value: Any) -> Any:
    if not isinstance(value, list):
        raise problem(f"expected a list, got {type(value).__name__}")
    if not value:
        raise problem("must not be empty")
    return value


def _mapping(value: Any) -> Any:
    if not isinstance(value, dict):
        raise problem(f"expected a mapping, got {type(value).__name__}")
    return value


def _at_most_max_lines(lines: list[str]) -> list[str]:
    if len(lines) > MAX_LINES:
        raise problem(f"at most {MAX_LINES} lines")
    return lines


Text = Annotated[str, BeforeValidator(_text)]  # non-empty, read without surrounding space
Slug = Annotated[str, BeforeValidator(_slug)]  # an id: ids are what references name
WholeNumber = Annotated[int, BeforeValidator(whole_number(0))]
TrueOrFalse = Annotated[bool, BeforeValidator(_boolean)]
Entries = Annotated[list[T], BeforeValidator(_entries)]  # a list that is never empty
Lines = Annotated[list[Text], BeforeValidator(_entries), AfterValidator(_at_most_max_lines)]
MappingOf = Annotated[dict[K, T], BeforeValidator(_mapping)]


# --- validating, and the checks after it ------------------------------------------------------


def validate(shape: type[S], value: Any, at: Loc = ()) -> S:
    """`value` (found at `at`) as the model `shape`, or SeedProblem for its first fault."""
    try:
        return shape.model_validate(value)
    except ValidationError as error:
        raise _first_problem(error, at) from None


def validate_value(adapter: TypeAdapter[T], value: Any, at: Loc) -> T:
    """Like validate, for a shape that is not a model (an id, a list of conditions)."""
    try:
        return adapter.validate_python(value)
    except ValidationError as error:
        raise _first_problem(error, at) from None


def _first_problem(error: ValidationError, at: Loc) -> SeedProblem:
    loc, message = describe(error.errors()[0], noun="key")  # pydantic's order: reading order
    return SeedProblem((*at, *loc), message)


def unique(entries: Iterable[tuple[str, Loc]], what: str) -> None:
    """Refuse the first id already seen, at its place: `unique(((s.id, ("steps", i)) ...)`."""
    seen: set[str] = set()
    for ident, loc in entries:
        if ident in seen:
            raise SeedProblem(loc, f"duplicate {what} id {ident!r}")
        seen.add(ident)


def numbered(at: Loc, ids: Iterable[str]) -> Iterable[tuple[str, Loc]]:
    """The ids of a list's entries with their places: ("steps", 0), ("steps", 1), ..."""
    return ((ident, (*at, index)) for index, ident in enumerate(ids))


# --- the file --------------------------------------------------------------------------------


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


def read_yaml(path: Path) -> Any:
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
        raise yaml_problem(name, exc) from None
    return value


def yaml_problem(name: str, exc: yaml.YAMLError) -> ContentError:
    """The parser's problem and where in the file it is, when it says."""
    mark = getattr(exc, "problem_mark", None)
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    message = getattr(exc, "problem", None) or "invalid YAML"
    return ContentError(name, where, message)


def read_seed_file(path: Path, read: Callable[[Any], T]) -> T:
    """What `read` makes of the YAML in `path`; its SeedProblem becomes a ContentError that
    names the file."""
    data = read_yaml(path)
    try:
        return read(data)
    except SeedProblem as seed_problem:
        raise ContentError(path.name, place(seed_problem.loc), seed_problem.message) from None
