"""Editing a plan's sections (plans/pages.py, sections.py, forms.py); bad input never saves."""

import re
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recovery.planning.draft import Action, Trigger
from tests.plans.helpers import (
    SECTIONS,
    edit_url,
    flashed,
    latest,
    latest_draft_for,
    markup,
    nearly_full_plan,
    open_section,
    post_forms,
    revision_numbers,
    save_section,
    store_plan,
    words,
)

# --- Editing ---------------------------------------------------------------------------------


def test_a_suggestion_keeps_its_reason_until_it_is_reworded(client: FlaskClient, app: Flask,
                                                           plan: str) -> None:
    form_page = words(client.get(edit_url(plan, "triggers")))
    assert "Suggested because: You said you often use alone or in secret." in form_page
    data = open_section(client, plan, "triggers")
    data["triggers-0-rank"] = ["low"]
    save_section(client, plan, "triggers", data)
    assert latest(app, plan).triggers[0].because == "You said you often use alone or in secret."

    data = open_section(client, plan, "triggers")
    data["triggers-0-text"] = ["Being alone at home on a Friday"]
    save_section(client, plan, "triggers", data)
    assert latest(app, plan).triggers[0].because == ""

    data = open_section(client, plan, "warning_signs")
    data["warning_signs-1-text"] = ["Letting meals slide"]
    save_section(client, plan, "warning_signs", data)
    signs = latest(app, plan).warning_signs
    assert signs[0].because == "Secrecy was part of using before."
    assert signs[1].because == ""


def test_saving_without_changes_adds_no_version(client: FlaskClient, app: Flask,
                                                plan: str) -> None:
    for section in SECTIONS:
        client.get("/")  # clear flashed messages
        save_section(client, plan, section, open_section(client, plan, section))
        assert flashed(client) == ["Nothing had changed, so no new version was saved."], section

    assert revision_numbers(app, plan) == [1]


def test_emptying_a_box_removes_the_entry(client: FlaskClient, app: Flask, plan: str) -> None:
    data = open_section(client, plan, "routine")
    data["routine-0-text"] = ["   "]
    save_section(client, plan, "routine", data)

    assert len(latest(app, plan).routine) == 5


def test_the_trigger_list_offers_only_triggers_not_in_the_plan(client: FlaskClient,
                                                               plan: str) -> None:
    page = client.get(edit_url(plan, "triggers"))
    offered = post_forms(page)[0].options("add")

    assert "payday" in offered and "alone_with_access" not in offered and "cravings" not in offered
    text = words(page)
    for kind in ("People", "Places, things and times", "Feelings", "Body states", "Thoughts"):
        assert kind in text


def test_a_trigger_with_more_than_three_steps_keeps_them_all(client: FlaskClient,
                                                             app: Flask) -> None:
    steps = tuple(Action("cope", f"Step {n}") for n in range(1, 6))
    draft = replace(latest_draft_for(client, app), triggers=(Trigger("own", "Mondays", "high",
                                                                     steps),))
    token = store_plan(app, draft)

    data = open_section(client, token, "triggers")
    assert data["triggers-0-action5_text"] == ["Step 5"]
    data["triggers-0-rank"] = ["medium"]
    save_section(client, token, "triggers", data)

    assert latest(app, token).triggers[0].actions == steps

def test_validation_errors_sit_beside_the_field_and_in_a_summary(
        client: FlaskClient, app: Flask, plan: str) -> None:
    data = open_section(client, plan, "contacts")
    data.update({"contacts-0-phone": ["call me maybe"], "contacts-1-role": ["neighbour"]})

    response = client.post(edit_url(plan, "contacts"), data=data)

    assert response.status_code == 422
    page = markup(response)
    assert 'id="error-summary"' in page
    assert 'href="#contacts-0-phone"' in page and 'href="#contacts-1-name"' in page
    assert "Contact 1: Phone: A phone number may hold digits" in words(response)
    assert "Please fill in the name, or leave the whole row empty." in words(response)
    assert re.search(r'id="contacts-0-phone"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*'
                     r'id="contacts-0-phone"', page)
    # What the person typed is still there to fix.
    assert 'value="call me maybe"' in page and 'value="neighbour"' in page
    assert revision_numbers(app, plan) == [1]


