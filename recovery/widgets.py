"""Markup written in Python where a Jinja loop is too slow: the options of a choice question.

A checklist page has 14 questions and about 50 options; written out by a template loop they
cost most of its render time. `choice_inputs` makes the same markup (templates/_macros/
forms.html, `render_choice_field`, calls it) with the same escaping as Jinja's autoescape.
"""

from collections.abc import Iterable
from typing import Any

from flask import Flask
from markupsafe import Markup, escape


def choice_inputs(choices: Iterable[tuple[Any, ...]], field_id: str, name: str, input_type: str,
                  *, required: bool, has_error: bool, focus: int) -> Markup:
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
    return Markup("".join(parts))


def init_app(app: Flask) -> None:
    app.add_template_global(choice_inputs)
