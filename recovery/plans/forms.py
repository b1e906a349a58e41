"""Forms for the plan builder: plain HTML forms that need no JavaScript.

A section's form has a few ordinary fields plus "row groups": a list shown as rows, one text box
per column, a "Remove" tick box on each existing row and a few blank rows for new entries.
Field names are fixed (`contacts-2-phone`), so the server always knows which entry a row edits.

The limits are the ones in `recovery.planning.vocabulary`, which the plan file reader
enforces too, so a form can never save a plan that could not be downloaded and uploaded
again. A post that doesn't have the shape of the form we sent (unknown, missing or repeated
fields) is refused outright: browsers never send one, so it is either tampering or a broken
page, and guessing would lose data.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, ValidationError

from recovery.planning.vocabulary import CONTROL, LINE_BREAK, MAX_LINES

# A section's extra fields, by name.
Fields = dict[str, Field]

ALWAYS_ALLOWED = frozenset({"csrf_token", "base_revision"})
CHOOSE_MESSAGE = "Please choose one of the options."


# --- Cleaning and checking text ------------------------------------------------------------


def clean_text(value: object) -> object:
    """Trim, and turn the CRLF that browsers send from text areas into plain newlines, so the
    same words always save as the same text."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def no_control_characters(form: Any, field: Field) -> None:
    if field.data and CONTROL.search(field.data):
        raise ValidationError("Please remove the unusual invisible characters from this text.")


def one_line(form: Any, field: Field) -> None:
    if field.data and LINE_BREAK.search(field.data):
        raise ValidationError("Please keep this to one line.")


def text_validators(max_length: int, *, is_long: bool) -> list[Any]:
    checks: list[Any] = [
        Length(max=max_length, message=f"Please keep this to {max_length} characters or fewer."),
        no_control_characters,
    ]
    return checks if is_long else [*checks, one_line]


class Matches:
    """The text, if any, must match `pattern` (e.g. a phone number's characters)."""

    def __init__(self, pattern: re.Pattern[str], message: str) -> None:
        self.pattern, self.message = pattern, message

    def __call__(self, form: Any, field: Field) -> None:
        if field.data and not self.pattern.match(field.data):
            raise ValidationError(self.message)


class IsoDate:
    """A real calendar date written as YYYY-MM-DD (what <input type="date"> sends)."""

    message = "Please enter a date such as 2027-01-31."

    def __call__(self, form: Any, field: Field) -> None:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", field.data or ""):
            raise ValidationError(self.message)
        try:
            day = date.fromisoformat(field.data)
        except ValueError:
            raise ValidationError(self.message) from None
        if not 2000 <= day.year <= 2099:
            raise ValidationError("Please choose a date between the years 2000 and 2099.")


class WholeNumberField(IntegerField):
    """An IntegerField with a message a person can act on."""

    def __init__(self, *args: Any, message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.message) from None


def text_field(label: str, max_length: int, *, is_long: bool = False, input_type: str = "",
               description: str = "", extra: tuple[Any, ...] = ()) -> Field:
    kind = TextAreaField if is_long else StringField
    # HTML allows maxlength only on typed text, not on a date picker (False leaves out the
    # attribute WTForms would otherwise copy from the Length validator).
    render_kw: dict[str, Any] = {"maxlength": max_length if input_type != "date" else False}
    if input_type:  # e.g. "tel", so phones offer the right keyboard
        render_kw["type"] = input_type
    return kind(label, description=description, filters=[clean_text],
                validators=[*text_validators(max_length, is_long=is_long), *extra],
                render_kw=render_kw)


def choice_field(label: str, choices: list[tuple[str, str]], *, radio: bool = False) -> Field:
    """A select (or radio group) that refuses values it didn't offer, kindly."""
    kind = RadioField if radio else SelectField
    # A select always has one of its options chosen, so `required` would say nothing, and HTML
    # allows it only with an empty first option. The server still refuses a missing value.
    render_kw = {} if radio else {"required": False}
    return kind(label, choices=[SelectChoice(v, text) for v, text in choices],
                validate_choice=False, render_kw=render_kw,
                validators=[InputRequired(CHOOSE_MESSAGE),
                            AnyOf([value for value, _ in choices], message=CHOOSE_MESSAGE)])


