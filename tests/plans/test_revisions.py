"""A plan's versions (plans/pages.py, store.py): comparing and listing them, and bringing one
back."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.plans.helpers import (
    RISKY,
    FormReader,
    flashed,
    latest,
    markup,
    open_section,
    post_forms,
    revision_numbers,
    save_section,
    set_answers,
    words,
)

# --- Versions --------------------------------------------------------------------------------


def test_compare_lists_what_was_added_removed_and_changed(client: FlaskClient,
                                                          plan: str) -> None:
    data = open_section(client, plan, "contacts")
    data.update({"contacts-0-name": ["Jo"], "contacts-1-name": ["Ali"]})
    save_section(client, plan, "contacts", data)
    data = open_section(client, plan, "contacts")
    data.update({"contacts-0-phone": ["0123"], "contacts-1-remove": ["y"],
                 "contacts-2-name": ["Kim"]})
    save_section(client, plan, "contacts", data)

    text = words(client.get(f"/plans/{plan}/compare?from=2&to=3"))

    assert "Support contacts" in text
    assert "Added: Kim" in text
    assert "Removed: Ali" in text
    assert "Changed: Jo became Jo · 0123" in text
    assert "Nothing changed between these two versions." in words(
        client.get(f"/plans/{plan}/compare?from=2&to=2"))


@pytest.mark.parametrize(("query", "status"), [
    ("", 400), ("from=1", 400), ("from=1&to=x", 400), ("from=-1&to=1", 400),
    ("from=1&to=" + "9" * 12, 400), ("from=1&to=2", 404), ("from=0&to=1", 404),
    ("from=1&to=99", 404),
])
def test_compare_with_bad_numbers(client: FlaskClient, plan: str, query: str,
                                  status: int) -> None:
    response = client.get(f"/plans/{plan}/compare?{query}")

    assert response.status_code == status
    assert ("compare" if status == 400 else "no version") in words(response)


def test_the_versions_page_offers_each_step_and_any_pair(client: FlaskClient,
                                                         plan: str) -> None:
    data = open_section(client, plan, "about")
    data["display_name"] = ["Sam"]
    save_section(client, plan, "about", data)

    page = client.get(f"/plans/{plan}/revisions")

    assert "2 (now)" in words(page)
    assert f"/plans/{plan}/compare?from=1&amp;to=2" in markup(page)
    compare_forms = [f for f in FormReader(markup(page)).forms if f.method == "get"
                     and f.action == f"/plans/{plan}/compare"]
    assert compare_forms and compare_forms[0].values() == {"from": ["1"], "to": ["2"]}


# --- Labels, summaries and restoring ---------------------------------------------------------


def test_compare_shows_labels_never_codes(client: FlaskClient, plan: str) -> None:
    data = open_section(client, plan, "meetings")
    data.update({"meetings-0-kind": ["na"], "meetings-0-name": ["Tuesday group"]})
    save_section(client, plan, "meetings", data)
    data = open_section(client, plan, "triggers")
    data.update({"triggers-3-text": ["Friday nights at the pub"], "triggers-3-rank": ["medium"],
                 "triggers-3-action1_kind": ["leave"], "triggers-3-action1_text": ["Go home"]})
    save_section(client, plan, "triggers", data)

    text = words(client.get(f"/plans/{plan}/compare?from=1&to=3"))

    assert "Added: Narcotics Anonymous (NA) · Tuesday group" in text
    assert "Friday nights at the pub · My own · Medium risk · Leave: Go home" in text
    for code in ("na", "own", "medium", "leave"):  # as an entry's part, as they were shown
        assert f"{code} ·" not in text.replace("My own ·", "") and f"· {code}" not in text


def test_each_version_says_which_sections_it_changed(client: FlaskClient, plan: str) -> None:
    data = open_section(client, plan, "about")
    data["display_name"] = ["Sam"]
    save_section(client, plan, "about", data)
    data = open_section(client, plan, "contacts")
    data.update({"contacts-0-name": ["Jo"]})
    save_section(client, plan, "contacts", data)

    page = words(client.get(f"/plans/{plan}/revisions"))

    assert "3 (now)" in page and "Changed: Support contacts See the changes since version 2" in page
    assert "Changed: Name on the plan See the changes since version 1" in page
    assert "The first version" in page


def restore_forms(client: FlaskClient, plan: str) -> dict[str, dict[str, list[str]]]:
    page = client.get(f"/plans/{plan}/revisions")
    return {f.action: f.values() for f in post_forms(page) if f.action.endswith("/restore")}


def test_restoring_a_version_saves_it_as_the_newest(app: Flask, client: FlaskClient,
                                                    plan: str) -> None:
    first = latest(app, plan)
    data = open_section(client, plan, "about")
    data["display_name"] = ["Sam"]
    save_section(client, plan, "about", data)
    forms = restore_forms(client, plan)
    assert list(forms) == [f"/plans/{plan}/revisions/1/restore"]  # not the current one
    assert forms[f"/plans/{plan}/revisions/1/restore"]["base_revision"] == ["2"]

    response = client.post(f"/plans/{plan}/revisions/1/restore", data={"base_revision": "2"})

    assert response.status_code == 302 and response.headers["Location"] == f"/plans/{plan}"
    assert flashed(client) == ["Version 1 is back. It is saved as version 3."]
    assert revision_numbers(app, plan) == [1, 2, 3]
    assert latest(app, plan) == first
    assert "Changed: Name on the plan" in words(client.get(f"/plans/{plan}/revisions"))


def test_restoring_from_an_out_of_date_page_is_a_conflict(app: Flask, client: FlaskClient,
                                                          plan: str) -> None:
    data = open_section(client, plan, "about")
    data["display_name"] = ["Sam"]
    save_section(client, plan, "about", data)
    save_section(client, plan, "about", {**open_section(client, plan, "about"),
                                         "display_name": ["Kim"]})

    response = client.post(f"/plans/{plan}/revisions/1/restore", data={"base_revision": "2"})

    assert response.status_code == 409
    assert "Someone saved this plan first" in words(response)
    assert revision_numbers(app, plan) == [1, 2, 3]
    assert latest(app, plan).display_name == "Kim"


@pytest.mark.parametrize(("number", "data", "status"), [
    ("9", {"base_revision": "1"}, 404),
    ("1", {}, 400),
    ("1", {"base_revision": "x"}, 400),
])
def test_a_bad_restore_is_refused_and_changes_nothing(app: Flask, client: FlaskClient, plan: str,
                                                      number: str, data: dict[str, str],
                                                      status: int) -> None:
    response = client.post(f"/plans/{plan}/revisions/{number}/restore", data=data)

    assert response.status_code == status
    assert revision_numbers(app, plan) == [1]


def test_restoring_the_current_version_saves_nothing(app: Flask, client: FlaskClient,
                                                     plan: str) -> None:
    response = client.post(f"/plans/{plan}/revisions/1/restore", data={"base_revision": "1"})

    assert response.status_code == 302
    assert flashed(client)[-1] == "Nothing had changed, so no new version was saved."
    assert revision_numbers(app, plan) == [1]


def test_restoring_works_with_csrf_on(app_csrf: Flask, csrf_client: FlaskClient) -> None:
    # Without the token it is refused like every post (test_requests.py lists it too).
    set_answers(csrf_client, RISKY)
    made = [f for f in post_forms(csrf_client.get("/screening/result"))
            if f.action == "/plans/new"][0]
    token = csrf_client.post("/plans/new", data=made.values()).headers["Location"][7:]
    data = open_section(csrf_client, token, "about")
    data["display_name"] = ["Sam"]
    save_section(csrf_client, token, "about", data)

    form = restore_forms(csrf_client, token)[f"/plans/{token}/revisions/1/restore"]
    assert form["csrf_token"] and form["base_revision"] == ["2"]
    done = csrf_client.post(f"/plans/{token}/revisions/1/restore", data=form)

    assert done.status_code == 302 and revision_numbers(app_csrf, token) == [1, 2, 3]
