"""A counselor's own choice of path leads the plan's next steps (build_draft's `chosen`): in
place of the screening's suggestion, saying it was the counselor's choice and why."""

from typing import Any

from recovery.content.loader import load_content
from recovery.content.model import Content
from recovery.planning.build import ChosenPath, build_draft
from recovery.planning.draft import PlanDraft
from recovery.planning.serialize import draft_from_dict
from recovery.screening.engine import screen
from tests.planning.conftest import SEEDS_DIR, TODAY

# Daily drinking: the screening suggests detox first (see test_build.py's rank-order table).
DAILY_ALCOHOL = {"substance": "alcohol", "depressant_daily": "yes"}
SUGGESTED = ["supervised_withdrawal", "outpatient_aftercare", "brief_advice",
             "exercise_nutrition"]
REASON = "Detox not indicated: drinks most days but small amounts, no withdrawal history."


def draft_with(content: Content, answers: dict[str, Any], chosen: ChosenPath | None
               ) -> PlanDraft:
    assert [p.id for p in screen(answers, content).paths] == SUGGESTED  # the premise
    return build_draft(answers, content, today=TODAY, chosen=chosen)


def title(content: Content, path_id: str) -> str:
    return next(p.title for p in content.paths if p.id == path_id)


def test_the_chosen_path_comes_first_in_place_of_the_suggestion(
        content: Content, answers_for: Any) -> None:
    draft = draft_with(content, answers_for(**DAILY_ALCOHOL),
                       ChosenPath("dual_diagnosis", REASON))
    steps = content.plan.next_steps

    assert [line.text for line in draft.next_steps] == [
        steps["dual_diagnosis"], steps["outpatient_aftercare"], steps["brief_advice"],
        steps["exercise_nutrition"]]
    assert not any("detox" in line.text for line in draft.next_steps)
    assert draft.next_steps[0].because == (
        f"Your counselor chose “{title(content, 'dual_diagnosis')}” in place of your "
        f"screening's suggestion, “{title(content, 'supervised_withdrawal')}”. "
        f"Their reason: {REASON}")
    assert draft.next_steps[1].because == (
        f"Your screening recommended “{title(content, 'outpatient_aftercare')}”.")


def test_choosing_a_later_suggestion_moves_it_up_once(content: Content,
                                                      answers_for: Any) -> None:
    draft = draft_with(content, answers_for(**DAILY_ALCOHOL),
                       ChosenPath("outpatient_aftercare", "Stable at home; sees GP weekly."))

    texts = [line.text for line in draft.next_steps]
    assert texts == [content.plan.next_steps[p]
                     for p in ("outpatient_aftercare", "brief_advice", "exercise_nutrition")]
    assert "Their reason: Stable at home; sees GP weekly." in draft.next_steps[0].because


def test_choosing_the_suggestion_itself_says_so(content: Content, answers_for: Any) -> None:
    draft = draft_with(content, answers_for(**DAILY_ALCOHOL),
                       ChosenPath("supervised_withdrawal", "Agreed with the client."))

    assert [line.text for line in draft.next_steps] == [
        content.plan.next_steps[p] for p in SUGGESTED]
    assert draft.next_steps[0].because.startswith(
        f"Your counselor chose “{title(content, 'supervised_withdrawal')}”, as your screening "
        "suggested. Their reason: Agreed")


def test_without_a_choice_or_with_a_path_no_longer_in_the_content_the_suggestions_stand(
        content: Content, answers_for: Any) -> None:
    answers = answers_for(**DAILY_ALCOHOL)
    plain = draft_with(content, answers, None)

    assert draft_with(content, answers, ChosenPath("retired_path", REASON)) == plain
    assert [line.text for line in plain.next_steps] == [
        content.plan.next_steps[p] for p in SUGGESTED]


def test_the_longest_reason_is_shortened_to_fit_a_plan_line(content: Content,
                                                            answers_for: Any) -> None:
    reason = "Seen by the clinic doctor today. " * 30 + "Unbrokenword" * 20  # 1,230 characters
    draft = draft_with(content, answers_for(**DAILY_ALCOHOL),
                       ChosenPath("dual_diagnosis", reason))

    because = draft.next_steps[0].because
    assert len(because) <= 500 and because.endswith("…")
    assert "Their reason: Seen by the clinic doctor today." in because
    assert draft_from_dict(draft.to_dict()) == draft  # still a valid, storable plan


def test_the_counselor_is_named_in_the_installs_english(answers_for: Any) -> None:
    british = load_content(SEEDS_DIR, "GB")
    answers = answers_for(substance="alcohol", depressant_daily="yes")
    draft = build_draft(answers, british, today=TODAY,
                        chosen=ChosenPath("dual_diagnosis", REASON))

    assert draft.next_steps[0].because.startswith("Your counsellor chose “Dual-diagnosis")
