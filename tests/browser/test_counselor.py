"""A counselor signs in, adds a client and opens them; an idle or over-long session ends."""

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from recovery.models import Client, User, UserSession, utc_now
from tests.browser.flows import (
    add_client,
    answer_questionnaire,
    download_after_preview,
    download_pdf,
    low_risk_answers,
    pdf_text,
    sign_in,
    wait_for_page_focus,
)
from tests.browser.harness import Journey
from tests.browser.server import IDLE_MINUTES, SESSION_HOURS, LiveServer


def test_sign_in_add_a_client_and_open_them(page: Page, live_server: LiveServer,
                                            journey: Callable[[str], Journey]) -> None:
    trip = journey("counselor")
    page.goto("/counselor/")
    expect(page).to_have_url(re.compile(r"/counselor/login"))
    trip.visit("login")

    page.get_by_role("button", name="Sign in").click()
    assert wait_for_page_focus(page)["id"] == "error-summary"
    trip.visit("login-errors")

    sign_in(page, live_server.admin)
    expect(page.locator("h1")).to_have_text(f"Hello, {live_server.admin.name}")
    trip.visit("dashboard")

    page.get_by_role("navigation", name="Counselor workspace").get_by_role(
        "link", name="My clients").click()
    trip.visit("clients-empty")

    page.get_by_role("link", name="Add your first client").click()
    code = add_client(page, "Jo Example", trip)
    trip.visit("client")

    page.get_by_role("link", name="Back to my clients").click()
    page.get_by_role("link", name=code).click()
    expect(page.locator("dl.facts")).to_contain_text("Jo Example")

    page.get_by_role("link", name="Users").click()
    trip.visit("users")
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("table")).to_contain_text(code)
    trip.visit("audit")


def test_screening_with_a_client_to_plan_pdf_and_history(
        page: Page, live_server: LiveServer, journey: Callable[[str], Journey],
        tmp_path: Path) -> None:
    trip = journey("counselor-screening")
    page.goto("/counselor/login")
    sign_in(page, live_server.admin)
    page.goto("/counselor/clients/new")
    code = add_client(page, "Sam Example")

    page.get_by_role("button", name="Start a screening with this client").click()
    answer_questionnaire(page, low_risk_answers(c_craving="yes", c_tolerance="yes"), trip,
                         until="/screenings/new/result")
    expect(page.locator("h1")).to_have_text(f"Review and save: client {code}")
    trip.visit("review")
    page.get_by_label("Notes (optional)").fill("Agreed to try the urge plan this week.")
    page.get_by_role("button", name="Save the screening").click()
    expect(page.locator(".notices")).to_contain_text("The screening is saved.")
    trip.visit("screening")

    page.get_by_label("Path you recommend").select_option("peer_support")
    page.get_by_label("Why you chose it").fill("Already knows a SMART Recovery group nearby.")
    page.get_by_role("button", name="Save the choice of path").click()
    expect(page.locator("#choice-title + p + p")).to_contain_text("Peer support groups")
    trip.visit("screening-with-choice")

    # A later screening of another substance: its own line on the history chart.
    page.get_by_role("link", name=f"Client {code}").click()
    page.get_by_role("button", name="Start a screening with this client").click()
    answer_questionnaire(page, low_risk_answers(substance="alcohol", depressant_daily="no",
                                                c_craving="yes", c_duties="yes"),
                         until="/screenings/new/result")
    page.get_by_role("button", name="Save the screening").click()
    expect(page.locator(".notices")).to_contain_text("The screening is saved.")
    page.get_by_role("link", name="History").click()
    expect(page.locator(".chart-legend").first).to_contain_text("Alcohol (share of 11 areas)")
    expect(page.locator(".chart-legend").first).to_contain_text("Ketamine (share of 10 areas)")
    expect(page.locator(".history-table tbody tr").first).to_contain_text("Alcohol")
    trip.visit("history-two-substances")
    page.locator(".history-table tbody tr").last.get_by_role("link").click()

    page.get_by_role("button", name="Make a plan from this screening").click()
    expect(page).to_have_url(re.compile(r"/counselor/clients/\d+/plans/\d+$"))
    expect(page.locator(".saved-box")).to_contain_text(f"Plan for client {code}")
    trip.visit("client-plan")
    assert "My relapse-prevention plan" in pdf_text(
        download_pdf(page, "The full plan", 0, tmp_path))
    handout = pdf_text(download_after_preview(page, "A one-page handout", 0, tmp_path, trip,
                                              "client-plan-handout-preview"))
    assert "My recovery plan" in handout and "ketamine" not in handout.lower()

    page.get_by_role("link", name=f"Back to client {code}").click()
    trip.visit("client-with-history")
    page.get_by_role("link", name="see the whole history and chart").click()
    expect(page.locator("figure.history-chart svg[role=img]")).to_have_count(3)
    expect(page.locator("#checklist-desc")).to_contain_text("2 screenings from")
    trip.visit("history")

    page.get_by_role("link", name="Meeting handouts").click()
    trip.visit("handouts")
    page.get_by_label(re.compile(f"^Client {code}: plan started")).check()
    page.get_by_label("The client's initials").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the handouts as one PDF").click()
    bundle = tmp_path / "bundle.pdf"
    info.value.save_as(bundle)
    assert pdf_text(bundle).lstrip().startswith("S. E.")  # Sam Example, on every page
    assert "My recovery plan" in pdf_text(bundle)


