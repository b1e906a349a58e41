"""The lockout tells nobody which addresses have accounts: real and unknown addresses get the
same answers at every step and for the same time, whatever the rate-limit storage (memory,
Redis, or Redis gone), in every worker process; parallel guesses get no more password checks
than the lockout allows; and an unknown address is stored only as a keyed hash."""

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from recovery import db
from recovery.counselor import auth, passwords
from recovery.models import UnknownAddressAttempts, User
from recovery.security import limiter
from tests.conftest import TEST_REDIS_URL
from tests.counselor.conftest import START, Clock, create_account, login, text

WRONG = "That email address and password don't match. Please check them and try again."
LOCKED = "signing in to this account is paused"
REAL, UNKNOWN = "casey@example.org", "nobody@example.org"
UNLIMITED = {"COUNSELOR_LOGIN_RATE_LIMIT": "1000 per minute"}


@pytest.fixture(autouse=True)
def empty_tables(app: Flask) -> None:
    """The `app` fixture empties every table; the apps here are made with other settings."""




@pytest.fixture
def revive_limiter() -> Iterator[None]:
    """Flask-Limiter is one object for every app: don't leave it believing its storage is dead
    (it would count in memory for later tests that expect Redis)."""
    yield
    limiter._storage_dead = False


def storage_settings(kind: str, prefix: str) -> dict[str, str]:
    # Nothing listens on port 1: every call to that "Redis" is refused.
    uri = {"memory": "memory://", "redis": TEST_REDIS_URL, "redis-gone": "redis://127.0.0.1:1"}[kind]
    return {"RATELIMIT_STORAGE_URI": uri, "RATELIMIT_KEY_PREFIX": prefix}


def answer(app: Flask, email: str, password: str = "wrong guess!") -> tuple[int, str]:
    response = login(app.test_client(), email=email, password=password)
    return response.status_code, text(response).replace(email, "EMAIL")


def counted_rows(app: Flask) -> list[UnknownAddressAttempts]:
    with Session(db.get_engine(app)) as session:
        return list(session.exec(select(UnknownAddressAttempts)
                                 .order_by(col(UnknownAddressAttempts.window_ends_at))).all())


# --- Same answers, same expiry ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["memory", "redis", "redis-gone"])
def test_real_and_unknown_addresses_answer_alike_until_the_window_ends(
        make_app: Callable[..., Flask], redis_prefix: str, revive_limiter: None,
        kind: str) -> None:
    clock = Clock()
    app = make_app(COUNSELOR_NOW=clock, **UNLIMITED, **storage_settings(kind, redis_prefix))
    account = create_account(app, email=REAL)
    steps = [(answer(app, REAL), answer(app, UNKNOWN)) for _ in range(7)]

    for number, (real, unknown) in enumerate(steps, start=1):
        assert real == unknown, f"attempt {number}"
        assert real[0] == 422
        assert (WRONG in real[1]) == (number < 5) and (LOCKED in real[1]) == (number >= 5)
    # Paused: even the right password is refused, with the same words, to the window's end.
    assert answer(app, REAL, account.password) == answer(app, UNKNOWN, account.password)
    clock.advance(minutes=14, seconds=59)
    real, unknown = answer(app, REAL, account.password), answer(app, UNKNOWN, account.password)
    assert real == unknown and LOCKED in real[1]

    clock.advance(seconds=1)  # both windows end at the same moment, on the app's clock
    after = [(answer(app, REAL), answer(app, UNKNOWN)) for _ in range(2)]
    for real, unknown in after:
        assert real == unknown and WRONG in real[1]
    assert login(app.test_client(), account).status_code == 302


def test_two_workers_share_an_unknown_addresss_count(make_app: Callable[..., Flask]) -> None:
    # Two apps on one database stand for two gunicorn workers, each with its own memory://.
    clock = Clock()
    workers = [make_app(COUNSELOR_NOW=clock, **UNLIMITED) for _ in range(2)]
    create_account(workers[0], email=REAL)

    real = [answer(workers[n % 2], REAL) for n in range(6)]
    unknown = [answer(workers[n % 2], UNKNOWN) for n in range(6)]

    assert unknown == real
    assert [LOCKED in body for _, body in unknown] == [False] * 4 + [True] * 2
    clock.advance(minutes=15)
    assert answer(workers[1], UNKNOWN) == answer(workers[0], REAL) == real[0]


# --- Parallel guesses ---------------------------------------------------------------------------


