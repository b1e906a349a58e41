"""The safety plan's pages (recovery/safetyplan/routes.py): each step in turn, Skip and Back,
the review, saving under a private link, editing a step there, deleting; and hostile input,
which gets a clear message, a 4xx, and nothing kept or saved."""

import random
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recovery.planning.safety import MAX_LINE, SafetyContact
from recovery.questionnaire import journey
from recovery.safetyplan import drafts
from recovery.seeds import current_content
from tests.plans.helpers import flashed, words
from tests.questionnaire.helpers import (
    EVERY_QUESTION,
    LOW_RISK_KETAMINE,
    RESULT_URL,
    SUPPORT_URL,
    person,
    set_answers,
)
from tests.safetyplan.helpers import STEP_IDS, post_step, save, saved_draft, saved_plans


def test_the_start_page_says_what_a_safety_plan_is_and_shows_crisis_lines(
        client: FlaskClient) -> None:
    page = words(client.get("/safety-plan"))

    assert "A safety plan is a short list you write for yourself" in page
    assert "stays in this browser only, until you choose to save it" in page
    assert "988 Suicide & Crisis Lifeline" in page
    assert 'href="/safety-plan/steps/warning_signs"' in client.get("/safety-plan").text


def test_every_step_in_turn_then_the_review_then_a_private_link(
        client: FlaskClient, app: Flask) -> None:
    for number, step_id in enumerate(STEP_IDS, start=1):
        page = client.get(f"/safety-plan/steps/{step_id}")
        assert page.status_code == 200
        assert f"step {number} of 7" in words(page)
    assert post_step(client, "warning_signs", **{"line-1": "Not sleeping"}).headers[
        "Location"] == "/safety-plan/steps/on_my_own"
    post_step(client, "people", **{"name-1": "Sam", "phone-1": "+1 555-0100"})
    last = post_step(client, "reasons", **{"line-1": "My daughter", "line-3": "Spring"})
    assert last.headers["Location"] == "/safety-plan/review"

    review = client.get("/safety-plan/review")
    assert saved_plans(app) == []  # nothing on the server before "Save"
    assert "Not sleeping" in words(review) and 'href="tel:+15550100"' in review.text
    link = save(client)

    assert re.fullmatch(r"/safety-plan/[A-Za-z0-9_-]{43}", link)
    draft = saved_draft(app)
    assert draft.answer("reasons").lines == ("My daughter", "Spring")
    assert draft.answer("people").contacts == (SafetyContact("Sam", "+1 555-0100"),)
    assert not client.get("/safety-plan/review").text.count("My daughter")  # forgotten here
    shown = client.get(link)
    assert "My daughter" in words(shown) and 'href="tel:+15550100"' in shown.text
    assert 'href="tel:988"' in shown.text  # the country's crisis lines, already on it


def test_skip_keeps_nothing_typed_and_back_goes_back(client: FlaskClient) -> None:
    post_step(client, "on_my_own", **{"line-1": "A walk"})
    skipped = post_step(client, "on_my_own", nav="skip", **{"line-1": "x" * 10_000})
    back = post_step(client, "distractions", nav="back", **{"line-1": "The gym"})
    first_back = post_step(client, "warning_signs", nav="back")

    assert skipped.headers["Location"] == "/safety-plan/steps/distractions"
    assert back.headers["Location"] == "/safety-plan/steps/on_my_own"
    assert first_back.headers["Location"] == "/safety-plan"
    page = client.get("/safety-plan/steps/on_my_own").text
    assert 'value="A walk"' in page  # what was there before the skip
    assert 'value="The gym"' in client.get("/safety-plan/steps/distractions").text


def test_the_crisis_lines_step_is_filled_in_for_the_chosen_country(
        client: FlaskClient, app: Flask) -> None:
    page = client.get("/safety-plan/steps/professionals?region=GB")
    assert "Already on your plan: crisis lines for United Kingdom" in words(page)
    assert 'href="tel:116123"' in page.text and 'name="crisis_locale" type="hidden" value="GB"' \
        in page.text

    post_step(client, "professionals", crisis_locale="GB",
              **{"name-1": "Dr Patel (GP)", "phone-1": "020 7946 0000"})
    save(client)
    assert saved_draft(app).crisis_locale == "GB"


