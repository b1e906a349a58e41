"""Encryption at rest of notes and plan text: off by default, on with ENCRYPTION_KEYS, readable
through the app, ciphertext in the database, and keys that rotate with `reseal`."""

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import text

from recovery import sealed
from recovery.counselor import clients, users
from recovery.counselor.caseload import operations
from recovery.counselor.screenings import operations as screenings
from recovery.db import get_session
from recovery.models import Client, ClientScreening
from recovery.planning.build import build_draft
from recovery.plans import store
from recovery.screening.engine import screen
from recovery.seeds import current_content

KEY_A, KEY_B = sealed.new_key(), sealed.new_key()
NOTE = "Mentioned her brother Sam at 555-0101"
CONSENT = "Agreed by phone; her partner must not know"
ANSWERS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))
NOW = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def write_rows(app: Flask) -> tuple[int, int]:
    """A client with a consent note, a screening with notes and reason, and a plan; returns
    the screening's and the plan's ids."""
    with app.app_context():
        db = get_session()
        user = users.create_user(db, email="casey@example.org", display_name="Casey",
                                 role="counselor", password="a long enough passphrase", now=NOW)
        client = operations.create_client(db, owner=user, name="", consent_note=CONSENT, now=NOW)
        row = screenings.add_screening(db, client=client, counselor=user, answers=ANSWERS,
                                       result=screen(ANSWERS, current_content(), locale="US"),
                                       content_version="test", notes=NOTE, now=NOW)
        row.override_reason = "Works nights, sister " + NOTE
        draft = build_draft(ANSWERS, current_content(), today=NOW.date(), locale="US")
        draft = dataclasses.replace(draft, display_name="Sam")
        plan = store.create_client_plan(db, draft=draft, client_id=client.id or 0)
        db.commit()
        assert row.id is not None and plan.id is not None
        return row.id, plan.id


def raw(app: Flask, sql: str) -> list[str]:
    with app.app_context():
        return [str(value) for (value,) in get_session().execute(text(sql)).all()]


def read_back(app: Flask, screening_id: int, plan_id: int) -> tuple[str, str, str, str]:
    with app.app_context():
        db = get_session()
        row = db.get(ClientScreening, screening_id)
        client = db.get(Client, row.client_id) if row is not None else None
        assert row is not None and client is not None
        plan = store.client_plans(db, client_id=row.client_id)[0]
        return (row.notes, row.override_reason, store.latest_draft(db, plan=plan).display_name,
                client.consent_note)


READ_BACK = (NOTE, "Works nights, sister " + NOTE, "Sam", CONSENT)


def test_without_keys_text_is_stored_as_it_is(app: Flask) -> None:
    screening_id, plan_id = write_rows(app)
    assert raw(app, "SELECT notes FROM client_screening") == [NOTE]
    assert raw(app, "SELECT consent_note FROM client") == [CONSENT]
    assert "Sam" in raw(app, "SELECT draft FROM plan_revision")[0]
    assert read_back(app, screening_id, plan_id) == READ_BACK


def test_with_a_key_the_database_holds_only_ciphertext(make_app: Callable[..., Flask],
                                                       app: Flask) -> None:
    keyed = make_app(ENCRYPTION_KEYS=[KEY_A])
    screening_id, plan_id = write_rows(keyed)
    every_value = " ".join(
        raw(keyed, "SELECT notes FROM client_screening")
        + raw(keyed, "SELECT override_reason FROM client_screening")
        + raw(keyed, "SELECT draft FROM plan_revision")
        + raw(keyed, "SELECT consent_note FROM client"))
    # Field names and the note's words, long enough never to turn up in random ciphertext by
    # chance (a short name like "Sam" does, now and then).
    assert "display_name" not in every_value and "brother Sam" not in every_value
    assert "555-0101" not in every_value and "must not know" not in every_value
    assert raw(keyed, "SELECT notes FROM client_screening")[0].startswith("sealed:v1:")
    assert read_back(keyed, screening_id, plan_id) == READ_BACK
    # Without the key the app can't read it, and says why instead of showing ciphertext.
    with pytest.raises(sealed.SealedDataError, match="ENCRYPTION_KEYS is empty"):
        read_back(app, screening_id, plan_id)


