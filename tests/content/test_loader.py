"""The strict seed loader: the real seeds load, and each way of breaking them is caught with a
message that names the file and the place, so a content editor can fix it."""

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from recovery import create_app, db
from recovery.content.conditions import AnswerIn, LevelAtLeast, Not
from recovery.content.loader import ContentError, load_content
from recovery.seeds import load_content_once

SEEDS_DIR = Path(__file__).parents[2] / "seeds"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of the real seeds, to break."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, target)
    return target


def edit_yaml(seeds: Path, name: str, change: Callable[[Any], None]) -> None:
    path = seeds / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


# --- the real seeds ---------------------------------------------------------------------------


def test_real_seeds_load() -> None:
    content = load_content(SEEDS_DIR)

    assert content.version == (SEEDS_DIR / "VERSION").read_text().strip()
    assert content.questionnaire.steps[0].id == "substance"
    assert content.questionnaire.subject_item == "substance"
    assert content.severity_scale == "use_checklist"
    assert [b.min for b in content.scale("use_checklist").bands] == [0, 2, 4, 6]
    assert content.flags[0].kind == "crisis" and content.paths[-1].id == "exercise_nutrition"
    assert content.default_locale == "US"
    assert {loc.id for loc in content.crisis_locales} >= {"US", "GB"}


def test_option_sets_and_conditions_are_read() -> None:
    content = load_content(SEEDS_DIR)
    items = content.questionnaire.items

    # yes/no questions without options share the yes_no set; "two_weeks" is a named set.
    assert [(o.id, o.score) for o in items["c_craving"].options] == [("yes", 1), ("no", 0)]
    assert [o.score for o in items["m_down"].options] == [0, 1, 2, 3]
    assert items["prescribed"].show_if == Not(AnswerIn("substance", frozenset({"alcohol"})))
    none_of_these = items["co_use"].option("none_of_these")
    assert none_of_these is not None and none_of_these.is_exclusive
    cbt = next(p for p in content.paths if p.id == "cbt")
    assert cbt.rules[0].when == LevelAtLeast("use_checklist", "moderate", 2)


def test_round_tripped_seeds_load_the_same(seeds: Path) -> None:
    # The breaking tests rewrite files with PyYAML; make sure that alone changes nothing.
    for name in ("questionnaire.yaml", "scoring.yaml", "flags.yaml", "paths.yaml", "crisis.yaml"):
        edit_yaml(seeds, name, lambda data: None)

    assert load_content(seeds) == load_content(SEEDS_DIR)


# --- broken seeds -----------------------------------------------------------------------------


def step(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in data["steps"] if s["id"] == step_id)


def item(data: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for s in data["steps"] for i in s["items"] if i["id"] == item_id)


def entry(data: dict[str, Any], key: str, entry_id: str) -> dict[str, Any]:
    return next(e for e in data[key] if e["id"] == entry_id)


def add_option_key(data: Any) -> None:
    item(data, "frequency")["options"][1]["scroe"] = 1


def drop_flag_because(data: Any) -> None:
    del entry(data, "flags", "chest_symptoms")["because"]


def duplicate_item_id(data: Any) -> None:
    item(data, "amount")["id"] = "frequency"


def duplicate_item_id_across_steps(data: Any) -> None:
    item(data, "seizures")["id"] = "substance"


def show_if_reads_later_step(data: Any) -> None:
    item(data, "prescribed")["show_if"] = {"answer": {"item": "symptoms", "in": ["fever"]}}


def show_if_reads_same_step(data: Any) -> None:
    item(data, "amount")["show_if"] = {"answer": {"item": "frequency", "in": ["daily"]}}


def step_show_if_reads_own_item(data: Any) -> None:
    step(data, "trauma")["show_if"] = {"answer": {"item": "t_avoid", "in": ["yes"]}}


def answer_names_missing_option(data: Any) -> None:
    entry(data, "flags", "chest_symptoms")["when"] = {
        "answer": {"item": "symptoms", "in": ["chest_pains"]}
    }


def bands_not_increasing(data: Any) -> None:
    data["scales"][0]["bands"][2]["min"] = 2


