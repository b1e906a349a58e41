"""Who needs attention (issue 16 item 9): the dashboard and the caseload say whose latest
screening had a crisis or urgent medical flag, who is due for a re-screen and who has never
been screened; the caseload sorts by it; neither page's query count grows with the data."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.counselor.caseload.test_clients import new_client, seed_clients
from tests.counselor.conftest import Account, Clock, SignIn, text
from tests.counselor.test_audit import WALK_ANSWERS
from tests.counselor.test_screenings import HEAVY, LOW_RISK, save_screening

CHEST = LOW_RISK | {"symptoms": ["chest_pain"]}


def row_of(body: str, code_or_name: str) -> str:
    """The caseload table's row (or the dashboard's list item) that names the client."""
    for row in re.findall(r"<(?:tr|li)>.*?</(?:tr|li)>", body, flags=re.S):
        if code_or_name in row:
            return " ".join(re.sub(r"<[^>]+>", " ", row).split())
    raise AssertionError(f"{code_or_name} not listed")


def test_each_kind_of_attention_is_said_in_words(casey: FlaskClient, clock: Clock,
                                                 sign_in: SignIn, counselor: Account) -> None:
    new_client(casey, name="Nia Never")
    calm = new_client(casey, name="Cal Calm")
    crisis = new_client(casey, name="Cris Crisis")
    chest = new_client(casey, name="Ches Chest")
    old = new_client(casey, name="Olga Old")
    save_screening(casey, old, HEAVY | {"s_wish_dead": "yes", "s_thoughts_week": "no",
                                         "s_attempt_ever": "no", "s_now": "no"})
    clock.advance(days=91)
    casey = sign_in(counselor)  # the 8-hour session ended meanwhile
    save_screening(casey, old, LOW_RISK)  # the latest is calm: the old flag no longer counts
    clock.advance(days=91)  # ... and it is 91 days old now
    casey = sign_in(counselor)
    save_screening(casey, calm, LOW_RISK)
    save_screening(casey, crisis, WALK_ANSWERS)
    save_screening(casey, chest, CHEST)

    caseload = text(casey.get("/counselor/clients"))
    assert "Never screened" in row_of(caseload, "Nia Never")
    assert not re.search(r"flag|Due|Never", row_of(caseload, "Cal Calm"))
    assert "Crisis flag on the latest screening" in row_of(caseload, "Cris Crisis")
    assert "Urgent medical flag on the latest screening" in row_of(caseload, "Ches Chest")
    olga = row_of(caseload, "Olga Old")
    assert "Due for a re-screen" in olga and "Crisis" not in olga

    dashboard = text(casey.get("/counselor/"))
    flagged = dashboard[dashboard.index("A crisis or urgent"):dashboard.index("Due for a re-")]
    assert "Cris Crisis" in flagged and "Ches Chest" in flagged and "Cal Calm" not in flagged
    assert "Due for a re-screen (1)" in dashboard and "Never screened (1)" in dashboard
    assert "Olga Old" in row_of(dashboard, "Olga Old") and "Nia Never" in dashboard


def test_the_caseload_sorts_longest_since_a_screening_first(
        casey: FlaskClient, clock: Clock, sign_in: SignIn, counselor: Account) -> None:
    first = new_client(casey, name="Ann First")
    second = new_client(casey, name="Ben Second")
    new_client(casey, name="Cy Never")
    save_screening(casey, second, LOW_RISK)
    clock.advance(days=3)
    casey = sign_in(counselor)
    save_screening(casey, first, LOW_RISK)
    body = text(casey.get("/counselor/clients?sort=due"))
    assert body.index("Cy Never") < body.index("Ben Second") < body.index("Ann First")
    assert "longest since a screening first" in body
    by_name = text(casey.get("/counselor/clients?sort=name"))
    assert by_name.index("Ann First") < by_name.index("Ben Second") < by_name.index("Cy Never")
    assert casey.get("/counselor/clients?sort=risk").status_code == 400


def test_the_interval_is_a_setting(app: Flask, casey: FlaskClient, clock: Clock,
                                   sign_in: SignIn, counselor: Account) -> None:
    client_id = new_client(casey, name="Dee Days")
    save_screening(casey, client_id, LOW_RISK)
    clock.advance(days=8)
    casey = sign_in(counselor)
    assert "Due for a re-screen" not in row_of(text(casey.get("/counselor/clients")), "Dee")
    app.config["COUNSELOR_RESCREEN_DAYS"] = 7
    assert "Due for a re-screen" in row_of(text(casey.get("/counselor/clients")), "Dee")


@pytest.mark.parametrize("url", ["/counselor/", "/counselor/clients",
                                 "/counselor/clients?sort=due", "/counselor/clients?sort=name"])
def test_queries_do_not_grow_with_the_caseload_or_its_screenings(
        app: Flask, casey: FlaskClient, counselor: Account, clock: Clock,
        statements: list[str], url: str) -> None:
    def count() -> int:
        statements.clear()
        assert casey.get(url).status_code == 200
        return len(statements)

    screened = new_client(casey)
    save_screening(casey, screened, LOW_RISK)
    few = count()
    seed_clients(app, counselor, 40)
    for _ in range(2):
        save_screening(casey, screened, CHEST)
    save_screening(casey, new_client(casey), WALK_ANSWERS)
    assert count() == few