# --- Row groups ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One input in each row of a group."""

    name: str
    label: str
    max_length: int = 0  # for text
    choices: tuple[tuple[str, str], ...] = ()  # a <select> when given
    default: str = ""  # what a blank row's <select> starts at
    is_long: bool = False  # a <textarea>
    is_required: bool = False  # must be filled in a row that is kept
    is_new_only: bool = False  # only on blank rows (e.g. which kind a new trigger is)
    input_type: str = ""  # an <input type> other than text
    pattern: re.Pattern[str] | None = None
    pattern_message: str = ""
    hint: str = ""

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    @property
    def marks_row_as_used(self) -> bool:
        """Typing here (or picking from a select that starts empty) means the row is wanted;
        a select that starts at a default, like "medium", says nothing on its own."""
        return not self.is_choice or self.default == ""

    def make_field(self) -> Field:
        if self.is_choice:
            choices = [SelectChoice(value, text) for value, text in self.choices]
            return SelectField(self.label, choices=choices, validate_choice=False,
                               validators=[AnyOf([v for v, _ in self.choices],
                                                 message=CHOOSE_MESSAGE)])
        extra = (Matches(self.pattern, self.pattern_message),) if self.pattern else ()
        return text_field(self.label, self.max_length, is_long=self.is_long,
                          input_type=self.input_type, extra=extra)


@dataclass(frozen=True)
class RowGroup:
    """A list in the plan, edited as rows. `rows` holds the current entries' column values."""

    name: str  # field-name prefix
    title: str  # heading above the rows
    noun: str  # a row's legend: "Contact 1"
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, str], ...]
    legends: tuple[str, ...] = ()  # fixed legends instead of "noun n" (safety plan steps)
    hints: tuple[str, ...] = ()  # per row, a fixed hint (a safety plan step's question)
    notes: tuple[str, ...] = ()  # per existing row: why we suggested it ("" for none)
    blank_rows: int = 3
    can_remove: bool = True
    hint: str = ""

    @property
    def size(self) -> int:
        """Existing rows plus blanks, never more than a plan list may hold."""
        return len(self.rows) + max(0, min(self.blank_rows, MAX_LINES - len(self.rows)))

    def columns_for(self, index: int) -> tuple[Column, ...]:
        is_new = index >= len(self.rows)
        return tuple(c for c in self.columns if is_new or not c.is_new_only)

    def field_name(self, index: int, column: str) -> str:
        return f"{self.name}-{index}-{column}"

    def legend(self, index: int) -> str:
        return self.legends[index] if index < len(self.legends) else f"{self.noun} {index + 1}"

    def initial_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for index in range(self.size):
            values = self.rows[index] if index < len(self.rows) else {}
            for column in self.columns_for(index):
                data[self.field_name(index, column.name)] = values.get(column.name,
                                                                       column.default)
        return data


@dataclass(frozen=True)
class KeptRow:
    """A row the person kept or added: its cleaned values, and which entry it edits."""

    values: dict[str, str]
    original: int | None  # index into the group's rows; None for a new entry


@dataclass(frozen=True)
class RenderRow:
    legend: str
    fields: list[Field]
    remove: Field | None
    is_new: bool
    note: str = ""
    hint: str = ""


