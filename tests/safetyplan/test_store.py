"""Stored safety plans (recovery/safetyplan/store.py), on SQLite and on PostgreSQL: only the
link's hash is kept, the plan is sealed with ENCRYPTION_KEYS, saves replace it, deletion and
the retention purge remove it, and `reseal` covers the column."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import text

from recovery import sealed
from recovery.db import get_session
from recovery.planning.safety import SafetyContact, SafetyPlanDraft, StepAnswer
from recovery.safetyplan import store
from recovery.tokens import hash_token

DRAFT = SafetyPlanDraft("2026.11-1", "US", (
    StepAnswer("reasons", lines=("Walking the dog at sunrise",)),
    StepAnswer("people", contacts=(SafetyContact("My sister Rowan", "555-0199"),)),
))


def raw(app: Flask, sql: str) -> list[str]:
    with app.app_context():
        return [str(value) for (value,) in get_session().execute(text(sql)).all()]


def create(app: Flask, draft: SafetyPlanDraft = DRAFT) -> str:
    with app.app_context():
        db = get_session()
        token = store.create_safety_plan(db, draft=draft)
        db.commit()
        return token


def test_only_the_links_hash_is_kept_and_the_plan_reads_back(app: Flask) -> None:
    token = create(app)

    assert raw(app, "SELECT token_hash FROM safety_plan") == [hash_token(token)]
    assert token not in " ".join(raw(app, "SELECT plan FROM safety_plan"))
    with app.app_context():
        plan = store.get_safety_plan(get_session(), token=token)
        assert plan is not None and store.stored_draft(plan) == DRAFT
        assert store.get_safety_plan(get_session(), token="not a token") is None
        assert store.get_safety_plan(get_session(), token="A" * 43) is None


def test_with_a_key_the_database_holds_only_ciphertext(make_app: Callable[..., Flask],
                                                       app: Flask) -> None:
    keyed = make_app(ENCRYPTION_KEYS=[sealed.new_key()])
    token = create(keyed)

    stored = " ".join(raw(keyed, "SELECT plan FROM safety_plan"))
    assert "Walking the dog" not in stored and "Rowan" not in stored and "555-0199" not in stored
    assert "sealed:v1" in stored
    with keyed.app_context():
        plan = store.get_safety_plan(get_session(), token=token)
        assert plan is not None and store.stored_draft(plan) == DRAFT


def test_a_save_replaces_the_plan_and_moves_its_time(app: Flask) -> None:
    token = create(app)
    changed = DRAFT.with_answer(StepAnswer("reasons", lines=("Spring",)))
    with app.app_context():
        db = get_session()
        plan = store.get_safety_plan(db, token=token)
        assert plan is not None
        before = plan.updated_at
        store.save_safety_plan(db, plan=plan, draft=changed)
        db.commit()
        again = store.get_safety_plan(db, token=token)
        assert again is not None and store.stored_draft(again) == changed
        assert again.updated_at >= before
    assert len(raw(app, "SELECT id FROM safety_plan")) == 1


def test_delete_removes_it_once(app: Flask) -> None:
    token, other = create(app), create(app)
    with app.app_context():
        db = get_session()
        plan = store.get_safety_plan(db, token=token)
        assert plan is not None
        assert store.delete_safety_plan(db, plan=plan) is True
        assert store.delete_safety_plan(db, plan=plan) is False
        db.commit()
        assert store.get_safety_plan(db, token=token) is None
        assert store.get_safety_plan(db, token=other) is not None


def test_purge_expired_deletes_plans_not_saved_within_the_retention(app: Flask) -> None:
    old, fresh = create(app), create(app)
    long_ago = datetime.now(UTC) - timedelta(days=400)
    with app.app_context():
        db = get_session()
        db.execute(text("UPDATE safety_plan SET updated_at = :at WHERE token_hash = :h"),
                   {"at": long_ago, "h": hash_token(old)})
        db.commit()
        cutoff = datetime.now(UTC) - timedelta(days=365)
        # Hidden at once, before any purge runs.
        assert store.get_safety_plan(db, token=old, saved_after=cutoff) is None
        assert store.purge_expired_safety_plans(db, saved_after=cutoff) == 1
        db.commit()
        assert store.get_safety_plan(db, token=fresh, saved_after=cutoff) is not None
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert "Deleted 0 expired safety plans." in result.output


def test_the_link_is_hidden_past_its_retention(app: Flask) -> None:
    token = create(app)
    with app.app_context():
        db = get_session()
        db.execute(text("UPDATE safety_plan SET updated_at = :at"),
                   {"at": datetime.now(UTC) - timedelta(days=366)})
        db.commit()
    assert app.test_client().get(f"/safety-plan/{token}").status_code == 404
