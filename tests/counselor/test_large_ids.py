"""Ids too big for an INTEGER column are pages that don't exist (404), not database errors.

PostgreSQL refuses a comparison of an INTEGER column with 2**31 ("integer out of range") and
SQLite can't bind 2**63 at all, so every `<int:...>` in the URL map is tried with both.
"""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from tests.counselor.conftest import Account, signed_in_client

TOO_BIG = [2**31, 2**63]


def int_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(c, IntegerConverter) for c in rule._converters.values())]


def url_with(rule: Rule, values: dict[str, int]) -> str:
    url = re.sub(r"<int:(\w+)>", lambda m: str(values[m[1]]), rule.rule)
    url = url.replace("<token>", "A" * 43).replace("<token:token>", "A" * 43)
    url = url.replace("<section_id>", "about")
    url = url.replace("<layout>", "full").replace("<step:step_id>", "substance")
    assert "<" not in url, f"add an example value for {rule.rule}"
    return url


@pytest.fixture
def admin_client(app: Flask, admin: Account) -> tuple[FlaskClient, int]:
    """An admin signed in, with a client of their own (so other ids sit under a real one)."""
    client = signed_in_client(app, admin)
    response = client.post("/counselor/clients/new", data={"consent": "y", "name": ""})
    assert response.status_code == 303
    return client, int(response.headers["Location"].rsplit("/", 1)[1])


def test_every_int_url_parameter_refuses_ids_too_big_for_the_database(
        app: Flask, admin_client: tuple[FlaskClient, int]) -> None:
    client, client_id = admin_client
    rules = int_rules(app)
    names = {name for rule in rules for name in rule.arguments
             if isinstance(rule._converters[name], IntegerConverter)}
    assert {"user_id", "client_id", "screening_id", "plan_id"} <= names
    tried = 0
    for rule in rules:
        int_names = [n for n in rule.arguments if n in names]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for too_big in TOO_BIG:
                for name in int_names:
                    # One id too big at a time, the others real (a client) or plausible (1).
                    values = {n: client_id if n == "client_id" else 1 for n in int_names}
                    values[name] = too_big
                    url = url_with(rule, values)
                    response = client.open(url, method=method)
                    assert response.status_code == 404, (method, url, response.status_code)
                    assert "We couldn&#39;t find that page" in response.get_data(as_text=True)
                    tried += 1
    assert tried >= 40
    assert client.get(f"/counselor/clients/{client_id}").status_code == 200


def test_the_largest_id_still_reaches_the_view(admin_client: tuple[FlaskClient, int]) -> None:
    client, client_id = admin_client
    # The view's own "no such client" (the access check), not the router's: same 404 page.
    assert client.get(f"/counselor/clients/{2**31 - 1}").status_code == 404
    assert client.get(f"/counselor/clients/{client_id}/screenings/{2**31 - 1}").status_code == 404
    assert client.post(f"/counselor/admin/users/{2**31 - 1}/disable").status_code == 404
