"""Markup written in Python where a Jinja macro is too slow: choice questions.

A checklist page has 14 questions. Written out by a Jinja macro (with its loops, filters and
per-call setup) they cost most of the page's render time. Here the same markup is written
with the same escaping as Jinja's autoescape, in two ways that share every piece:

- `choice_question(field)`: from a WTForms field, with its errors (a step shown again after a
  refused answer, the plan builder's radio questions);
- `PreparedQuestion`: escaped and joined once per question, so showing it again only adds
  `checked` and `autofocus` (a questionnaire step shown to be answered, the busiest page).

A question is a fieldset whose legend is the question, so screen readers read the question with
each option. The hint and the error sit under the legend and are linked with aria-describedby;
the error summary (templates/_macros/forms.html) links to the fieldset's id.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from flask import Flask
from markupsafe import Markup, escape
from wtforms import Field

QUESTION_END = "</div>\n  </fieldset>"


def question_head(field_id: str, label: str, hint: str | None, error: str | None) -> str:
    """The fieldset's opening, the legend, the hint and the error, up to the options."""
    field_id = escape(field_id)
    described = [f"{field_id}-hint"] if hint else []
    if error is not None:
        described.append(f"{field_id}-error")
    parts = [
        f'<fieldset class="question{" has-error" if error is not None else ""}" '
        f'id="{field_id}-fieldset"'
        + (f' aria-describedby="{" ".join(described)}"' if described else "") + ">\n"
        f'    <legend class="question-text">{escape(label)}</legend>\n',
    ]
    if hint:
        parts.append(f'    <p class="hint" id="{field_id}-hint">{escape(hint)}</p>\n')
    if error is not None:
        parts.append(f'    <p class="field-error" id="{field_id}-error"><span '
                     f'class="visually-hidden">Error:</span> {escape(error)}</p>\n')
    parts.append('    <div class="choices">')
    return "".join(parts)


def option_parts(field_id: str, name: str, input_type: str, index: int, value: str, label: str,
                 *, required: bool, has_error: bool) -> tuple[str, str]:
    """One option's `<div class="choice">`, split where ` autofocus` and ` checked` go. Ids are
    WTForms' (`<field id>-<index>`); the attributes after the id are in WTForms' order."""
    option_id = f"{escape(field_id)}-{index}"
    before = ('\n        <div class="choice">\n          <input'
              + (' aria-invalid="true"' if has_error else ""))
    after = (f' id="{option_id}" name="{escape(name)}"{" required" if required else ""} '
             f'type="{escape(input_type)}" value="{escape(value)}">\n'
             f'          <label for="{option_id}">{escape(label)}</label>\n'
             "        </div>\n      ")
    return before, after


def option_flags(is_focused: bool, is_checked: bool) -> str:
    return (" autofocus" if is_focused else "") + (" checked" if is_checked else "")


def focus_index(checked: Sequence[bool], is_single: bool) -> int:
    """Where the focus goes in a question that takes it: a group of radio buttons is one Tab
    stop, on the chosen button, else the first; checkboxes start at the first."""
    if is_single and any(checked):
        return checked.index(True)
    return 0


def choice_question(field: Field, autofocus: bool = False) -> Markup:
    """A radio or checkbox question from a WTForms field, with its first error if any. With
    `autofocus`, it takes the focus when the page loads (see `focus_index`)."""
    choices = list(field.iter_choices())
    error = field.errors[0] if field.errors else None
    checked = [bool(choice[2]) for choice in choices]
    focus = focus_index(checked, field.type == "SingleChoiceField") if autofocus else -1
    parts = [question_head(field.id, field.label.text, field.description, error)]
    for index, (value, label, *_rest) in enumerate(choices):
        before, after = option_parts(
            field.id, field.name, field.option_widget.input_type, index, value, label,
            required=bool(field.flags.required), has_error=error is not None)
        parts.append(before + option_flags(index == focus, checked[index]) + after)
    parts.append(QUESTION_END)
    return Markup("".join(parts))


@dataclass(frozen=True)
class PreparedQuestion:
    """A question without an error, escaped and joined once; `render` adds the answer."""

    name: str
    is_single: bool
    head: str
    options: tuple[tuple[str, str, str], ...]  # (value, markup before flags, markup after)

    @classmethod
    def build(cls, name: str, label: str, hint: str | None,
              options: Sequence[tuple[str, str]], *, is_single: bool) -> "PreparedQuestion":
        """`name` is also the id, as in WTForms without a prefix; `options` are (value, label)."""
        input_type = "radio" if is_single else "checkbox"
        return cls(name, is_single, question_head(name, label, hint, None), tuple(
            (value, *option_parts(name, name, input_type, index, value, label,
                                  required=False, has_error=False))
            for index, (value, label) in enumerate(options)))

    def render(self, answer: str | list[str] | None, *, autofocus: bool) -> str:
        """With `answer`'s options checked, as WTForms would check them for this answer."""
        if self.is_single:
            checked = [answer is not None and value == str(answer)
                       for value, _, _ in self.options]
        else:
            chosen = answer if isinstance(answer, list) else []
            checked = [value in chosen for value, _, _ in self.options]
        focus = focus_index(checked, self.is_single) if autofocus else -1
        return "".join([
            self.head,
            *(before + option_flags(index == focus, checked[index]) + after
              for index, (_value, before, after) in enumerate(self.options)),
            QUESTION_END,
        ])


def count_of(number: int, noun: str) -> str:
    """ "1 minute", "15 minutes": a number with its noun, singular only for one."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def init_app(app: Flask) -> None:
    app.add_template_global(choice_question)
    app.add_template_filter(count_of)
