"""Counting sign-in attempts for email addresses that have no account.

A real account counts its attempts in its own row (`users.reserve_login_attempt`); an unknown
address has no row, so it gets one in `unknown_address_attempts`, counted by the same rule, on
the same clock and in the same database, so every worker process shares both counts and the
answers never tell which addresses have accounts (see `auth.attempt_login`). Like the store
functions in users.py, these never commit.

The address itself is never stored: the row is keyed by an HMAC of it under a key derived from
SECRET_KEY (a plain hash of an address can be reversed by hashing a list of addresses).
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from recovery.models import UnknownAddressAttempts


def address_key(email: str, *, secret: str | bytes) -> str:
    """The row key for `email` (already normalized): a hex HMAC under a key from `secret`."""
    raw = secret.encode() if isinstance(secret, str) else secret
    key = hmac.new(raw, b"recovery.counselor.unknown-address.v1", hashlib.sha256).digest()
    return hmac.new(key, email.encode(), hashlib.sha256).hexdigest()


def reserve(session: Session, *, email: str, secret: str | bytes, now: datetime,
            window: timedelta) -> int:
    """Count one attempt for `email` (already normalized) and return its number in the current
    window, which opens at the first attempt after the last one ran out and lasts `window`.

    One INSERT ... ON CONFLICT DO UPDATE ... RETURNING, as atomic as the UPDATE on an account's
    row: parallel attempts each get a number of their own. (In SQL every SET reads the row as it
    was, so both CASEs see the same old window.)
    """
    table = UnknownAddressAttempts.__table__  # type: ignore[attr-defined]  # SQLModel sets it
    # Typed as the column, so SQLite stores and compares it in the same form as other datetimes.
    window_end = literal(now + window, type_=table.c.window_ends_at.type)
    window_ended = col(UnknownAddressAttempts.window_ends_at) <= now
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(
        address_hmac=address_key(email, secret=secret), attempts=1, window_ends_at=window_end)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.address_hmac],
        set_={"attempts": case((window_ended, 1),
                               else_=col(UnknownAddressAttempts.attempts) + 1),
              "window_ends_at": case((window_ended, window_end),
                                     else_=col(UnknownAddressAttempts.window_ends_at))},
    ).returning(table.c.attempts)
    return int(session.exec(statement).scalar_one())


def purge_ended(session: Session, *, now: datetime) -> int:
    """Delete the rows whose window has ended (they no longer count for anything); how many."""
    outcome = session.exec(delete(UnknownAddressAttempts)
                           .where(col(UnknownAddressAttempts.window_ends_at) <= now))
    return int(outcome.rowcount)
