"""Bad input to the flow's steps is refused beside its field and changes nothing."""

import html
from collections.abc import Mapping
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.questionnaire.helpers import (
    ALCOHOL_DRINKER,
    EVERY_QUESTION,
    FORGET_URL,
    LOW_RISK_KETAMINE,
    MULTI_ITEMS,
    RESULT_URL,
    SAVE_URL,
    START_URL,
    STEP_OF,
    STEPS,
    SUPPORT_URL,
    Page,
    answers_before,
    markup,
    session_answers,
    set_answers,
    step_answers,
    words,
)

# --- Bad input -------------------------------------------------------------------------------


def post_step(client: FlaskClient, step_id: str, data: Any, **kwargs: Any) -> TestResponse:
    return client.post(f"/screening/{step_id}", data=data, **kwargs)


def assert_refused(client: FlaskClient, response: TestResponse, unchanged: Mapping[str, Any],
                   *, status: int = 422) -> None:
    assert response.status_code == status, words(response)[:500]
    assert "Traceback" not in markup(response)
    assert session_answers(client) == unchanged


@pytest.mark.parametrize("step_id", list(STEPS))
def test_missing_answers_are_shown_beside_each_field(client: FlaskClient, step_id: str) -> None:
    earlier = answers_before(step_id)
    set_answers(client, earlier)

    response = post_step(client, step_id, {"nav": "next"})

    assert_refused(client, response, earlier)
    page = markup(response)
    assert "<title>Error: " in page
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    for item in STEPS[step_id]:
        assert f'href="#{item}-fieldset"' in summary, item
        assert f'id="{item}-fieldset"' in page, item
        fieldset = page.split(f'id="{item}-fieldset"', 1)[1].split("</fieldset>", 1)[0]
        assert f'id="{item}-error"' in fieldset, item
        expected = ("Please choose at least one option, or 'None of these'."
                    if item in MULTI_ITEMS else "Please choose an answer.")
        assert expected in html.unescape(fieldset)


def test_one_missing_answer_keeps_the_others_on_the_page(client: FlaskClient) -> None:
    earlier = answers_before("pattern")
    set_answers(client, earlier)
    given = {k: v for k, v in step_answers("pattern").items() if k != "amount"}

    response = post_step(client, "pattern", {**given, "nav": "next"})

    assert_refused(client, response, earlier)
    page = Page(markup(response))
    assert page.checked("frequency") == [EVERY_QUESTION["frequency"]]
    assert page.checked("route") == EVERY_QUESTION["route"]
    assert 'id="amount-error"' in markup(response)
    assert 'id="frequency-error"' not in markup(response)


@pytest.mark.parametrize("item", list(STEP_OF))
def test_an_option_that_does_not_exist_is_refused(client: FlaskClient, item: str) -> None:
    step_id = STEP_OF[item]
    earlier = answers_before(step_id)
    set_answers(client, earlier)
    bad = ["no_such_option"] if item in MULTI_ITEMS else "no_such_option"

    response = post_step(client, step_id, {**step_answers(step_id), item: bad, "nav": "next"})

    assert_refused(client, response, earlier)
    fieldset = markup(response).split(f'id="{item}-fieldset"', 1)[1].split("</fieldset>", 1)[0]
    assert "That answer isn&#39;t one of the options" in fieldset
    assert 'href="#' + item + '-fieldset"' in markup(response)


@pytest.mark.parametrize("earlier, step_id, item, value", [
    ({"substance": "opioids"}, "pattern", "prescribed", "esketamine"),
    ({"substance": "cannabis"}, "pattern", "prescribed", "infusion_clinic"),
    ({"substance": "ketamine"}, "pattern", "prescribed", "prescribed_other"),
    ({"substance": "alcohol"}, "other_substances", "co_use", ["alcohol"]),
    ({"substance": "ketamine"}, "other_substances", "co_use", ["ketamine", "cannabis"]),
])
def test_an_option_hidden_by_skip_logic_is_refused(
        client: FlaskClient, earlier: dict[str, Any], step_id: str, item: str,
        value: Any) -> None:
    answered = {**answers_before(step_id, LOW_RISK_KETAMINE), **earlier, "last_use": "past_week"}
    set_answers(client, answered)
    data = {**step_answers(step_id, LOW_RISK_KETAMINE), item: value, "nav": "next"}

    response = post_step(client, step_id, data)

    assert_refused(client, response, answered)


def test_answers_to_questions_hidden_by_skip_logic_are_ignored(client: FlaskClient) -> None:
    set_answers(client, answers_before("pattern", ALCOHOL_DRINKER))

    response = post_step(client, "pattern", {
        **step_answers("pattern", ALCOHOL_DRINKER), "prescribed": "prescribed_other",
        "nav": "next"})

    assert response.status_code == 302
    assert "prescribed" not in session_answers(client)
    assert session_answers(client)["frequency"] == ALCOHOL_DRINKER["frequency"]