def first_band_not_zero(data: Any) -> None:
    data["scales"][0]["bands"][0]["min"] = 1


def flag_reads_later_flag(data: Any) -> None:
    entry(data, "flags", "suicide_risk_now")["when"] = {"flag": "suicide_risk"}


def path_reads_later_path(data: Any) -> None:
    entry(data, "paths", "supervised_withdrawal")["rules"][0]["when"] = {"path": "residential"}


def path_reads_unknown_path(data: Any) -> None:
    entry(data, "paths", "cbt")["rules"][1]["when"] = {"path": "hypnosis"}


def unknown_condition_kind(data: Any) -> None:
    entry(data, "flags", "heavy_dosing")["when"] = {"eval": "answers['amount'] == 'blackout'"}


def two_condition_kinds(data: Any) -> None:
    entry(data, "flags", "heavy_dosing")["when"] = {
        "answer": {"item": "amount", "in": ["blackout"]}, "flag": "injecting",
    }


def javascript_href(data: Any) -> None:
    data["locales"][0]["resources"][1]["contacts"][2]["href"] = "javascript:alert(1)"


def no_emergency_resource(data: Any) -> None:
    gb = data["locales"][1]
    gb["resources"] = [r for r in gb["resources"] if r["kind"] != "emergency"]


def reserved_step_id(data: Any) -> None:
    step(data, "situation")["id"] = "result"


def unquoted_yes(data: Any) -> None:
    # What `in: [yes]` (unquoted) becomes: YAML 1.1 reads it as true.
    entry(data, "flags", "using_alone")["when"] = {
        "answer": {"item": "w_alone_secret", "in": [True]}
    }


def scored_multiple_choice(data: Any) -> None:
    data["scales"][1]["items"] = ["m_interest", "symptoms"]


def unknown_severity_scale(data: Any) -> None:
    data["severity_scale"] = "dast"


def level_names_missing_band(data: Any) -> None:
    entry(data, "paths", "cbt")["rules"][0]["when"] = {
        "level_at_least": {"scale": "use_checklist", "level": "high"}
    }


def medical_flag_without_urgency(data: Any) -> None:
    del entry(data, "flags", "injecting")["urgency"]


def option_set_score_as_text(data: Any) -> None:
    data["option_sets"]["two_weeks"][1]["score"] = "1"


def option_set_name_not_an_id(data: Any) -> None:
    data["option_sets"]["Two weeks"] = data["option_sets"]["two_weeks"]


def unknown_option_set(data: Any) -> None:
    item(data, "m_down")["options"] = "two_week"


def show_if_null(data: Any) -> None:
    item(data, "m_down")["show_if"] = None


def null_urgency(data: Any) -> None:
    entry(data, "flags", "injecting")["urgency"] = None


def interaction_without_whom(data: Any) -> None:
    del entry(data, "flags", "interaction_macrolide")["tell_who"]


def interaction_without_what(data: Any) -> None:
    del entry(data, "flags", "interaction_antidepressant")["tell_doctor"]


def interaction_tells_the_doctor(data: Any) -> None:
    entry(data, "flags", "interaction_unknown")["tell_who"] = "doctor"


def unknown_whom(data: Any) -> None:
    entry(data, "flags", "interaction_heart")["tell_who"] = "cardiologist"


def path_applies_when_reads_later_path(data: Any) -> None:
    entry(data, "paths", "brief_advice")["applies_when"] = {"path": "peer_support"}


def unknown_subject_none(data: Any) -> None:
    data["subject_none"] = "abstinent"


