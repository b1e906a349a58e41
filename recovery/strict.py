"""Strict reading with pydantic, shared by the seed files (content/seedfiles) and plan files
(planning/serialize.py): how a validator refuses a value in our own words, and how pydantic's
error locations become the messages people read ("steps[2].items[1]: unknown key 'txt'").

Pure: no web, database or PDF imports, so both pure packages can use it.
"""

from pydantic_core import ErrorDetails, PydanticCustomError

Loc = tuple[int | str, ...]  # where a value is: ("steps", 2, "items", 1)

PROBLEM = "problem"  # the error type of problem(): its message is shown as it is

# pydantic's own texts are written for developers; these are the few that reach people.
PLAIN_MESSAGES = {"model_type": "expected an object", "string_type": "expected text",
                  "list_type": "expected a list", "dict_type": "expected a mapping"}


def problem(message: str) -> PydanticCustomError:
    """Raised inside a validator; its message is shown as it is, after the place."""
    return PydanticCustomError(PROBLEM, "{message}", {"message": message})


def describe(error: ErrorDetails, noun: str = "field") -> tuple[Loc, str]:
    """One pydantic error as (where, message). An unknown or missing key is reported at the
    mapping that holds it ("flags[2]: missing key 'because'", with noun="key")."""
    loc, kind = error["loc"], error["type"]
    if kind in ("missing", "extra_forbidden"):
        what = "missing" if kind == "missing" else "unknown"
        return loc[:-1], f"{what} {noun} {str(loc[-1])[:40]!r}"
    if kind == PROBLEM:
        return loc, str(error.get("ctx", {}).get("message"))
    return loc, PLAIN_MESSAGES.get(kind, error["msg"])


def place(loc: Loc) -> str:
    """("contacts", 0, "phone") -> "contacts[0].phone". pydantic's "[key]" step (the error is
    about a mapping's key, not its value) is left out: the place is the entry."""
    text = ""
    for key in loc:
        if key == "[key]":
            continue
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else key)
    return text
