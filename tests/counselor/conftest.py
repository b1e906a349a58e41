"""Helpers for the counselor workspace: accounts made through the store, signing in through the
real login form, a clock the tests can move, and CSRF tokens read from pages."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select
from werkzeug.test import TestResponse

from recovery.counselor import users
from recovery.db import get_session
from recovery.models import AuditEvent, UserSession

PASSWORD = "a long enough passphrase"
START = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    password: str
    role: str


class Clock:
    """A clock the app reads through COUNSELOR_NOW; `advance` moves it on."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app: Flask) -> Clock:
    c = Clock()
    app.config["COUNSELOR_NOW"] = c
    return c


def create_account(app: Flask, *, email: str, role: str = "counselor",
                   password: str = PASSWORD, name: str = "Casey Counselor") -> Account:
    with app.app_context():
        db = get_session()
        user = users.create_user(db, email=email, display_name=name, role=role,
                                 password=password, now=datetime.now(UTC))
        db.commit()
        assert user.id is not None
        return Account(id=user.id, email=user.email, password=password, role=role)


@pytest.fixture
def make_account(app: Flask) -> Callable[..., Account]:
    def factory(email: str = "casey@example.org", **kwargs: str) -> Account:
        return create_account(app, email=email, **kwargs)

    return factory


@pytest.fixture
def counselor(make_account: Callable[..., Account]) -> Account:
    return make_account("casey@example.org", role="counselor")


@pytest.fixture
def admin(make_account: Callable[..., Account]) -> Account:
    return make_account("ada@example.org", role="admin", name="Ada Admin")


def login(client: FlaskClient, account: Account | None = None, *, email: str | None = None,
          password: str | None = None, next_path: str | None = None) -> TestResponse:
    data = {"email": email if email is not None else account.email if account else "",
            "password": password if password is not None else account.password if account
            else ""}
    url = "/counselor/login" + (f"?next={next_path}" if next_path is not None else "")
    return client.post(url, data=data)


def signed_in_client(app: Flask, account: Account) -> FlaskClient:
    client = app.test_client()
    response = login(client, account)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def csrf_token_from(response: TestResponse) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert found is not None, "no CSRF token on the page"
    return found.group(1)


def text(response: TestResponse) -> str:
    """The page's text with whitespace collapsed and HTML entities for quotes undone."""
    body = response.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')
    return re.sub(r"\s+", " ", body)


def audit_actions(db: Session) -> list[tuple[str, int | None, str, str]]:
    """(action, user_id, object_id, detail) of every audit event, oldest first."""
    db.expire_all()
    rows = db.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
    return [(e.action, e.user_id, e.object_id, e.detail) for e in rows]


def sessions_of(db: Session, user_id: int) -> list[UserSession]:
    db.expire_all()
    return list(db.exec(select(UserSession).where(col(UserSession.user_id) == user_id)
                        .order_by(col(UserSession.id))).all())


SignIn = Callable[[Account], FlaskClient]


@pytest.fixture
def sign_in(app: Flask, clock: Clock) -> SignIn:
    """A fresh browser signed in as the account (the clock is set first)."""
    return lambda account: signed_in_client(app, account)


@pytest.fixture
def casey(sign_in: SignIn, counselor: Account) -> FlaskClient:
    return sign_in(counselor)


@pytest.fixture
def other(make_account: Callable[..., Account]) -> Account:
    return make_account("olu@example.org", name="Olu Other")
