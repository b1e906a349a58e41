"""The command-line tools: check-content, questionnaire and assess."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner

from recovery.config import REPO_ROOT

SEEDS = REPO_ROOT / "seeds"
LOW_RISK_KETAMINE: dict[str, Any] = json.loads(
    (Path(__file__).parents[0] / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))
CHECKLIST = ["c_more_than_meant", "c_cut_down", "c_time_spent", "c_craving", "c_duties",
             "c_relationships", "c_gave_up", "c_hazard", "c_despite_harm", "c_tolerance",
             "c_withdrawal"]

# A ketamine user with a severe checklist who drinks alongside it every day.
SEVERE_ANSWERS: dict[str, Any] = {
    **LOW_RISK_KETAMINE,
    "last_use": "past_week",
    "frequency": "daily",
    "amount": "blackout",
    "duration": "years_1_3",
    **dict.fromkeys(CHECKLIST, "yes"),
    "w_alone_secret": "yes",
    "w_mood_memory": "yes",
    "co_use": ["alcohol"],
    "co_use_together": "yes",
    "depressant_daily": "yes",
    "symptoms": ["pee_pain"],
}


def run(app: Flask, runner: FlaskCliRunner, *args: str, **kwargs: Any) -> Result:
    """Invoke a command inside an app context, as `flask --app recovery ...` does.

    The commands also push one themselves (see test_commands_run_without_an_outer_app_context).
    """
    with app.app_context():
        return runner.invoke(args=list(args), **kwargs)


def assert_clean_failure(result: Result, *expected: str) -> None:
    """Non-zero exit, an "Error:" line on stderr saying what is wrong, and no traceback."""
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stderr.startswith("Error:"), result.output
    for words in expected:
        assert words in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def content_version() -> str:
    return (SEEDS / "VERSION").read_text(encoding="utf-8").strip()


# --- check-content ---------------------------------------------------------------------------


def test_check_content_prints_the_version(app: Flask, runner: FlaskCliRunner) -> None:
    result = run(app, runner, "check-content")

    assert result.exit_code == 0, result.output
    assert f"Content {content_version()} is valid" in result.stdout
    assert "12 steps" in result.stdout


def test_commands_run_without_an_outer_app_context(runner: FlaskCliRunner) -> None:
    """`runner.invoke(args=[...])` on app.cli, as in Flask's testing docs.

    Commands added with `@app.cli.command` or `@with_appcontext` get an app context here; these
    are plain click commands added with `app.cli.add_command`, so they only work when the
    `flask` command happens to have pushed a context first.
    """
    result = runner.invoke(args=["check-content"])

    assert result.exception is None, repr(result.exception)
    assert result.exit_code == 0
    assert content_version() in result.stdout


# --- questionnaire ---------------------------------------------------------------------------


def questionnaire_json(app: Flask, runner: FlaskCliRunner) -> dict[str, Any]:
    result = run(app, runner, "questionnaire")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_questionnaire_lists_every_step_and_item_from_the_seeds(
        app: Flask, runner: FlaskCliRunner) -> None:
    seeds = yaml.safe_load((SEEDS / "questionnaire.yaml").read_text(encoding="utf-8"))

    data = questionnaire_json(app, runner)

    assert data["content_version"] == content_version()
    assert data["subject_item"] == "substance"
    assert [s["id"] for s in data["steps"]] == [s["id"] for s in seeds["steps"]]
    for printed, seeded in zip(data["steps"], seeds["steps"], strict=True):
        assert [i["id"] for i in printed["items"]] == [i["id"] for i in seeded["items"]]
        for item, seed_item in zip(printed["items"], seeded["items"], strict=True):
            options = seed_item.get("options", "yes_no")
            if isinstance(options, str):
                options = seeds["option_sets"][options]
            assert [o["id"] for o in item["options"]] == [o["id"] for o in options], item["id"]
            assert item["kind"] == seed_item["kind"]
            assert item["multiple"] == (seed_item["kind"] == "multi")
            assert {"text", "hint", "required", "show_if"} <= item.keys()
            for option in item["options"]:
                assert {"id", "label", "score", "exclusive", "show_if"} <= option.keys()


def test_questionnaire_prints_the_skip_logic(app: Flask, runner: FlaskCliRunner) -> None:
    data = questionnaire_json(app, runner)
    steps = {s["id"]: s for s in data["steps"]}
    items = {i["id"]: i for s in data["steps"] for i in s["items"]}

    assert steps["substance"]["show_if"] is None
    assert steps["pattern"]["show_if"] == {
        "answer": {"item": "last_use", "in": ["past_month", "past_week", "past_year"]}}
    assert steps["trauma"]["show_if"] == {"answer": {"item": "t_event", "in": ["yes"]}}
    assert items["prescribed"]["show_if"] == {
        "not": {"answer": {"item": "substance", "in": ["alcohol"]}}}
    assert items["medicines"]["show_if"] == {
        "any": [{"answer": {"item": "substance", "in": ["ketamine"]}}]}
    prescribed = {o["id"]: o for o in items["prescribed"]["options"]}
    assert prescribed["esketamine"]["show_if"] == {
        "answer": {"item": "substance", "in": ["ketamine"]}}
    assert prescribed["not_prescribed"]["show_if"] is None
    co_use = {o["id"]: o for o in items["co_use"]["options"]}
    assert co_use["none_of_these"]["exclusive"] is True
    assert co_use["alcohol"]["exclusive"] is False
    assert {o["id"]: o["score"] for o in items["s_wish_dead"]["options"]} == {
        "yes": 1, "no": 0, "declined": 1}


# --- assess: valid answers -------------------------------------------------------------------


def check_result(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    output = json.loads(result.stdout)
    assert isinstance(output, dict)
    return output


def test_assess_scores_an_answers_file(app: Flask, runner: FlaskCliRunner,
                                       tmp_path: Path) -> None:
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(SEVERE_ANSWERS), encoding="utf-8")

    output = check_result(run(app, runner, "assess", str(answers_file)))

    assert output["content_version"] == content_version()
    assert output["substance"] == "ketamine"
    severity = output["severity"]
    assert (severity["level"], severity["score"], severity["max"]) == ("severe", 10, 10)
    flags = {f["id"]: f for f in output["flags"]}
    assert {"depressant_mixing", "depressant_dependence", "urinary_ketamine"} <= flags.keys()
    assert flags["urinary_ketamine"]["kind"] == "medical"
    assert flags["urinary_ketamine"]["evidence"]
    paths = output["paths"]
    assert paths[0]["id"] == "supervised_withdrawal"
    assert [p["rank"] for p in paths] == list(range(1, len(paths) + 1))
    for path in paths:
        assert path["reasons"], path["id"]
        assert all(reason["because"] for reason in path["reasons"])
    assert output["is_at_risk"] is False
    assert output["crisis_level"] == "none"
    assert "not a diagnosis" in output["notice"]
    resources = output["crisis_resources"]
    assert resources["id"] == "US"
    contacts = {c["href"] for r in resources["resources"] for c in r["contacts"]}
    assert {"tel:911", "tel:988"} <= contacts
    assert output["answers"]["substance"] == "ketamine"


def test_assess_reads_standard_input(app: Flask, runner: FlaskCliRunner) -> None:
    at_risk = {**SEVERE_ANSWERS, "s_wish_dead": "yes", "s_now": "yes"}

    output = check_result(run(app, runner, "assess", input=json.dumps(at_risk)))

    assert output["is_at_risk"] is True
    assert output["crisis_level"] == "emergency"
    assert output["flags"][0]["kind"] == "crisis"


def test_assess_with_a_known_locale(app: Flask, runner: FlaskCliRunner) -> None:
    output = check_result(run(app, runner, "assess", "--locale", "GB", "-",
                              input=json.dumps(SEVERE_ANSWERS).encode()))

    assert output["crisis_locale"] == "GB"
    assert output["crisis_resources"]["id"] == "GB"
    names = [r["name"] for r in output["crisis_resources"]["resources"]]
    assert "Samaritans" in names


def test_assess_drops_answers_to_questions_that_do_not_apply(
        app: Flask, runner: FlaskCliRunner) -> None:
    # "Over a year ago" hides the pattern and checklist steps: their answers are left out.
    answers = {**SEVERE_ANSWERS, "last_use": "over_year"}

    output = check_result(run(app, runner, "assess", input=json.dumps(answers)))

    assert output["severity"]["is_applicable"] is False
    assert "frequency" not in output["answers"]
    assert "c_craving" not in output["answers"]


# --- assess: bad input -----------------------------------------------------------------------


@pytest.mark.parametrize("raw, message", [
    ("{not json", "not valid JSON"),
    ("", "not valid JSON"),
    ('{"substance": "ketamine",}', "not valid JSON"),
    ("[]", "must be a JSON object"),
    ('["substance", "ketamine"]', "must be a JSON object"),
    ('"ketamine"', "must be a JSON object"),
    ("null", "must be a JSON object"),
    ("42", "must be a JSON object"),
])
def test_assess_refuses_input_that_is_not_a_json_object(
        app: Flask, runner: FlaskCliRunner, raw: str, message: str) -> None:
    assert_clean_failure(run(app, runner, "assess", input=raw), message)


@pytest.mark.parametrize("changes, message", [
    ({"favourite_colour": "blue"}, "favourite_colour: unknown question id"),
    ({"substance": "heroin"}, "substance: not an option here"),
    ({"frequency": "hourly"}, "frequency: not an option here"),
    ({"route": "snort"}, "route: expected a list of option ids"),
    ({"substance": ["ketamine"]}, "substance: expected an option id"),
    ({"co_use": ["alcohol", "none_of_these"]}, "co_use: 'None of these' can't be combined"),
    ({"route": ["snort", "snort"]}, "route: an option is chosen twice"),
    ({"seizures": 1}, "seizures: expected an option id"),
    ({"seizures": {"yes": True}}, "seizures: expected an option id"),
    ({"route": [1, 2]}, "route: expected a list of option ids"),
])
def test_assess_refuses_wrong_answers(app: Flask, runner: FlaskCliRunner,
                                      changes: dict[str, Any], message: str) -> None:
    answers = {**SEVERE_ANSWERS, **changes}

    result = run(app, runner, "assess", input=json.dumps(answers))

    assert_clean_failure(result, "can't be scored", message)


@pytest.mark.parametrize("answers, missing", [
    ({}, ["substance", "last_use"]),
    ({"substance": "ketamine"}, ["last_use"]),
    ({k: v for k, v in SEVERE_ANSWERS.items() if k != "support_person"}, ["support_person"]),
    ({k: v for k, v in SEVERE_ANSWERS.items() if k != "depressant_daily"}, ["depressant_daily"]),
])
def test_assess_refuses_missing_answers(app: Flask, runner: FlaskCliRunner,
                                        answers: dict[str, Any], missing: list[str]) -> None:
    result = run(app, runner, "assess", input=json.dumps(answers))

    assert_clean_failure(result, *(f"{item}: an answer is required" for item in missing))


def test_assess_refuses_bytes_that_are_not_utf8(app: Flask, runner: FlaskCliRunner) -> None:
    raw = json.dumps(SEVERE_ANSWERS).encode().replace(b"ketamine", b"k\xe9tamine", 1)

    assert_clean_failure(run(app, runner, "assess", input=raw), "not UTF-8")


def test_assess_refuses_more_than_a_megabyte(app: Flask, runner: FlaskCliRunner,
                                             tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    padding = " " * 1_000_001
    big.write_text(json.dumps(SEVERE_ANSWERS) + padding, encoding="utf-8")

    assert_clean_failure(run(app, runner, "assess", str(big)), "larger than 1 MB")
    assert_clean_failure(run(app, runner, "assess", input=padding + "{}"), "larger than 1 MB")


def test_assess_accepts_just_under_a_megabyte(app: Flask, runner: FlaskCliRunner) -> None:
    text = json.dumps(SEVERE_ANSWERS)
    padded = text + " " * (1_000_000 - len(text.encode()))

    check_result(run(app, runner, "assess", input=padded))


def test_assess_refuses_deeply_nested_json(app: Flask, runner: FlaskCliRunner) -> None:
    """Well under 1 MB, but deep enough to exhaust Python's recursion limit in json.loads."""
    raw = "[" * 100_000 + "]" * 100_000

    assert_clean_failure(run(app, runner, "assess", input=raw))


@pytest.mark.parametrize("locale", ["XX", "us", "", "GB; DROP TABLE", "\u202eSU"])
def test_assess_refuses_an_unknown_locale(app: Flask, runner: FlaskCliRunner,
                                          locale: str) -> None:
    result = run(app, runner, "assess", "--locale", locale, input=json.dumps(SEVERE_ANSWERS))

    assert_clean_failure(result, "unknown locale", "known: US, GB, CA, AU")


def test_assess_with_a_missing_file(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = run(app, runner, "assess", str(tmp_path / "nowhere.json"))

    assert result.exit_code != 0
    assert "Error:" in result.stderr
    assert "Traceback" not in result.output
