"""Stored plans: tokens, revisions, optimistic locking, deletion, and what the schema ensures."""

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from recovery import db
from recovery.models import PlanRevision, RelapsePlan
from recovery.planning.draft import Line, PlanDraft
from recovery.planning.serialize import PlanFormatError, draft_from_dict
from recovery.plans import store

DRAFT = PlanDraft(content_version="2026.11-1", substance="ketamine", substance_text="ketamine",
                  review_date="2026-12-31", crisis_locale="US",
                  reasons=(Line("My health", "You said so."),))


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with Session(db.get_engine(app)) as session:
        yield session


@pytest.fixture
def other_session(app: Flask) -> Iterator[Session]:
    """A second, independent connection: someone else saving the same plan."""
    with Session(db.get_engine(app)) as session:
        yield session


def create(session: Session, draft: PlanDraft = DRAFT) -> str:
    token = store.create_plan(session, draft=draft)
    session.commit()
    session.expunge_all()  # read back from the database, not the identity map
    return token


def load(session: Session, token: str) -> RelapsePlan:
    plan = store.get_plan(session, token=token)
    assert plan is not None
    return plan


def count(session: Session, model: type[Any]) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_create_stores_revision_one(session: Session) -> None:
    token = create(session)

    plan = load(session, token)
    assert plan.current_revision == 1
    rows = store.revisions(session, plan=plan)
    assert [r.number for r in rows] == [1]
    assert rows[0].draft == DRAFT.to_dict()
    assert rows[0].content_version == "2026.11-1"
    assert store.latest_draft(session, plan=plan) == DRAFT
    assert plan.created_at.tzinfo is not None