def test_a_record_number_and_a_leaving_counselors_caseload(
        page: Page, live_server: LiveServer, journey: Callable[[str], Journey]) -> None:
    """A client is found by the clinic's record number; when a counselor leaves, an admin
    switches them off and gives their caseload to a colleague."""
    trip = journey("counselor-leaving")
    leaving_code = add_leaving_counselor(live_server)
    page.goto("/counselor/login")
    sign_in(page, live_server.admin)
    page.goto("/counselor/clients/new")
    page.get_by_label("Clinic record number (optional)").fill("MRN/2026-7")
    code = add_client(page, "Rae Example")
    expect(page.locator("dl.facts")).to_contain_text("MRN/2026-7")
    page.goto("/counselor/clients")
    page.get_by_label("Search by code, name or clinic record number").fill("mrn/2026")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table")).to_contain_text(code)
    trip.visit("search-record-number")

    page.get_by_role("link", name="Users").click()
    page.get_by_role("button", name="Switch off lee.leaving@example.org").click()
    trip.visit("users-switched-off")
    page.get_by_role("link", name="Move their caseload (lee.leaving@example.org)").click()
    expect(page.locator("h1")).to_have_text("Move the caseload of Lee Leaving")
    trip.visit("move-caseload")
    page.get_by_label("Give the caseload to").select_option(
        label=f"{live_server.admin.name} ({live_server.admin.email})")
    page.get_by_role("button", name="Move the caseload").click()
    expect(page.locator(".notices")).to_contain_text("now has lee.leaving@example.org's 1 client")
    page.goto("/counselor/clients")
    expect(page.locator("table")).to_contain_text(leaving_code)
    trip.visit("clients-after-move")


def add_leaving_counselor(live_server: LiveServer) -> str:
    """A counselor with one client, in the server's own database; the client's code."""
    engine = live_server.engine()
    try:
        with Session(engine) as db:
            lee = User(email="lee.leaving@example.org", display_name="Lee Leaving",
                       role="counselor", password_hash="not used: Lee never signs in here")
            db.add(lee)
            db.flush()
            assert lee.id is not None
            client = Client(counselor_id=lee.id, code="C-LEE2-WAYS", consent_given_at=utc_now())
            db.add(client)
            db.commit()
            return client.code
    finally:
        engine.dispose()


@pytest.mark.parametrize(("reason", "time_passed", "message"), [
    ("idle", {"last_seen_at": timedelta(minutes=IDLE_MINUTES + 1)},
     f"after {IDLE_MINUTES} minutes without activity"),
    ("expired", {"created_at": timedelta(hours=SESSION_HOURS, minutes=1),
                 "last_seen_at": timedelta(minutes=1)},
     f"signed in for {SESSION_HOURS} hours"),
])
def test_session_timeout_signs_out_and_returns_after_sign_in(
        page: Page, live_server: LiveServer, journey: Callable[[str], Journey], reason: str,
        time_passed: dict[str, timedelta], message: str) -> None:
    trip = journey(f"timeout-{reason}")
    page.goto("/counselor/login")
    sign_in(page, live_server.admin)
    page.get_by_role("link", name="Audit log").first.click()
    audit_url = page.url

    move_session_back(live_server, time_passed)
    page.reload()
    expect(page).to_have_url(re.compile(r"/counselor/login\?next="))
    expect(page.locator(".notices")).to_contain_text(message)
    trip.visit("signed-out")

    sign_in(page, live_server.admin)
    assert page.url == audit_url
    said = {"idle": "no activity for too long", "expired": "the longest session allowed ended"}
    expect(page.locator("table")).to_contain_text(f"Signed out automatically: {said[reason]}")


def move_session_back(live_server: LiveServer, time_passed: dict[str, timedelta]) -> None:
    """Let time pass for the signed-in session by moving its timestamps into the past, in the
    server's own database: the server then applies its real limits to it."""
    engine = live_server.engine()
    try:
        with Session(engine) as db:
            # The newest sign-in is this test's; earlier tests' sessions are left alone.
            login = db.exec(select(UserSession).where(col(UserSession.ended_at).is_(None))
                            .order_by(col(UserSession.id).desc())).first()
            assert login is not None, "no open counselor session"
            for column, delta in time_passed.items():
                setattr(login, column, getattr(login, column) - delta)
            db.add(login)
            db.commit()
    finally:
        engine.dispose()


