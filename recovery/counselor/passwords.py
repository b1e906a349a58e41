"""Password hashing (argon2id) and the rules a new password must meet.

New passwords must also be hard to guess, as judged by zxcvbn (Dropbox's estimator: common
passwords, words, names, dates, keyboard patterns, repeats and the person's own email and name).

The hasher's parameters come from COUNSELOR_ARGON2_PARAMETERS (None: argon2-cffi's defaults,
argon2id with t=3, m=64 MiB, p=4, which is RFC 9106's low-memory profile and above OWASP's
minimum of t=2, m=19 MiB, p=1). Hashes made with other parameters are upgraded at the next
successful sign-in.
"""

import threading
from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn

MIN_LENGTH = 12
# Long enough for any passphrase or password manager (ASVS asks for at least 64).
MAX_LENGTH = 256
# zxcvbn's scores run 0-4; 3 is "safely unguessable" (about 10^10 guesses: safe against an
# online attack, and a fair defence if the hashes leak).
MIN_STRENGTH = 3
# zxcvbn refuses longer input (its time grows with the length): a longer password is judged on
# its first 72 characters.
STRENGTH_CHECKED_LENGTH = 72
# zxcvbn keeps the person's own words in a module-level dictionary while it runs.
_zxcvbn_lock = threading.Lock()


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


def password_problem(password: str, *, email: str, name: str = "") -> str | None:
    """Why `password` can't be used for the account `email` (named `name`), or None if it can."""
    if len(password) < MIN_LENGTH:
        return (f"Please use at least {MIN_LENGTH} characters. A few unrelated words make a "
                "strong password that is easy to type.")
    if len(password) > MAX_LENGTH:
        return f"Please use at most {MAX_LENGTH} characters."
    if password.strip().lower() == email.strip().lower():
        return "Please don't use your email address as your password."
    return strength_problem(password, own_words=[email, *email.split("@"), name, *name.split()])


def strength_problem(password: str, *, own_words: list[str]) -> str | None:
    """zxcvbn's advice when `password` would be easy to guess (own_words: the person's email
    address, name and the like, which a guesser would try first), else None."""
    with _zxcvbn_lock:
        verdict = zxcvbn(password[:STRENGTH_CHECKED_LENGTH],
                         user_inputs=[word.strip() for word in own_words if word.strip()])
    if verdict["score"] >= MIN_STRENGTH:
        return None
    feedback = verdict["feedback"]
    advice = " ".join(hint for hint in [feedback["warning"], *feedback["suggestions"]] if hint)
    return ("That password would be easy to guess, so please choose another. "
            + (advice or "A few unrelated words make a strong password that is easy to type."))
