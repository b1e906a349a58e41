"""Engine, per-request session and migrations, on whichever database the run targets."""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask, g
from flask.testing import FlaskCliRunner
from sqlalchemy import Engine, event, func, inspect, text
from sqlmodel import Session, SQLModel, select

from recovery import db, sealed
from recovery.models import (
    Assessment,
    Client,
    ClientScreening,
    RelapsePlan,
    ResultPlanLink,
    ScreeningInProgress,
    UnknownAddressAttempts,
    User,
)

NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def schema_diff(engine: Engine) -> list[object]:
    """What autogenerate would put in a new migration: empty when models and migrations agree."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def current_revisions(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_heads()


@pytest.fixture
def empty_engine(empty_database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(empty_database_url)
    yield engine
    engine.dispose()


def test_migrations_build_the_models_schema_on_an_empty_database(empty_engine: Engine) -> None:
    assert inspect(empty_engine).get_table_names() == []
    assert db.engine_is_current(empty_engine) is False

    db.upgrade_engine(empty_engine)

    assert db.engine_is_current(empty_engine) is True
    assert schema_diff(empty_engine) == []


def test_upgrade_twice_is_a_no_op(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    before = current_revisions(empty_engine)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(empty_engine, "before_cursor_execute", record)
    db.upgrade_engine(empty_engine)
    event.remove(empty_engine, "before_cursor_execute", record)

    assert current_revisions(empty_engine) == before
    assert db.engine_is_current(empty_engine)
    changes = [s for s in statements if s.lstrip().upper().startswith(("CREATE", "ALTER", "DROP"))]
    assert changes == []


def test_downgrade_to_base_and_back(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) == {
        "alembic_version", "assessment", "relapse_plan", "plan_revision",
        "user_account", "user_session", "invitation", "audit_event", "client", "client_share",
            "client_screening", "unknown_address_attempts", "result_plan_link",
            "screening_in_progress", "safety_plan"}
    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    db.upgrade_engine(empty_engine)
    assert schema_diff(empty_engine) == []


def test_undoing_the_plan_tables_keeps_saved_results(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with Session(empty_engine) as session:
        session.add(Assessment(token_hash="3" * 64, content_version="v", answers={}, result={}))
        session.commit()

    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0001")

    tables = set(inspect(empty_engine).get_table_names())
    assert "relapse_plan" not in tables and "plan_revision" not in tables
    with Session(empty_engine) as session:
        assert session.exec(select(func.count()).select_from(Assessment)).one() == 1
    db.upgrade_engine(empty_engine)
    assert schema_diff(empty_engine) == []


def test_undoing_the_counselor_tables_keeps_plans_and_results(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with Session(empty_engine) as session:
        session.add(Assessment(token_hash="4" * 64, content_version="v", answers={}, result={}))
        session.commit()

    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0002")

    tables = set(inspect(empty_engine).get_table_names())
    assert tables == {"alembic_version", "assessment", "relapse_plan", "plan_revision"}
    with Session(empty_engine) as session:
        assert session.exec(select(func.count()).select_from(Assessment)).one() == 1
    db.upgrade_engine(empty_engine)
    assert schema_diff(empty_engine) == []


def test_undoing_the_caseload_keeps_the_accounts(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0003")

    tables = set(inspect(empty_engine).get_table_names())
    assert "client" not in tables and "client_share" not in tables
    assert "user_account" in tables and "audit_event" in tables
    db.upgrade_engine(empty_engine)
    assert schema_diff(empty_engine) == []


def test_consent_notes_move_to_text_and_back_with_their_clients(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0005")
        conn.execute(text(
            "INSERT INTO user_account (email, display_name, role, password_hash, is_active, "
            "created_at, failed_logins) VALUES ('c@example.org', 'C', 'counselor', 'x', TRUE, "
            ":now, 0)"), {"now": NOW})
        conn.execute(text(
            "INSERT INTO client (counselor_id, code, consent_given_at, consent_note, created_at, "
            "updated_at) SELECT id, 'K-1', :now, 'Said yes on the phone', :now, :now "
            "FROM user_account"), {"now": NOW})

    db.upgrade_engine(empty_engine)  # 0006: VARCHAR(200) -> TEXT
    assert schema_diff(empty_engine) == []
    with Session(empty_engine) as session:
        assert [c.consent_note for c in session.exec(select(Client))] == ["Said yes on the phone"]
    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0005")
        assert conn.execute(text("SELECT consent_note FROM client")).scalar_one() \
            == "Said yes on the phone"
    db.upgrade_engine(empty_engine)


SCORES = "severity_score, severity_max, mood_score, anxiety_score, flag_count, is_at_risk"


def add_screening_as_of_0006(conn: Any) -> None:
    """A counselor, a client and a screening as revision 0006 stored them: six score columns
    and the chosen path in VARCHAR(60)."""
    conn.execute(text(
        "INSERT INTO user_account (email, display_name, role, password_hash, is_active, "
        "created_at, failed_logins) VALUES ('c@example.org', 'C', 'counselor', 'x', TRUE, "
        ":now, 0)"), {"now": NOW})
    conn.execute(text(
        "INSERT INTO client (counselor_id, code, consent_given_at, consent_note, created_at, "
        "updated_at) SELECT id, 'K-1', :now, '', :now, :now FROM user_account"), {"now": NOW})
    conn.execute(text(
        "INSERT INTO client_screening (client_id, taken_at, content_version, answers, result, "
        f"notes, {SCORES}, override_path, override_reason) SELECT id, :now, 'v', "
        """'{"substance": "ketamine"}', '{"is_at_risk": true}', '', 4, 10, 6, NULL, 2, TRUE, """
        "'dual_diagnosis', 'Fits best' FROM client"), {"now": NOW})


SUMMARY = {"severity_score": 4, "severity_max": 10, "mood_score": 6, "anxiety_score": None,
           "flag_count": 2, "is_at_risk": True}


def test_client_screenings_move_to_a_summary_and_back(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0006")
        add_screening_as_of_0006(conn)

    db.upgrade_engine(empty_engine)  # 0007: six score columns -> summary; path -> TEXT
    assert schema_diff(empty_engine) == []
    with Session(empty_engine) as session:
        row = session.exec(select(ClientScreening)).one()
        assert row.summary == SUMMARY and row.is_at_risk is True
        assert (row.answers, row.override_path) == ({"substance": "ketamine"}, "dual_diagnosis")
    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0006")
        assert tuple(conn.execute(text(f"SELECT {SCORES}, override_path FROM client_screening"))
                     .one()) == (4, 10, 6, None, 2, True, "dual_diagnosis")
    db.upgrade_engine(empty_engine)
    assert schema_diff(empty_engine) == []


def test_0007_takes_path_names_out_of_the_audit_log(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0006")
        for detail in ("client 2; path chosen: dual_diagnosis", "client 2; path choice cleared",
                       "client 2; notes changed"):
            conn.execute(text("INSERT INTO audit_event (at, action, object_type, object_id, "
                              "detail) VALUES (:now, 'update', 'screening', '7', :detail)"),
                         {"now": NOW, "detail": detail})
    db.upgrade_engine(empty_engine)
    with empty_engine.connect() as conn:
        details = conn.execute(text("SELECT detail FROM audit_event ORDER BY id")).scalars()
        assert list(details) == ["client 2; path chosen", "client 2; path choice cleared",
                                 "client 2; notes changed"]


def test_undoing_0007_opens_sealed_screenings_with_the_apps_keys(
        empty_engine: Engine, empty_database_url: str,
        make_app: Callable[..., Flask]) -> None:
    """Revision 0006's code reads plain values only: going back opens sealed rows, and
    without the key stops before changing anything."""
    db.upgrade_engine(empty_engine)
    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0006")
        add_screening_as_of_0006(conn)
    db.upgrade_engine(empty_engine)
    keyed = make_app(DATABASE_URL=empty_database_url, ENCRYPTION_KEYS=[sealed.new_key()])
    assert keyed.test_cli_runner().invoke(args=["reseal"]).exit_code == 0
    with empty_engine.connect() as conn:
        stored = conn.execute(text("SELECT override_path, summary FROM client_screening")).one()
    assert stored[0].startswith(sealed.TEXT_PREFIX) and "severity" not in str(stored[1])
    # Past 0008 first: SQLite runs DDL outside the transaction, so a later step's failure
    # would not bring back a table an earlier step dropped.
    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0007")

    head = current_revisions(empty_engine)
    with pytest.raises(sealed.SealedDataError, match="ENCRYPTION_KEYS is empty"):
        with empty_engine.begin() as conn:
            command.downgrade(db.alembic_config(conn), "0006")
    assert current_revisions(empty_engine) == head

    with keyed.app_context(), empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0006")
    with empty_engine.connect() as conn:
        assert tuple(conn.execute(text(f"SELECT {SCORES}, override_path FROM client_screening"))
                     .one()) == (4, 10, 6, None, 2, True, "dual_diagnosis")
        answers = conn.execute(text("SELECT answers FROM client_screening")).scalar_one()
    assert "ketamine" in str(answers)


def test_undoing_0008_drops_only_the_unknown_address_counts(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with Session(empty_engine) as session:
        session.add(User(email="casey@example.org", display_name="Casey", role="counselor",
                         password_hash="x", failed_logins=2, locked_until=NOW))
        session.add(UnknownAddressAttempts(address_hmac="5" * 64, attempts=3,
                                           window_ends_at=NOW))
        session.commit()

    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0007")

    assert current_revisions(empty_engine) == ("0007",)
    assert "unknown_address_attempts" not in inspect(empty_engine).get_table_names()
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT failed_logins FROM user_account")).scalar_one() == 2
    db.upgrade_engine(empty_engine)  # 0008 again: the counts start afresh
    assert schema_diff(empty_engine) == []
    with Session(empty_engine) as session:
        assert session.exec(select(func.count()).select_from(UnknownAddressAttempts)).one() == 0


def test_undoing_0009_drops_only_the_record_numbers(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with Session(empty_engine) as session:
        owner = User(email="casey@example.org", display_name="Casey", role="counselor",
                     password_hash="x")
        session.add(owner)
        session.flush()
        assert owner.id is not None
        session.add(Client(counselor_id=owner.id, code="C-2222-3333", name="Ada",
                           record_number="MRN-1", consent_given_at=NOW))
        session.commit()

    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0008")

    columns = {column["name"] for column in inspect(empty_engine).get_columns("client")}
    assert "record_number" not in columns and "name" in columns
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM client")).scalar_one() == "Ada"
    db.upgrade_engine(empty_engine)
    assert schema_diff(empty_engine) == []
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT record_number FROM client")).scalar_one() is None


def test_undoing_0010_drops_only_the_links_between_results_and_plans(
        empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with Session(empty_engine) as session:
        result = Assessment(token_hash="1" * 64, content_version="1", answers={}, result={})
        plan = RelapsePlan(token_hash="2" * 64)
        session.add_all([result, plan])
        session.flush()
        assert result.id is not None and plan.id is not None
        session.add(ResultPlanLink(assessment_id=result.id, plan_id=plan.id, plan_link="p",
                                   result_link="r"))
        session.commit()

    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0009")

    assert "result_plan_link" not in inspect(empty_engine).get_table_names()
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM assessment")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM relapse_plan")).scalar_one() == 1
    db.upgrade_engine(empty_engine)
    assert schema_diff(empty_engine) == []


def test_undoing_0011_drops_only_the_screenings_in_progress(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with Session(empty_engine) as session:
        owner = User(email="casey@example.org", display_name="Casey", role="counselor",
                     password_hash="x")
        session.add(owner)
        session.flush()
        assert owner.id is not None
        client = Client(counselor_id=owner.id, code="C-2222-3333", consent_given_at=NOW)
        session.add(client)
        session.flush()
        assert client.id is not None
        session.add(ScreeningInProgress(counselor_id=owner.id, client_id=client.id,
                                        content_version="1", answers={"substance": "ketamine"}))
        session.commit()

    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0010")

    assert current_revisions(empty_engine) == ("0010",)
    assert "screening_in_progress" not in inspect(empty_engine).get_table_names()
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT code FROM client")).scalar_one() == "C-2222-3333"
    db.upgrade_engine(empty_engine)
    assert schema_diff(empty_engine) == []


def test_undoing_0012_drops_only_the_print_choices(empty_engine: Engine) -> None:
    db.upgrade_engine(empty_engine)
    with Session(empty_engine) as session:
        session.add(RelapsePlan(token_hash="3" * 64))
        session.commit()

    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0011")

    columns = {column["name"] for column in inspect(empty_engine).get_columns("relapse_plan")}
    assert "print_choices" not in columns and "token_hash" in columns
    tables = set(inspect(empty_engine).get_table_names())
    assert {"result_plan_link", "screening_in_progress"} <= tables
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT token_hash FROM relapse_plan")).scalar_one() == "3" * 64
    db.upgrade_engine(empty_engine)
    assert schema_diff(empty_engine) == []
    with empty_engine.connect() as conn:
        assert conn.execute(text("SELECT print_choices FROM relapse_plan")).scalar_one() is None


def test_session_database_matches_models(app: Flask) -> None:
    assert db.database_is_current(app)
    assert schema_diff(db.get_engine(app)) == []


def test_init_db_command(empty_database_url: str, make_app: Callable[..., Flask]) -> None:
    app = make_app(DATABASE_URL=empty_database_url)
    assert not db.database_is_current(app)

    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database is up to date." in result.output
    assert db.database_is_current(app)

    again = app.test_cli_runner().invoke(args=["init-db"])
    assert again.exit_code == 0, again.output


def test_setup_command(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    # Keep the real instance/ folder untouched: setup writes the secret key there.
    app.instance_path = str(tmp_path)
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "secret_key").is_file()
    assert "Setup complete." in result.output

    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0, second.output
    assert "Secret key: present." in second.output


def test_one_session_per_app_context(app: Flask) -> None:
    with app.app_context():
        session = db.get_session()
        assert db.get_session() is session
    with app.app_context():
        assert db.get_session() is not session


def test_uncommitted_work_is_discarded_at_teardown(app: Flask, db_session: Session) -> None:
    with app.app_context():
        db.get_session().add(
            Assessment(token_hash="0" * 64, content_version="v", answers={}, result={})
        )
        db.get_session().flush()
    assert db_session.exec(select(func.count()).select_from(Assessment)).one() == 0


def test_session_rolled_back_when_request_fails(app: Flask, db_session: Session) -> None:
    @app.get("/boom")
    def boom() -> str:
        db.get_session().add(
            Assessment(token_hash="1" * 64, content_version="v", answers={}, result={})
        )
        db.get_session().flush()
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert db_session.exec(select(func.count()).select_from(Assessment)).one() == 0


def test_committed_work_is_visible(app: Flask, db_session: Session) -> None:
    with app.app_context():
        db.get_session().add(
            Assessment(token_hash="2" * 64, content_version="v", answers={"q": 1}, result={})
        )
        db.get_session().commit()
        assert "recovery_db_session" in g
    row = db_session.exec(select(Assessment)).one()
    assert row.answers == {"q": 1}


def test_sqlite_enforces_foreign_keys_and_secure_delete(tmp_path: Path) -> None:
    # SQLite is the default database, so this runs whichever database the suite targets.
    engine = db.make_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    try:
        # Migrations switch enforcement off on their connection; it must be back on afterwards.
        db.upgrade_engine(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.sqlite3", "sqlite:///x.sqlite3"),
    ],
)
def test_normalize_database_url(url: str, expected: str) -> None:
    assert db.normalize_database_url(url) == expected


def test_0013_gives_old_audit_events_their_client(empty_engine: Engine) -> None:
    """The client filter finds events recorded before audit_event.client_id existed: a client's
    own events by object_id, its screenings' and plans' by their detail."""
    db.upgrade_engine(empty_engine)
    with empty_engine.begin() as conn:
        command.downgrade(db.alembic_config(conn), "0012")
        for object_type, object_id, detail in (
                ("client", "7", "code C-2345-6789"), ("screening", "3", "client 7; notes changed"),
                ("plan", "4", "client 12; plan_pdf full"), ("plan", "5", "client 7"),
                ("user", "2", ""), ("client", "=1+1", ""), ("screening", "9", "clients 8")):
            conn.execute(text("INSERT INTO audit_event (at, action, object_type, object_id, "
                              "detail) VALUES (:now, 'view', :type, :id, :detail)"),
                         {"now": NOW, "type": object_type, "id": object_id, "detail": detail})
    db.upgrade_engine(empty_engine)
    with empty_engine.connect() as conn:
        found = conn.execute(text("SELECT client_id FROM audit_event ORDER BY id")).scalars()
        assert list(found) == [7, 7, 12, 7, None, None, None]
    indexes = {index["name"] for index in inspect(empty_engine).get_indexes("audit_event")}
    assert {"ix_audit_event_at_id", "ix_audit_event_user_id_at", "ix_audit_event_action_at",
            "ix_audit_event_client_id_at"} <= indexes
    assert schema_diff(empty_engine) == []
