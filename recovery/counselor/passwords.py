"""Password hashing (argon2id) and the rules a new password must meet.

The hasher's parameters come from COUNSELOR_ARGON2_PARAMETERS (None: argon2-cffi's defaults,
argon2id with t=3, m=64 MiB, p=4, which is RFC 9106's low-memory profile and above OWASP's
minimum of t=2, m=19 MiB, p=1). Hashes made with other parameters are upgraded at the next
successful sign-in.
"""

from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 12
# Long enough for any passphrase or password manager (ASVS asks for at least 64).
MAX_LENGTH = 256


def hasher() -> PasswordHasher:
    params = dict(current_app.config.get("COUNSELOR_ARGON2_PARAMETERS") or {})
    # Always argon2id, whatever the config says: it resists both GPU and side-channel attacks.
    params["type"] = Type.ID
    return PasswordHasher(**params)


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> tuple[bool, str | None]:
    """(matches, new hash): the new hash is set when the stored one used older parameters."""
    ph = hasher()
    try:
        ph.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    return True, ph.hash(password) if ph.check_needs_rehash(password_hash) else None


def spend_verify_time(password: str) -> None:
    """Verify against a throw-away hash, so an unknown or locked account answers as slowly as a
    real one and response times don't tell which email addresses have accounts."""
    ph = hasher()
    params = (ph.time_cost, ph.memory_cost, ph.parallelism, ph.hash_len, ph.salt_len)
    try:
        ph.verify(_dummy_hash(params), password)
    except (VerificationError, InvalidHashError):
        pass


@lru_cache(maxsize=4)
def _dummy_hash(params: tuple[int, int, int, int, int]) -> str:
    time_cost, memory_cost, parallelism, hash_len, salt_len = params
    ph = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism,
                        hash_len=hash_len, salt_len=salt_len, type=Type.ID)
    return ph.hash("not anyone's password")


def password_problem(password: str, *, email: str) -> str | None:
    """Why `password` can't be used for the account `email`, or None if it can."""
    if len(password) < MIN_LENGTH:
        return (f"Please use at least {MIN_LENGTH} characters. A few unrelated words make a "
                "strong password that is easy to type.")
    if len(password) > MAX_LENGTH:
        return f"Please use at most {MAX_LENGTH} characters."
    if password.strip().lower() == email.strip().lower():
        return "Please don't use your email address as your password."
    return None
