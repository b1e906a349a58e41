"""What the admin pages change: inviting someone, switching an account off or on. Each write
adds its audit event; neither commits (the view commits once)."""

from datetime import timedelta

from sqlmodel import Session

from recovery.counselor import audit, clock, users
from recovery.models import Invitation, User


def invite(session: Session, *, admin: User, email: str, role: str,
           valid_for: timedelta) -> tuple[Invitation, str]:
    """A new invitation and its token (shown once, never stored)."""
    invitation, token = users.create_invitation(session, email=email, role=role,
                                                created_by=admin, now=clock.now(),
                                                valid_for=valid_for)
    audit.record(session, user=admin, action="user_invited", object_type="invitation",
                 object_id=str(invitation.id), detail=f"role {invitation.role}")
    return invitation, token


def set_active(session: Session, *, admin: User, user: User, is_active: bool) -> None:
    """Switch `user` on (lifting any lockout) or off (ending their sessions everywhere)."""
    users.set_active(session, user=user, is_active=is_active, now=clock.now())
    audit.record(session, user=admin, action="user_enabled" if is_active else "user_disabled",
                 object_type="user", object_id=str(user.id))
