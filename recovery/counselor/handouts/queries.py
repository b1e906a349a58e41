"""The plans a counselor may print handouts of: those of clients they may open
(`clients.visible_to`), listed by client code, and the ones ticked, checked one by one; and
the mark on each page (the client's code, initials, or nothing)."""

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


def visible_plans(db: Session, user: User, plan_ids: list[int]
                  ) -> list[tuple[RelapsePlan, Client]]:
    """The plans with these ids and their clients, in this order; a 404 if any isn't a plan
    `user` may open. One query."""
    found = {plan.id: (plan, client) for plan, client in db.exec(
        select(RelapsePlan, Client).join(Client, col(RelapsePlan.client_id) == Client.id)
        .where(col(RelapsePlan.id).in_(plan_ids), clients.visible_to(user))).all()}
    if len(found) != len(plan_ids):
        abort(404)
    return [found[plan_id] for plan_id in plan_ids]


# How each page of the bundle may be marked, so the counselor can hand each one to its person.
MARKS = ("code", "initials", "none")


def page_mark(client: Client, mark: str) -> str:
    """The words at the top of a client's handout: their code, their initials (the code if no
    name is recorded), or nothing."""
    if mark == "none":
        return ""
    letters = initials(client.name or "") if mark == "initials" else ""
    return letters or f"Client {client.code}"


def initials(name: str) -> str:
    """"Jo Anne Example" is "J. A. E.": the first letter or digit of each word, at most four."""
    firsts = [next((c for c in word if c.isalnum()), "") for word in name.split()]
    return " ".join([f"{c.upper()}." for c in firsts if c][:4])