def test_a_screening_cut_short_by_the_idle_limit_goes_on_after_signing_in(
        page: Page, live_server: LiveServer, journey: Callable[[str], Journey]) -> None:
    """A long safety conversation outlasts the idle limit: the answers so far, the suicide
    answers too, are on the server, and the counselor goes on where they were after signing in
    again, and from the client's page. Every page read to the client uses words true for a
    client whose name is on the record, and the record speaks about the client."""
    trip = journey("counselor-resume")
    page.goto("/counselor/login")
    sign_in(page, live_server.admin)
    page.goto("/counselor/clients/new")
    code = add_client(page, "Ray Example")
    page.get_by_role("button", name="Start a screening with this client").click()
    expect(page.locator(".lead")).to_contain_text("As you agreed, what you tell me goes in your")
    expect(page.locator("main")).not_to_contain_text("anonymous")
    trip.visit("step-substance")
    answers = low_risk_answers(s_wish_dead="yes", c_craving="yes", c_duties="yes")
    answer_questionnaire(page, answers, until="/screenings/new/support")
    expect(page.locator("main")).to_contain_text("kept on the server as you go, for you alone")
    trip.visit("support")

    move_session_back(live_server, {"last_seen_at": timedelta(minutes=IDLE_MINUTES + 1)})
    page.get_by_role("link", name="Continue the screening").click()
    expect(page).to_have_url(re.compile(r"/counselor/login\?next="))
    expect(page.locator(".notices")).to_contain_text(
        f"after {IDLE_MINUTES} minutes without activity")
    trip.visit("signed-out")

    sign_in(page, live_server.admin)  # back where they were going: the next safety question
    expect(page).to_have_url(re.compile(r"/screenings/new/safety_more$"))
    page.goto(page.url.split("/screenings/")[0])  # and the client's page offers it too
    expect(page.locator("#in-progress-title")).to_have_text("Your screening in progress")
    expect(page.locator(".in-progress")).to_contain_text("kept for you alone until")
    trip.visit("client-in-progress")
    page.get_by_role("link", name="Continue the screening").click()
    expect(page).to_have_url(re.compile(r"/screenings/new/safety_more$"))
    answer_questionnaire(page, answers | {"s_now": "no"}, until="/screenings/new/result")
    expect(page.locator(".severity-words")).to_contain_text("The client said yes to 2 of 10")
    trip.visit("review")
    page.get_by_role("button", name="Save the screening").click()
    expect(page.locator(".notices")).to_contain_text("The screening is saved.")
    expect(page.locator("#crisis-title")).to_have_text("Safety first")
    trip.visit("screening")
    page.get_by_role("link", name=f"Client {code}").click()
    expect(page.locator(".in-progress")).to_have_count(0)


def test_who_needs_attention_and_the_audit_log_s_filters(
        page: Page, live_server: LiveServer, journey: Callable[[str], Journey]) -> None:
    """The dashboard and the caseload say who was never screened; the admin finds what was done
    to one client, by whom, on which days, in words and in the install's time (New York)."""
    trip = journey("attention")
    page.goto("/counselor/login")
    sign_in(page, live_server.admin)
    for name in ("Nia Never", "Noor Never"):
        page.goto("/counselor/clients/new")
        code = add_client(page, name)
    page.goto("/counselor/")
    # Other journeys share the server's database: at least these two.
    never = page.get_by_role("heading", name=re.compile(r"^Never screened \((\d+)\)$"))
    assert int(re.findall(r"\d+", never.inner_text())[0]) >= 2
    expect(page.locator(".attention-list").last).to_contain_text("Noor Never")
    trip.visit("dashboard")

    page.get_by_role("navigation", name="Counselor workspace").get_by_role(
        "link", name="My clients").click()
    page.get_by_role("link", name="longest since a screening first").click()
    expect(page.locator("table")).to_contain_text("Never screened")
    trip.visit("clients-due-first")

    page.get_by_role("navigation", name="Counselor workspace").get_by_role(
        "link", name="Audit log").click()
    expect(page.locator("caption")).to_contain_text("on this page")
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d E[SD]T",
                     page.locator("tbody td").first.inner_text())
    trip.visit("audit")
    page.get_by_label("Who").select_option(label=f"{live_server.admin.name} "
                                                 f"({live_server.admin.email})")
    page.get_by_label("Client code").fill(code.lower())
    page.get_by_label("What").select_option(label="Added or saved")
    page.get_by_role("button", name="Show these events").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("Added the client")
    expect(page.locator("tbody")).to_contain_text(f"{code} (Noor Never)")
    trip.visit("audit-filtered")

    page.get_by_label("From (day)").fill("2030-02-02")
    page.get_by_label("To (day, included)").fill("2030-02-01")
    page.get_by_role("button", name="Show these events").click()
    assert wait_for_page_focus(page)["id"] == "error-summary"
    expect(page.locator("#error-summary")).to_contain_text("can't be before the first day")
    trip.visit("audit-filter-errors")