def test_a_consent_note_of_the_longest_length_fits_once_sealed(
        make_app: Callable[..., Flask], app: Flask) -> None:
    """The ciphertext of a 200-character note is far longer: the column is TEXT (0006), which
    PostgreSQL holds to (SQLite would take any length)."""
    keyed = make_app(ENCRYPTION_KEYS=[KEY_A])
    longest = "n" * clients.MAX_NOTE_LENGTH
    with keyed.app_context():
        db = get_session()
        user = users.create_user(db, email="casey@example.org", display_name="Casey",
                                 role="counselor", password="a long enough passphrase", now=NOW)
        client_id = operations.create_client(db, owner=user, name="", consent_note=longest,
                                          now=NOW).id
        db.commit()
    stored = raw(keyed, "SELECT consent_note FROM client")[0]
    assert stored.startswith("sealed:v1:") and len(stored) > len(longest)
    with keyed.app_context():
        client = get_session().get(Client, client_id)
        assert client is not None and client.consent_note == longest


def test_rotating_to_a_new_key(make_app: Callable[..., Flask], app: Flask) -> None:
    screening_id, plan_id = write_rows(make_app(ENCRYPTION_KEYS=[KEY_A]))
    both = make_app(ENCRYPTION_KEYS=[KEY_B, KEY_A])
    assert read_back(both, screening_id, plan_id)[0] == NOTE  # old rows still open

    result = both.test_cli_runner().invoke(args=["reseal"])
    assert result.exit_code == 0, result.output
    assert "client_screening.notes: 1 rows sealed with the first key" in result.output
    assert "plan_revision.draft: 1 rows sealed with the first key" in result.output
    assert "client.consent_note: 1 rows sealed with the first key" in result.output

    only_new = make_app(ENCRYPTION_KEYS=[KEY_B])
    assert read_back(only_new, screening_id, plan_id) == READ_BACK
    stored = raw(only_new, "SELECT notes FROM client_screening")[0]
    assert Fernet(KEY_B.encode()).decrypt(stored.removeprefix("sealed:v1:").encode()) \
        == NOTE.encode()
    with pytest.raises(sealed.SealedDataError, match="none of the keys"):
        read_back(make_app(ENCRYPTION_KEYS=[KEY_A]), screening_id, plan_id)


def test_switching_encryption_on_later_seals_the_old_rows(make_app: Callable[..., Flask],
                                                          app: Flask) -> None:
    screening_id, plan_id = write_rows(app)
    keyed = make_app(ENCRYPTION_KEYS=[KEY_A])
    assert read_back(keyed, screening_id, plan_id)[0] == NOTE  # plain rows still read
    assert keyed.test_cli_runner().invoke(args=["reseal"]).exit_code == 0
    assert raw(keyed, "SELECT notes FROM client_screening")[0].startswith("sealed:v1:")
    assert raw(keyed, "SELECT consent_note FROM client")[0].startswith("sealed:v1:")
    with keyed.app_context():
        value = get_session().execute(text("SELECT draft FROM plan_revision")).scalar_one()
    stored_draft = json.loads(value) if isinstance(value, str) else value  # PostgreSQL: a dict
    assert list(stored_draft) == ["sealed:v1"] and "display_name" not in stored_draft["sealed:v1"]
    assert read_back(keyed, screening_id, plan_id)[2] == "Sam"


# A heavier pattern than ANSWERS, with a flag, so the result holds scores, flags and paths.
HEAVY = ANSWERS | {"last_use": "past_week", "frequency": "daily", "c_craving": "yes",
                   "c_tolerance": "yes", "c_more_than_meant": "yes", "c_cut_down": "yes",
                   "m_down": "most_days", "a_worry": "most_days", "w_alone_secret": "yes"}
CHOSEN_PATH = "dual_diagnosis"


def write_screening(app: Flask) -> int:
    """A client's screening of HEAVY with the engine's real result and a chosen path."""
    with app.app_context():
        db = get_session()
        user = users.create_user(db, email="casey@example.org", display_name="Casey",
                                 role="counselor", password="a long enough passphrase", now=NOW)
        client = operations.create_client(db, owner=user, name="", consent_note="", now=NOW)
        result = screen(HEAVY, current_content(), locale="US")
        row = screenings.add_screening(db, client=client, counselor=user, answers=HEAVY,
                                       result=result, content_version="test", notes="",
                                       now=NOW)
        screenings.set_override(db, screening=row, path_id=CHOSEN_PATH, reason="Fits best",
                                by=user, known_paths=frozenset({CHOSEN_PATH}), now=NOW)
        db.commit()
        assert row.id is not None
        return row.id


