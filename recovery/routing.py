"""The URL converters every route may use, registered once by `create_app` before any blueprint.

A rule takes its converter when it is added, so converters live here rather than in the
blueprint that happens to use them first: the order blueprints are registered in never matters.

- `<int:...>`   a database id: a non-negative number an INTEGER column can hold.
- `<token:...>` the shape of a private plan link.
- `<step:...>`  one of the questionnaire's step ids (read from the loaded content).
"""

import re

from flask import Flask
from werkzeug.routing import BaseConverter, IntegerConverter, Map

from recovery.content.model import Content
from recovery.tokens import TOKEN_PATTERN

# Our ids are INTEGER columns: PostgreSQL refuses a larger number outright (an error, not "no
# row"), so a URL holding one must not reach the database.
LARGEST_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """Anything bigger than an INTEGER id doesn't match the route, so it is a 404 like any other
    id that doesn't exist."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = LARGEST_ID, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TokenConverter(BaseConverter):
    """/plans/new and /plans/import never look like a plan (a wrong method there is a 405), and
    junk never reaches the database."""

    regex = TOKEN_PATTERN


def step_converter(content: Content) -> type[BaseConverter]:
    """Only real step ids match, so /screening/save and friends never look like a step: a wrong
    method there is a 405, and an unknown step is a 404."""
    pattern = "|".join(re.escape(step.id) for step in content.questionnaire.steps)
    return type("StepConverter", (BaseConverter,), {"regex": f"(?:{pattern})"})


def init_app(app: Flask, content: Content) -> None:
    app.url_map.converters.update(
        int=DatabaseIdConverter, token=TokenConverter, step=step_converter(content))