@pytest.mark.parametrize("step_id, item, value", [
    ("pattern", "route", ["snort", "snort"]),
    ("other_substances", "co_use", ["none_of_these", "opioids"]),
    ("other_substances", "medicines", ["none_of_these", "antidepressant"]),
    ("other_substances", "medicines", ["not_sure", "none_of_these"]),
    ("body", "symptoms", ["fever", "none_of_these"]),
    ("situation", "past_treatment", ["none_of_these", "detox"]),
])
def test_exclusive_or_repeated_choices_are_refused(
        client: FlaskClient, step_id: str, item: str, value: list[str]) -> None:
    earlier = answers_before(step_id)
    set_answers(client, earlier)

    response = post_step(client, step_id, {**step_answers(step_id), item: value, "nav": "next"})

    assert_refused(client, response, earlier)
    assert f'id="{item}-error"' in markup(response)


@pytest.mark.parametrize("step_id, item, value", [
    ("substance", "substance", ["ketamine", "alcohol"]),
    ("checklist", "c_craving", ["yes", "no"]),
])
def test_several_values_for_a_single_choice_are_refused(
        client: FlaskClient, step_id: str, item: str, value: list[str]) -> None:
    earlier = answers_before(step_id)
    set_answers(client, earlier)

    response = post_step(client, step_id, {**step_answers(step_id), item: value, "nav": "next"})

    assert_refused(client, response, earlier)


def test_unknown_extra_fields_are_ignored(client: FlaskClient) -> None:
    response = post_step(client, "substance", {
        **step_answers("substance", LOW_RISK_KETAMINE), "nav": "next",
        "favourite_colour": "blue", "c_craving": "yes", "answers": "{}", "__proto__": "x",
        "ünïcödé\u202e": "\x00", "csrf_token": "whatever"})

    assert response.status_code == 302
    assert session_answers(client) == step_answers("substance", LOW_RISK_KETAMINE)


@pytest.mark.parametrize("value", [
    "ketamine\x00",
    "\x00",
    "ketamine\r\n",
    " ketamine",
    "KETAMINE",
    "\u202eketamine",
    "ke\u0301tamine",
    "\uff4b\uff45\uff54\uff41\uff4d\uff49\uff4e\uff45",  # full-width letters
    "\ufeffketamine",
    "\U0001f489",
    "\x1b[31mketamine",
    "ketamine" * 500,
])
def test_odd_characters_in_an_answer_are_refused(client: FlaskClient, value: str) -> None:
    response = post_step(client, "substance",
                         {"substance": value, "last_use": "past_week", "nav": "next"})

    assert_refused(client, response, {})
    assert "\x00" not in markup(response) and "\x1b" not in markup(response)


@pytest.mark.parametrize("body", [
    b"substance=%FF%FE&last_use=past_week",
    b"substance=%C0%80&last_use=past_week",
    b"substance=\xff\xfe&last_use=past_week",
    b"substance=%ED%A0%80",  # an encoded lone surrogate
    b"\x00\x01\x02",
])
def test_undecodable_form_bytes_are_refused(client: FlaskClient, body: bytes) -> None:
    response = post_step(client, "substance", body,
                         content_type="application/x-www-form-urlencoded")

    assert_refused(client, response, {})


def test_odd_characters_in_a_multiple_choice_answer_are_refused(client: FlaskClient) -> None:
    earlier = answers_before("pattern")
    set_answers(client, earlier)

    response = post_step(client, "pattern", {**step_answers("pattern"),
                                             "route": ["snort\x00", "clinic"], "nav": "next"})

    assert_refused(client, response, earlier)


@pytest.mark.parametrize("data, content_type", [
    ({"substance": "x" * (70 * 1024)}, None),  # more than MAX_CONTENT_LENGTH
    ({"substance": "ketamine", "pad": "x" * (70 * 1024)}, "multipart/form-data"),
    ({"substance": "x" * (20 * 1024)}, "multipart/form-data"),  # one huge field
    ({f"f{i}": "x" for i in range(300)}, "multipart/form-data"),  # too many parts
])
def test_huge_bodies_are_413(client: FlaskClient, data: dict[str, str],
                             content_type: str | None) -> None:
    kwargs = {"content_type": content_type} if content_type else {}
    response = post_step(client, "substance", data, **kwargs)

    assert_refused(client, response, {}, status=413)
    assert "more data than we accept" in words(response)


@pytest.mark.parametrize("method, url", [
    ("GET", SAVE_URL),
    ("GET", START_URL),
    ("PUT", FORGET_URL),
    ("PUT", "/screening/substance"),
    ("DELETE", "/screening/substance"),
    ("PATCH", "/screening/pattern"),
    ("POST", RESULT_URL),
    ("POST", SUPPORT_URL),
    ("PUT", SAVE_URL),
    ("PUT", "/r/" + "A" * 43 + "/delete"),
    ("POST", "/r/" + "A" * 43),
    ("POST", "/"),
])
def test_wrong_methods_are_405(client: FlaskClient, method: str, url: str) -> None:
    set_answers(client, LOW_RISK_KETAMINE)

    response = client.open(url, method=method)

    assert response.status_code == 405
    assert "can&#39;t be used that way" in markup(response)
    assert session_answers(client) == LOW_RISK_KETAMINE