@pytest.mark.parametrize(("fields", "message"), [
    pytest.param({"line-1": "x" * 10_000}, f"keep each line to {MAX_LINE:,} characters",
                 id="ten-thousand-characters"),
    pytest.param({"line-1": "a" * (MAX_LINE + 1)}, "keep each line", id="one-unbroken-word"),
    pytest.param({"line-1": "ok", "line-2": "bell\x07"}, "unusual invisible characters",
                 id="control-character"),
    pytest.param({"line-1": "two\nlines"}, "keep each line to one line", id="line-break"),
])
def test_hostile_lines_get_a_message_and_nothing_is_kept(
        client: FlaskClient, app: Flask, fields: dict[str, str], message: str) -> None:
    response = post_step(client, "surroundings", **fields)

    assert response.status_code == 422
    assert message in words(response) and 'role="alert"' in response.text
    with client.session_transaction() as session:
        assert drafts.SESSION_KEY not in session
    assert saved_plans(app) == []


@pytest.mark.parametrize(("fields", "message"), [
    pytest.param({"name-1": "Sam", "phone-1": "call me maybe"}, "digits, spaces",
                 id="not-a-number"),
    pytest.param({"phone-1": "555 0100"}, "Please add a name for this number",
                 id="a-number-without-a-name"),
    pytest.param({"name-1": "N" * 61}, "keep the name to 60", id="long-name"),
])
def test_hostile_contacts_get_a_message(client: FlaskClient, fields: dict[str, str],
                                        message: str) -> None:
    response = post_step(client, "people", **fields)
    assert response.status_code == 422 and message in words(response)


def test_unicode_is_kept_as_written(client: FlaskClient, app: Flask) -> None:
    lines = {"line-1": "眠れない夜が続く", "line-2": "Ni ɖe ŋkeke 🌧️ ma", "line-3": "مشي قصير"}
    post_step(client, "warning_signs", **lines)
    save(client)
    assert saved_draft(app).answer("warning_signs").lines == tuple(lines.values())


def test_too_much_for_the_cookie_is_refused_with_words_not_lost(
        client: FlaskClient, app: Flask) -> None:
    # Characters that zip badly (CJK in no order), every line of several steps full: more
    # than a cookie holds.
    rnd = random.Random(15)

    def odd() -> str:
        return "".join(chr(0x4E00 + rnd.randrange(20_000)) for _ in range(MAX_LINE))

    responses = [post_step(client, step_id, **{f"line-{n}": odd() for n in (1, 2, 3)})
                 for step_id in ("warning_signs", "on_my_own", "distractions", "surroundings")]

    refused = [r for r in responses if r.status_code == 413]
    assert refused and "save the plan now and add the rest afterwards" in words(refused[0])
    with client.session_transaction() as session:
        cookie_steps = [a["step_id"] for a in session[drafts.SESSION_KEY]["answers"]]
    assert len(cookie_steps) == 4 - len(refused)  # the ones that fitted are still there


def test_an_unknown_step_or_link_is_a_404(client: FlaskClient) -> None:
    assert client.get("/safety-plan/steps/nope").status_code == 404
    assert client.get("/safety-plan/" + "A" * 43).status_code == 404
    assert client.get("/safety-plan/" + "A" * 43 + "/pdf").status_code == 404
    assert client.post("/safety-plan/" + "A" * 43 + "/delete").status_code == 404
    assert client.get("/safety-plan/" + "A" * 42).status_code == 404


