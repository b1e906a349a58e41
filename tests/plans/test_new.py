"""Making a plan (plans/views.py): from the result page, from a saved result, the whole journey."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recovery import db
from recovery.planning.draft import Action, Trigger
from recovery.questionnaire import store as result_store
from tests.plans.helpers import (
    LOW_RISK,
    RISKY,
    UNKNOWN_TOKEN,
    answer_questionnaire,
    counts,
    latest,
    make_plan,
    markup,
    open_section,
    plan_row,
    post_forms,
    revision_numbers,
    save_section,
    set_answers,
    upload,
    words,
)
from tests.screening_results import low_risk_result

# --- Making a plan ---------------------------------------------------------------------------


def test_the_result_page_offers_a_plan_and_says_what_is_kept(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK)
    result = client.get("/screening/result")

    actions = [f.action for f in post_forms(result)]
    assert "/plans/new" in actions
    text = words(result)
    assert "Make my relapse-prevention plan" in text
    assert "long, random link" in text
    assert "Only people who have the link can see or change it" in text
    assert "delete the plan, with all its versions" in text
    assert 'href="/plans/import"' in markup(result)


def test_the_whole_journey(client: FlaskClient, app: Flask, another_install: Flask) -> None:
    # Screening, then the plan.
    result = answer_questionnaire(client, RISKY)
    assert "Make my relapse-prevention plan" in words(result)
    response = client.post("/plans/new")
    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/plans/{token}")
    assert page.status_code == 200
    assert "Your plan is ready" in words(page)
    assert "Being alone with ketamine within reach" in words(page)

    # Edit every section, one save each.
    edits = edit_every_section(client, token)
    assert revision_numbers(app, token) == list(range(1, len(edits) + 2))
    text = words(client.get(f"/plans/{token}"))
    for expected in edits.values():
        assert expected in text

    # Versions and what changed.
    revisions_page = client.get(f"/plans/{token}/revisions")
    assert revisions_page.status_code == 200
    assert f"{len(edits) + 1} (now)" in words(revisions_page)
    compare = client.get(f"/plans/{token}/compare?from=2&to=3")
    assert compare.status_code == 200
    assert "Added: I want to be there for my kids" in words(compare)
    everything = words(client.get(f"/plans/{token}/compare?from=1&to={len(edits) + 1}"))
    assert "Support contacts" in everything and "Jo · sister · +44 7700 900123" in everything

    # Take it away as a file, bring it back here and on another install: the same bytes.
    first = client.get(f"/plans/{token}/plan.json")
    again = upload(client, "/plans/import", first.data)
    assert again.status_code == 302
    second = client.get(f"{again.headers['Location']}/plan.json")
    assert second.data == first.data
    elsewhere = another_install.test_client()
    moved = upload(elsewhere, "/plans/import", first.data)
    assert moved.status_code == 302
    assert elsewhere.get(f"{moved.headers['Location']}/plan.json").data == first.data

    # Delete it for good.
    confirm = client.get(f"/plans/{token}/delete")
    assert "Delete this plan for good?" in words(confirm)
    gone = client.post(f"/plans/{token}/delete")
    assert gone.status_code == 302
    assert client.get(f"/plans/{token}").status_code == 404
    assert plan_row(app, token) is None
    assert counts(app) == (1, 1)  # only the re-uploaded copy is left


def edit_every_section(client: FlaskClient, token: str) -> dict[str, str]:
    """Make one change in each section through its form; returns text each change shows."""
    data = open_section(client, token, "about")
    data.update(display_name=["Sam"], goal=["cut_down"], review_date=["2027-01-15"],
                crisis_locale=["GB"])
    save_section(client, token, "about", data)

    data = open_section(client, token, "reasons")
    data["reasons-0-text"] = ["I want to be there for my kids"]
    save_section(client, token, "reasons", data)

    data = open_section(client, token, "triggers")
    data["add"] = ["payday"]
    data["triggers-3-text"] = ["Sunday evenings"]
    data["triggers-3-kind"] = ["places"]
    data["triggers-3-rank"] = ["low"]
    data["triggers-3-action1_kind"] = ["call"]
    data["triggers-3-action1_text"] = ["Phone my sister"]
    data["triggers-1-remove"] = ["y"]
    save_section(client, token, "triggers", data)

    data = open_section(client, token, "warning_signs")
    data["warning_signs-2-text"] = ["Skipping breakfast"]
    save_section(client, token, "warning_signs", data)

    data = open_section(client, token, "urge_plan")
    data.update(delay_minutes=["15"], text_person=["Jo"])
    data["distractions-5-text"] = ["Play the guitar"]
    save_section(client, token, "urge_plan", data)

    data = open_section(client, token, "routine")
    data["routine-0-text"] = ["Bed by eleven"]
    save_section(client, token, "routine", data)

    data = open_section(client, token, "contacts")
    data.update({"contacts-0-name": ["Jo"], "contacts-0-role": ["sister"],
                 "contacts-0-phone": ["+44 7700 900123"]})
    save_section(client, token, "contacts", data)

    data = open_section(client, token, "meetings")
    data.update({"meetings-0-kind": ["na"], "meetings-0-name": ["Tuesday group"],
                 "meetings-0-day": ["Tuesday"], "meetings-0-time": ["19:00"],
                 "meetings-0-place": ["Church hall"]})
    save_section(client, token, "meetings", data)

    data = open_section(client, token, "next_steps")
    data["next_steps-0-remove"] = ["y"]
    data["next_steps-3-text"] = ["Call the clinic on Monday"]
    save_section(client, token, "next_steps", data)

    data = open_section(client, token, "lapse_plan")
    data["reminder"] = ["One slip is a lesson, not a verdict."]
    data["first_day-5-text"] = ["Text Jo"]
    save_section(client, token, "lapse_plan", data)

    data = open_section(client, token, "medical")
    data.update({"medical-3-text": ["Headaches that won't go"],
                 "medical-3-action": ["See the GP this week"]})
    save_section(client, token, "medical", data)

    data = open_section(client, token, "harm_reduction")
    data["harm_reduction-0-text"] = ["Never mix, and never alone."]
    save_section(client, token, "harm_reduction", data)

    return {
        "about": "Sam", "reasons": "I want to be there for my kids",
        "triggers": "Sunday evenings", "warning_signs": "Skipping breakfast",
        "urge_plan": "Play the guitar", "routine": "Bed by eleven", "contacts": "Jo (sister)",
        "meetings": "Tuesday group (Narcotics Anonymous (NA)): Tuesday, 19:00, Church hall",
        "next_steps": "Call the clinic on Monday",
        "lapse_plan": "One slip is a lesson, not a verdict.",
        "medical": "Headaches that won't go: See the GP this week",
        "harm_reduction": "Never mix, and never alone.",
    }


def test_each_section_saves_exactly_what_was_typed(client: FlaskClient, app: Flask) -> None:
    token = make_plan(client, RISKY)
    before = latest(app, token)

    edit_every_section(client, token)

    after = latest(app, token)
    assert (after.display_name, after.goal, after.review_date, after.crisis_locale) == (
        "Sam", "cut_down", "2027-01-15", "GB")
    assert after.reasons[0].text == "I want to be there for my kids"
    assert after.reasons[0].because == ""
    texts = [t.text for t in after.triggers]
    assert "Pressure at work, school or home" not in texts  # removed
    assert texts[-2:] == ["Sunday evenings", "Payday or having spare cash"]
    own = after.triggers[-2]
    assert own == Trigger("places", "Sunday evenings", "low", (Action("call", "Phone my sister"),))
    assert after.triggers[-1].rank == "medium" and after.triggers[-1].actions
    assert after.urge_plan.delay_minutes == 15 and after.urge_plan.text_person == "Jo"
    assert after.urge_plan.distractions[-1] == "Play the guitar"
    assert after.contacts[0].phone == "+44 7700 900123"
    assert after.meetings[0].kind == "na"
    assert after.next_steps[0] == before.next_steps[1]
    assert after.lapse_plan.first_day[-1] == "Text Jo"
    assert after.medical[-1].action == "See the GP this week"
    assert after.harm_reduction == ("Never mix, and never alone.",) + before.harm_reduction[1:]
    page = words(client.get(f"/plans/{token}"))
    assert "Samaritans" in page  # the crisis lines follow the plan's country


def test_a_plan_from_a_saved_result_uses_its_answers(client: FlaskClient, app: Flask) -> None:
    set_answers(client, RISKY)
    saved = client.post("/screening/save")
    result_token = saved.headers["Location"].rsplit("/", 1)[1]
    set_answers(client, LOW_RISK)  # today's session says something else

    page = client.get(f"/r/{result_token}")
    assert f"/r/{result_token}/plan" in [f.action for f in post_forms(page)]
    response = client.post(f"/r/{result_token}/plan")

    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[1]
    assert "Strong cravings" in [t.text for t in latest(app, token).triggers]


def test_a_plan_needs_a_finished_screening(client: FlaskClient, app: Flask) -> None:
    set_answers(client, {"substance": "ketamine"})

    response = client.post("/plans/new")

    assert response.status_code == 409
    assert "answer all the questions first" in words(response)
    assert counts(app) == (0, 0)


def test_a_saved_result_from_older_questions_is_refused_kindly(
        client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        session = db.get_session()
        result_token = result_store.save_assessment(
            session, answers={"substance": "ketamine", "retired_question": "yes"},
            result=low_risk_result(app), content_version="2020.01-1")
        session.commit()

    response = client.post(f"/r/{result_token}/plan")

    assert response.status_code == 409
    assert "older set of questions" in words(response)
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("url", ["/r/" + UNKNOWN_TOKEN + "/plan", "/r/short/plan"])
def test_a_plan_from_an_unknown_saved_result_is_404(client: FlaskClient, url: str) -> None:
    assert client.post(url).status_code == 404
