"""Making a plan: from the answers in this browser's session, from a saved result, or from a
plan file. These pages are not about one plan yet; the pages of one plan are in
recovery.plans.pages, mounted here under the plan's private link (`PrivateLink`) and in the
counselor workspace under a client (recovery.counselor.plans.mount).

A plan lives under a private link, like a saved result. The private-link pages are nested in
this blueprint (`plans.link`), so they share its per-address limit on submissions
(`security.limit_blueprints`); the counselor's are not.
"""

from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlmodel import Session
from werkzeug.wrappers import Response

from recovery import localtime
from recovery.content.model import Content
from recovery.db import get_session
from recovery.models import RelapsePlan
from recovery.planning.build import build_draft
from recovery.planning.draft import PlanDraft
from recovery.plans import pages, store
from recovery.plans.files import storable_problem
from recovery.plans.forms import PlanFileForm
from recovery.plans.pages import OpenPlan
from recovery.plans.requests import (
    NOTHING_CHANGED,
    check_body,
    handle_plan_requests,
    status_for,
    uploaded_draft,
)
from recovery.questionnaire import journey
from recovery.questionnaire import store as result_store
from recovery.screening.answers import AnswerError, Answers
from recovery.security import plan_creation_limit
from recovery.seeds import current_content

bp = Blueprint("plans", __name__)

PLAN_CREATED = ("Your plan is ready. Keep this page's link somewhere private: anyone who has it "
                "can open and change your plan.")


@dataclass(frozen=True)
class PrivateLink:
    """The plan pages under a plan's private link. Plans that belong to a client are never
    found this way: only through the counselor workspace, with its sign-in and access checks."""

    url_keys = ("token",)
    layout = "base.html"

    def open(self, url_values: dict[str, Any]) -> OpenPlan:
        # The link is the whole key: whoever has it may open and delete the plan.
        return OpenPlan(url_values, can_delete=True)

    def find(self, session: Session, opened: OpenPlan) -> RelapsePlan | None:
        plan = store.get_plan(session, token=opened.url_values["token"], saved_after=(
            store.retention_cutoff(current_app.config["PLAN_RETENTION_DAYS"])))
        return plan if plan is not None and plan.client_id is None else None

    def after_delete_url(self, opened: OpenPlan) -> str:
        return url_for("questionnaire.index")

    def template_values(self) -> dict[str, Any]:
        return {"linked_result_url": linked_result_url}  # called by the plan's page only


bp.register_blueprint(pages.bp, url_prefix="/plans/<token:token>", name="link",
                      mount=PrivateLink())
handle_plan_requests(bp)


@bp.before_request
def check_own_body() -> None:
    # Flask runs a blueprint's hooks for the blueprints nested in it too: the plan pages
    # (`plans.link`) check theirs after their mount has opened the plan.
    if request.blueprint == bp.name:
        check_body()


@bp.context_processor
def plain_layout() -> dict[str, Any]:
    return {"client": None, "plan_layout": "base.html"}


@bp.post("/plans/new")
@plan_creation_limit
def new() -> Response:
    """A plan from the answers in this browser's session."""
    content = current_content()
    answers = journey.answers()
    if not journey.is_complete(content, answers):
        abort(409, description="Please answer all the questions first: the plan is built "
                                "from your result." + NOTHING_CHANGED)
    db = get_session()
    token = store.create_plan(db, draft=draft_from(answers, content))
    db.commit()
    return plan_created(token)


@bp.post("/r/<token:token>/plan")
@plan_creation_limit
def new_from_result(token: str) -> Response:
    """A plan from a saved result (its answers, not today's session), linked to it both ways."""
    db = get_session()
    assessment = result_store.get_assessment(db, token=token)
    if assessment is None:
        abort(404, description="We couldn't find that saved result. It may have been deleted.")
    draft = draft_from(assessment.answers, current_content())
    plan_token = store.create_plan_from_result(db, draft=draft, assessment=assessment,
                                               result_token=token)
    db.commit()
    return plan_created(plan_token)


@bp.route("/plans/import", methods=["GET", "POST"])
@plan_creation_limit
def import_new() -> Response | tuple[str, int]:
    """Start a plan here from a plan file (downloaded here or on another install)."""
    form = PlanFileForm()
    if request.method == "POST":
        draft = uploaded_draft(form)
        if draft is not None:
            db = get_session()
            token = store.create_plan(db, draft=draft)
            db.commit()
            return plan_created(token)
    return render_template("plans/import.html", form=form, plan=None), status_for(form)


def draft_from(answers: Answers, content: Content) -> PlanDraft:
    """The first draft of a plan built from these answers (refused if they no longer fit)."""
    try:
        draft = build_draft(answers, content, today=localtime.today(),
                            locale=journey.crisis_locale_id(content))
    except AnswerError:
        abort(409, description="This result was saved with an older set of questions, so we "
                                "can't build a plan from it. Please take the check again."
                                + NOTHING_CHANGED)
    problem = storable_problem(draft)
    if problem is not None:  # only if the content in seeds/ breaks the plan format
        raise RuntimeError(problem)
    return draft


def linked_result_url() -> str | None:
    """For the plan's page: the saved result it was made from, while that is still there."""
    db, plan_token = get_session(), pages.opened().url_values["token"]
    token = store.linked_result_token(db, plan=pages.find_plan(), plan_token=plan_token)
    if token is None or result_store.get_assessment(db, token=token) is None:
        return None
    return url_for("questionnaire.saved", token=token)


def plan_created(token: str) -> Response:
    flash(PLAN_CREATED, "success")
    return redirect(url_for("plans.link.show", token=token))
