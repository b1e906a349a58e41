"""A plan's versions (plans/pages.py, store.py): comparing and listing them."""

import pytest
from flask.testing import FlaskClient

from tests.plans.helpers import FormReader, markup, open_section, save_section, words

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
