"""What the users page reads: everyone's accounts with their state, and invitations not yet
used. The audit log's reads are in log.py."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from recovery.counselor import users
from recovery.models import Invitation, User


@dataclass(frozen=True)
class Accounts:
    """The users page: every account, which are locked out now, and invitations not yet used."""

    users: list[User]
    locked: set[int]
    invitations: list[Invitation]


def accounts(session: Session, *, now: datetime, attempts: int) -> Accounts:
    everyone = users.list_users(session)
    locked = {user.id for user in everyone
              if user.id is not None and users.is_locked(user, now=now, attempts=attempts)}
    return Accounts(everyone, locked, users.pending_invitations(session, now=now))
