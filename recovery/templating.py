"""Small helpers the templates share: `count_of` ("1 minute", "15 minutes"), a Jinja filter
and a plain function for messages written in Python."""

from flask import Flask


def count_of(number: int, noun: str) -> str:
    """ "1 minute", "15 minutes": a number with its noun, singular only for one."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def init_app(app: Flask) -> None:
    app.add_template_filter(count_of)
