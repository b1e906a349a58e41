"""Small helpers the templates share: `count_of` ("1 minute", "15 minutes"), a Jinja filter
and a plain function for messages written in Python; `choice_question`, which writes a
radio or checkbox question from its WTForms field; `qr_svg` (recovery.qr), a QR code of a
private link drawn on the server; and `local_time` (recovery.localtime), every time a page
shows, in the install's time zone with the zone named."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import Flask
from markupsafe import Markup

from recovery.localtime import local_time
from recovery.qr import qr_svg

# Questions in the same state recur on every page view (the same question, the same option
# chosen); each distinct one is written once per process. 1,024 is far more than the
# questionnaire and plan builder have, at a few kB each.
RENDERED_QUESTIONS = 1024


def count_of(number: int, noun: str) -> str:
    """ "1 minute", "15 minutes": a number with its noun, singular only for one."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class ChoiceQuestion:
    """Everything the `choice_question` macro (templates/_macros/forms.html) reads, taken off a
    WTForms radio or checkbox field. The macro sees only this, so two equal questions are
    written the same, and the markup can be cached on it."""

    id: str
    name: str
    label: str
    hint: str
    choices: tuple[tuple[Any, str, bool], ...]  # (value, label, chosen)
    error: str | None
    required: bool
    input_type: str  # "radio" or "checkbox"

    @classmethod
    def of(cls, field: Any) -> "ChoiceQuestion":
        return cls(
            id=field.id, name=field.name, label=field.label.text, hint=field.description or "",
            choices=tuple((value, label, bool(chosen))
                          for value, label, chosen, _render_kw in field.iter_choices()),
            error=field.errors[0] if field.errors else None,
            required=bool(field.flags.required), input_type=field.option_widget.input_type)


def init_app(app: Flask) -> None:
    app.add_template_filter(count_of)
    app.add_template_filter(local_time)
    app.add_template_global(qr_svg)
    add_choice_question(app)


def add_choice_question(app: Flask) -> None:
    """The `choice_question` global: a radio or checkbox question written by its macro, the
    same question's markup rendered once."""

    def write(question: ChoiceQuestion, autofocus: bool) -> Markup:
        macro = app.jinja_env.get_template("_macros/forms.html").module.choice_question  # type: ignore[attr-defined]
        return Markup(macro(question, autofocus=autofocus))

    write_once = lru_cache(maxsize=RENDERED_QUESTIONS)(write)

    @app.template_global()
    def choice_question(field: Any, autofocus: bool = False) -> Markup:
        question = ChoiceQuestion.of(field)
        # While templates reload (debug), an edited macro must show at once: no cache.
        return (write if app.jinja_env.auto_reload else write_once)(question, autofocus)