@pytest.mark.parametrize(
    ("file", "change", "place", "message"),
    [
        pytest.param("questionnaire.yaml", add_option_key, "steps[2].items[1].options[1]",
                     "unknown key 'scroe' (allowed: exclusive, id, in_text, label, score, "
                     "show_if)", id="unknown-key-in-option"),
        pytest.param("flags.yaml", drop_flag_because, "flags[2]", "missing key 'because'",
                     id="missing-key"),
        pytest.param("questionnaire.yaml", duplicate_item_id, "steps[2].items[2].id",
                     "duplicate item id 'frequency'", id="duplicate-item-id"),
        pytest.param("questionnaire.yaml", duplicate_item_id_across_steps,
                     "steps[6].items[1].id", "duplicate item id 'substance'",
                     id="duplicate-item-id-across-steps"),
        pytest.param("questionnaire.yaml", show_if_reads_later_step,
                     "steps[2].items[0].show_if.answer.item",
                     "unknown item 'symptoms' (conditions may only read items asked earlier)",
                     id="show-if-reads-later-step"),
        pytest.param("questionnaire.yaml", show_if_reads_same_step,
                     "steps[2].items[2].show_if.answer.item", "unknown item 'frequency'",
                     id="show-if-reads-same-step"),
        pytest.param("questionnaire.yaml", step_show_if_reads_own_item,
                     "steps[8].show_if.answer.item", "unknown item 't_avoid'",
                     id="step-show-if-reads-own-item"),
        pytest.param("flags.yaml", answer_names_missing_option, "flags[2].when.answer.in[0]",
                     "item 'symptoms' has no option 'chest_pains'", id="missing-option"),
        pytest.param("flags.yaml", unquoted_yes, "flags[27].when.answer.in[0]",
                     "True is not an id", id="unquoted-yes-is-true"),
        pytest.param("scoring.yaml", bands_not_increasing, "scales[0].bands[2]",
                     "thresholds must increase (2 after 2)", id="bands-not-increasing"),
        pytest.param("scoring.yaml", first_band_not_zero, "scales[0].bands[0]",
                     "the first band must start at 0", id="first-band-not-zero"),
        pytest.param("scoring.yaml", scored_multiple_choice, "scales[1].items[1]",
                     "'symptoms' is a multiple choice and cannot be scored",
                     id="scored-multiple-choice"),
        pytest.param("scoring.yaml", unknown_severity_scale, "severity_scale",
                     "unknown scale 'dast'", id="unknown-severity-scale"),
        pytest.param("flags.yaml", flag_reads_later_flag, "flags[0].when.flag",
                     "unknown flag 'suicide_risk' (a flag may only read flags listed before it)",
                     id="flag-reads-later-flag"),
        pytest.param("flags.yaml", medical_flag_without_urgency, "flags[11]",
                     "a medical flag needs an urgency", id="medical-flag-without-urgency"),
        pytest.param("paths.yaml", path_reads_later_path, "paths[1].rules[0].when.path",
                     "unknown path 'residential' (a path may only read paths listed before it)",
                     id="path-reads-later-path"),
        pytest.param("paths.yaml", path_reads_unknown_path, "paths[8].rules[1].when.path",
                     "unknown path 'hypnosis'", id="path-reads-unknown-path"),
        pytest.param("paths.yaml", level_names_missing_band,
                     "paths[8].rules[0].when.level_at_least.level",
                     "scale 'use_checklist' has no level 'high'", id="unknown-level"),
        pytest.param("flags.yaml", unknown_condition_kind, "flags[30].when",
                     "unknown condition 'eval'", id="unknown-condition-kind"),
        pytest.param("flags.yaml", two_condition_kinds, "flags[30].when",
                     "a condition is a mapping with exactly one of", id="two-condition-kinds"),
        pytest.param("crisis.yaml", javascript_href,
                     "locales[0].resources[1].contacts[2].href",
                     "href must be tel:, sms: or an https:// address", id="javascript-href"),
        pytest.param("crisis.yaml", no_emergency_resource, "locales[1].resources",
                     "every locale needs an emergency resource", id="no-emergency-resource"),
        pytest.param("questionnaire.yaml", reserved_step_id, "steps[11]",
                     "'result' is reserved", id="reserved-step-id"),
        # A shared option set is checked where it is written, once for every question using it.
        pytest.param("questionnaire.yaml", option_set_score_as_text,
                     "option_sets.two_weeks[1].score", "expected a whole number, got '1'",
                     id="option-set-score-as-text"),
        pytest.param("questionnaire.yaml", option_set_name_not_an_id, "option_sets.Two weeks",
                     "'Two weeks' is not an id", id="option-set-name-not-an-id"),
        pytest.param("questionnaire.yaml", unknown_option_set, "steps[7].items[1].options",
                     "unknown option set 'two_week'", id="unknown-option-set"),
        # An optional key written empty is a mistake, not the key left out.
        pytest.param("questionnaire.yaml", show_if_null, "steps[7].items[1].show_if",
                     "a condition is a mapping with exactly one of", id="show-if-null"),
        pytest.param("flags.yaml", null_urgency, "flags[11].urgency",
                     "None is not one of emergency, today, soon, routine", id="null-urgency"),
        # Every medicine interaction names who to tell (the prescriber or the pharmacist) and
        # what to tell them.
        pytest.param("flags.yaml", interaction_without_whom, "flags[18]",
                     "an interaction flag needs 'tell_who' (one of prescriber, pharmacist, "
                     "prescriber_or_pharmacist) and 'tell_doctor' (what to tell them)",
                     id="interaction-without-whom"),
        pytest.param("flags.yaml", interaction_without_what, "flags[15]",
                     "an interaction flag needs 'tell_who'", id="interaction-without-what"),
        pytest.param("flags.yaml", interaction_tells_the_doctor, "flags[22]",
                     "an interaction flag needs 'tell_who'", id="interaction-tells-the-doctor"),
        pytest.param("flags.yaml", unknown_whom, "flags[21].tell_who",
                     "'cardiologist' is not one of doctor, prescriber, pharmacist, "
                     "prescriber_or_pharmacist", id="unknown-whom"),
        pytest.param("paths.yaml", path_applies_when_reads_later_path,
                     "paths[9].applies_when.path",
                     "unknown path 'peer_support' (a path may only read paths listed before it)",
                     id="path-applies-when-reads-later-path"),
        pytest.param("questionnaire.yaml", unknown_subject_none, "subject_none",
                     "'abstinent' is not an option of 'substance'", id="unknown-subject-none"),
    ],
)
def test_broken_content_names_file_and_place(seeds: Path, file: str,
                                             change: Callable[[Any], None], place: str,
                                             message: str) -> None:
    edit_yaml(seeds, file, change)

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    error = excinfo.value
    assert (error.file, error.place) == (file, place)
    assert message in error.message
    assert str(error) == f"{file}: {place}: {error.message}"


