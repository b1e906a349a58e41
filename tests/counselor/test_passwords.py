"""Passwords: argon2id at OWASP's cost or above, upgraded at sign-in, never stored as typed."""

from collections.abc import Callable

import pytest
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError
from flask import Flask
from sqlmodel import Session

from recovery.counselor import passwords
from recovery.models import User
from tests.counselor.conftest import PASSWORD, Account, login

# OWASP Password Storage Cheat Sheet: argon2id, at least 19 MiB, 2 iterations, 1 lane.
OWASP_MEMORY_KIB, OWASP_TIME_COST = 19 * 1024, 2


def test_production_defaults_are_argon2id_above_owasp(make_app: Callable[..., Flask]) -> None:
    app: Flask = make_app(COUNSELOR_ARGON2_PARAMETERS=None)
    with app.app_context():
        ph = passwords.hasher()
        assert ph.type is Type.ID
        assert ph.memory_cost >= OWASP_MEMORY_KIB and ph.time_cost >= OWASP_TIME_COST
        assert (ph.time_cost, ph.memory_cost, ph.parallelism) == (3, 65536, 4)
        hashed = passwords.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_config_cannot_pick_a_weaker_variant(app: Flask) -> None:
    app.config["COUNSELOR_ARGON2_PARAMETERS"] = {"time_cost": 1, "memory_cost": 8,
                                                 "parallelism": 1, "type": Type.I}
    with app.app_context():
        assert passwords.hash_password(PASSWORD).startswith("$argon2id$")


def test_stored_hash_is_argon2id_and_never_the_password(counselor: Account,
                                                        db_session: Session) -> None:
    user = db_session.get(User, counselor.id)
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert PasswordHasher().verify(user.password_hash, PASSWORD)


def test_a_hash_with_old_parameters_is_upgraded_at_sign_in(app: Flask, counselor: Account,
                                                           db_session: Session) -> None:
    user = db_session.get(User, counselor.id)
    assert user is not None
    old_hash = user.password_hash
    assert ",t=1," in old_hash
    app.config["COUNSELOR_ARGON2_PARAMETERS"] = {"time_cost": 2, "memory_cost": 16,
                                                 "parallelism": 1}

    assert login(app.test_client(), counselor).status_code == 302

    db_session.refresh(user)
    assert user.password_hash != old_hash
    assert user.password_hash.startswith("$argon2id$v=19$m=16,t=2,p=1$")
    assert login(app.test_client(), counselor).status_code == 302  # still the same password


def test_a_failed_sign_in_does_not_rehash(app: Flask, counselor: Account,
                                          db_session: Session) -> None:
    user = db_session.get(User, counselor.id)
    assert user is not None
    old_hash = user.password_hash
    app.config["COUNSELOR_ARGON2_PARAMETERS"] = {"time_cost": 2, "memory_cost": 16,
                                                 "parallelism": 1}
    login(app.test_client(), email=counselor.email, password="wrong password!")
    db_session.refresh(user)
    assert user.password_hash == old_hash


def test_a_broken_stored_hash_just_fails(app: Flask) -> None:
    with app.app_context():
        assert passwords.verify_password("not a hash", PASSWORD) == (False, None)
        with pytest.raises(InvalidHashError):
            PasswordHasher().verify("not a hash", PASSWORD)  # what verify_password absorbs


LONG_AND_STRONG = ("Otters juggle seventeen blue lanterns beside the quiet harbour wall "
                   + "while gulls argue. " * 10)[:256]
EASY = "That password would be easy to guess"


@pytest.mark.parametrize("password, email, problem", [
    ("x" * 11, "a@example.org", "at least 12 characters"),
    (LONG_AND_STRONG, "a@example.org", None),
    ("x" * 257, "a@example.org", "at most 256 characters"),
    ("long.name@example.org", "long.name@example.org", "your email address"),
    (" Long.Name@Example.org ", "long.name@example.org", "your email address"),
    ("  twelve spaces  ", "a@example.org", None),
    ("a long enough passphrase", "a@example.org", None),
    ("correct horse battery staple", "a@example.org", None),
    ("Tr0ub4dor&3 xylophone", "a@example.org", None),
    # Common and trivially guessable: refused, with zxcvbn's advice.
    (" " * 12, "a@example.org", EASY),
    ("a" * 12, "a@example.org", EASY),
    ("x" * 12, "a@example.org", EASY),
    ("x" * 256, "a@example.org", EASY),
    ("123456789012", "a@example.org", "commonly used password"),
    ("passwordpassword", "a@example.org", EASY),
    ("qwertyuiop123", "a@example.org", EASY),
    ("iloveyou2024!", "a@example.org", EASY),
    # The person's own email address and name are the first things a guesser tries.
    ("long.name@example.org1", "long.name@example.org", EASY),
    ("long.name@example.org!", "long.name@example.org", EASY),
])
def test_password_rules(password: str, email: str, problem: str | None) -> None:
    found = passwords.password_problem(password, email=email)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_the_persons_name_counts_as_easy_to_guess() -> None:
    assert passwords.password_problem("Ada Lovelace 1815", email="a@example.org") is None
    found = passwords.password_problem("Ada Lovelace 1815", email="a@example.org",
                                       name="Ada Lovelace")
    assert found is not None and EASY in found
