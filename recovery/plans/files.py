"""A plan as a portable JSON file: written the same way every time, read back with suspicion.

The file is the person's own copy. Uploading it continues the plan on this install or another,
so reading it must refuse anything odd (not UTF-8, not JSON, duplicate keys, NaN, deep nesting,
huge numbers, the wrong shape) with a message a person can act on, and change nothing.
"""

import json
from typing import Any

from recovery.planning.diff import SECTIONS
from recovery.planning.draft import PlanDraft
from recovery.planning.serialize import PlanFormatError, draft_from_dict

MAX_FILE_BYTES = 256 * 1024
NOT_A_PLAN = "This file isn't a plan saved from this app"


class PlanFileError(ValueError):
    """A plan file we won't read; `message` is for the person who chose it."""

    def __init__(self, message: str, *, is_too_large: bool = False) -> None:
        self.message, self.is_too_large = message, is_too_large
        super().__init__(message)


def plan_to_json(draft: PlanDraft) -> str:
    """The file's text. Key order comes from the dataclasses, so the same draft always gives
    the same bytes: download, upload and download again, and the two files are identical."""
    return json.dumps(draft.to_dict(), ensure_ascii=False, indent=2) + "\n"


def read_plan_file(raw: bytes) -> PlanDraft:
    """The plan in an uploaded file, or PlanFileError saying why not."""
    if len(raw) > MAX_FILE_BYTES:
        raise PlanFileError(f"This file is larger than {MAX_FILE_BYTES // 1024} KB, much larger "
                            "than any plan saved from this app.", is_too_large=True)
    if not raw.strip():
        raise PlanFileError("This file is empty.")
    try:
        # utf-8-sig: some editors add a byte-order mark when they save; it means nothing here.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanFileError(f"{NOT_A_PLAN}: it isn't UTF-8 text.") from None
    data = _parse_json(text)
    try:
        draft = draft_from_dict(data)
    except PlanFormatError as exc:
        raise PlanFileError(f"{NOT_A_PLAN}, or it was changed: {_where(exc)}.") from None
    # A compact file can grow when we write it out again (indented); it must still fit, so
    # that what is downloaded later can always be uploaded again.
    problem = storable_problem(draft)
    if problem is not None:
        raise PlanFileError(problem)
    return draft


def storable_problem(draft: PlanDraft) -> str | None:
    """Why `draft` can't be saved, or None. Every saved version must read back exactly and fit
    in a plan file, so the person can always download it and upload it again."""
    try:
        again = draft_from_dict(draft.to_dict())
        size = len(plan_to_json(draft).encode("utf-8"))
    except PlanFormatError as error:
        return f"This can't be saved: {_where(error)}."
    except UnicodeEncodeError:
        return "This can't be saved: it holds characters that aren't text."
    if again != draft:  # a bug in the plan format, never the person's doing
        raise ValueError("a plan draft does not survive its own round trip")
    if size > MAX_FILE_BYTES:
        return (f"Your plan would be longer than {MAX_FILE_BYTES // 1024} KB, the most a plan "
                "file can hold. Please shorten or remove something.")
    return None


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys,
                          parse_constant=_no_special_numbers)
    except RecursionError:
        raise PlanFileError(f"{NOT_A_PLAN}: it is nested far too deeply.") from None
    except ValueError as exc:
        # JSONDecodeError, our own hooks, and Python's limit on very long integers all land here.
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise PlanFileError(f"{NOT_A_PLAN}: it isn't valid JSON ({reason[:120]}).") from None


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key would silently keep only its last value; a real plan file never has one.
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the field {key[:40]!r} appears twice")
        found[key] = value
    return found


def _no_special_numbers(name: str) -> Any:
    raise ValueError(f"{name} is not a number a plan can hold")


def _where(error: PlanFormatError) -> str:
    """'triggers[2].rank: must be one of ...' with the section's heading in front, if known."""
    section = error.place.split(".")[0].split("[")[0]
    heading = SECTIONS.get(section)
    place = f"{heading} ({error.place})" if heading else error.place
    return f"{place}: {error.message}" if place else error.message
