"""seeds/safer_use.yaml is checked at start-up like every seed file: the error names the file
and the place."""

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from recovery.content.loader import ContentError, load_content

SEEDS_DIR = Path(__file__).parents[2] / "seeds"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, target)
    return target


def twice(data: Any) -> None:
    data["guides"][1]["substances"].append("ketamine")


@pytest.mark.parametrize(("change", "place", "message"), [
    pytest.param(lambda d: d["guides"][0]["substances"].append("kratom"),
                 "guides[0].substances[1]", "unknown substance 'kratom'", id="unknown-substance"),
    pytest.param(twice, "guides[1].substances[3]", "'ketamine' already has a guide",
                 id="substance-twice"),
    pytest.param(lambda d: d["shown_when"][0].pop("because"), "shown_when[0]",
                 "missing key 'because'", id="rule-without-reason"),
    pytest.param(lambda d: d["shown_when"][0].update({"when": {"flag": "nope"}}),
                 "shown_when[0].when.flag", "unknown flag 'nope'", id="unknown-flag"),
    pytest.param(lambda d: d.update({"unless": {"answer": {"item": "prescribed",
                                                           "in": ["sometimes"]}}}),
                 "unless.answer.in[0]", "sometimes", id="unknown-option"),
    pytest.param(lambda d: d["guides"][0].update({"lines": []}), "guides[0].lines",
                 "must not be empty", id="no-lines"),
])
def test_broken_safer_use_names_file_and_place(seeds: Path, change: Callable[[Any], None],
                                               place: str, message: str) -> None:
    path = seeds / "safer_use.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)

    assert (excinfo.value.file, excinfo.value.place) == ("safer_use.yaml", place)
    assert message in excinfo.value.message


def test_the_words_of_the_default_country_reach_the_guidance() -> None:
    for country, doctor in (("US", "primary care doctor"), ("GB", "GP")):
        guide = load_content(SEEDS_DIR, country).safer_use.guide_for("ketamine")
        assert guide is not None
        assert any(f"see your {doctor} within a week or two" in line for line in guide.lines)
