"""The one rule for typed text (recovery.text), as a table of what people might type."""

import pytest

from recovery.text import as_one_line, text_problem

# (text, one_line, the problem or None, why)
CASES = [
    ("Sam Lee", True, None, "an ordinary name"),
    ("Zoë 佐藤 سارة", True, None, "any script is text"),
    ("", True, None, "empty is for the field to require, not for this rule"),
    ("a" * 80, True, None, "exactly at the limit"),
    ("a" * 81, True, "Please keep the name to 80 characters or fewer.", "one over the limit"),
    ("  " + "a" * 80 + "  ", True, None, "surrounding spaces are not stored, so not counted"),
    ("Sam\x00Lee", True, "Please remove the unusual invisible characters from the name.",
     "a NUL byte"),
    ("Sam\x1bLee", False, "Please remove the unusual invisible characters from the name.",
     "an escape character, even where lines are allowed"),
    ("Sam\x85Lee", False, "Please remove the unusual invisible characters from the name.",
     "a C1 control (next line)"),
    ("Sam\ud800", False, "Please remove the unusual invisible characters from the name.",
     "half a surrogate pair"),
    ("Sam\nLee", True, "Please keep the name to one line.", "a newline in a one-line field"),
    ("Sam\tLee", True, "Please keep the name to one line.", "a tab in a one-line field"),
    ("Sam\u2028Lee", True, "Please keep the name to one line.", "a Unicode line separator"),
    ("first line\nsecond\ttabbed\r\nthird\u2029", False, None, "several lines where allowed"),
]


@pytest.mark.parametrize(("text", "one_line", "problem", "why"), CASES,
                         ids=[case[3] for case in CASES])
def test_text_problem(text: str, one_line: bool, problem: str | None, why: str) -> None:
    assert text_problem(text, limit=80, what="the name", one_line=one_line) == problem


def test_the_limit_is_written_with_thousands_separators() -> None:
    assert text_problem("a" * 4001, limit=4000, what="the notes") == (
        "Please keep the notes to 4,000 characters or fewer.")


@pytest.mark.parametrize(("stored", "read"), [
    ("555 0100\n", "555 0100"),
    ("Sam\u2028Lee", "Sam Lee"),
    ("Hall B\tRoom 2", "Hall B Room 2"),
    ("\n", "\n"),  # nothing left but the break: kept, so a required field still reads as given
])
def test_a_stored_line_is_read_with_spaces_for_breaks(stored: str, read: str) -> None:
    assert as_one_line(stored) == read
