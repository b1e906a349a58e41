"""The self-screening's own pages around the questionnaire flow: the landing page, a saved
result (under its private link) and deleting it (after a page that asks once more). The flow
itself (steps, crisis stop, result, save) is recovery/questionnaire/flow.py, mounted at
/screening with `mounts.SelfScreening`.

Answers in progress live in the person's (encrypted) session cookie. Nothing reaches the
database unless they press "Save", and "Delete" removes a saved result for good.
"""

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
from werkzeug.wrappers import Response

from recovery.db import get_session
from recovery.models import Assessment
from recovery.plans import store as plan_store
from recovery.questionnaire import journey, store
from recovery.questionnaire.flow import MOUNTS_KEY
from recovery.questionnaire.mounts import SelfScreening
from recovery.seeds import current_content

bp = Blueprint("questionnaire", __name__)
SELF_MOUNT = "screening"  # the name the flow is registered under for the self-screening


@bp.get("/")
def index() -> str:
    return render_template("questionnaire/index.html", has_answers=bool(journey.answers()))


@bp.get("/r/<token>")
def saved(token: str) -> str:
    assessment = store.get_assessment(get_session(), token=token)
    if assessment is None:
        abort(404)
    mount: SelfScreening = current_app.extensions[MOUNTS_KEY][SELF_MOUNT]
    return mount.result_page(store.saved_result(assessment), saved=assessment, token=token,
                             plan_url=linked_plan_url(assessment, token))


@bp.route("/r/<token>/delete", methods=["GET", "POST"])
def delete(token: str) -> Response | str:
    """Delete a saved result for good, after a page of its own has asked once more."""
    db = get_session()
    if request.method == "GET":
        assessment = store.get_assessment(db, token=token)
        if assessment is None:
            abort(404)
        return render_template("questionnaire/delete.html", saved=assessment, token=token,
                               plan_url=linked_plan_url(assessment, token))
    if not store.delete_assessment(db, token=token):
        abort(404)
    db.commit()
    flash("The saved result has been deleted for good.", "success")
    return redirect(url_for(".index"))


def linked_plan_url(assessment: Assessment, token: str) -> str | None:
    """The newest plan made from this saved result, while it is still there."""
    db = get_session()
    plan_token = plan_store.linked_plan_token(db, assessment=assessment, result_token=token)
    cutoff = plan_store.retention_cutoff(current_app.config["PLAN_RETENTION_DAYS"])
    if plan_token is None or plan_store.get_plan(db, token=plan_token, saved_after=cutoff) is None:
        return None
    return url_for("plans.link.show", token=plan_token)


@bp.app_context_processor
def inject_crisis_footer() -> dict[str, Any]:
    return {"footer_crisis": journey.crisis_resources(current_content())}
