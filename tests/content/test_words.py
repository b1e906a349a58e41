"""The words that differ between varieties of English (seeds/words.yaml): the whole site reads in
the default country's variety (the CRISIS_LOCALE setting), content refers to them by name, and
a wrong name, a missing country or an unknown default country stops start-up with a message."""

import dataclasses
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from recovery import create_app, db
from recovery.content.loader import ContentError, UnknownCountry, load_content
from recovery.content.seedfiles.words import FILLED_PER_SCREENING

ROOT = Path(__file__).parents[2]
SEEDS_DIR = ROOT / "seeds"
# Words of one variety that must only appear in words.yaml, so a page never mixes "GP" with
# "primary care doctor". Whole words, case-insensitive.
VARIETY_WORDS = re.compile(
    r"(?<![{.\w])(GPs?|programmes?|counsell\w*|centres?|behavioural|organisations?|judgement|"
    r"primary care doctors?|counselors?|counseling|centers?|behavioral|organizations?)(?![}\w])",
    re.IGNORECASE)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, target)
    return target


def edit(seeds: Path, name: str, change: Any) -> None:
    path = seeds / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def texts(value: Any) -> Iterator[str]:
    """Every string inside the loaded content (dataclasses, tuples, dicts)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from texts(getattr(value, item.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts(item)
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from texts(item)


def flag(content: Any, flag_id: str) -> Any:
    return next(f for f in content.flags if f.id == flag_id)


def test_us_content_reads_in_american_english() -> None:
    content = load_content(SEEDS_DIR, "US")

    assert content.default_locale == "US"
    assert "See your primary care doctor or another doctor" in flag(content,
                                                                    "urinary_ketamine").text
    assert "urgent care or an emergency room" in flag(content, "urinary_urgent").text
    assert content.plan.next_steps["cbt"].startswith("Ask your primary care doctor or a "
                                                    "counseling service")
    titles = [p.title for p in content.paths]
    assert "Outpatient program and aftercare" in titles
    assert "Cognitive behavioral therapy (CBT)" in titles
    label = content.questionnaire.items["past_treatment"].option("outpatient")
    assert label is not None and label.label.startswith("Counseling, therapy or an outpatient "
                                                         "program")


def test_gb_content_reads_in_british_english() -> None:
    content = load_content(SEEDS_DIR, "GB")

    assert "See your GP or another doctor" in flag(content, "urinary_ketamine").text
    assert "an urgent treatment centre or A&E" in flag(content, "urinary_urgent").text
    assert "Outpatient programme and aftercare" in [p.title for p in content.paths]
    assert content.words["counselor"] == "counsellor"


@pytest.mark.parametrize("country", ["US", "GB", "CA", "AU"])
def test_every_placeholder_is_filled_in(country: str) -> None:
    """No {word} is left in any text; only what the engine fills per screening remains."""
    content = load_content(SEEDS_DIR, country)

    left = {m for text in texts(content) for m in re.findall(r"\{([A-Za-z_]+)\}", text)}
    assert left <= FILLED_PER_SCREENING


def test_one_variety_everywhere_else() -> None:
    """Words that differ between varieties are written only in words.yaml: everywhere else
    (seeds, templates, user-facing Python) they are placeholders, so a page can't mix them.
    The counselor workspace's own name for the role ("counselor" in URLs, roles and its pages)
    is not a word of the content: its templates and code are left out."""
    offenders = []
    files = [*sorted(SEEDS_DIR.glob("*.yaml")), *sorted((ROOT / "templates").rglob("*.html"))]
    for path in files:
        if path.name == "words.yaml" or "counselor" in path.parts:
            continue
        text = re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group(0).count("\n"),
                      path.read_text(encoding="utf-8"), flags=re.DOTALL)
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#") or "counselor:" in line:
                continue  # comments, and the crisis flags' key for the counselor's words
            for match in VARIETY_WORDS.finditer(line):
                if not _inside_markup(line, match):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert offenders == []


def _inside_markup(line: str, match: re.Match[str]) -> bool:
    """Jinja and URLs name the counselor workspace (url_for('counselor...'), flag.counselor)."""
    before = line[:match.start()]
    return before.count("{{") > before.count("}}") or before.count("{%") > before.count("%}")


def test_templates_name_only_words_that_exist() -> None:
    content = load_content(SEEDS_DIR)
    used = {name for path in (ROOT / "templates").rglob("*.html")
            for name in re.findall(r"words\.(\w+)", path.read_text(encoding="utf-8"))}

    assert used and used <= set(content.words)


def test_a_capital_placeholder_starts_a_sentence(seeds: Path) -> None:
    def change(data: Any) -> None:
        data["next_steps"]["cbt"] = "{Family_doctor} first, then CBT."
    edit(seeds, "plan.yaml", change)

    us = load_content(seeds, "US")
    assert us.plan.next_steps["cbt"] == "Primary care doctor first, then CBT."
    assert load_content(seeds, "GB").plan.next_steps["cbt"] == "GP first, then CBT."


def test_an_unknown_word_names_file_and_place(seeds: Path) -> None:
    def change(data: Any) -> None:
        data["next_steps"]["cbt"] = "Ask your {family_docter} for CBT."
    edit(seeds, "plan.yaml", change)

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)
    assert (excinfo.value.file, excinfo.value.place) == ("plan.yaml", "next_steps.cbt")
    assert "unknown word {family_docter}" in excinfo.value.message


def test_a_word_missing_for_a_country_is_refused(seeds: Path) -> None:
    edit(seeds, "words.yaml", lambda data: data["words"]["program"].pop("AU"))

    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)
    assert (excinfo.value.file, excinfo.value.place) == ("words.yaml", "words.program")
    assert "missing for AU" in excinfo.value.message


def test_a_word_for_a_country_without_crisis_lines_is_refused(seeds: Path) -> None:
    edit(seeds, "words.yaml", lambda data: data["words"]["program"].update({"IE": "programme"}))

    with pytest.raises(ContentError, match=r"words.yaml: words.program: IE is not a country in "
                                           r"crisis.yaml"):
        load_content(seeds)


def test_a_word_with_a_bad_country_code_is_refused(seeds: Path) -> None:
    edit(seeds, "words.yaml", lambda data: data["words"]["program"].update({"gb": "x"}))

    with pytest.raises(ContentError, match="words.yaml: words.program"):
        load_content(seeds)


def test_an_unknown_default_country_is_refused() -> None:
    with pytest.raises(UnknownCountry) as excinfo:
        load_content(SEEDS_DIR, "FR")
    assert excinfo.value.countries == ["US", "GB", "CA", "AU"]


@pytest.mark.parametrize("setting", ["FR", "gb", 12])
def test_the_app_refuses_an_unknown_crisis_locale_setting(tmp_path: Path, setting: Any) -> None:
    with pytest.raises(SystemExit) as excinfo:
        create_app({"TESTING": True, "SECRET_KEY": "x", "CRISIS_LOCALE": setting,
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})

    message = str(excinfo.value.code)
    assert f"the CRISIS_LOCALE setting is {setting!r}" in message
    assert "US, GB, CA, AU" in message and "RECOVERY_CRISIS_LOCALE" in message


def test_the_site_speaks_the_default_countrys_english(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "CRISIS_LOCALE": "GB",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    try:
        page = app.test_client().get("/").get_data(as_text=True)
        privacy = app.test_client().get("/privacy").get_data(as_text=True)
    finally:
        db.get_engine(app).dispose()

    assert "Filling this in with a counsellor?" in page
    assert "Samaritans" in page  # the footer's crisis lines are the default country's
    assert "If you work with a counsellor here" in privacy
    assert "organisation that runs this service" in privacy
