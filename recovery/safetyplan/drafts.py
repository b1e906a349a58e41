"""Where a safety plan lives before it is saved: in the person's own encrypted session cookie,
like the questionnaire's answers (recovery.questionnaire.journey). Nothing reaches the server's
database until they press "Save and get my private link".

A cookie holds about 4 KB. Zipped and encrypted, a plan full to its limits in plain letters
fits; one full of characters that compress badly may not, so `keep` measures the cookie it
would send and refuses rather than let the browser drop it (and the plan) without a word.
"""

from flask import current_app, request, session

from recovery.content.model import Content
from recovery.planning.safety import SafetyPlanDraft, SafetyPlanError, draft_from_dict
from recovery.questionnaire import journey

SESSION_KEY = "safety_plan"
# Browsers keep cookies up to 4096 bytes, name and attributes included: 4,000 for the value.
COOKIE_BYTES = 4000
# Kept free for the questionnaire's answers, which may be given after the plan is made (from
# the crisis stop, mid-check) and are never refused for size: every question answered with
# every option ticked takes about 1,000 bytes. A plan full to its limits in English takes
# about 1,800, so it fits in what is left.
ANSWERS_ROOM = 1100


def current_draft(content: Content) -> SafetyPlanDraft:
    """The plan in this browser so far, or a new one with the country chosen on the site."""
    try:
        return draft_from_dict(session[SESSION_KEY])
    except (KeyError, SafetyPlanError):
        return SafetyPlanDraft(content.version, journey.crisis_locale_id(content))


def has_draft() -> bool:
    return SESSION_KEY in session


def keep(draft: SafetyPlanDraft) -> bool:
    """Keep `draft` in the session; False (and nothing kept) if the cookie would be too big,
    measured without the answers so far and with room kept for any answers at all."""
    candidate = {key: value for key, value in session.items() if key != journey.SESSION_KEY}
    candidate[SESSION_KEY] = draft.to_dict()
    serializer = current_app.session_interface.get_signing_serializer(  # type: ignore[attr-defined]
        current_app)
    if len(serializer.dumps(candidate)) > COOKIE_BYTES - ANSWERS_ROOM:
        return False
    session[SESSION_KEY] = draft.to_dict()
    return True


def forget() -> None:
    session.pop(SESSION_KEY, None)


def shown_locale(content: Content, draft: SafetyPlanDraft) -> str:
    """The country whose crisis lines a page shows: one picked with ?region= (the picker, a GET
    form), else the plan's own. Only a saved form changes the plan's."""
    wanted = request.args.get("region", "")
    known = {loc.id for loc in content.crisis_locales}
    return wanted if wanted in known else content.crisis_locale(draft.crisis_locale).id
