"""The safety plan's pages, under /safety-plan.

Making one: a start page, one page per step (Back, Skip, Next; no script), a review, and "Save
and get my private link". Until then the plan lives in the person's session cookie only
(drafts.py). Saved: its page under the private link, a step edited on a page of its own, the
one-page PDF, and deletion after a page that asks once more.
"""

from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from recovery import localtime
from recovery.content.model import Content
from recovery.content.safety import SafetyPlanStep
from recovery.db import get_session
from recovery.export.layouts import PAPER_SIZES
from recovery.export.safety import render_safety_plan_pdf
from recovery.export.views import paper_for, pdf_response
from recovery.models import SafetyPlan
from recovery.planning.safety import SafetyPlanDraft
from recovery.plans.store import retention_cutoff
from recovery.questionnaire import journey
from recovery.safetyplan import drafts, store
from recovery.safetyplan.forms import SafetyStepForm, step_form
from recovery.security import pdf_limit, plan_creation_limit
from recovery.seeds import current_content

bp = Blueprint("safety_plan", __name__, url_prefix="/safety-plan")

TOO_BIG = ("That is more than this browser can keep before the plan is saved. Please shorten "
           "a line or two, or save the plan now and add the rest afterwards.")
NOTHING_TO_SAVE = ("This browser holds no safety plan to save: nothing was written yet, or what "
                   "was written was cleared after two hours without a change. Please start "
                   "again from the first step.")
NOT_FOUND = ("We couldn't find that safety plan. Please check the link; if the plan was "
             "deleted, it is gone for good.")


@bp.context_processor
def safety_plan_context() -> dict[str, Any]:
    return {"safety": current_content().safety_plan}


# --- Making a plan: kept in this browser until it is saved -----------------------------------


@bp.get("")
def start() -> str:
    content = current_content()
    return render_template("safety_plan/start.html", has_draft=drafts.has_draft(),
                           first=content.safety_plan.steps[0], locales=content.crisis_locales,
                           crisis=journey.crisis_resources(content),
                           check_url=check_in_progress_url(content))


@bp.route("/steps/<step_id>", methods=["GET", "POST"])
def step(step_id: str) -> ResponseReturnValue:
    content = current_content()
    step, draft = find_step(content, step_id), drafts.current_draft(content)
    if request.form.get("nav") == "skip":  # nothing typed here is kept, the country shown is
        keep_shown_country(content, draft)
        return redirect(neighbour_url(content, step, back=False))
    form = form_for(content, step, draft, posted=request.method == "POST")
    if request.method == "GET" or not form.validate():
        return render_step(content, step, draft, form)
    draft = with_form(draft, form)
    if not drafts.keep(draft):
        form.form_errors.append(TOO_BIG)
        return render_step(content, step, draft, form, status=413)
    return redirect(url_for(".review") if request.form.get("nav") == "review"
                    else neighbour_url(content, step, back=request.form.get("nav") == "back"))


@bp.get("/review")
def review() -> str:
    content = current_content()
    draft = drafts.current_draft(content)
    return render_template("safety_plan/review.html", draft=draft,
                           crisis=content.crisis_locale(draft.crisis_locale),
                           check_url=check_in_progress_url(content))


@bp.post("/save")
@plan_creation_limit
def save() -> Response:
    """Store the plan in this browser under a new private link, and forget it here."""
    content = current_content()
    draft = drafts.current_draft(content)
    if draft.is_empty:  # never written, or the browser's copy ran out (drafts.py)
        flash(NOTHING_TO_SAVE, "info")
        return redirect(url_for(".start"))
    db = get_session()
    token = store.create_safety_plan(db, draft=draft)
    db.commit()
    drafts.forget()
    flash("Your safety plan is saved. Keep this page's link somewhere private: anyone who has "
          "it can open and change your plan.", "success")
    return redirect(url_for(".show", token=token))


@bp.route("/forget", methods=["GET", "POST"])
def forget() -> ResponseReturnValue:
    """Clear the plan in this browser; a page of its own asks first (a tap by mistake loses
    nothing)."""
    if request.method == "GET":
        return render_template("safety_plan/forget.html")
    drafts.forget()
    flash("Your safety plan has been cleared from this browser.", "success")
    return redirect(url_for(".start"))


# --- A saved plan, under its private link ----------------------------------------------------


@bp.get("/<token:token>")
def show(token: str) -> str:
    plan, draft = load_plan(token)
    return render_template("safety_plan/show.html", plan=plan, draft=draft, token=token,
                           crisis=current_content().crisis_locale(draft.crisis_locale))