def test_a_wrong_token_is_a_404_and_never_someone_elses_plan(
        client: FlaskClient, app: Flask) -> None:
    post_step(client, "reasons", **{"line-1": "My cat"})
    link = save(client)
    wrong = link[:-1] + ("A" if link[-1] != "A" else "B")

    response = client.get(wrong)
    assert response.status_code == 404 and "My cat" not in response.text
    assert client.get(wrong + "/steps/reasons").status_code == 404


def test_editing_a_step_of_a_saved_plan(client: FlaskClient, app: Flask) -> None:
    post_step(client, "reasons", **{"line-1": "My cat"})
    link = save(client)
    form = client.get(f"{link}/steps/reasons")
    assert 'value="My cat"' in form.text and "Save" in words(form)
    assert "<title>Change: My reasons to live · Recovery check</title>" in form.text
    assert "step 7 of 7" not in words(form) and "Back to my safety plan" in words(form)

    refused = client.post(f"{link}/steps/reasons", data={"line-1": "z" * 10_000,
                                                         "line-2": "", "line-3": ""})
    assert refused.status_code == 422 and saved_draft(app).answer("reasons").lines == ("My cat",)
    done = client.post(f"{link}/steps/reasons", data={"line-1": "My cat", "line-2": "Music",
                                                      "line-3": ""})
    assert done.headers["Location"] == f"{link}#reasons"
    assert saved_draft(app).answer("reasons").lines == ("My cat", "Music")


def test_delete_asks_first_then_the_link_is_gone(client: FlaskClient, app: Flask) -> None:
    post_step(client, "reasons", **{"line-1": "My cat"})
    link = save(client)
    post_step(client, "reasons", **{"line-1": "Another"})
    other = save(client)

    assert "can't be undone" in words(client.get(f"{link}/delete"))
    assert len(saved_plans(app)) == 2
    response = client.post(f"{link}/delete")

    assert response.status_code == 302 and "deleted" in " ".join(flashed(client))
    assert client.get(link).status_code == 404
    assert client.get(other).status_code == 200 and len(saved_plans(app)) == 1


def test_clearing_the_plan_in_this_browser(client: FlaskClient) -> None:
    post_step(client, "reasons", **{"line-1": "My cat"})
    assert "Continue my plan" in words(client.get("/safety-plan"))
    assert "can't be brought back" in words(client.get("/safety-plan/forget"))  # asks first
    assert "My cat" in client.get("/safety-plan/review").text
    client.post("/safety-plan/forget")
    assert "Start my safety plan" in words(client.get("/safety-plan"))
    assert "My cat" not in client.get("/safety-plan/review").text


def test_the_crisis_stop_and_the_result_offer_a_safety_plan(client: FlaskClient) -> None:
    at_risk = person(s_wish_dead="yes", s_now="no")
    set_answers(client, at_risk)

    for url in (SUPPORT_URL, RESULT_URL):
        page = client.get(url)
        assert page.status_code == 200
        assert 'href="/safety-plan">Make a safety plan</a>' in page.text


