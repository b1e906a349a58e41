"""One rule for the text people type: names, notes, searches and the words of a plan.

Pure (it imports nothing of the web), so the plan-file reader in planning/ and the web forms
hold text to the same rule, with the same message.
"""

import re

# Control characters never belong in typed text; tabs and line breaks do, where a field takes
# several lines.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What breaks a line (or, for a tab, the look of one), refused in one-line fields: a name, a
# phone number, an email address, a search.
LINE_BREAK = re.compile(r"[\t\r\n\u2028\u2029]")
# Half of a surrogate pair on its own can't be stored as UTF-8 or printed.
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(text: str, *, limit: int, what: str = "this text",
                 one_line: bool = False) -> str | None:
    """What is wrong with `text` for a field called `what`, in words for the person; None if
    nothing. Length counts the text without its surrounding spaces, as it is stored."""
    if len(text.strip()) > limit:
        return f"Please keep {what} to {limit:,} characters or fewer."
    if CONTROL.search(text) or LONE_SURROGATE.search(text):
        return f"Please remove the unusual invisible characters from {what}."
    if one_line and LINE_BREAK.search(text):
        return f"Please keep {what} to one line."
    return None


def as_one_line(text: str) -> str:
    """`text` with its line breaks and tabs made spaces: how a stored one-line field from
    before the one-line rule is read, so the plan still opens."""
    return LINE_BREAK.sub(" ", text).strip() or text
