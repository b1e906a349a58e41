"""A body sent with `Transfer-Encoding: chunked` (no Content-Length) is held to the same size
limits as any other: over the limit it is refused whole (413), never parsed cut short.

gunicorn passes chunked bodies on and sets `wsgi.input_terminated`; the test client is given
the same environment, and one test goes through a real gunicorn.
"""

import http.client
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.counselor.conftest import create_account
from tests.test_serving import gunicorn

FORM_LIMIT = 64 * 1024
PLAN_FORM_LIMIT = 256 * 1024  # a plan section's form (recovery.plans.requests.FORM_BODY_LIMIT)


def post_chunked(client: FlaskClient, path: str, body: bytes) -> TestResponse:
    """POST `body` as gunicorn hands a chunked request to the app: no Content-Length."""
    return client.post(path, input_stream=io.BytesIO(body),
                       content_type="application/x-www-form-urlencoded",
                       headers={"Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})


@pytest.mark.parametrize("path", ["/screening/substance", "/screening/save",
                                  "/counselor/login", "/plans/new"])
def test_a_chunked_body_over_the_limit_is_413(app_csrf: Flask, path: str) -> None:
    limit = PLAN_FORM_LIMIT if path.startswith("/plans") else FORM_LIMIT
    body = urlencode({"field": "x" * limit}).encode()

    response = post_chunked(app_csrf.test_client(), path, body)

    assert response.status_code == 413
    if not path.startswith("/plans"):  # the plan pages say it in their own words
        assert "more data than we accept" in response.get_data(as_text=True)


def test_a_chunked_form_within_the_limit_is_read_to_its_end(app: Flask) -> None:
    account = create_account(app, email="casey@example.org")
    # The password comes after the padding: it is only found if the whole body is read.
    body = urlencode([("padding", "x" * (FORM_LIMIT - 200)), ("email", account.email),
                      ("password", account.password)]).encode()
    assert len(body) < FORM_LIMIT

    response = post_chunked(app.test_client(), "/counselor/login", body)

    assert response.status_code == 302
    assert response.headers["Location"] == "/counselor/"


def test_a_chunked_sign_in_just_over_the_limit_is_not_cut_to_fit(app: Flask) -> None:
    body = urlencode({"email": "nobody@example.org", "password": "p" * FORM_LIMIT}).encode()
    assert post_chunked(app.test_client(), "/counselor/login", body).status_code == 413


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[str]:
    with gunicorn(database_url, tmp_path / "gunicorn.log") as base:
        yield base


def test_gunicorn_refuses_a_chunked_body_over_the_limit(served: str) -> None:
    address = urlsplit(served)
    body = urlencode({"field": "x" * FORM_LIMIT}).encode()
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        # An iterable body makes http.client send it chunked, with no Content-Length.
        connection.request("POST", "/screening/substance",
                           body=iter([body[i:i + 8192] for i in range(0, len(body), 8192)]),
                           headers={"Content-Type": "application/x-www-form-urlencoded"},
                           encode_chunked=True)
        response = connection.getresponse()
        assert response.status == 413
        assert "more data than we accept" in response.read().decode()
    finally:
        connection.close()
