"""seeds/plan.yaml: the real file loads into PlanContent, and each way of breaking it is caught
with a ContentError naming plan.yaml and the place, so a content editor can fix it."""

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from recovery.content.conditions import AnswerIn, AnyOf, FlagRaised
from recovery.content.loader import ContentError, load_content

SEEDS_DIR = Path(__file__).parents[2] / "seeds"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of the real seeds, to break."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, target)
    return target


def edit_plan(seeds: Path, change: Callable[[Any], None]) -> None:
    path = seeds / "plan.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


# --- the real plan.yaml -----------------------------------------------------------------------


def test_real_plan_loads() -> None:
    content = load_content(SEEDS_DIR)
    plan = content.plan

    assert [k for k, _ in plan.trigger_kinds] == [
        "people", "places", "feelings", "body", "thoughts"]
    assert len(plan.triggers) == 24
    assert [t.id for t in plan.triggers if t.suggest_when is not None] == [
        "alone_with_access", "using_friends", "conflict", "work_pressure", "lonely",
        "low_mood", "anxious", "cravings", "feeling_unwell_without", "pain", "hard_memories"]
    assert all(t.because for t in plan.triggers if t.suggest_when is not None)
    assert all(t.because == "" for t in plan.triggers if t.suggest_when is None)
    assert all(t.actions for t in plan.triggers)
    assert [s.id for s in plan.warning_signs if s.suggest_when is not None] == [
        "hiding", "routine_slipping", "mood_swings"]
    assert plan.urge_plan.delay_minutes == 20 and len(plan.urge_plan.distractions) == 5
    assert [r.id for r in plan.routine] == [
        "sleep", "morning_light", "meals_water", "movement", "rest_practice", "connection"]
    assert len(plan.at_home_safety.lines) == 7
    # The relapse plan's safety steps are the safety plan's own (safety_plan.yaml).
    assert len(content.safety_plan.steps) == 7 and "Stanley-Brown" in content.safety_plan.credit
    # Folded YAML text is read without the trailing newline.
    assert plan.urge_plan.grounding == plan.urge_plan.grounding.strip()


def test_real_plan_rules_and_references() -> None:
    content = load_content(SEEDS_DIR)
    plan = content.plan
    alone, lonely = plan.trigger("alone_with_access"), plan.trigger("lonely")

    assert alone is not None and alone.suggest_when == FlagRaised("using_alone")
    assert alone.because == "You said you often use alone or in secret."
    assert lonely is not None
    assert lonely.suggest_when == AnswerIn("support_person", frozenset({"no"}))
    assert plan.trigger("no_such_trigger") is None
    # Every recommended path has a next step, and every substance has red flags.
    assert set(plan.next_steps) == {p.id for p in content.paths}
    substances = {o.id for o in content.questionnaire.items["substance"].options}
    assert {s for group in plan.medical_red_flags for s in group.substances} == substances
    assert plan.therapy_aftercare.applies_when == AnswerIn(
        "prescribed", frozenset({"infusion_clinic", "esketamine", "at_home"}))
    assert plan.at_home_safety.applies_when == AnswerIn("prescribed", frozenset({"at_home"}))
    assert plan.safety_plan_when == AnyOf(
        (FlagRaised("suicide_risk"), FlagRaised("suicide_risk_now")))


def test_round_tripped_plan_loads_the_same(seeds: Path) -> None:
    # The breaking tests rewrite plan.yaml with PyYAML; make sure that alone changes nothing.
    edit_plan(seeds, lambda data: None)

    assert load_content(seeds) == load_content(SEEDS_DIR)


# --- broken plan.yaml -------------------------------------------------------------------------


def entry(data: dict[str, Any], key: str, entry_id: str) -> dict[str, Any]:
    return next(e for e in data[key] if e["id"] == entry_id)


def trigger(data: dict[str, Any], trigger_id: str) -> dict[str, Any]:
    return entry(data, "triggers", trigger_id)


def sign(data: dict[str, Any], sign_id: str) -> dict[str, Any]:
    return entry(data, "warning_signs", sign_id)


def red_flags_for(data: dict[str, Any], substance: str) -> dict[str, Any]:
    return next(g for g in data["medical_red_flags"] if substance in g["substances"])


def set_key(getter: Callable[[Any], dict[str, Any]], key: str, value: Any
            ) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        getter(data)[key] = value
    return change


def del_key(getter: Callable[[Any], dict[str, Any]], key: str) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        del getter(data)[key]
    return change


def drop_red_flags(*substances: str) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data["medical_red_flags"] = [g for g in data["medical_red_flags"]
                                     if not set(g["substances"]) & set(substances)]
    return change


def drop_trigger_kind(kind: str) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        data["trigger_kinds"] = [k for k in data["trigger_kinds"] if k["id"] != kind]
    return change