@pytest.mark.parametrize(
    ("file", "write", "place", "message"),
    [
        pytest.param("flags.yaml", "flags:\n  - id: x\n   kind: crisis\n", "line 3, column 4",
                     "expected <block end>", id="bad-indentation"),
        pytest.param("flags.yaml", "flags:\n  - id: x\n    kind: crisis: bad\n",
                     "line 3, column 17", "mapping values are not allowed here",
                     id="colon-in-unquoted-text"),
        pytest.param("paths.yaml", "paths: [\n  {id: a\n", "line 3, column 1",
                     "expected ',' or '}'", id="unclosed-bracket"),
        pytest.param("questionnaire.yaml", b"subject_item: caf\xe9\n", "", "not UTF-8 text",
                     id="latin-1-bytes"),
        pytest.param("scoring.yaml", b"\xff\xfe\x00s\x00", "", "not UTF-8 text",
                     id="utf-16-bytes"),
        pytest.param("crisis.yaml", "", "", "expected a mapping, got NoneType", id="empty-file"),
        pytest.param("flags.yaml", "- id: x\n", "", "expected a mapping, got list",
                     id="list-at-top"),
        pytest.param("crisis.yaml", "# " + "x" * 1_000_001 + "\n", "", "file is too large",
                     id="too-large"),
    ],
)
def test_unreadable_file(seeds: Path, file: str, write: str | bytes, place: str,
                         message: str) -> None:
    path = seeds / file
    if isinstance(write, bytes):
        path.write_bytes(write)
    else:
        path.write_text(write, encoding="utf-8")

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    assert (excinfo.value.file, excinfo.value.place) == (file, place)
    assert excinfo.value.message
    assert message in excinfo.value.message


