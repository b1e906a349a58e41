"""The result page (questionnaire/flow.py): medical flags and what the page explains."""

import html
import re

from flask.testing import FlaskClient

from tests.questionnaire.helpers import (
    SEVERE_KETAMINE_DAILY_ALCOHOL,
    answer_questionnaire,
    markup,
    path_blocks,
    person,
    words,
)

# --- Medical flags ---------------------------------------------------------------------------


def test_medical_flags_say_see_a_doctor_how_soon_and_what_to_tell(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, person(symptoms=["chest_pain", "pee_pain"],
                                                  seizures="yes"))

    assert journey.result is not None
    page = markup(journey.result)
    medical = page.split('id="medical-title">', 1)[1].split("</section>", 1)[0]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", medical)).split())
    assert text.startswith("See a doctor")
    emergency = text.index("Chest pain, a racing heart or trouble breathing Emergency")
    soon = text.index("Bladder symptoms with ketamine use Within a week or two")
    assert emergency < soon, "the most urgent flag comes first"
    assert "Seizures and ketamine Within a week or two" in text
    assert text.count("Tell the doctor:") == 3
    assert "Tell the doctor: That you use ketamine, how often, and for how long." in text
    assert page.index('<section class="medical"') < page.index('<section class="severity"')


# --- The result page -------------------------------------------------------------------------


def test_result_page_explains_itself(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, SEVERE_KETAMINE_DAILY_ALCOHOL)

    assert journey.result is not None
    page = markup(journey.result)
    svg = re.search(r"<svg\b[^>]*>.*?</svg>", page, re.S)
    assert svg, "no inline gauge"
    assert 'role="img"' in svg[0].split(">", 1)[0]
    title = re.search(r"<title\b[^>]*>([^<]+)</title>", svg[0])
    assert title and "10 of 10" in title[1]
    text = words(journey.result)
    assert "screening, not a diagnosis" in text
    # Kept, in plain words: no "ASAM Criteria" jargon for the person (issue 15, principle 10).
    assert "what kind of care you need" in text and "ASAM" not in text
    blocks = path_blocks(journey.result)
    assert len(blocks) >= 5
    for block in blocks:
        assert "Why this is suggested" in block
        reasons = block.split("Why this is suggested", 1)[1]
        assert "<li>" in reasons, "a path without a reason"
