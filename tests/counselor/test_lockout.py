"""The lockout tells nobody which addresses have accounts: real and unknown addresses get the
same answers at every step and for the same time, in memory and in Redis, even when Redis is
gone; parallel guesses get no more password checks than the lockout allows."""

import hashlib
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from flask import Flask

from recovery.counselor import auth, passwords
from recovery.security import limiter
from tests.counselor.conftest import create_account, login, text

REDIS_URL = os.environ.get("RECOVERY_TEST_REDIS_URL", "redis://127.0.0.1:6379")
WRONG = "That email address and password don't match. Please check them and try again."
LOCKED = "signing in to this account is paused"
REAL, UNKNOWN = "casey@example.org", "nobody@example.org"


@pytest.fixture(autouse=True)
def empty_tables(app: Flask) -> None:
    """The `app` fixture empties every table; the apps here are made with other settings."""


@pytest.fixture
def key_prefix() -> Iterator[str]:
    """A RATELIMIT_KEY_PREFIX of this test's own; its Redis keys are removed afterwards."""
    prefix = f"recovery-test-{uuid.uuid4().hex}"
    yield prefix
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
    finally:
        connection.close()


@pytest.fixture
def revive_limiter() -> Iterator[None]:
    """Flask-Limiter is one object for every app: don't leave it believing its storage is dead
    (it would count in memory for later tests that expect Redis)."""
    yield
    limiter._storage_dead = False


def storage_settings(kind: str, prefix: str) -> dict[str, str]:
    uri = {"memory": "memory://", "redis": REDIS_URL}[kind]
    return {"RATELIMIT_STORAGE_URI": uri, "RATELIMIT_KEY_PREFIX": prefix}


def answer(app: Flask, email: str, password: str = "wrong guess!") -> tuple[int, str]:
    response = login(app.test_client(), email=email, password=password)
    return response.status_code, text(response).replace(email, "EMAIL")


# --- Same answers, same expiry ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_real_and_unknown_addresses_answer_alike_until_the_window_ends(
        make_app: Callable[..., Flask], key_prefix: str, kind: str) -> None:
    # A real clock and a 3-second window: Redis expires its keys by its own clock.
    app = make_app(COUNSELOR_LOCKOUT_MINUTES=0.05, COUNSELOR_LOGIN_RATE_LIMIT="1000 per minute",
                   **storage_settings(kind, key_prefix))
    account = create_account(app, email=REAL)
    started = time.monotonic()
    steps = [(answer(app, REAL), answer(app, UNKNOWN)) for _ in range(7)]

    for number, (real, unknown) in enumerate(steps, start=1):
        assert real == unknown, f"attempt {number}"
        assert real[0] == 422
        assert (WRONG in real[1]) == (number < 5) and (LOCKED in real[1]) == (number >= 5)
    # Paused: even the right password is refused, with the same words.
    assert answer(app, REAL, account.password) == answer(app, UNKNOWN, account.password)
    assert time.monotonic() - started < 2.5, "too slow to test a 3-second window"

    time.sleep(max(0.0, started + 3.5 - time.monotonic()))
    after = [(answer(app, REAL), answer(app, UNKNOWN)) for _ in range(2)]
    for real, unknown in after:
        assert real == unknown and WRONG in real[1]
    assert login(app.test_client(), account).status_code == 302


# --- Parallel guesses ---------------------------------------------------------------------------


def test_parallel_guesses_get_no_more_checks_than_the_lockout_allows(
        make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(COUNSELOR_LOGIN_RATE_LIMIT="1000 per minute")
    create_account(app, email=REAL)
    checks: list[str] = []
    real_verify = passwords.verify_password

    def counted_verify(password_hash: str, password: str) -> tuple[bool, str | None]:
        checks.append(password)
        time.sleep(0.05)  # as slow as a real argon2 check, so the guesses overlap
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth.passwords, "verify_password", counted_verify)

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
    for results in (real, unknown):
        assert [status for status, _ in results] == [422] * 16
        assert sum(WRONG in body for _, body in results) == 4
        assert sum(LOCKED in body for _, body in results) == 12
    assert sorted(real) == sorted(unknown)


# --- The storage --------------------------------------------------------------------------------


def test_unknown_addresses_still_count_when_redis_is_gone(
        make_app: Callable[..., Flask], revive_limiter: None) -> None:
    # Nothing listens on port 1: every call to this "Redis" is refused.
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    answers = [answer(app, UNKNOWN) for _ in range(6)]
    assert [status for status, _ in answers] == [422] * 6
    assert [WRONG in body for _, body in answers] == [True] * 4 + [False] * 2
    assert all(LOCKED in body for _, body in answers[4:])


def test_unknown_addresses_are_counted_under_the_prefix_by_a_keyed_hash(
        make_app: Callable[..., Flask], key_prefix: str) -> None:
    def keys_after_one_failure(secret: str) -> list[str]:
        app = make_app(SECRET_KEY=secret, **storage_settings("redis", key_prefix))
        answer(app, UNKNOWN)
        connection = redis.Redis.from_url(REDIS_URL)
        try:
            found = sorted(k.decode() for k in connection.scan_iter(f"*{key_prefix}*")
                           if b"counselor-login" in k)
            for key in found:
                connection.delete(key)
        finally:
            connection.close()
        return found

    first = keys_after_one_failure("one secret key for this test")
    second = keys_after_one_failure("another secret key for this test")

    assert len(first) == 1 and len(second) == 1
    assert f"{key_prefix}/counselor-login-unknown/" in first[0]
    assert first != second  # the key depends on the secret key...
    for key in first + second:  # ...and neither the address nor its plain hash is in it
        assert UNKNOWN not in key
        assert hashlib.sha256(UNKNOWN.encode()).hexdigest() not in key
