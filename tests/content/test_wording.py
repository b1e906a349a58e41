"""Every sentence true for its reader (issue 16 item 2): the questionnaire's wording that is true
only for an anonymous self-screening is marked `self_only` and has counselor words, and the
start-up check refuses, with the file and the place, wording shown to counselors that promises
what only an anonymous check can keep."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from recovery.content.loader import ContentError, load_content
from recovery.content.seedfiles.wording import untrue_phrase
from recovery.screening.answers import visible_steps
from tests.content.test_loader import SEEDS_DIR, edit_yaml, item, seeds, step

__all__ = ["seeds"]  # the fixture, shared with test_loader


def test_every_word_read_to_a_client_is_true_for_them() -> None:
    content = load_content(SEEDS_DIR)
    steps = content.questionnaire.steps
    for shown in steps:
        assert untrue_phrase(shown.intro_for("counselor")) is None, shown.id
        for question in shown.items:
            for words in (question.text_for("counselor"), question.hint_for("counselor"),
                          *(option.label for option in question.options)):
                assert untrue_phrase(words) is None, question.id
    first = content.questionnaire.step("substance")
    assert first is not None
    assert "anonymous" in first.intro_for("self")
    assert "your record" in first.intro_for("counselor")
    assert "As you agreed" in first.intro_for("counselor")
    body = content.questionnaire.step("body")
    assert body is not None and "Nothing here is shared" in body.intro_for("self")
    assert "only the counselors working with you can open" in body.intro_for("counselor")
    # Words true for both are the same for both.
    mood = content.questionnaire.step("mood")
    assert mood is not None and mood.intro_for("counselor") == mood.intro_for("self") != ""
    # And every step either reader may see is covered: skip logic doesn't choose the wording.
    assert visible_steps(content.questionnaire, {}) != []


def unmarked_promise(data: Any) -> None:
    step(data, "mood")["intro"] = "Only you can see these answers."


def marked_without_counselor_words(data: Any) -> None:
    del step(data, "body")["counselor"]


def counselor_words_not_marked(data: Any) -> None:
    step(data, "mood")["counselor"] = {"intro": "Some words for counselors."}


def marked_but_nothing_to_replace(data: Any) -> None:
    item(data, "seizures")["self_only"] = ["hint"]
    item(data, "seizures")["counselor"] = {"hint": "A hint for counselors."}


def untrue_counselor_words(data: Any) -> None:
    step(data, "substance")["counselor"]["intro"] = "This check is anonymous."


def promise_in_a_hint(data: Any) -> None:
    item(data, "medicines")["hint"] = "Nobody else sees this."


def promise_in_an_option(data: Any) -> None:
    item(data, "substance")["options"][6]["label"] = "Something else (stays in this browser)"


def unknown_self_only_field(data: Any) -> None:
    step(data, "mood")["self_only"] = ["title"]


def unknown_counselor_key(data: Any) -> None:
    item(data, "seizures")["counselor"] = {"txt": "Words."}


@pytest.mark.parametrize(("change", "place", "message"), [
    pytest.param(unmarked_promise, "steps[7].intro",
                 "'only you can' is untrue for a client a counselor screens, who is named on "
                 "the record: mark 'intro' self_only and give counselors their own words under "
                 "counselor:", id="unmarked-promise"),
    pytest.param(marked_without_counselor_words, "steps[6]",
                 "'intro' is marked self_only: give counselors their own words for it under "
                 "counselor: intro", id="marked-without-counselor-words"),
    pytest.param(counselor_words_not_marked, "steps[7].counselor.intro",
                 "only words marked self_only get counselor words: add 'intro' to self_only",
                 id="counselor-words-not-marked"),
    pytest.param(marked_but_nothing_to_replace, "steps[6].items[1].self_only",
                 "'hint' is marked self_only, but there is no hint to replace",
                 id="marked-but-nothing-to-replace"),
    pytest.param(untrue_counselor_words, "steps[0].counselor.intro",
                 "'anonymous' is untrue for a client a counselor screens, who is named on the "
                 "record: reword it", id="untrue-counselor-words"),
    pytest.param(promise_in_a_hint, "steps[4].items[1].hint",
                 "'nobody else' is untrue for a client", id="promise-in-a-hint"),
    pytest.param(promise_in_an_option, "steps[0].items[0].options[6].label",
                 "'in this browser' is untrue for a client a counselor screens, who is named on "
                 "the record: reword it", id="promise-in-an-option"),
    pytest.param(unknown_self_only_field, "steps[7].self_only[0]",
                 "'title' is not one of intro", id="unknown-self-only-field"),
    pytest.param(unknown_counselor_key, "steps[6].items[1].counselor",
                 "unknown key 'txt' (allowed: hint, text)", id="unknown-counselor-key"),
])
def test_untrue_wording_stops_start_up_with_file_and_place(
        seeds: Path, change: Callable[[Any], None], place: str, message: str) -> None:
    edit_yaml(seeds, "questionnaire.yaml", change)
    with pytest.raises(ContentError) as excinfo:
        load_content(seeds)
    assert (excinfo.value.file, excinfo.value.place) == ("questionnaire.yaml", place)
    assert message in excinfo.value.message
