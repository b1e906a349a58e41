"""Fixtures for the plan builder's page tests (helpers to import are in helpers.py)."""

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recovery import db
from tests.plans.helpers import RISKY, make_plan


@pytest.fixture
def plan(client: FlaskClient) -> str:
    return make_plan(client, RISKY)


@pytest.fixture
def another_install(empty_database_url: str, make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """A second copy of the app with its own, brand-new database and secret key."""
    other = make_app(DATABASE_URL=empty_database_url,
                     SECRET_KEY="another-install-with-its-own-key")
    db.upgrade_database(other)
    yield other


@pytest.fixture
def csrf_client(app_csrf: Flask) -> FlaskClient:
    return app_csrf.test_client()
