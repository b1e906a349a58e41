"""The audit log: who did what to which object, and when. This module writes it (`record`);
admins read it in the admin child (`admin/queries.py`: the log page by page, and the CSV).

Every view, change, export and deletion of client data is written through `record`, in the same
transaction as the change itself, so a change is never saved without its audit event (or the
other way round). Details are short and factual, what happened and to which record ("client 2;
path chosen"): never health data (paths, flags, scores, notes, answers), names or passwords,
since admins read the log page by page, or export it as CSV, without access to the clients.
"""

from sqlmodel import Session

from recovery.counselor import clock
from recovery.models import AuditEvent, User

# Closed on purpose: a misspelt action would otherwise vanish from every filter and report.
# Later slices add their own here.
ACTIONS = frozenset({
    "login", "login_failed", "logout", "session_expired",
    "user_created", "user_invited", "invitation_accepted", "user_disabled", "user_enabled",
    "caseload_moved",
    "view", "create", "update", "export", "delete",
})
MAX_DETAIL = 200


def record(session: Session, *, user: User | None, action: str, object_type: str,
           object_id: str | int = "", detail: str = "",
           client_id: int | None = None) -> AuditEvent:
    """Add an audit event to `session` (the caller commits, together with the change).

    `user` is who acted (None when nobody is signed in, e.g. a failed sign-in or the command
    line). `object_id` is an id, never a name. `detail` is cut to 200 characters. `client_id`
    is the client the event is about (the client, or their screening or plan), for the log's
    client filter.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; add it to audit.ACTIONS")
    event = AuditEvent(
        at=clock.now(),
        user_id=user.id if user is not None else None,
        action=action,
        object_type=object_type[:40],
        object_id=str(object_id)[:64],
        detail=detail[:MAX_DETAIL],
        client_id=client_id,
    )
    session.add(event)
    return event