def test_yaml_syntax_error_reads_file_line_column_problem(seeds: Path) -> None:
    (seeds / "flags.yaml").write_text("flags:\n  - id: x\n    kind: crisis: bad\n",
                                      encoding="utf-8")

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    assert str(excinfo.value) == (
        "flags.yaml: line 3, column 17: mapping values are not allowed here"
    )


@pytest.mark.parametrize(
    ("file", "place", "message"),
    [
        pytest.param("paths.yaml", "", "file is missing", id="missing-yaml"),
        pytest.param("VERSION", "", "file is missing", id="missing-version"),
    ],
)
def test_missing_file(seeds: Path, file: str, place: str, message: str) -> None:
    (seeds / file).unlink()

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    assert (excinfo.value.file, excinfo.value.place, excinfo.value.message) == (
        file, place, message)


@pytest.mark.parametrize(
    "version",
    [
        pytest.param("", id="empty"),
        pytest.param("../../etc/passwd", id="path"),
        pytest.param("2026 11", id="space"),
        pytest.param("<b>1</b>", id="markup"),
    ],
)
def test_bad_version(seeds: Path, version: str) -> None:
    (seeds / "VERSION").write_text(version + "\n", encoding="utf-8")

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    assert (excinfo.value.file, excinfo.value.place) == ("VERSION", "line 1")
    assert "is not a version" in excinfo.value.message


def test_duplicate_mapping_key_is_an_error(seeds: Path) -> None:
    # A second `when:` would silently replace the first (PyYAML keeps the last), dropping a
    # crisis rule without a word. Strict content must refuse it.
    path = seeds / "flags.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "    when: {answer: {item: symptoms, in: [chest_pain]}}\n"
    assert marker in text
    path.write_text(text.replace(marker, marker + "    when: {always: true}\n"),
                    encoding="utf-8")

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    assert excinfo.value.file == "flags.yaml"
    assert excinfo.value.place
    assert "duplicate" in excinfo.value.message.lower()


# --- the app refuses to start with broken content --------------------------------------------


def test_create_app_refuses_broken_content(seeds: Path, tmp_path: Path) -> None:
    edit_yaml(seeds, "scoring.yaml", first_band_not_zero)

    with pytest.raises(SystemExit) as excinfo:
        create_app({
            "TESTING": True,
            "SECRET_KEY": "x",
            "SEEDS_DIR": str(seeds),
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        })

    message = str(excinfo.value.code)
    assert "scoring.yaml: scales[0].bands[0]: the first band must start at 0" in message
    assert str(seeds) in message


def test_create_app_starts_with_good_content(seeds: Path, tmp_path: Path) -> None:
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "x",
        "SEEDS_DIR": str(seeds),
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
    })

    try:
        assert app.extensions["recovery.content"] == load_content(SEEDS_DIR)
    finally:
        db.get_engine(app).dispose()


def test_the_app_reads_the_same_seed_files_once(seeds: Path) -> None:
    """Each create_app reuses content already read from byte-identical files (a test session
    builds hundreds of apps), and reads an edited file again."""
    first = load_content_once(seeds, "US")
    assert load_content_once(SEEDS_DIR, "US") is first  # same bytes, another place
    assert load_content_once(SEEDS_DIR, "GB") is not first  # another country's words

    edit_yaml(seeds, "scoring.yaml", first_band_not_zero)
    with pytest.raises(ContentError, match="the first band must start at 0"):
        load_content_once(seeds, "US")
    assert load_content_once(SEEDS_DIR, "US") is first


def test_the_lexicon_needs_every_substance_but_not_using_any(seeds: Path) -> None:
    """"I don't use any" (subject_none) has nothing for the share-safe printouts to hide; without
    the mark, lexicon.yaml would need an entry for it like a substance's."""
    assert load_content(SEEDS_DIR).questionnaire.subject_none == "no_use"
    edit_yaml(seeds, "questionnaire.yaml", lambda data: data.pop("subject_none"))

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    assert (excinfo.value.file, excinfo.value.place) == ("lexicon.yaml", "substances")
    assert "missing the questionnaire's 'no_use'" in excinfo.value.message
