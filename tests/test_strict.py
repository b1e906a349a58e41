"""recovery/strict.py: pydantic's errors as the places and messages people read, for the seed
files and the plan files alike."""

from typing import Annotated

import pytest
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from recovery.strict import Loc, describe, place, problem


def _positive(value: object) -> object:
    if not isinstance(value, int) or value < 1:
        raise problem("must be at least 1")
    return value


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: str
    count: Annotated[int, BeforeValidator(_positive)]


class File(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    entries: list[Entry]
    by_name: dict[str, int]


def first_error(data: object, noun: str = "field") -> tuple[str, str]:
    with pytest.raises(ValidationError) as excinfo:
        File.model_validate(data)
    loc, message = describe(excinfo.value.errors()[0], noun)
    return place(loc), message


GOOD_ENTRY = {"name": "a", "count": 1}


@pytest.mark.parametrize(
    ("data", "noun", "expected"),
    [
        pytest.param({"entries": [GOOD_ENTRY, {"name": "b", "count": 1, "txt": ""}],
                      "by_name": {}}, "key", ("entries[1]", "unknown key 'txt'"), id="unknown"),
        pytest.param({"entries": [{"name": "b"}], "by_name": {}}, "field",
                     ("entries[0]", "missing field 'count'"), id="missing"),
        pytest.param({"entries": [{"name": "b", "count": 0}], "by_name": {}}, "field",
                     ("entries[0].count", "must be at least 1"), id="our-own-message"),
        pytest.param({"entries": [{"name": 5, "count": 1}], "by_name": {}}, "field",
                     ("entries[0].name", "expected text"), id="plain-message"),
        # A key's own error is placed at its entry (pydantic adds a "[key]" step).
        pytest.param({"entries": [], "by_name": {"b": 1, 7: 1}}, "field",
                     ("by_name[7]", "expected text"), id="mapping-key"),
    ],
)
def test_describe_places_and_words_the_first_error(data: object, noun: str,
                                                   expected: tuple[str, str]) -> None:
    assert first_error(data, noun) == expected


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        ((), ""),
        (("steps", 2, "items", 1), "steps[2].items[1]"),
        (("option_sets", "Two weeks", "[key]"), "option_sets.Two weeks"),
    ],
)
def test_place(loc: Loc, expected: str) -> None:
    assert place(loc) == expected
