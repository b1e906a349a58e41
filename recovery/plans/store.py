"""Persistence for relapse-prevention plans: small keyword-only functions that never commit.

A plan is found only through a public token, hashed like a saved result's (see
`recovery.questionnaire.store`). A plan made from a saved result is linked to it
(`ResultPlanLink`), each token sealed with the other. Its content is a list of numbered
revisions, each a whole `PlanDraft.to_dict()`. Saves use optimistic locking: every save names
the revision it started from, and is refused with `PlanConflict` if someone else saved in
between, so neither save silently overwrites the other.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from recovery.models import Assessment, PlanRevision, RelapsePlan, ResultPlanLink, utc_now
from recovery.planning.draft import PlanDraft
from recovery.planning.serialize import draft_from_dict
from recovery.tokens import hash_token, is_well_formed_token, new_token, open_with, seal_with


class PlanConflict(Exception):
    """The plan changed after the person opened the page they are saving from."""

    def __init__(self, plan: RelapsePlan, base_revision: int) -> None:
        self.plan, self.base_revision = plan, base_revision
        super().__init__(f"plan is at revision {plan.current_revision}, not {base_revision}")


def create_plan(session: Session, *, draft: PlanDraft) -> str:
    """Add a new plan with `draft` as revision 1; returns its public token (shown once)."""
    token = new_token()
    _add_plan(session, RelapsePlan(token_hash=hash_token(token), current_revision=1), draft)
    return token


def create_plan_from_result(session: Session, *, draft: PlanDraft, assessment: Assessment,
                            result_token: str) -> str:
    """`create_plan`, for a plan made from a saved result: the two are linked, each token sealed
    with the other (`ResultPlanLink`), so each page can lead to the other."""
    token = new_token()
    plan = RelapsePlan(token_hash=hash_token(token), current_revision=1)
    _add_plan(session, plan, draft)
    assert plan.id is not None and assessment.id is not None
    session.add(ResultPlanLink(assessment_id=assessment.id, plan_id=plan.id,
                               plan_link=seal_with(result_token, token),
                               result_link=seal_with(token, result_token)))
    return token


def linked_result_token(session: Session, *, plan: RelapsePlan, plan_token: str) -> str | None:
    """The token of the saved result this plan was made from, if any (read with the plan's)."""
    row = session.exec(select(ResultPlanLink)
                       .where(col(ResultPlanLink.plan_id) == plan.id)).first()
    return open_with(plan_token, row.result_link) if row is not None else None


def linked_plan_token(session: Session, *, assessment: Assessment,
                      result_token: str) -> str | None:
    """The token of the newest plan made from this saved result, if any."""
    row = session.exec(select(ResultPlanLink)
                       .where(col(ResultPlanLink.assessment_id) == assessment.id)
                       .order_by(col(ResultPlanLink.id).desc())).first()
    return open_with(result_token, row.plan_link) if row is not None else None


def create_client_plan(session: Session, *, draft: PlanDraft, client_id: int) -> RelapsePlan:
    """Add a new plan for a client in the counselor workspace. It gets a random token like any
    plan (the column is unique and required), but the token is thrown away: a client's plan is
    opened by id, after the workspace's access checks, never through a link."""
    plan = RelapsePlan(token_hash=hash_token(new_token()), current_revision=1,
                       client_id=client_id)
    _add_plan(session, plan, draft)
    return plan


def _add_plan(session: Session, plan: RelapsePlan, draft: PlanDraft) -> None:
    session.add(plan)
    session.flush()  # the revision needs the plan's id
    assert plan.id is not None
    session.add(_revision_row(plan.id, 1, draft))


def get_plan(session: Session, *, token: str,
             saved_after: datetime | None = None) -> RelapsePlan | None:
    """The plan for `token`, or None if the token is malformed or unknown (no query for junk),
    or if it was last saved at or before `saved_after` (its retention is over)."""
    if not is_well_formed_token(token):
        return None
    query = select(RelapsePlan).where(col(RelapsePlan.token_hash) == hash_token(token))
    if saved_after is not None:
        query = query.where(col(RelapsePlan.updated_at) > saved_after)
    return session.exec(query).first()


def retention_cutoff(days: int, *, now: datetime | None = None) -> datetime:
    """Anonymous plans last saved at or before this moment are past their retention."""
    return (now or datetime.now(UTC)) - timedelta(days=days)


def purge_expired_plans(session: Session, *, saved_after: datetime) -> int:
    """Delete every anonymous plan (with its revisions, by ON DELETE CASCADE) last saved at or
    before `saved_after`; returns how many. A client's plan goes with the client, never here."""
    outcome = session.exec(delete(RelapsePlan)
                           .where(col(RelapsePlan.client_id).is_(None))
                           .where(col(RelapsePlan.updated_at) <= saved_after))
    return int(outcome.rowcount)


def check_base_revision(plan: RelapsePlan, base_revision: int) -> None:
    """Raise PlanConflict unless `base_revision` is still the plan's newest revision."""
    if base_revision != plan.current_revision:
        raise PlanConflict(plan, base_revision)


def save_revision(
    session: Session, *, plan: RelapsePlan, draft: PlanDraft, base_revision: int
) -> PlanRevision:
    """Add `draft` as the plan's next revision, if `base_revision` is still its newest.

    The check is repeated inside one conditional UPDATE, so two saves racing each other cannot
    both pass it: the database lets only one of them move `current_revision` on.
    """
    check_base_revision(plan, base_revision)
    assert plan.id is not None
    number = base_revision + 1
    moved = session.exec(
        update(RelapsePlan)
        .where(col(RelapsePlan.id) == plan.id)
        .where(col(RelapsePlan.current_revision) == base_revision)
        .values(current_revision=number, updated_at=utc_now())
    )
    if moved.rowcount != 1:
        session.refresh(plan)
        raise PlanConflict(plan, base_revision)
    row = _revision_row(plan.id, number, draft)
    session.add(row)
    return row


def revisions(session: Session, *, plan: RelapsePlan) -> list[PlanRevision]:
    """Every revision of the plan, oldest first."""
    return list(session.exec(
        select(PlanRevision).where(col(PlanRevision.plan_id) == plan.id)
        .order_by(col(PlanRevision.number))
    ).all())


def revision(session: Session, *, plan: RelapsePlan, number: int) -> PlanRevision | None:
    return session.exec(
        select(PlanRevision).where(col(PlanRevision.plan_id) == plan.id)
        .where(col(PlanRevision.number) == number)
    ).first()


def client_plans(session: Session, *, client_id: int) -> list[RelapsePlan]:
    """A client's plans, newest first. One query."""
    return list(session.exec(
        select(RelapsePlan).where(col(RelapsePlan.client_id) == client_id)
        .order_by(col(RelapsePlan.created_at).desc(), col(RelapsePlan.id).desc())).all())


@dataclass(frozen=True)
class RevisionSummary:
    number: int
    created_at: datetime


def revision_summaries(session: Session, *, plan_ids: list[int]
                       ) -> dict[int, list[RevisionSummary]]:
    """Each plan's revisions, newest first, without their content: one query for all plans."""
    found: dict[int, list[RevisionSummary]] = {plan_id: [] for plan_id in plan_ids}
    if not plan_ids:
        return found
    rows = session.exec(
        select(PlanRevision.plan_id, PlanRevision.number, PlanRevision.created_at)
        .where(col(PlanRevision.plan_id).in_(plan_ids))
        .order_by(col(PlanRevision.plan_id), col(PlanRevision.number).desc())).all()
    for plan_id, number, created_at in rows:
        found[plan_id].append(RevisionSummary(number, created_at))
    return found


def revision_draft(row: PlanRevision) -> PlanDraft:
    """The draft stored in a revision, read as strictly as an uploaded file, except that a
    line break saved before one-line fields refused them reads as a space."""
    return draft_from_dict(row.draft, stored=True)


def latest_draft(session: Session, *, plan: RelapsePlan) -> PlanDraft:
    row = revision(session, plan=plan, number=plan.current_revision)
    if row is None:  # only if the database was edited by hand
        raise LookupError(f"plan {plan.id} has no revision {plan.current_revision}")
    return revision_draft(row)


PRINT_LAYOUTS = ("handout", "wallet")  # the printouts whose items the person may leave out


def left_out(plan: RelapsePlan, layout: str) -> tuple[str, ...]:
    """The keys of the items the person chose to leave out of this printout of the plan."""
    choices = plan.print_choices or {}
    keys = choices.get(layout, [])
    return tuple(k for k in keys if isinstance(k, str)) if isinstance(keys, list) else ()


def set_left_out(session: Session, *, plan: RelapsePlan, layout: str,
                 keys: list[str]) -> None:
    """Remember what to leave out of one printout (the keys of items it has: the caller
    checks them against the printout, so nothing else is stored)."""
    plan.print_choices = {**(plan.print_choices or {}), layout: sorted(set(keys))}
    session.add(plan)


def delete_plan(session: Session, *, plan: RelapsePlan) -> bool:
    """Delete the plan and (by ON DELETE CASCADE) all its revisions; False if it was gone
    already (someone else deleted it meanwhile)."""
    outcome = session.exec(delete(RelapsePlan).where(col(RelapsePlan.id) == plan.id))
    return bool(outcome.rowcount)


def _revision_row(plan_id: int, number: int, draft: PlanDraft) -> PlanRevision:
    return PlanRevision(plan_id=plan_id, number=number, draft=draft.to_dict(),
                        content_version=draft.content_version)
