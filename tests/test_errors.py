"""The one way to refuse a request: `abort(status, description=...)` on the one error page."""

from collections.abc import Callable
from html import unescape

import pytest
from flask import Flask, abort
from werkzeug.exceptions import BadRequestKeyError, RequestEntityTooLarge

from recovery.errors import MESSAGES


def raise_key_error() -> None:
    raise BadRequestKeyError("missing_field")


def raise_too_large() -> None:
    raise RequestEntityTooLarge()


# (what the view does, status, what the person reads, why)
CASES = [
    (lambda: abort(404), 404, MESSAGES[404], "a bare status gets our friendly default"),
    (lambda: abort(422, description="Please tick at least one plan to print."), 422,
     "Please tick at least one plan to print.", "a view's own words are shown"),
    (lambda: abort(403, description="Only the client's counselor can delete them."), 403,
     "Only the client's counselor can delete them.", "any status can carry a message"),
    (raise_key_error, 400, MESSAGES[400], "Werkzeug's developer text is never shown"),
    (raise_too_large, 413, MESSAGES[413], "nor is its default description for a size refusal"),
]


@pytest.mark.parametrize(("refuse", "status", "message", "why"), CASES,
                         ids=[case[3] for case in CASES])
def test_a_refusal_shows_its_message_on_the_error_page(
        app: Flask, refuse: Callable[[], None], status: int, message: str, why: str) -> None:
    app.add_url_rule("/refuse", "refuse", refuse)

    response = app.test_client().get("/refuse")

    page = unescape(response.get_data(as_text=True))
    assert response.status_code == status
    assert message in page
    assert "<title>" in page and f"({status})" in page