def test_parallel_guesses_get_no_more_checks_than_the_lockout_allows(
        make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(**UNLIMITED)
    create_account(app, email=REAL)
    checks: list[str] = []
    numbers: dict[str, list[int]] = {"real": [], "unknown": []}
    real_verify = passwords.verify_password

    def counted_verify(password_hash: str, password: str) -> tuple[bool, str | None]:
        checks.append(password)
        time.sleep(0.05)  # as slow as a real argon2 check, so the guesses overlap
        return real_verify(password_hash, password)

    def recording(kind: str, reserve: Callable[..., int]) -> Callable[..., int]:
        def wrapped(*args: Any, **kwargs: Any) -> int:
            number = reserve(*args, **kwargs)
            numbers[kind].append(number)
            return number
        return wrapped

    monkeypatch.setattr(auth.passwords, "verify_password", counted_verify)
    monkeypatch.setattr(auth.users, "reserve_login_attempt",
                        recording("real", auth.users.reserve_login_attempt))
    monkeypatch.setattr(auth.attempts, "reserve", recording("unknown", auth.attempts.reserve))

    def guess_all_at_once(email: str) -> list[tuple[int, str]]:
        barrier = threading.Barrier(16)
        results: list[tuple[int, str]] = []

        def guess(n: int) -> None:
            client = app.test_client()
            barrier.wait()
            response = login(client, email=email, password=f"guess number {n}")
            results.append((response.status_code, text(response).replace(email, "EMAIL")))

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return results

    real = guess_all_at_once(REAL)
    assert len(checks) == 5
    unknown = guess_all_at_once(UNKNOWN)
    assert len(checks) == 5  # no account, no real check
    # Every guess took a number of its own: only numbers 1 to 5 are ever counted as checks.
    assert sorted(numbers["real"]) == sorted(numbers["unknown"]) == list(range(1, 17))
    for results in (real, unknown):
        assert [status for status, _ in results] == [422] * 16
        assert sum(WRONG in body for _, body in results) == 4
        assert sum(LOCKED in body for _, body in results) == 12
    assert sorted(real) == sorted(unknown)
    assert [row.attempts for row in counted_rows(app)] == [16]


# --- What is stored -----------------------------------------------------------------------------


def test_unknown_addresses_are_stored_only_as_a_keyed_hash(
        make_app: Callable[..., Flask]) -> None:
    def rows_after_two_failures(secret: str) -> list[dict[str, Any]]:
        app = make_app(SECRET_KEY=secret, **UNLIMITED)
        answer(app, UNKNOWN)
        answer(app, "  NoBody@Example.ORG ")  # the same address, as typed differently
        with Session(db.get_engine(app)) as session:
            rows = session.exec(select(UnknownAddressAttempts)).all()
            found = [row.model_dump() for row in rows]
            for row in rows:
                session.delete(row)
            session.commit()
        return found

    first = rows_after_two_failures("one secret key for this test")
    second = rows_after_two_failures("another secret key for this test")

    assert len(first) == 1 and len(second) == 1
    assert first[0]["attempts"] == second[0]["attempts"] == 2
    # The key depends on the secret key...
    assert first[0]["address_hmac"] != second[0]["address_hmac"]
    # ...and neither the address nor its plain hash is stored anywhere in the row.
    for row in first + second:
        assert len(row["address_hmac"]) == 64
        stored = repr(sorted(row.items())).lower()
        assert "nobody" not in stored and "example.org" not in stored
        assert hashlib.sha256(UNKNOWN.encode()).hexdigest() not in stored


def test_purge_expired_deletes_unknown_addresses_whose_window_has_ended(
        make_app: Callable[..., Flask]) -> None:
    clock = Clock()
    app = make_app(COUNSELOR_NOW=clock, **UNLIMITED)
    create_account(app, email=REAL)
    for email in ("early@example.org", REAL):
        answer(app, email)
    clock.advance(minutes=10)
    answer(app, "later@example.org")
    clock.advance(minutes=5)  # early's window has just ended; later's has 10 minutes to go

    runner = app.test_cli_runner()
    first, second = runner.invoke(args=["purge-expired"]), runner.invoke(args=["purge-expired"])

    assert first.exit_code == 0
    assert "Deleted 1 ended sign-in count for unknown addresses.\n" in first.output
    assert "Deleted 0 ended sign-in counts for unknown addresses.\n" in second.output
    assert [(row.attempts, row.window_ends_at.replace(tzinfo=None)) for row in counted_rows(app)
            ] == [(1, (START + timedelta(minutes=25)).replace(tzinfo=None))]
    # A real account's row is never deleted, only its count left as it was.
    with Session(db.get_engine(app)) as session:
        user = session.exec(select(User).where(col(User.email) == REAL)).one()
        assert user.failed_logins == 1


def test_the_window_ends_by_the_apps_clock_not_the_databases(
        make_app: Callable[..., Flask]) -> None:
    # Long ago by the database's clock, but the app's clock says the window is still open.
    clock = Clock(datetime(2001, 1, 1, tzinfo=START.tzinfo))
    app = make_app(COUNSELOR_NOW=clock, **UNLIMITED)
    answers = [answer(app, UNKNOWN) for _ in range(6)]
    assert [LOCKED in body for _, body in answers] == [False] * 4 + [True] * 2
    assert "Deleted 0 ended sign-in counts for unknown addresses.\n" in (
        app.test_cli_runner().invoke(args=["purge-expired"]).output)
