"""Deleting a plan (plans/pages.py): asked first, then every version is gone."""

from flask import Flask
from flask.testing import FlaskClient

from tests.plans.helpers import (
    counts,
    flashed,
    make_plan,
    open_section,
    plan_row,
    save_section,
    words,
)

# --- Deleting --------------------------------------------------------------------------------


def test_delete_asks_first_then_removes_every_version(client: FlaskClient, app: Flask,
                                                      plan: str) -> None:
    other = make_plan(client)
    data = open_section(client, plan, "about")
    data["display_name"] = ["Sam"]
    save_section(client, plan, "about", data)

    confirm = client.get(f"/plans/{plan}/delete")
    assert "It can't be undone" in words(confirm)
    assert counts(app) == (2, 3)
    response = client.post(f"/plans/{plan}/delete")

    assert response.status_code == 302
    assert "deleted for good" in " ".join(flashed(client))
    assert counts(app) == (1, 1)
    assert plan_row(app, other) is not None
    assert client.post(f"/plans/{plan}/delete").status_code == 404
