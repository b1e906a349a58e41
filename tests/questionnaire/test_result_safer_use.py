"""The result page's safer-use section (seeds/safer_use.yaml): for a person going on using, after
crisis help, with why; in the saved result and the plan made from it too."""

from flask.testing import FlaskClient

from tests.questionnaire.helpers import RESULT_URL, answer_questionnaire, markup, person, words

NOT_READY = person(readiness="not_ready", last_use="past_week")


def test_a_ketamine_user_not_ready_to_stop_sees_safer_use_with_why(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, NOT_READY)
    assert journey.result is not None
    page, text = markup(journey.result), words(journey.result)

    section = page.split('<section class="safer-use"', 1)[1].split("</section>", 1)[0]
    assert 'aria-labelledby="safer-use-title"' in section
    assert "Staying safer with ketamine" in section
    assert "Never use alone" in section and "K-hole" in section
    assert "Why this is showing" in section
    assert "You said you don&#39;t see your use as a problem" in section
    # The answers behind the reason, as every suggestion shows them.
    assert "I don&#39;t see it as a problem, or I&#39;m not ready to change it" in section
    assert "You used in the past month" in text


def test_a_person_ready_to_change_who_stopped_months_ago_does_not(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, person(readiness="preparing", last_use="past_year"))

    assert journey.result is not None
    assert 'class="safer-use"' not in markup(journey.result)


def test_crisis_help_comes_before_safer_use(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, {**NOT_READY, "s_wish_dead": "yes", "s_now": "yes"})
    assert journey.support_pages and journey.result is not None
    page = markup(journey.result)

    assert page.index('<section class="crisis"') < page.index('<section class="safer-use"')


def test_a_saved_result_and_its_plan_keep_the_same_guidance(client: FlaskClient) -> None:
    answer_questionnaire(client, NOT_READY)
    shown = words(client.get(RESULT_URL))
    saved = client.post("/screening/save")
    assert saved.status_code == 302
    again = client.get(saved.headers["Location"])

    assert "Staying safer with ketamine" in words(again)
    made = client.post("/plans/new")
    assert made.status_code in (302, 303), made.status_code
    plan = words(client.get(made.headers["Location"]))
    line = "Watch your bladder."
    assert line in shown and line in plan