def test_no_offer_on_a_result_without_suicide_risk(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    assert "Make a safety plan" not in client.get(RESULT_URL).text


def test_every_form_posts_its_csrf_token_and_a_post_without_one_is_refused(
        app_csrf: Flask) -> None:
    client = app_csrf.test_client()
    step = client.get("/safety-plan/steps/reasons").text
    assert 'name="csrf_token"' in step
    token = re.search(r'name="csrf_token" value="([^"]+)"', step)
    assert token is not None

    refused = client.post("/safety-plan/steps/reasons", data={"line-1": "Mine", "nav": "next"})
    assert refused.status_code == 400
    kept = client.post("/safety-plan/steps/reasons", data={
        "line-1": "Mine", "line-2": "", "line-3": "", "nav": "next", "csrf_token": token[1]})
    assert kept.status_code == 302
    assert client.post("/safety-plan/save").status_code == 400
    assert saved_plans(app_csrf) == []
    review = client.get("/safety-plan/review").text
    assert review.count('name="csrf_token"') == 1  # save (clearing asks on a page of its own)
    assert 'name="csrf_token"' in client.get("/safety-plan/forget").text


def test_a_body_over_the_apps_limit_is_refused_whole(client: FlaskClient, app: Flask) -> None:
    response = client.post("/safety-plan/steps/reasons",
                           data={"line-1": "x" * 100_000, "nav": "next"})

    assert response.status_code == 413
    with client.session_transaction() as session:
        assert drafts.SESSION_KEY not in session
    assert saved_plans(app) == []


def test_the_privacy_page_says_what_a_safety_plan_keeps(client: FlaskClient) -> None:
    page = words(client.get("/privacy"))
    assert "A safety plan" in page
    assert "Nothing reaches our database unless you press" in page


def test_a_change_from_the_review_goes_back_to_the_review(client: FlaskClient) -> None:
    post_step(client, "reasons", **{"line-1": "My cat"})
    review = client.get("/safety-plan/review").text
    assert 'href="/safety-plan/steps/on_my_own?from=review"' in review

    step = client.get("/safety-plan/steps/on_my_own?from=review")
    assert "Save and back to my plan" in words(step) and "Skip this step" not in words(step)
    refused = post_step(client, "on_my_own", nav="review", **{"line-1": "\x00"})
    assert refused.status_code == 422 and "Save and back to my plan" in words(refused)
    done = post_step(client, "on_my_own", nav="review", **{"line-1": "A cold shower"})
    assert done.headers["Location"] == "/safety-plan/review"
    assert "A cold shower" in words(client.get("/safety-plan/review"))


def test_changing_the_country_of_a_saved_plan(client: FlaskClient, app: Flask) -> None:
    post_step(client, "reasons", **{"line-1": "My cat"})
    link = save(client)
    page = client.get(f"{link}/steps/professionals?region=AU")
    assert "crisis lines for Australia" in words(page)
    assert 'type="hidden" value="AU"' in page.text

    client.post(f"{link}/steps/professionals", data={
        "crisis_locale": "AU", **{f"{p}-{n}": "" for n in (1, 2, 3) for p in ("name", "phone")}})
    assert saved_draft(app).crisis_locale == "AU"
    assert "Emergency services: Call 000" in words(client.get(link))
    bad = client.post(f"{link}/steps/professionals", data={"crisis_locale": "XX"})
    assert bad.status_code == 422 and saved_draft(app).crisis_locale == "AU"
    assert "Please choose one of the countries." in words(bad)


def test_what_people_write_is_shown_as_text_never_as_markup(client: FlaskClient) -> None:
    post_step(client, "reasons", **{"line-1": '<script>alert("x")</script>'})
    link = save(client)
    for page in (client.get(link).text, client.get(f"{link}/steps/reasons").text):
        assert "<script>" not in page and "&lt;script&gt;" in page


def test_a_plan_full_to_its_limits_in_plain_words_fits_beside_every_answer(
        client: FlaskClient) -> None:
    set_answers(client, EVERY_QUESTION)  # made from the crisis stop, mid-check
    words_ = ("walk", "call", "my", "sister", "music", "tea", "bath", "park", "dog", "sleep",
              "breathe", "slowly", "write", "down", "what", "I", "feel", "tonight", "friend")
    rnd = random.Random(7)

    def full_line() -> str:
        line = ""
        while len(line) < MAX_LINE - 8:
            line += rnd.choice(words_) + " "
        return line.strip()

    for step_id in STEP_IDS:
        if step_id in ("people", "professionals"):
            fields = {f"name-{n}": full_line()[:60].strip() for n in (1, 2, 3)}
            fields |= {f"phone-{n}": f"+44 (0)7700 900{n:03d}" for n in (1, 2, 3)}
        else:
            fields = {f"line-{n}": full_line() for n in (1, 2, 3)}
        assert post_step(client, step_id, **fields).status_code == 302, step_id
    with client.session_transaction() as session:
        assert len(session[drafts.SESSION_KEY]["answers"]) == 7
        assert session["answers"] == EVERY_QUESTION


@pytest.mark.parametrize(("url", "title"), [
    ("/safety-plan", "My safety plan"),
    ("/safety-plan/steps/people", "People I can turn to (step 4 of 7)"),
    ("/safety-plan/review", "Your safety plan: check and save"),
    ("/safety-plan/forget", "Clear your safety plan from this browser?"),
])
def test_each_page_has_a_title_of_plain_words(client: FlaskClient, url: str,
                                              title: str) -> None:
    found = re.search(r"<title>(.*?)</title>", client.get(url).text, re.DOTALL)
    assert found is not None and found[1] == f"{title} · Recovery check"


def fullest_answers(app: Flask) -> dict[str, Any]:
    """EVERY_QUESTION with every option of every multiple-choice question ticked: more than
    anyone can send (some options exclude others), so an upper bound on the answers' size."""
    with app.app_context():
        items = [item for step in current_content().questionnaire.steps for item in step.items]
    return {**EVERY_QUESTION, **{item.id: [option.id for option in item.options]
                                 for item in items if item.is_multiple}}


def test_a_plan_made_first_leaves_room_for_the_fullest_answers(
        client: FlaskClient, app: Flask) -> None:
    """From the crisis stop a person may make the plan first, as full as the cookie allows,
    and answer the check afterwards: the answers are never refused for size, so the cookie
    must still hold them all (a browser drops a cookie over 4,096 bytes without a word)."""
    rnd = random.Random(4)

    def odd(length: int) -> str:
        return "".join(chr(0x4E00 + rnd.randrange(20_000)) for _ in range(length))

    # Fill the plan to within a few characters of what the cookie allows: each step with the
    # longest lines that are still kept.
    statuses = []
    for step_id in ("warning_signs", "on_my_own", "distractions", "surroundings", "reasons"):
        for length in (MAX_LINE, 50, 25, 12, 6, 3):
            fields = {f"line-{n}": odd(length) for n in (1, 2, 3)}
            statuses.append(post_step(client, step_id, **fields).status_code)
            if statuses[-1] == 302:
                break
    assert 413 in statuses and 302 in statuses  # the plan is as full as the cookie allows
    set_answers(client, fullest_answers(app))

    cookie = client.get_cookie("session")
    assert cookie is not None and len(cookie.value) <= drafts.COOKIE_BYTES


def test_skip_on_the_crisis_lines_step_keeps_the_country_it_showed(
        client: FlaskClient, app: Flask) -> None:
    post_step(client, "reasons", **{"line-1": "My cat"})  # the plan began with the site's US
    page = client.get("/safety-plan/steps/professionals?region=GB")
    assert "crisis lines for United Kingdom" in words(page)

    post_step(client, "professionals", nav="skip", crisis_locale="GB")
    save(client)
    assert saved_draft(app).crisis_locale == "GB"


def test_an_empty_plan_is_not_saved(client: FlaskClient, app: Flask) -> None:
    """Nothing written, or the browser's copy gone (two hours after its last change): no row,
    and words that say why instead of "saved"."""
    response = client.post("/safety-plan/save")
    assert response.status_code == 302 and response.headers["Location"] == "/safety-plan"
    assert "holds no safety plan to save" in " ".join(flashed(client))
    assert saved_plans(app) == []


def test_from_the_crisis_stop_mid_check_the_way_back_to_the_check(client: FlaskClient) -> None:
    """Someone who left the check at the crisis stop to make a plan can go back to where they
    were; someone who never started the check is offered nothing of the kind."""
    assert "Back to the check" not in words(client.get("/safety-plan"))
    set_answers(client, person(s_wish_dead="yes"))
    with client.application.test_request_context():
        step = journey.next_step(current_content(), person(s_wish_dead="yes"))
    expected = "/screening/result" if step is None else f"/screening/{step.id}"

    for url in ("/safety-plan", "/safety-plan/review"):
        response = client.get(url)
        assert "Back to the check you were taking" in words(response)
        assert f'href="{expected}"' in response.text