def add_red_flag_substance(substance: str) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        red_flags_for(data, "ketamine")["substances"].append(substance)
    return change


def first_action_kind(data: Any) -> dict[str, Any]:
    return trigger(data, "conflict")["actions"][1]


def opioid_red_flag(data: Any) -> dict[str, Any]:
    return red_flags_for(data, "opioids")["items"][0]


TRIGGER_KIND_IDS = "people, places, feelings, body, thoughts"


@pytest.mark.parametrize(
    ("change", "place", "message"),
    [
        # Triggers
        pytest.param(set_key(lambda d: trigger(d, "alone_with_access"), "colour", "red"),
                     "triggers[0]",
                     "unknown key 'colour' (allowed: actions, because, id, kind, label, "
                     "suggest_when)", id="unknown-key-in-trigger"),
        pytest.param(set_key(lambda d: trigger(d, "parties"), "kind", "weather"),
                     "triggers[4].kind", f"'weather' is not one of {TRIGGER_KIND_IDS}",
                     id="trigger-kind-not-in-trigger-kinds"),
        pytest.param(drop_trigger_kind("thoughts"), "triggers[20].kind",
                     "'thoughts' is not one of people, places, feelings, body",
                     id="trigger-kind-removed-from-trigger-kinds"),
        pytest.param(set_key(first_action_kind, "kind", "pray"), "triggers[3].actions[1].kind",
                     "'pray' is not one of avoid, leave, cope, call",
                     id="action-kind-not-allowed"),
        pytest.param(set_key(lambda d: trigger(d, "hungry"), "actions", []),
                     "triggers[8].actions", "must not be empty", id="trigger-without-actions"),
        pytest.param(set_key(lambda d: trigger(d, "parties"), "id", "alone_with_access"),
                     "triggers[4]", "duplicate trigger id 'alone_with_access'",
                     id="duplicate-trigger-id"),
        pytest.param(set_key(lambda d: trigger(d, "parties"), "id", "Parties!"),
                     "triggers[4].id", "'Parties!' is not an id", id="trigger-id-not-a-slug"),
        # suggest_when and because go together
        pytest.param(del_key(lambda d: trigger(d, "alone_with_access"), "because"),
                     "triggers[0]", "a suggestion needs 'because'",
                     id="trigger-suggest-when-without-because"),
        pytest.param(del_key(lambda d: sign(d, "hiding"), "because"), "warning_signs[5]",
                     "a suggestion needs 'because'", id="sign-suggest-when-without-because"),
        pytest.param(set_key(lambda d: trigger(d, "seller_contact"), "because", "You said so."),
                     "triggers[2]", "'because' only makes sense with 'suggest_when'",
                     id="trigger-because-without-suggest-when"),
        pytest.param(set_key(lambda d: sign(d, "isolating"), "because", "You said so."),
                     "warning_signs[1]", "'because' only makes sense with 'suggest_when'",
                     id="sign-because-without-suggest-when"),
        pytest.param(set_key(lambda d: trigger(d, "alone_with_access"), "because", "  "),
                     "triggers[0].because", "expected non-empty text", id="empty-because"),
        # suggest_when references
        pytest.param(set_key(lambda d: trigger(d, "lonely"), "suggest_when",
                             {"flag": "lonely_raised"}),
                     "triggers[10].suggest_when.flag", "unknown flag 'lonely_raised'",
                     id="suggest-when-unknown-flag"),
        pytest.param(set_key(lambda d: trigger(d, "using_friends"), "suggest_when",
                             {"answer": {"item": "friends_using", "in": ["yes"]}}),
                     "triggers[1].suggest_when.answer.item", "unknown item 'friends_using'",
                     id="suggest-when-unknown-item"),
        pytest.param(set_key(lambda d: trigger(d, "lonely"), "suggest_when",
                             {"answer": {"item": "support_person", "in": ["sometimes"]}}),
                     "triggers[10].suggest_when.answer.in[0]",
                     "item 'support_person' has no option 'sometimes'",
                     id="suggest-when-unknown-option"),
        pytest.param(set_key(lambda d: sign(d, "mood_swings"), "suggest_when",
                             {"path": "hypnosis"}),
                     "warning_signs[7].suggest_when.path", "unknown path 'hypnosis'",
                     id="suggest-when-unknown-path"),
        pytest.param(set_key(lambda d: trigger(d, "cravings"), "suggest_when",
                             {"eval": "answers['c_craving'] == 'yes'"}),
                     "triggers[16].suggest_when", "unknown condition 'eval'",
                     id="suggest-when-unknown-condition"),
        # Warning signs
        pytest.param(set_key(lambda d: sign(d, "isolating"), "note", "x"), "warning_signs[1]",
                     "unknown key 'note' (allowed: because, id, suggest_when, text)",
                     id="unknown-key-in-warning-sign"),
        pytest.param(set_key(lambda d: sign(d, "hiding"), "id", "isolating"), "warning_signs[5]",
                     "duplicate warning sign id 'isolating'", id="duplicate-warning-sign-id"),
        # Next steps: one for every path, and only for paths
        pytest.param(del_key(lambda d: d["next_steps"], "cbt"), "next_steps",
                     "missing key 'cbt'", id="next-steps-missing-a-path"),
        pytest.param(set_key(lambda d: d["next_steps"], "hypnosis", "Find a hypnotist."),
                     "next_steps", "unknown key 'hypnosis'", id="next-steps-unknown-path"),
        pytest.param(set_key(lambda d: d["next_steps"], "cbt", ""), "next_steps.cbt",
                     "expected non-empty text", id="next-step-empty"),
        # Medical red flags: known substances, every substance covered
        pytest.param(add_red_flag_substance("caffeine"), "medical_red_flags[0].substances[1]",
                     "unknown substance 'caffeine'", id="red-flags-unknown-substance"),
        pytest.param(add_red_flag_substance("other_depressants"),
                     "medical_red_flags[0].substances[1]",
                     "unknown substance 'other_depressants'",
                     id="red-flags-co-use-option-is-not-a-substance"),
        pytest.param(drop_red_flags("opioids"), "medical_red_flags",
                     "no red flags for: opioids (every substance needs some)",
                     id="substance-without-red-flags"),
        pytest.param(drop_red_flags("cannabis"), "medical_red_flags",
                     "no red flags for: cannabis, other", id="two-substances-without-red-flags"),
        pytest.param(del_key(opioid_red_flag, "action"), "medical_red_flags[2].items[0]",
                     "missing key 'action'", id="red-flag-without-action"),
        pytest.param(set_key(opioid_red_flag, "same_as", ["injecting", "overdose_risk"]),
                     "medical_red_flags[2].items[0].same_as[1]",
                     "unknown medical flag 'overdose_risk'", id="red-flag-same-as-unknown-flag"),
        pytest.param(set_key(opioid_red_flag, "same_as", ["suicide_risk_now"]),
                     "medical_red_flags[2].items[0].same_as[0]",
                     "unknown medical flag 'suicide_risk_now'",
                     id="red-flag-same-as-a-flag-that-is-not-medical"),
        # Urge plan and conditional sections
        pytest.param(set_key(lambda d: d["urge_plan"], "delay_minutes", 0),
                     "urge_plan.delay_minutes", "must be at least 1", id="delay-zero"),
        pytest.param(set_key(lambda d: d["urge_plan"], "delay_minutes", "20"),
                     "urge_plan.delay_minutes", "expected a whole number", id="delay-as-text"),
        pytest.param(set_key(lambda d: d["urge_plan"], "distractions", ["Walk"] * 41),
                     "urge_plan.distractions", "at most 40 lines", id="too-many-lines"),
        pytest.param(set_key(lambda d: d["therapy_aftercare"], "applies_when",
                             {"answer": {"item": "prescribed", "in": ["clinic"]}}),
                     "therapy_aftercare.applies_when.answer.in[0]",
                     "item 'prescribed' has no option 'clinic'",
                     id="therapy-applies-when-unknown-option"),
        pytest.param(set_key(lambda d: d["safety_steps"], "applies_when",
                             {"flag": "suicide"}),
                     "safety_steps.applies_when.flag", "unknown flag 'suicide'",
                     id="safety-steps-unknown-flag"),
        pytest.param(set_key(lambda d: d, "at_home_safety",
                             {"applies_when": {"always": True}, "lines": ["Never alone."]}),
                     "at_home_safety", "unknown key 'lines' (allowed: applies_when, credit, rules)",
                     id="conditional-list-wrong-key"),
        pytest.param(del_key(lambda d: d, "lapse_plan"), "", "missing key 'lapse_plan'",
                     id="missing-section"),
    ],
)
def test_broken_plan_names_file_and_place(seeds: Path, change: Callable[[Any], None],
                                          place: str, message: str) -> None:
    edit_plan(seeds, change)

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    error = excinfo.value
    assert (error.file, error.place) == ("plan.yaml", place)
    assert message in error.message
    where = f"plan.yaml: {place}" if place else "plan.yaml"
    assert str(error) == f"{where}: {error.message}"


def test_missing_plan_file(seeds: Path) -> None:
    (seeds / "plan.yaml").unlink()

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    assert (excinfo.value.file, excinfo.value.place, excinfo.value.message) == (
        "plan.yaml", "", "file is missing")
    assert str(excinfo.value) == "plan.yaml: file is missing"
