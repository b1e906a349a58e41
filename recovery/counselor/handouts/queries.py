"""The plans a counselor may print handouts of: those of clients they may open
(`clients.visible_to`), listed by client code, and the ones ticked, checked one by one."""

from flask import abort
from sqlmodel import Session, col, select

from recovery.counselor import clients
from recovery.models import Client, RelapsePlan, User

# How many plans the choice lists (the newest of each client first, by code).
LISTED = 200


def plans_to_choose(db: Session, user: User) -> list[tuple[RelapsePlan, str]]:
    """(plan, client code) for the plans of clients `user` may open, by code. One query."""
    rows = db.exec(
        select(RelapsePlan, Client.code).join(Client, col(RelapsePlan.client_id) == Client.id)
        .where(clients.visible_to(user))
        .order_by(col(Client.code), col(RelapsePlan.created_at).desc()).limit(LISTED)).all()
    return [(plan, code) for plan, code in rows]


def visible_plans(db: Session, user: User, plan_ids: list[int]) -> list[RelapsePlan]:
    """The plans with these ids, in this order; a 404 if any isn't a plan `user` may open."""
    found = {plan.id: plan for plan in db.exec(
        select(RelapsePlan).join(Client, col(RelapsePlan.client_id) == Client.id)
        .where(col(RelapsePlan.id).in_(plan_ids), clients.visible_to(user))).all()}
    if len(found) != len(plan_ids):
        abort(404)
    return [found[plan_id] for plan_id in plan_ids]

