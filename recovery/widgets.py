"""Markup written in Python where a Jinja macro is too slow: choice questions.

A checklist page has 14 questions and about 50 options. Written out by a Jinja macro (with its
loops, filters and per-call setup) they cost most of the page's render time; `choice_question`
writes the same markup with the same escaping as Jinja's autoescape. Templates call it for every
radio or checkbox question (the questionnaire steps, the plan builder).

A question is a fieldset whose legend is the question, so screen readers read the question with
each option. The hint and the error sit under the legend and are linked with aria-describedby;
the error summary (templates/_macros/forms.html) links to the fieldset's id.
"""

from collections.abc import Iterable
from typing import Any

from flask import Flask
from markupsafe import Markup, escape
from wtforms import Field


def choice_question(field: Field, autofocus: bool = False) -> Markup:
    """A radio or checkbox question. With `autofocus`, it takes the focus when the page loads:
    on its chosen radio button if it has one (where Tab would land), else on its first option."""
    choices = list(field.iter_choices())
    field_id = escape(field.id)
    error = field.errors[0] if field.errors else None
    hint = field.description
    described = [f"{field_id}-hint"] if hint else []
    if error is not None:
        described.append(f"{field_id}-error")
    focus = -1
    if autofocus:
        # A group of radio buttons is one Tab stop: the chosen button, else the first.
        chosen = [i for i, choice in enumerate(choices) if choice[2]]
        focus = chosen[0] if chosen and field.type == "SingleChoiceField" else 0
    parts = [
        f'<fieldset class="question{" has-error" if error is not None else ""}" '
        f'id="{field_id}-fieldset"'
        + (f' aria-describedby="{" ".join(described)}"' if described else "") + ">\n"
        f'    <legend class="question-text">{escape(field.label.text)}</legend>\n',
    ]
    if hint:
        parts.append(f'    <p class="hint" id="{field_id}-hint">{escape(hint)}</p>\n')
    if error is not None:
        parts.append(f'    <p class="field-error" id="{field_id}-error"><span '
                     f'class="visually-hidden">Error:</span> {escape(error)}</p>\n')
    parts.append('    <div class="choices">')
    parts.append(choice_inputs(choices, field.id, field.name, field.option_widget.input_type,
                               required=bool(field.flags.required), has_error=error is not None,
                               focus=focus))
    parts.append("</div>\n  </fieldset>")
    return Markup("".join(parts))


def choice_inputs(choices: Iterable[tuple[Any, ...]], field_id: str, name: str, input_type: str,
                  *, required: bool, has_error: bool, focus: int) -> str:
    """One `<div class="choice">` per (value, label, is_checked, render_kw) choice; the option
    at index `focus` (-1 for none) gets `autofocus`. Ids are WTForms' (`<field id>-<index>`)."""
    invalid = ' aria-invalid="true"' if has_error else ""
    # After the id: the name, `required`, the type; WTForms' alphabetical attribute order.
    after_id = f'" name="{escape(name)}"{" required" if required else ""} ' \
               f'type="{escape(input_type)}" value="'
    id_prefix = f"{escape(field_id)}-"
    parts = []
    for index, (value, label, is_checked, *_rest) in enumerate(choices):
        option_id = f"{id_prefix}{index}"
        parts.append(
            f'\n        <div class="choice">\n          <input{invalid}'
            f'{" autofocus" if index == focus else ""}{" checked" if is_checked else ""}'
            f' id="{option_id}{after_id}{escape(value)}">\n'
            f'          <label for="{option_id}">{escape(label)}</label>\n'
            f"        </div>\n      ")
    return "".join(parts)


def init_app(app: Flask) -> None:
    app.add_template_global(choice_question)