@bp.route("/<token:token>/steps/<step_id>", methods=["GET", "POST"])
def edit(token: str, step_id: str) -> ResponseReturnValue:
    content = current_content()
    (plan, draft), step = load_plan(token), find_step(content, step_id)
    form = form_for(content, step, draft, posted=request.method == "POST")
    if request.method == "GET" or not form.validate():
        return render_step(content, step, draft, form, token=token)
    db = get_session()
    store.save_safety_plan(db, plan=plan, draft=with_form(draft, form))
    db.commit()
    flash("Saved.", "success")
    return redirect(url_for(".show", token=token, _anchor=step.id))


@bp.get("/<token:token>/pdf")
@pdf_limit
def pdf(token: str) -> Response:
    paper = request.args.get("paper")
    if paper is not None and paper not in PAPER_SIZES:
        abort(400)
    _plan, draft = load_plan(token)
    content = current_content()
    crisis = content.crisis_locale(draft.crisis_locale)
    today = localtime.today()
    document = render_safety_plan_pdf(draft, content, paper=paper or paper_for(crisis.id),
                                      crisis_locale=crisis, today=today)
    return pdf_response(document, filename=f"safety-plan-{today.isoformat()}.pdf")


@bp.route("/<token:token>/delete", methods=["GET", "POST"])
def delete(token: str) -> ResponseReturnValue:
    plan, _draft = load_plan(token)
    if request.method == "GET":
        return render_template("safety_plan/delete.html", token=token)
    db = get_session()
    store.delete_safety_plan(db, plan=plan)
    db.commit()
    flash("Your safety plan has been deleted. The link no longer works.", "success")
    return redirect(url_for(".start"))


# --- Helpers ---------------------------------------------------------------------------------


def find_step(content: Content, step_id: str) -> SafetyPlanStep:
    step = content.safety_plan.step(step_id)
    if step is None:
        abort(404)
    return step


def load_plan(token: str) -> tuple[SafetyPlan, SafetyPlanDraft]:
    plan = store.get_safety_plan(get_session(), token=token, saved_after=retention_cutoff(
        current_app.config["PLAN_RETENTION_DAYS"]))
    if plan is None:
        abort(404, description=NOT_FOUND)
    return plan, store.stored_draft(plan)


def form_for(content: Content, step: SafetyPlanStep, draft: SafetyPlanDraft, *,
             posted: bool) -> SafetyStepForm:
    return step_form(step, draft.answer(step.id),
                     locales=[loc.id for loc in content.crisis_locales],
                     locale=drafts.shown_locale(content, draft),
                     formdata=request.form if posted else None)


def check_in_progress_url(content: Content) -> str | None:
    """Where the check taken in this browser goes on (its next step, or its result), for
    someone who came here from the crisis stop part way through; None if there is none."""
    answers = journey.answers()
    if not answers:
        return None
    step = journey.next_step(content, answers)
    return (url_for("screening.result") if step is None
            else url_for("screening.step", step_id=step.id))


def keep_shown_country(content: Content, draft: SafetyPlanDraft) -> None:
    """On Skip from the crisis lines' step, the country whose lines it showed as "already on
    your plan" becomes the plan's, as Next would make it."""
    shown = request.form.get("crisis_locale", "")
    if shown != draft.crisis_locale and shown in {loc.id for loc in content.crisis_locales}:
        drafts.keep(replace(draft, crisis_locale=shown))


def with_form(draft: SafetyPlanDraft, form: SafetyStepForm) -> SafetyPlanDraft:
    changed = draft.with_answer(form.answer())
    if "crisis_locale" in form:
        changed = SafetyPlanDraft(changed.content_version, form["crisis_locale"].data,
                                  changed.answers)
    return changed


def neighbour_url(content: Content, step: SafetyPlanStep, *, back: bool) -> str:
    steps = content.safety_plan.steps
    index = steps.index(step) + (-1 if back else 1)
    if index < 0:
        return url_for(".start")
    return url_for(".step", step_id=steps[index].id) if index < len(steps) else url_for(".review")


def render_step(content: Content, step: SafetyPlanStep, draft: SafetyPlanDraft,
                form: SafetyStepForm, *, token: str | None = None,
                status: int | None = None) -> tuple[str, int]:
    crisis = content.crisis_locale(drafts.shown_locale(content, draft))
    from_review = "review" in (request.args.get("from"), request.form.get("nav"))
    page = render_template("safety_plan/step.html", step=step, form=form, token=token,
                           number=content.safety_plan.position(step.id),
                           crisis=crisis, locales=content.crisis_locales,
                           from_review=from_review)
    return page, status or (422 if form.errors else 200)
