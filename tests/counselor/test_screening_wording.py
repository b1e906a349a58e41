"""Every sentence true for its reader (issue 16 item 2): in counselor mode the steps read aloud
use the counselor words where the self-screening's are untrue for a named client, the
self-screening keeps its own, and the saved record speaks about the client in the third
person."""

import re
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from recovery.seeds import current_content
from tests.counselor.conftest import text
from tests.counselor.test_screening_progress import answer_steps
from tests.counselor.test_screenings import HEAVY, LOW_RISK, base, client_id, save_screening

__all__ = ["client_id"]  # the fixture, shared with test_screenings

UNTRUE = ("private and anonymous", "we don't ask your name", "Nothing here is shared with anyone")


def test_the_steps_read_to_a_client_use_the_counselor_words(casey: FlaskClient,
                                                            client_id: int) -> None:
    first = text(casey.get(answer_steps(casey, client_id, LOW_RISK, ())))
    assert "As you agreed, what you tell me goes in your record at this service" in first
    until_body = ("substance", "recent_use", "pattern", "checklist", "other_substances", "mixing")
    body_url = answer_steps(casey, client_id, LOW_RISK, until_body)
    assert body_url.endswith("/screenings/new/body")
    body = text(casey.get(body_url))
    assert "only the counselors working with you can open" in body
    safety_url = answer_steps(casey, client_id, LOW_RISK, (*until_body, "body", "mood"))
    assert "If anything you tell me suggests" in text(casey.get(safety_url))
    for page in (first, body):
        for words in UNTRUE:
            assert words not in page


def test_a_counselor_step_shown_again_with_errors_keeps_the_counselor_words(
        casey: FlaskClient, client_id: int) -> None:
    url = answer_steps(casey, client_id, LOW_RISK, ())
    again = casey.post(url, data={"nav": "next"})
    assert again.status_code == 422
    assert "As you agreed" in text(again) and "anonymous" not in text(again)


def test_the_self_screening_keeps_its_own_words(client: FlaskClient) -> None:
    start = client.post("/screening/start")
    page = text(client.get(start.headers["Location"]))
    assert "This check is private and anonymous: we don't ask your name." in page
    assert "As you agreed" not in page


def test_the_saved_record_speaks_about_the_client(casey: FlaskClient, client_id: int) -> None:
    screening_id = save_screening(casey, client_id, HEAVY)
    page = text(casey.get(f"{base(client_id)}/screenings/{screening_id}"))
    found = re.search(r"The client said yes to <strong>(\d+) of (\d+)</strong> areas", page)
    assert found is not None and found.group(2) == "10"
    assert "How the client's use looks: ketamine" in page
    assert "The areas the client said yes to:" in page
    assert "Ranked from the most important for the client." in page
    assert "The client answered <q>" in page
    for second_person in ("You said yes", "You answered", "How your use looks",
                          "the areas you said yes to", "most important for you."):
        assert second_person not in page


def test_the_review_before_saving_speaks_about_the_client_too(casey: FlaskClient,
                                                               client_id: int) -> None:
    with casey.application.app_context():
        steps = tuple(step.id for step in current_content().questionnaire.steps)
    answer_steps(casey, client_id, HEAVY, steps)
    review = text(casey.get(f"{base(client_id)}/screenings/new/result"))
    assert "The client said yes to <strong>" in review and "You said yes" not in review


def test_the_self_screening_result_still_speaks_to_the_person(
        client: FlaskClient, walk_questionnaire: Callable[[FlaskClient, dict[str, Any]], str]
        ) -> None:
    assert walk_questionnaire(client, dict(HEAVY)) == "/screening/result"
    page = text(client.get("/screening/result"))
    assert "You said yes to <strong>" in page and "How your use looks" in page
    assert "The client" not in page


def test_a_prescribed_treatment_reads_about_the_client(casey: FlaskClient,
                                                        client_id: int) -> None:
    patient = LOW_RISK | {"prescribed": "at_home", "outside_prescription": "no",
                          "route": ["swallow"], "frequency": "weekly",
                          "medicines": ["antidepressant"]}
    screening_id = save_screening(casey, client_id, patient)
    page = text(casey.get(f"{base(client_id)}/screenings/{screening_id}"))
    assert "The client's prescribed treatment" in page
    assert "The client can tell their prescriber:</strong> That you take ketamine" in page
    assert "Your prescribed treatment" not in page and "Tell your prescriber" not in page
