"""What the admin pages change: inviting someone, switching an account off or on, and moving
a switched-off counselor's caseload to a colleague. Each write adds its audit events; none
commits (the view commits once)."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from recovery.counselor import audit, clock, users
from recovery.models import Client, ClientShare, Invitation, RelapsePlan, User


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


@dataclass(frozen=True)
class Caseload:
    """What a counselor answers for: the clients they own (with those clients' plans) and the
    clients colleagues shared with them."""

    client_ids: list[int]
    plans: int
    shared_ids: list[int]


def caseload_of(session: Session, *, user: User) -> Caseload:
    """Three small queries, whatever the caseload's size."""
    owned = list(session.exec(select(Client.id).where(col(Client.counselor_id) == user.id)
                              .order_by(col(Client.id))).all())
    plans = session.exec(select(func.count()).select_from(RelapsePlan).join(
        Client, col(RelapsePlan.client_id) == col(Client.id))
        .where(col(Client.counselor_id) == user.id)).one()
    shared = list(session.exec(select(ClientShare.client_id)
                               .where(col(ClientShare.user_id) == user.id)
                               .order_by(col(ClientShare.client_id))).all())
    return Caseload([i for i in owned if i is not None], int(plans), shared)


def move_caseload(session: Session, *, admin: User, leaving: User, to: User) -> Caseload:
    """Give `to` everything `leaving` answers for: their clients (and so the clients' plans,
    screenings and shares with others) and the clients shared with them. Screenings keep who
    recorded them. A share `to` no longer needs (a client they now own, or one already shared
    with them) is dropped. Audited per client and once for the whole move, by ids only.

    The caller has checked that `leaving` is switched off and `to` is another active account."""
    moved = caseload_of(session, user=leaving)
    now = clock.now()
    session.exec(update(Client).where(col(Client.counselor_id) == leaving.id)
                 .values(counselor_id=to.id, updated_at=now))
    already = select(ClientShare.client_id).where(col(ClientShare.user_id) == to.id)
    owned = select(Client.id).where(col(Client.counselor_id) == to.id)
    session.exec(delete(ClientShare).where(col(ClientShare.user_id) == leaving.id,
                                           col(ClientShare.client_id).in_(already)))
    session.exec(update(ClientShare).where(col(ClientShare.user_id) == leaving.id)
                 .values(user_id=to.id))
    session.exec(delete(ClientShare).where(col(ClientShare.user_id) == to.id,
                                           col(ClientShare.client_id).in_(owned)))
    for client_id in moved.client_ids:
        audit.record(session, user=admin, action="update", object_type="client",
                     object_id=client_id, detail=f"moved from user {leaving.id} to user {to.id}",
                     client_id=client_id)
    for client_id in moved.shared_ids:
        audit.record(session, user=admin, action="update", object_type="client",
                     object_id=client_id, client_id=client_id,
                     detail=f"share moved from user {leaving.id} to user {to.id}")
    audit.record(session, user=admin, action="caseload_moved", object_type="user",
                 object_id=str(leaving.id),
                 detail=f"to user {to.id}; {len(moved.client_ids)} clients, {moved.plans} "
                        f"plans, {len(moved.shared_ids)} shared clients")
    return moved
