"""seeds/safety_plan.yaml: the real file loads (seven steps, in our own words, the crisis
lines on one contacts step, each country's words filled in), and each way of breaking it
stops start-up with a ContentError naming safety_plan.yaml and the place."""

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from recovery.content.loader import SEED_FILES, ContentError, load_content

SEEDS_DIR = Path(__file__).parents[2] / "seeds"
# Headings of the Stanley-Brown form as recalled in clinical-facts §7.5 and the form itself:
# its text may not be reproduced (clinical-facts §0), so none of it may turn up in ours.
FORM_PHRASES = (
    "warning signs (thoughts, images", "internal coping strategies",
    "take my mind off my problems without contacting another person",
    "people and social settings that provide distraction", "people whom i can ask for help",
    "professionals or agencies i can contact", "making the environment safe",
    "the one thing that is most important to me", "a crisis may be developing",
)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, target)
    return target


def edit(seeds: Path, change: Callable[[Any], None]) -> None:
    path = seeds / "safety_plan.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_the_real_file_has_the_seven_steps_in_order() -> None:
    safety = load_content(SEEDS_DIR).safety_plan

    assert "safety_plan.yaml" in SEED_FILES
    assert [s.id for s in safety.steps] == [
        "warning_signs", "on_my_own", "distractions", "people", "professionals",
        "surroundings", "reasons"]
    assert [s.kind for s in safety.steps] == [
        "lines", "lines", "lines", "contacts", "contacts", "lines", "lines"]
    assert [s.id for s in safety.steps if s.has_crisis_lines] == ["professionals"]
    assert [s.id for s in safety.steps if s.is_first_on_card] == ["reasons"]
    assert safety.card_order(("My warning signs", "My reasons to live", "X")) == (1, 0, 2)
    assert all(s.title and s.prompt.endswith("?") and s.hint for s in safety.steps)
    assert safety.position("warning_signs") == 1 and safety.position("reasons") == 7
    assert safety.step("nope") is None
    assert "Stanley-Brown" in safety.credit and "our own" in safety.credit


def test_the_words_are_our_own() -> None:
    text = (SEEDS_DIR / "safety_plan.yaml").read_text(encoding="utf-8").casefold()
    assert [phrase for phrase in FORM_PHRASES if phrase in text] == []


@pytest.mark.parametrize(("country", "expected"), [
    ("US", "your primary care doctor, a counselor, your treatment team, or urgent care"),
    ("GB", "your GP, a counsellor, your treatment team, or an urgent treatment centre or A&E"),
])
def test_each_country_reads_its_own_words(country: str, expected: str) -> None:
    professionals = load_content(SEEDS_DIR, country).safety_plan.step("professionals")
    assert professionals is not None and expected in professionals.hint


def step(index: int) -> Callable[[Any], dict[str, Any]]:
    return lambda data: data["steps"][index]


def set_key(where: Callable[[Any], dict[str, Any]], key: str, value: Any
            ) -> Callable[[Any], None]:
    return lambda data: where(data).__setitem__(key, value)


@pytest.mark.parametrize(
    ("change", "place", "message"),
    [
        pytest.param(set_key(step(0), "titel", "x"), "steps[0]", "unknown key 'titel'",
                     id="unknown-key"),
        pytest.param(lambda d: d["steps"][1].pop("hint"), "steps[1]", "missing key 'hint'",
                     id="missing-hint"),
        pytest.param(set_key(step(2), "kind", "essay"), "steps[2].kind",
                     "'essay' is not one of lines, contacts", id="unknown-kind"),
        pytest.param(set_key(step(3), "id", "warning_signs"), "steps[3]",
                     "duplicate step id 'warning_signs'", id="duplicate-id"),
        pytest.param(set_key(step(3), "id", "People"), "steps[3].id", "", id="id-not-a-slug"),
        pytest.param(set_key(step(3), "crisis_lines", True), "steps[4].crisis_lines",
                     "only one step can show the crisis lines", id="crisis-lines-twice"),
        pytest.param(set_key(step(0), "crisis_lines", True), "steps[4].crisis_lines",
                     "only one step can show the crisis lines", id="crisis-lines-twice-later"),
        pytest.param(lambda d: (d["steps"][4].pop("crisis_lines"),
                                d["steps"][0].__setitem__("crisis_lines", True)),
                     "steps[0].crisis_lines", "the crisis lines go on a contacts step",
                     id="crisis-lines-on-a-lines-step"),
        pytest.param(set_key(step(4), "crisis_lines", "yes"), "steps[4].crisis_lines", "",
                     id="crisis-lines-not-a-boolean"),
        pytest.param(set_key(step(0), "first_on_card", True), "steps[6].first_on_card",
                     "only one step can come first on the card", id="two-first-on-card"),
        pytest.param(set_key(lambda d: d, "steps", []), "steps", "", id="no-steps"),
        pytest.param(set_key(step(5), "prompt", "  "), "steps[5].prompt", "", id="blank-prompt"),
        pytest.param(set_key(step(6), "hint", "Ask your {family_docter}"), "steps[6].hint",
                     "family_docter", id="unknown-word"),
    ],
)
def test_broken_file_names_file_and_place(seeds: Path, change: Callable[[Any], None],
                                          place: str, message: str) -> None:
    edit(seeds, change)

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    assert (excinfo.value.file, excinfo.value.place) == ("safety_plan.yaml", place)
    assert message in excinfo.value.message


def test_a_missing_file_stops_start_up(seeds: Path) -> None:
    (seeds / "safety_plan.yaml").unlink()

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    assert excinfo.value.file == "safety_plan.yaml"
