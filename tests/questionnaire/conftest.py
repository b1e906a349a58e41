"""Fixtures for the questionnaire's page tests (helpers to import are in helpers.py)."""

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture
def content(app: Flask) -> Any:
    # Read without pushing an app context: an outer context would make every request share it.
    return app.extensions["recovery.content"]


@pytest.fixture
def csrf_client(app_csrf: Flask) -> FlaskClient:
    return app_csrf.test_client()
