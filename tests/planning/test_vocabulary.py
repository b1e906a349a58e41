"""The plan's words come from one module: the plan page and its forms, the list of changes, the
PDFs and the file reader all call a section (and each fixed choice) the same thing."""

import json
import re
from pathlib import Path

import pytest

from recovery.planning import diff, draft, vocabulary
from recovery.planning.safety import phone_problem
from recovery.planning.vocabulary import dialable
from recovery.plans import sections
from recovery.plans.files import PlanFileError, read_plan_file
from tests.planning.conftest import DraftFor

TEMPLATES = Path(__file__).parents[2] / "templates"
RECOVERY = Path(__file__).parents[2] / "recovery"


def test_the_forms_and_the_diff_use_the_vocabulary_titles() -> None:
    for section in sections.SECTIONS.values():
        assert section.title == vocabulary.SECTION_TITLES[section.id]
    assert diff.SECTIONS == {key: title for key, title in vocabulary.SECTION_TITLES.items()
                             if key != "about"}


def test_the_fixed_choices_are_the_labelled_ones() -> None:
    assert draft.RANKS == tuple(vocabulary.RANK_LABELS) == ("high", "medium", "low")
    assert draft.ACTION_KINDS == tuple(vocabulary.ACTION_LABELS)
    assert draft.MEETING_KINDS == tuple(vocabulary.MEETING_LABELS)
    assert draft.GOALS == tuple(vocabulary.GOAL_LABELS)


def test_the_full_pdf_takes_every_section_heading_from_the_vocabulary() -> None:
    full = (TEMPLATES / "pdf" / "full.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2>(.*?)</h2>", full)
    written_out = [h for h in headings if "labels.sections." not in h]
    assert written_out == ["Crisis help: {{ crisis.name }}"]  # the country, not a section


def test_the_plan_page_takes_editable_section_titles_from_the_registry() -> None:
    show = (TEMPLATES / "plans" / "show.html").read_text(encoding="utf-8")
    for section_id in sections.SECTIONS:
        assert f'section_heading("{section_id}", sections.{section_id}.title' in show


def test_no_second_copy_of_a_label_in_the_code() -> None:
    labels = [*vocabulary.RANK_LABELS.values(), *vocabulary.ACTION_LABELS.values(),
              *vocabulary.MEETING_LABELS.values(), *vocabulary.GOAL_LABELS.values()]
    own = RECOVERY / "planning" / "vocabulary.py"
    for path in RECOVERY.rglob("*.py"):
        if path == own:
            continue
        text = path.read_text(encoding="utf-8")
        for label in labels:
            assert f'"{label}"' not in text, (path, label)


def test_the_file_reader_names_the_section_with_its_title(draft_for: DraftFor) -> None:
    data = draft_for().to_dict()
    data["medical"] = [{"text": "", "action": ""}]

    with pytest.raises(PlanFileError) as excinfo:
        read_plan_file(json.dumps(data).encode())

    assert f"{vocabulary.SECTION_TITLES['medical']} (medical[0].text)" in excinfo.value.message


@pytest.mark.parametrize(("written", "dialled"), [
    pytest.param("+44 (0)7700 900123", "+447700900123", id="trunk-zero-after-country-code"),
    pytest.param("+44(0)20 7946 0958", "+442079460958", id="trunk-zero-no-spaces"),
    pytest.param("(020) 7946 0958", "02079460958", id="national-with-area-code-in-brackets"),
    pytest.param("+1 (555) 010-0100", "+15550100100", id="us-area-code-in-brackets-kept"),
    pytest.param("555.0100", "5550100", id="dots"),
    pytest.param("", "", id="none"),
])
def test_a_phone_number_as_a_tel_link_dials_it(written: str, dialled: str) -> None:
    assert dialable(written) == dialled


@pytest.mark.parametrize(("written", "is_refused"), [
    ("+44 (0)7700 900123", False),
    ("0800 1111", False),
    ("", False),  # a name alone is fine
    ("(((", True),  # nothing to dial: a link that calls no one
    ("...", True),
    ("12+34", True),  # a + only in front
    ("call me", True),
])
def test_a_contact_s_number_must_be_one_a_phone_can_dial(written: str, is_refused: bool) -> None:
    assert (phone_problem(written) is not None) is is_refused