# --- Bad input never saves -------------------------------------------------------------------

LONG = "x" * 501

BAD_EDITS: list[tuple[str, dict[str, Any], int]] = [
    # Too long, with the limits of the plan file format.
    ("about", {"display_name": "x" * 41}, 422),
    ("reasons", {"reasons-0-text": LONG}, 422),
    ("triggers", {"triggers-0-text": LONG}, 422),
    ("triggers", {"triggers-0-action1_text": LONG}, 422),
    ("warning_signs", {"warning_signs-0-text": LONG}, 422),
    ("urge_plan", {"text_person": "x" * 81}, 422),
    ("urge_plan", {"grounding": LONG}, 422),
    ("routine", {"routine-0-text": LONG}, 422),
    ("contacts", {"contacts-0-name": "x" * 81}, 422),
    ("contacts", {"contacts-0-name": "Jo", "contacts-0-phone": "1" * 41}, 422),
    ("meetings", {"meetings-0-kind": "na", "meetings-0-place": "x" * 201}, 422),
    ("next_steps", {"next_steps-0-text": LONG}, 422),
    ("lapse_plan", {"reminder": LONG}, 422),
    ("medical", {"medical-0-action": LONG}, 422),
    ("harm_reduction", {"harm_reduction-0-text": LONG}, 422),
    # Control characters.
    ("reasons", {"reasons-0-text": "ok\x00"}, 422),
    ("triggers", {"triggers-0-text": "bell\x07"}, 422),
    ("contacts", {"contacts-0-name": "Jo\x1b[31m"}, 422),
    ("lapse_plan", {"first_day-0-text": "next\x85line"}, 422),
    ("about", {"display_name": "Sam\x7f"}, 422),
    # Line breaks where only one line fits.
    ("about", {"display_name": "Sam\nSmith"}, 422),
    ("contacts", {"contacts-0-name": "Jo", "contacts-0-phone": "555\u20280100"}, 422),
    ("meetings", {"meetings-0-kind": "na", "meetings-0-place": "Hall B\u2029Room 2"}, 422),
    # Wrong types and values that were never offered.
    ("about", {"goal": "maybe"}, 422),
    ("about", {"review_date": "2026-02-30"}, 422),
    ("about", {"review_date": "tomorrow"}, 422),
    ("about", {"review_date": "20261231"}, 422),
    ("about", {"review_date": "1999-12-31"}, 422),
    ("about", {"crisis_locale": "XX"}, 422),
    ("about", {"crisis_locale": ""}, 422),
    ("urge_plan", {"delay_minutes": "abc"}, 422),
    ("urge_plan", {"delay_minutes": "0"}, 422),
    ("urge_plan", {"delay_minutes": "241"}, 422),
    ("urge_plan", {"delay_minutes": "1e3"}, 422),
    ("urge_plan", {"delay_minutes": ""}, 422),
    ("urge_plan", {"delay_minutes": "9" * 5000}, 422),
    ("triggers", {"triggers-0-rank": "extreme"}, 422),
    ("triggers", {"triggers-0-action1_kind": "fight"}, 422),
    ("triggers", {"triggers-3-text": "Mondays", "triggers-3-kind": "villains"}, 422),
    ("triggers", {"add": ["payday", "not_a_trigger"]}, 422),
    ("triggers", {"add": "alone_with_access"}, 422),  # already in the plan
    ("meetings", {"meetings-0-kind": "aa"}, 422),
    ("meetings", {"meetings-0-name": "Tuesday group"}, 422),  # no kind chosen
    ("contacts", {"contacts-0-role": "sister"}, 422),  # no name
    ("contacts", {"contacts-0-name": "Jo", "contacts-0-phone": "call me"}, 422),
    ("medical", {"medical-3-action": "See a GP"}, 422),  # no sign
    # Fields the form never had, fields missing, and fields sent twice.
    ("reasons", {"is_admin": "1"}, 400),
    ("triggers", {"triggers-0-kind": "people"}, 400),  # an existing trigger's kind is fixed
    ("triggers", {"triggers-0-because": "tampered"}, 400),
    ("reasons", {"reasons-99-text": "extra row"}, 400),
    ("safety_steps", {}, 404),
    ("about", {"goal": ["stop", "cut_down"]}, 400),
    ("reasons", {"reasons-0-text": ["one", "two"]}, 400),
]


