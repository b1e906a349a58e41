"""A counselor form shown again with errors says so in the page title, as the other forms do,
so a screen reader announces the problem before anything else."""

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.counselor.conftest import Account, login


def title_of(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert found is not None
    return found.group(1)


def test_a_refused_sign_in_is_titled_as_an_error(client: FlaskClient) -> None:
    assert title_of(client.get("/counselor/login").get_data(as_text=True)).startswith("Sign in")
    response = client.post("/counselor/login", data={"email": "", "password": ""})

    assert title_of(response.get_data(as_text=True)).startswith("Error: Sign in")


def test_a_refused_new_client_is_titled_as_an_error(app: Flask, casey: FlaskClient) -> None:
    response = casey.post("/counselor/clients/new", data={"name": "Jo"})  # no consent

    assert response.status_code == 422
    assert title_of(response.get_data(as_text=True)).startswith("Error: Add a client")


def test_a_refused_invitation_is_titled_as_an_error(app: Flask, client: FlaskClient,
                                                    admin: Account) -> None:
    login(client, admin)
    response = client.post("/counselor/admin/invitations", data={"email": "not an address"})

    assert response.status_code == 422
    assert title_of(response.get_data(as_text=True)).startswith("Error: Users")
