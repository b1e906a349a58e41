"""The self-screening journey: landing page, questionnaire steps, result, save and delete.

Answers in progress live in the person's (encrypted) session cookie. Nothing reaches the
database unless they press "Save", and "Delete" removes a saved result for good.
"""

import re
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
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response

from recovery.db import get_session
from recovery.questionnaire import journey, store
from recovery.questionnaire.forms import answers_from, build_step_form, step_questions
from recovery.screening.answers import AnswerError
from recovery.security import public_submission_limit
from recovery.seeds import EXTENSION_KEY, current_content

bp = Blueprint("questionnaire", __name__)


@bp.record_once
def add_step_converter(state: BlueprintSetupState) -> None:
    """`<step:...>` matches only real step ids, so /screening/save and friends never look like
    a step: a wrong method there is a 405, and an unknown step is a 404."""
    steps = state.app.extensions[EXTENSION_KEY].questionnaire.steps
    pattern = "|".join(re.escape(step.id) for step in steps)
    state.app.url_map.converters["step"] = type(
        "StepConverter", (BaseConverter,), {"regex": f"(?:{pattern})"})


@bp.get("/")
def index() -> str:
    return render_template("questionnaire/index.html", has_answers=bool(journey.answers()))


@bp.post("/screening/start")
def start() -> Response:
    """Start afresh: earlier answers in this browser are forgotten."""
    journey.forget()
    first = current_content().questionnaire.steps[0]
    return redirect(url_for(".step", step_id=first.id))


@bp.route("/screening/<step:step_id>", methods=["GET", "POST"])
def step(step_id: str) -> Response | str | tuple[str, int]:
    content = current_content()
    step = content.questionnaire.step(step_id)
    if step is None:  # only if the content changed under a running app
        abort(404)
    answers = journey.answers()
    progress = journey.position(content, step, answers)
    if progress is None:  # doesn't apply, or an earlier step isn't done
        return redirect(journey.next_url(content, answers))
    subject = journey.subject(content, answers)
    form = None
    if request.method == "POST":
        form = build_step_form(step, answers, subject, formdata=request.form)
        if request.form.get("nav") == "back":
            form.validate()
            journey.update(content, step, answers_from(form, only_valid=True))
            return redirect(journey.previous_url(content, step, journey.answers()))
        if form.validate():
            new_answers = journey.update(content, step, answers_from(form))
            if journey.needs_crisis_stop(content, step, new_answers):
                return redirect(url_for(".support"))
            return redirect(journey.next_url(content, new_answers))
    return render_template(
        "questionnaire/step.html", step=step, form=form,
        questions=step_questions(step, answers, subject, form),
        progress=progress, subject=subject,
    ), 422 if form is not None else 200


@bp.get("/screening/support")
def support() -> str:
    """Shown as soon as an answer suggests suicide risk, before anything else."""
    content = current_content()
    answers = journey.answers()
    crisis = journey.crisis_flags(content, answers)
    if not crisis:
        abort(404)
    return render_template("questionnaire/support.html", crisis=crisis,
                           resources=journey.crisis_resources(content),
                           next_url=journey.next_url(content, answers))


@bp.get("/screening/result")
def result() -> Response | str:
    content = current_content()
    answers = journey.answers()
    if not journey.is_complete(content, answers):
        return redirect(journey.next_url(content, answers))
    result = journey.screen_answers(content, answers)
    return render_template("questionnaire/result.html", result=result, saved=None,
                           **journey.result_page_context(content))


@bp.post("/screening/save")
@public_submission_limit
def save() -> Response:
    content = current_content()
    answers = journey.answers()
    try:
        # Scoring checks the whole answer set (as is_complete would) without a second pass.
        result = journey.screen_answers(content, answers)
    except AnswerError:  # not finished, or no longer valid
        abort(409)
    db = get_session()
    token = store.save_assessment(db, answers=answers, result=result,
                                  content_version=content.version,
                                  expires_at=store.expiry_from_now(
                                      current_app.config["RESULT_RETENTION_DAYS"]))
    db.commit()
    flash("Your result is saved. Keep this page's link somewhere private: "
          "anyone who has it can see the result.", "success")
    return redirect(url_for(".saved", token=token))


@bp.get("/r/<token>")
def saved(token: str) -> str:
    assessment = store.get_assessment(get_session(), token=token)
    if assessment is None:
        abort(404)
    return render_template("questionnaire/result.html", result=assessment.result,
                           saved=assessment, token=token,
                           **journey.result_page_context(current_content()))


@bp.post("/r/<token>/delete")
def delete(token: str) -> Response:
    db = get_session()
    if not store.delete_assessment(db, token=token):
        abort(404)
    db.commit()
    flash("The saved result has been deleted for good.", "success")
    return redirect(url_for(".index"))


@bp.post("/screening/forget")
def forget() -> Response:
    journey.forget()
    flash("Your answers have been cleared from this browser.", "success")
    return redirect(url_for(".index"))


@bp.app_context_processor
def inject_crisis_footer() -> dict[str, Any]:
    return {"footer_crisis": journey.crisis_resources(current_content())}
