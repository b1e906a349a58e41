"""Persistence for safety plans: small keyword-only functions that never commit.

A safety plan is found only through its private link, hashed like a relapse plan's
(recovery.tokens). The plan is one sealed JSON value; a save replaces it.
"""

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from recovery.models import SafetyPlan, utc_now
from recovery.planning.safety import SafetyPlanDraft, draft_from_dict
from recovery.tokens import hash_token, is_well_formed_token, new_token


def create_safety_plan(session: Session, *, draft: SafetyPlanDraft) -> str:
    """Add a new safety plan; returns its private link's token (shown once, never stored)."""
    token = new_token()
    session.add(SafetyPlan(token_hash=hash_token(token), plan=draft.to_dict()))
    return token


def get_safety_plan(session: Session, *, token: str,
                    saved_after: datetime | None = None) -> SafetyPlan | None:
    """The plan for `token`, or None if the token is malformed (no query for junk), unknown,
    or last saved at or before `saved_after` (its retention is over)."""
    if not is_well_formed_token(token):
        return None
    query = select(SafetyPlan).where(col(SafetyPlan.token_hash) == hash_token(token))
    if saved_after is not None:
        query = query.where(col(SafetyPlan.updated_at) > saved_after)
    return session.exec(query).first()


def stored_draft(plan: SafetyPlan) -> SafetyPlanDraft:
    return draft_from_dict(plan.plan)


def save_safety_plan(session: Session, *, plan: SafetyPlan, draft: SafetyPlanDraft) -> None:
    plan.plan, plan.updated_at = draft.to_dict(), utc_now()
    session.add(plan)


def delete_safety_plan(session: Session, *, plan: SafetyPlan) -> bool:
    """False if it was gone already (deleted meanwhile)."""
    outcome = session.exec(delete(SafetyPlan).where(col(SafetyPlan.id) == plan.id))
    return bool(outcome.rowcount)


def purge_expired_safety_plans(session: Session, *, saved_after: datetime) -> int:
    """Delete every safety plan last saved at or before `saved_after`; returns how many."""
    outcome = session.exec(delete(SafetyPlan).where(col(SafetyPlan.updated_at) <= saved_after))
    return int(outcome.rowcount)