@pytest.mark.parametrize(("section", "changes", "status"), BAD_EDITS,
                         ids=[f"{s}-{'-'.join(c) or 'none'}-{n}" for s, c, n in BAD_EDITS])
def test_bad_input_is_refused_and_saves_nothing(client: FlaskClient, app: Flask, plan: str,
                                                section: str, changes: dict[str, Any],
                                                status: int) -> None:
    data = open_section(client, plan, section) if status != 404 else {"base_revision": ["1"]}
    data.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})

    response = client.post(edit_url(plan, section), data=data)

    assert response.status_code == status, words(response)[:500]
    assert "Nothing was changed" in words(response) or status == 422 or status == 404
    assert revision_numbers(app, plan) == [1]


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("drop", ["a-field", "base_revision"])
def test_a_form_with_a_field_missing_is_refused(client: FlaskClient, app: Flask, plan: str,
                                                section: str, drop: str) -> None:
    data = open_section(client, plan, section)
    name = drop if drop == "base_revision" else next(
        k for k in data if k not in ("base_revision", "csrf_token", "add")
        and not k.endswith("-remove") and k != "goal")
    del data[name]

    response = client.post(edit_url(plan, section), data=data)

    assert response.status_code == 400, name
    assert "Nothing was changed." in words(response)
    assert revision_numbers(app, plan) == [1]


@pytest.mark.parametrize("base", ["", "abc", "-1", "1.0", " 1", "1" * 10, "٣"])
def test_a_tampered_base_revision_is_refused(client: FlaskClient, app: Flask, plan: str,
                                             base: str) -> None:
    data = open_section(client, plan, "reasons")
    data["reasons-0-text"] = ["A new reason"]
    data["base_revision"] = [base]

    response = client.post(edit_url(plan, "reasons"), data=data)

    assert response.status_code == 400
    assert "reload the page" in words(response)
    assert revision_numbers(app, plan) == [1]


def test_the_goal_may_not_be_left_unchosen(client: FlaskClient, app: Flask, plan: str) -> None:
    data = open_section(client, plan, "about")
    del data["goal"]

    response = client.post(edit_url(plan, "about"), data=data)

    assert response.status_code == 422
    assert 'href="#goal-fieldset"' in markup(response)
    assert revision_numbers(app, plan) == [1]


def test_a_section_form_bigger_than_any_plan_is_413(client: FlaskClient, app: Flask,
                                                    plan: str) -> None:
    data = open_section(client, plan, "reasons")
    data["reasons-0-text"] = ["x" * (300 * 1024)]

    response = client.post(edit_url(plan, "reasons"), data=data)

    assert response.status_code == 413
    assert "Nothing was changed." in words(response)
    assert revision_numbers(app, plan) == [1]


def test_a_plan_too_long_for_its_file_is_refused(client: FlaskClient, app: Flask) -> None:
    token = store_plan(app, nearly_full_plan(latest_draft_for(client, app)))
    data = open_section(client, token, "reasons")
    for n in range(3):
        data[f"reasons-{n}-text"] = ["z" * 500]

    response = client.post(edit_url(token, "reasons"), data=data)

    assert response.status_code == 422
    assert "longer than 256 KB, the most a plan file can hold" in words(response)
    assert revision_numbers(app, token) == [1]