def test_only_the_hash_of_the_token_is_stored(session: Session) -> None:
    token = create(session)

    stored = session.exec(select(RelapsePlan)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.model_dump_json()


@pytest.mark.parametrize("token", [
    "", "short", "x" * 42, "x" * 44, "!" * 43, "ä" * 43, "../" * 14 + "x", None, 43,
])
def test_malformed_tokens_find_nothing_without_a_query(
        session: Session, statements: list[str], token: Any) -> None:
    create(session)
    statements.clear()

    assert store.get_plan(session, token=token) is None
    assert statements == []


def test_an_unknown_token_finds_nothing(session: Session) -> None:
    create(session)

    assert store.get_plan(session, token="A" * 43) is None


def test_each_save_adds_the_next_revision(session: Session) -> None:
    token = create(session)
    plan = load(session, token)
    created = plan.updated_at
    second = replace(DRAFT, goal="stop")
    third = replace(second, display_name="Sam")

    row = store.save_revision(session, plan=plan, draft=second, base_revision=1)
    session.commit()
    assert row.number == 2
    store.save_revision(session, plan=plan, draft=third, base_revision=2)
    session.commit()
    session.expunge_all()

    plan = load(session, token)
    assert plan.current_revision == 3
    assert plan.updated_at >= created
    assert [r.number for r in store.revisions(session, plan=plan)] == [1, 2, 3]
    assert store.latest_draft(session, plan=plan) == third
    one = store.revision(session, plan=plan, number=1)
    assert one is not None and store.revision_draft(one) == DRAFT
    assert store.revision(session, plan=plan, number=4) is None
    assert store.revision(session, plan=plan, number=0) is None


def test_a_stale_base_revision_is_a_conflict_and_writes_nothing(session: Session) -> None:
    token = create(session)
    plan = load(session, token)
    store.save_revision(session, plan=plan, draft=replace(DRAFT, goal="stop"), base_revision=1)
    session.commit()

    for stale in (1, 0, 3, 99):
        with pytest.raises(store.PlanConflict) as caught:
            store.save_revision(session, plan=plan, draft=replace(DRAFT, goal="cut_down"),
                                base_revision=stale)
        assert caught.value.base_revision == stale
        assert caught.value.plan.current_revision == 2
    session.rollback()

    assert count(session, PlanRevision) == 2
    assert store.latest_draft(session, plan=load(session, token)).goal == "stop"


def test_two_people_saving_the_same_version_one_wins_the_other_gets_a_conflict(
        session: Session, other_session: Session) -> None:
    token = create(session)
    mine, theirs = load(session, token), load(other_session, token)
    assert mine.current_revision == theirs.current_revision == 1

    store.save_revision(other_session, plan=theirs, draft=replace(DRAFT, goal="stop"),
                        base_revision=1)
    other_session.commit()
    # My copy of the plan still says revision 1: only the database can tell me it moved on.
    with pytest.raises(store.PlanConflict):
        store.save_revision(session, plan=mine, draft=replace(DRAFT, goal="cut_down"),
                            base_revision=1)
    session.rollback()
    session.expunge_all()

    plan = load(session, token)
    assert plan.current_revision == 2
    assert store.latest_draft(session, plan=plan).goal == "stop"
    assert count(session, PlanRevision) == 2


def test_delete_removes_the_plan_and_all_its_revisions(session: Session) -> None:
    token = create(session)
    keep = create(session)
    plan = load(session, token)
    store.save_revision(session, plan=plan, draft=replace(DRAFT, goal="stop"), base_revision=1)
    session.commit()

    assert store.delete_plan(session, plan=plan) is True
    session.commit()

    assert store.get_plan(session, token=token) is None
    assert store.delete_plan(session, plan=plan) is False
    assert count(session, RelapsePlan) == 1
    assert [r.plan_id for r in session.exec(select(PlanRevision))] == [load(session, keep).id]


def test_the_database_itself_deletes_revisions_with_their_plan(session: Session) -> None:
    create(session)

    session.connection().execute(text("DELETE FROM relapse_plan"))
    session.commit()

    assert count(session, PlanRevision) == 0


def test_the_database_refuses_two_revisions_with_the_same_number(session: Session) -> None:
    plan = load(session, create(session))

    session.add(PlanRevision(plan_id=plan.id, number=1, draft={}, content_version="v"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_the_database_refuses_a_revision_without_a_plan(session: Session) -> None:
    session.add(PlanRevision(plan_id=12345, number=1, draft={}, content_version="v"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_store_functions_do_not_commit(app: Flask, session: Session) -> None:
    token = store.create_plan(session, draft=DRAFT)
    session.rollback()

    with Session(db.get_engine(app)) as fresh:
        assert store.get_plan(fresh, token=token) is None
        assert count(fresh, PlanRevision) == 0


def test_a_revision_saved_before_one_line_fields_refused_line_breaks_still_opens(
        app: Flask, session: Session) -> None:
    """Before one-line fields refused line breaks, an imported phone number could end in a
    newline and a name could hold U+2028. Such a stored plan still opens, reads them as spaces,
    and serves every page and PDF; a file or form with them is still refused."""
    from recovery.planning.draft import Action, Contact, Trigger
    token = create(session, replace(DRAFT, contacts=(Contact("Sam\u2028Lee", "sister",
                                                             "555 0100"),),
                                    triggers=(Trigger("people", "Old friends", "high",
                                                      (Action("leave", "Go\nhome"),), ""),)))
    row = store.revisions(session, plan=load(session, token))[0]
    old_draft = dict(row.draft)
    old_draft["contacts"] = [{"name": "Sam\u2028Lee", "role": "sister", "phone": "555 0100\n"}]
    row.draft = old_draft  # as the older code stored it
    session.add(row)
    session.commit()
    session.expunge_all()

    draft = store.latest_draft(session, plan=load(session, token))
    assert draft.contacts == (Contact("Sam Lee", "sister", "555 0100"),)
    assert draft.triggers[0].actions[0].text == "Go home"
    client = app.test_client()
    for page in ("", "/edit/contacts", "/pdf/full?paper=a4", "/pdf/wallet?paper=a4",
                 "/plan.json", "/revisions"):
        response = client.get(f"/plans/{token}{page}")
        assert response.status_code == 200, page
    with pytest.raises(PlanFormatError):
        draft_from_dict(old_draft)