class PlanForm(FlaskForm):
    """Base class for the section forms; `build_form` adds the fields."""

    groups: list[RowGroup]
    plain_names: list[str]  # the fields that are not rows, in page order

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        return self._validate_rows() and is_valid

    def group(self, name: str) -> RowGroup:
        return next(g for g in self.groups if g.name == name)

    def is_removed(self, group: RowGroup, index: int) -> bool:
        remove = self._fields.get(group.field_name(index, "remove"))
        return bool(remove is not None and remove.data)

    def row_values(self, group: RowGroup, index: int) -> dict[str, str]:
        return {c.name: str(self[group.field_name(index, c.name)].data or "")
                for c in group.columns_for(index)}

    def is_used(self, group: RowGroup, index: int) -> bool:
        values = self.row_values(group, index)
        return any(values[c.name] for c in group.columns_for(index) if c.marks_row_as_used)

    def kept_rows(self, name: str) -> list[KeptRow]:
        group = self.group(name)
        return [
            KeptRow(self.row_values(group, i), i if i < len(group.rows) else None)
            for i in range(group.size)
            if not self.is_removed(group, i) and self.is_used(group, i)
        ]

    def render_rows(self, name: str) -> list[RenderRow]:
        group = self.group(name)
        return [
            RenderRow(group.legend(i),
                      [self[group.field_name(i, c.name)] for c in group.columns_for(i)],
                      self._fields.get(group.field_name(i, "remove")), i >= len(group.rows),
                      group.notes[i] if i < len(group.notes) else "",
                      group.hints[i] if i < len(group.hints) else "")
            for i in range(group.size)
        ]

    def _validate_rows(self) -> bool:
        """A kept row needs its required columns: a phone number without a name is a mistake,
        not a contact."""
        is_valid = True
        for group in self.groups:
            for index in range(group.size):
                if self.is_removed(group, index) or not self.is_used(group, index):
                    continue
                for column in group.columns_for(index):
                    field = self[group.field_name(index, column.name)]
                    if column.is_required and not field.data and not field.errors:
                        field.errors.append(_required_message(column, group, index))
                        is_valid = False
        return is_valid

    def problems(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for each error, in page order, for the error summary."""
        found = [("", "", message) for message in self.form_errors]
        labels = {name: self[name].label.text for name in self._fields}
        for group in self.groups:
            for index in range(group.size):
                for column in group.columns_for(index):
                    labels[group.field_name(index, column.name)] = (
                        f"{group.legend(index)}: {column.label}")
        for name, field in self._fields.items():
            if field.errors and name != "csrf_token":
                # Groups of radios or tick boxes are linked through their fieldset.
                is_group = isinstance(field, RadioField | SelectMultipleField)
                anchor = f"{field.id}-fieldset" if is_group else field.id
                found.append((anchor, labels[name], str(field.errors[0])))
        return found

    def shape_problem(self, formdata: MultiDict[str, Any]) -> str | None:
        """Why the post doesn't match the form we sent, or None if it does."""
        known = ALWAYS_ALLOWED | set(self._fields)
        if any(key not in known for key in formdata.keys()):
            return "This form had fields we don't know."
        for name, field in self._fields.items():
            is_optional = isinstance(field, BooleanField | RadioField | SelectMultipleField)
            if name not in formdata and not is_optional and name != "csrf_token":
                return "Part of this form is missing."
            if len(formdata.getlist(name)) > 1 and not isinstance(field, SelectMultipleField):
                return "A field in this form was sent twice."
        return None


def _required_message(column: Column, group: RowGroup, index: int) -> str:
    how_to_drop = "tick Remove" if index < len(group.rows) and group.can_remove else (
        "leave the whole row empty")
    verb = "choose" if column.is_choice else "fill in"
    return f"Please {verb} the {column.label.lower()}, or {how_to_drop}."


def build_form(fields: Mapping[str, Field], groups: list[RowGroup],
               data: Mapping[str, Any] | None, formdata: MultiDict[str, Any] | None,
               name: str = "SectionForm") -> PlanForm:
    """A form with `fields` plus every row of every group.

    `data` pre-fills the form only when showing it: on a post, a missing field must count as
    missing, not quietly fall back to the saved value.
    """
    attributes: dict[str, Field] = dict(fields)
    for group in groups:
        for index in range(group.size):
            for column in group.columns_for(index):
                attributes[group.field_name(index, column.name)] = column.make_field()
            if group.can_remove and index < len(group.rows):
                attributes[group.field_name(index, "remove")] = BooleanField("Remove")
    form_class = type(name, (PlanForm,), attributes)
    initial: dict[str, Any] = {}
    if formdata is None:
        for group in groups:
            initial.update(group.initial_data())
        initial.update(data or {})
    form: PlanForm = form_class(formdata=formdata, data=initial)
    form.groups = groups
    form.plain_names = list(fields)
    return form


# --- Plan files ------------------------------------------------------------------------------


class PlanFileForm(FlaskForm):
    """Upload a plan file downloaded earlier (here or on another install)."""

    plan_file = FileField("Your plan file")

    def shape_problem(self, form: MultiDict[str, Any], files: MultiDict[str, Any]) -> str | None:
        if any(key not in ALWAYS_ALLOWED for key in form.keys()):
            return "This form had fields we don't know."
        if any(key != "plan_file" for key in files.keys()) or len(files.getlist("plan_file")) > 1:
            return "Please send one plan file at a time."
        return None


def whole_number_field(label: str, low: int, high: int, description: str = "") -> Field:
    message = f"Please enter a whole number from {low} to {high}."
    return WholeNumberField(label, description=description, message=message,
                            validators=[InputRequired(message), NumberRange(low, high, message)],
                            render_kw={"inputmode": "numeric", "min": low, "max": high})
