"""The plan page (plans/pages.py, display.py): every section, why, the PDFs, the safety plan."""

from html import escape, unescape

from flask import Flask, url_for
from flask.testing import FlaskClient

from tests.plans.helpers import (
    AT_HOME_TREATMENT,
    AT_RISK,
    SECTIONS,
    edit_url,
    latest,
    make_plan,
    markup,
    open_section,
    save_section,
    words,
)

# --- The plan page ---------------------------------------------------------------------------


def test_the_plan_page_shows_every_section_and_why(client: FlaskClient, plan: str) -> None:
    page = client.get(f"/plans/{plan}")
    text = words(page)

    for heading in ("About this plan", "My reasons", "My triggers and what I will do",
                    "Early warning signs", "My urge plan", "My daily routine",
                    "Support contacts", "Meetings", "Treatment next steps", "If I slip",
                    "When to get medical help", "Staying safer", "If I'm in crisis", "Review date"):
        assert heading in text, heading
    # Triggers are grouped by kind, ranked, with their if-then steps and the reason for each.
    assert "Places, things and times Being alone with ketamine within reach High risk" in text
    assert "Avoid it: Keep none at home" in text
    assert "Why this is suggested: You said you often use alone or in secret." in text
    assert "Why this is suggested: Secrecy was part of using before." in text
    assert "988 Suicide & Crisis Lifeline" in text
    assert "Wait 20 minutes" in text
    for section in SECTIONS:
        assert f'href="/plans/{plan}/edit/{section}"' in markup(page)
        # "Back to my plan" and a saved edit return to /plans/<link>#<section>.
        assert f'id="{section}"' in markup(page), section
    assert "My safety plan" not in text
    assert "Ketamine treatment aftercare" not in text
    assert 'style="' not in markup(page)  # the CSP allows no inline styles


def test_the_plan_page_links_every_pdf(app: Flask, client: FlaskClient, plan: str) -> None:
    page = markup(client.get(f"/plans/{plan}"))
    with app.test_request_context():
        for layout in ("full", "handout", "wallet"):
            # The share-safe printouts open their preview first.
            view, path = ("plan_pdf", "pdf") if layout == "full" else ("print_preview", "print")
            for paper in ("a4", "letter"):
                link = url_for(f"plans.link.{view}", token=plan, layout=layout, paper=paper)
                assert link == f"/plans/{plan}/{path}/{layout}?paper={paper}"
                assert f'href="{escape(link)}"' in page, link


def test_ketamine_treatment_aftercare_and_at_home_rules(client: FlaskClient) -> None:
    token = make_plan(client, AT_HOME_TREATMENT)

    page = client.get(f"/plans/{token}")

    text = words(page)
    assert "Ketamine treatment aftercare" in text
    assert "Common, and usually passes Call your provider" in text
    assert "Mild dizziness or nausea Severe vomiting" in text
    assert "Safety rules for treatment at home" in text
    assert "A sober person you trust stays with you for the whole session." in text
    assert client.get(edit_url(token, "therapy")).status_code == 404


def test_someone_at_risk_gets_a_safety_plan_they_can_fill_in(
        client: FlaskClient, app: Flask) -> None:
    token = make_plan(client, AT_RISK)
    response = client.get(f"/plans/{token}")
    html, page = response.text, words(response)
    assert "If you don't feel safe right now" in page
    # The notice holds the crisis lines themselves, first on the page: the safety plan it
    # leads to may still be empty.
    notice = html[html.index("crisis-notice"):html.index("safety_steps-title")]
    assert 'href="tel:911"' in notice and 'href="tel:988"' in notice
    assert "My safety plan" in page and "Not filled in yet." in page

    edit = client.get(edit_url(token, "safety_steps")).text
    # Each box is labelled with its step and described by the question the step asks.
    box = edit[edit.index('<label for="safety_steps-0-response"'):]
    box = box[:box.index("</textarea>")]
    assert "My warning signs" in box
    assert "What tells you that a hard time may be starting?" in box
    assert 'aria-describedby="safety_steps-0-response-hint"' in box
    # A contacts step's examples speak of the safety plan's own page (crisis lines shown on
    # it, tap-to-call numbers): here, only its question.
    people = edit[edit.index('<label for="safety_steps-3-response"'):]
    people = people[:people.index("</textarea>")]
    assert "Who could you tell that you're struggling" in unescape(people)
    assert "one tap" not in people and "shown here" not in edit

    data = open_section(client, token, "safety_steps")
    assert "safety_steps-0-remove" not in data
    data["safety_steps-3-response"] = ["My brother Sam, 07700 900456"]
    save_section(client, token, "safety_steps", data)

    steps = latest(app, token).safety_steps
    assert steps[3].response == "My brother Sam, 07700 900456"
    assert [s.prompt for s in steps] == [s.prompt for s in latest(app, token).safety_steps]
    assert "My brother Sam, 07700 900456" in words(client.get(f"/plans/{token}"))


def test_at_risk_the_safety_plan_comes_first_with_the_seven_steps(
        client: FlaskClient) -> None:
    token = make_plan(client, AT_RISK)
    page = words(client.get(f"/plans/{token}"))

    safety = page.index("My safety plan Edit")
    assert safety < page.index("About this plan") < page.index("My reasons Edit")
    steps = ["My warning signs", "Things I can do on my own",
             "People and places that take my mind off things", "People I can turn to",
             "Professionals and crisis lines", "Making my surroundings safer",
             "My reasons to live"]
    positions = [page.index(step, safety) for step in steps]
    assert positions == sorted(positions) and positions[-1] < page.index("About this plan")
    assert "Make a safety plan of its own" in page


def test_no_safety_plan_section_for_someone_not_at_risk(client: FlaskClient, plan: str) -> None:
    assert client.get(edit_url(plan, "safety_steps")).status_code == 404