def clinical_words(app: Flask) -> set[str]:
    """What a screening of HEAVY says about the client: every answer id and value, the
    substance, the levels, flags and paths of its result, the chosen path, and the summary's
    field names. Only words of 6 characters or more: shorter ones ("yes", "daily") turn up in
    random ciphertext by chance now and then."""
    with app.app_context():
        result = screen(HEAVY, current_content(), locale="US").to_dict()
    values = [v for value in HEAVY.values() for v in (value if isinstance(value, list)
                                                        else [value])]
    words = {*HEAVY, *values, result["substance"], result["severity"]["level"],
             *(s["scale"] for s in result["scores"]), *(f["id"] for f in result["flags"]),
             *(p["id"] for p in result["paths"]), CHOSEN_PATH,
             "severity_score", "mood_score", "anxiety_score", "flag_count", "is_at_risk"}
    assert result["flags"] and "using_alone" in words  # the example has what it should
    return {str(word) for word in words if len(str(word)) >= 6}


def raw_row(app: Flask) -> str:
    """Every value of the one client_screening row, as the database hands it over."""
    with app.app_context():
        row = get_session().execute(text("SELECT * FROM client_screening")).one()
    return " ".join(str(value) for value in row)


def test_without_keys_a_screening_is_stored_as_it_is(app: Flask) -> None:
    write_screening(app)
    stored = raw_row(app)
    assert CHOSEN_PATH in stored and "using_alone" in stored and "ketamine" in stored


def test_with_a_key_no_clinical_word_of_a_screening_is_in_the_database(
        make_app: Callable[..., Flask], app: Flask) -> None:
    keyed = make_app(ENCRYPTION_KEYS=[KEY_A])
    screening_id = write_screening(keyed)
    stored = raw_row(keyed)
    assert sorted(word for word in clinical_words(keyed) if word in stored) == []
    with keyed.app_context():
        row = get_session().get(ClientScreening, screening_id)
        assert row is not None and row.answers == HEAVY and row.override_path == CHOSEN_PATH
        assert row.result["substance"] == "ketamine"
        assert (row.severity_score, row.severity_max, row.flag_count) == (4, 10, 1)


def test_reseal_seals_the_screenings_written_before_the_key(
        make_app: Callable[..., Flask], app: Flask) -> None:
    screening_id = write_screening(app)
    keyed = make_app(ENCRYPTION_KEYS=[KEY_A])
    result = keyed.test_cli_runner().invoke(args=["reseal"])
    assert result.exit_code == 0, result.output
    for column in ("answers", "result", "summary", "override_path"):
        assert f"client_screening.{column}: 1 rows sealed" in result.output
    stored = raw_row(keyed)
    assert sorted(word for word in clinical_words(keyed) if word in stored) == []
    with keyed.app_context():
        row = get_session().get(ClientScreening, screening_id)
        assert row is not None and row.answers == HEAVY and row.override_path == CHOSEN_PATH


def test_reseal_without_a_key_is_refused(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["reseal"])
    assert result.exit_code == 1 and "ENCRYPTION_KEYS is empty" in result.output


def test_new_encryption_key_prints_a_usable_key(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["new-encryption-key"])
    assert result.exit_code == 0
    assert sealed.key_problem([result.output.strip()]) is None


@pytest.mark.parametrize("keys, message", [
    ("one-string", "must be a list"),
    (["not a key"], "ENCRYPTION_KEYS[0] is not a valid key"),
    ([KEY_A, "x" * 44], "ENCRYPTION_KEYS[1] is not a valid key"),
])
def test_the_app_refuses_to_start_with_bad_keys(make_app: Callable[..., Flask], keys: object,
                                                message: str) -> None:
    with pytest.raises(SystemExit, match=message.replace("[", r"\[").replace("]", r"\]")):
        make_app(ENCRYPTION_KEYS=keys)


def test_every_sealed_column_is_resealed() -> None:
    from sqlmodel import SQLModel

    from recovery.encryption import SEALED_COLUMNS
    found = {(table.name, column.name)
             for table in SQLModel.metadata.tables.values() for column in table.columns
             if isinstance(column.type, sealed.SealedText | sealed.SealedJSON)}
    assert found == {(model.__tablename__, name) for model, name in SEALED_COLUMNS}
