"""The plan builder: make a plan from a screening, read it, edit it section by section, see
what changed between versions, take it away as a file and bring it back, and delete it.

A plan lives under a private link, like a saved result. Every save adds a revision; a save
made from an out-of-date page is refused with a 409 instead of overwriting someone else's.
"""

import re
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response

from recovery.content.model import Content
from recovery.db import get_session
from recovery.errors import render_error
from recovery.models import PlanRevision, RelapsePlan
from recovery.planning.build import build_draft
from recovery.planning.diff import Change, diff_drafts
from recovery.planning.draft import GOAL_LABELS, PlanDraft
from recovery.plans import sections, store
from recovery.plans.files import (
    MAX_FILE_BYTES,
    PlanFileError,
    plan_to_json,
    read_plan_file,
    storable_problem,
)
from recovery.plans.forms import ALWAYS_ALLOWED, PlanFileForm, PlanForm
from recovery.questionnaire import journey
from recovery.questionnaire import store as result_store
from recovery.screening.answers import AnswerError, Answers
from recovery.security import csrf
from recovery.seeds import current_content
from recovery.tokens import TOKEN_PATTERN

bp = Blueprint("plans", __name__)
# This blueprint checks CSRF itself (below), after raising the body limit for plan files:
# the app-wide check would read the body first, under the app's smaller limit.
csrf.exempt(bp)

UPLOAD_ENDPOINTS = frozenset({"plans.import_new", "plans.import_into"})
# A section form of a long plan can be bigger than the app's 64 KiB; never bigger than the
# plan file itself. Uploads get room for the multipart wrapping around the file.
FORM_BODY_LIMIT = MAX_FILE_BYTES
UPLOAD_BODY_LIMIT = MAX_FILE_BYTES + 16 * 1024
NOTHING_CHANGED = " Nothing was changed."
NOT_FOUND = ("We couldn't find that plan. Please check the link; if the plan was deleted, it is "
             "gone for good.")
PLAN_CREATED = ("Your plan is ready. Keep this page's link somewhere private: anyone who has it "
                "can open and change your plan.")
# Field names (their last part) that hold ticks and choices rather than typed text.
CHOICE_FIELDS = frozenset({"kind", "rank", "goal", "crisis_locale", "add", "remove"})
STALE_FORM = ("This form is missing the version of the plan it was opened on, so we can't tell "
              "whether it is up to date. Please reload the page and try again." + NOTHING_CHANGED)


@bp.record_once
def add_token_converter(state: BlueprintSetupState) -> None:
    """`<token:...>` matches only the shape of a private link, so /plans/new and /plans/import
    never look like a plan (a wrong method there is a 405) and junk never reaches the database."""
    state.app.url_map.converters["token"] = type(
        "TokenConverter", (BaseConverter,), {"regex": TOKEN_PATTERN})


class Refused(Exception):
    """A request we turn down with a status and a message for the person."""

    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message
        super().__init__(message)


@bp.before_request
def limit_body_then_check_csrf() -> None:
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = UPLOAD_BODY_LIMIT
        # Werkzeug's multipart parser holds the app's per-field memory limit (16 KiB) against
        # each 64 KiB chunk it reads, file parts included, so any file over 16 KiB would be
        # refused. The body limit above still bounds everything.
        request.max_form_memory_size = UPLOAD_BODY_LIMIT
    else:
        request.max_content_length = FORM_BODY_LIMIT
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


# --- Making a plan ---------------------------------------------------------------------------


@bp.post("/plans/new")
def new() -> Response:
    """A plan from the answers in this browser's session."""
    content = current_content()
    answers = journey.answers()
    if not journey.is_complete(content, answers):
        raise Refused(409, "Please answer all the questions first: the plan is built from your "
                           "result." + NOTHING_CHANGED)
    return create_plan_from(answers, content)


@bp.post("/r/<token:token>/plan")
def new_from_result(token: str) -> Response:
    """A plan from a saved result (its answers, not today's session)."""
    assessment = result_store.get_assessment(get_session(), token=token)
    if assessment is None:
        raise Refused(404, "We couldn't find that saved result. It may have been deleted.")
    return create_plan_from(assessment.answers, current_content())


@bp.route("/plans/import", methods=["GET", "POST"])
def import_new() -> Response | tuple[str, int]:
    """Start a plan here from a plan file (downloaded here or on another install)."""
    form = PlanFileForm()
    if request.method == "POST":
        draft = uploaded_draft(form)
        if draft is not None:
            db = get_session()
            token = store.create_plan(db, draft=draft)
            db.commit()
            flash(PLAN_CREATED, "success")
            return redirect(url_for(".show", token=token))
    return render_template("plans/import.html", form=form, plan=None), status_for(form)


# --- Reading and editing ---------------------------------------------------------------------


@bp.get("/plans/<token:token>")
def show(token: str) -> str:
    plan, draft = load_plan(token)
    return render_template("plans/show.html", **plan_page(plan, token, draft))


@bp.route("/plans/<token:token>/edit/<section_id>", methods=["GET", "POST"])
def edit(token: str, section_id: str) -> Response | tuple[str, int]:
    plan, draft = load_plan(token)
    content = current_content()
    section = sections.find(section_id, draft)
    if section is None:
        raise Refused(404, "This plan has no such section to edit.")
    if request.method == "GET":
        return render_edit(plan, token, draft, section, section.form(draft, content))
    base = posted_base_revision()
    store.check_base_revision(plan, base)
    form = section.form(draft, content, formdata=request.form)
    refuse_odd_shape(form.shape_problem(request.form))
    if form.validate():
        new_draft = section.apply(draft, form, content)
        problem = storable_problem(new_draft)
        if problem is None:
            return save_and_show(plan, token, draft, new_draft, base, anchor=section.id)
        form.form_errors.append(problem)
    return render_edit(plan, token, draft, section, form, status=422)


@bp.route("/plans/<token:token>/import", methods=["GET", "POST"])
def import_into(token: str) -> Response | tuple[str, int]:
    """Continue this plan from a file: the file's plan becomes the next version."""
    plan, draft = load_plan(token)
    form = PlanFileForm()
    if request.method == "POST":
        base = posted_base_revision()
        store.check_base_revision(plan, base)
        new_draft = uploaded_draft(form)
        if new_draft is not None:
            return save_and_show(plan, token, draft, new_draft, base, anchor="")
    return (render_template("plans/import.html", form=form, plan=plan, token=token),
            status_for(form))


@bp.get("/plans/<token:token>/plan.json")
def download(token: str) -> Response:
    _plan, draft = load_plan(token)
    filename = f"recovery-plan-{date.today().isoformat()}.json"
    return Response(plan_to_json(draft), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- Versions --------------------------------------------------------------------------------


@bp.get("/plans/<token:token>/revisions")
def revisions(token: str) -> str:
    plan = find_plan(token)
    rows = store.revisions(get_session(), plan=plan)
    return render_template("plans/revisions.html", plan=plan, token=token,
                           revisions=list(reversed(rows)))


@bp.get("/plans/<token:token>/compare")
def compare(token: str) -> str:
    plan = find_plan(token)
    old_number, new_number = (arg_number(name) for name in ("from", "to"))
    old, new = (revision_or_404(plan, n) for n in (old_number, new_number))
    changes = diff_drafts(store.revision_draft(old), store.revision_draft(new))
    return render_template("plans/compare.html", plan=plan, token=token, old=old, new=new,
                           changes=by_section(changes))


# --- Deleting --------------------------------------------------------------------------------


@bp.route("/plans/<token:token>/delete", methods=["GET", "POST"])
def delete(token: str) -> Response | str:
    # Found without reading its content: nothing in a plan may stand in the way of deleting it.
    plan = find_plan(token)
    if request.method == "GET":
        return render_template("plans/delete.html", plan=plan, token=token)
    db = get_session()
    store.delete_plan(db, token=token)
    db.commit()
    flash("Your plan and all its earlier versions have been deleted for good.", "success")
    return redirect(url_for("questionnaire.index"))


# --- Errors ----------------------------------------------------------------------------------


@bp.errorhandler(Refused)
def refused(error: Refused) -> tuple[str, int]:
    return render_error(error.status, error.message)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    return render_error(413, f"That was more than {MAX_FILE_BYTES // 1024} KB, which is more "
                             "than any plan from this app holds." + NOTHING_CHANGED)


@bp.errorhandler(store.PlanConflict)
def conflict(error: store.PlanConflict) -> tuple[str, int]:
    """Someone saved the plan after this page was opened: keep their save, show this person
    what changed and what they had typed, so nothing is lost either way."""
    args = request.view_args or {}
    return render_template(
        "plans/conflict.html", token=args.get("token", ""), section_id=args.get("section_id"),
        changes=changes_since(error.plan, error.base_revision), typed=typed_text(),
        is_upload=request.endpoint in UPLOAD_ENDPOINTS), 409


# --- Helpers ---------------------------------------------------------------------------------


def create_plan_from(answers: Answers, content: Content) -> Response:
    try:
        draft = build_draft(answers, content, today=date.today(),
                            locale=journey.crisis_locale_id(content))
    except AnswerError:
        raise Refused(409, "This result was saved with an older set of questions, so we can't "
                           "build a plan from it. Please take the check again." + NOTHING_CHANGED
                      ) from None
    problem = storable_problem(draft)
    if problem is not None:  # only if the content in seeds/ breaks the plan format
        raise RuntimeError(problem)
    db = get_session()
    token = store.create_plan(db, draft=draft)
    db.commit()
    flash(PLAN_CREATED, "success")
    return redirect(url_for(".show", token=token))


def find_plan(token: str) -> RelapsePlan:
    plan = store.get_plan(get_session(), token=token)
    if plan is None:
        raise Refused(404, NOT_FOUND)
    return plan


def load_plan(token: str) -> tuple[RelapsePlan, PlanDraft]:
    plan = find_plan(token)
    return plan, store.latest_draft(get_session(), plan=plan)


def posted_base_revision() -> int:
    values = request.form.getlist("base_revision")
    if len(values) != 1 or not re.fullmatch(r"[0-9]{1,9}", values[0]):
        raise Refused(400, STALE_FORM)
    return int(values[0])


def refuse_odd_shape(problem: str | None) -> None:
    if problem is not None:
        raise Refused(400, f"{problem} Please reload the page and try again." + NOTHING_CHANGED)


def save_and_show(plan: RelapsePlan, token: str, old: PlanDraft, new: PlanDraft, base: int,
                  *, anchor: str) -> Response:
    """Store `new` as the next version (unless nothing changed), commit once, and go back to
    the plan (post/redirect/get, so reloading the page doesn't save twice)."""
    if new == old:
        flash("Nothing had changed, so no new version was saved.", "info")
    else:
        db = get_session()
        row = store.save_revision(db, plan=plan, draft=new, base_revision=base)
        db.commit()
        flash(f"Saved. This is version {row.number} of your plan.", "success")
    return redirect(url_for(".show", token=token, _anchor=anchor or None))


def uploaded_draft(form: PlanFileForm) -> PlanDraft | None:
    """The plan in the uploaded file, or None with a message on the form."""
    refuse_odd_shape(form.shape_problem(request.form, request.files))
    form.validate()
    upload = form.plan_file.data
    if upload is None:
        form.plan_file.errors.append("Please choose your plan file. Its name ends in .json.")
        return None
    try:
        return read_plan_file(upload.read(MAX_FILE_BYTES + 1))
    except PlanFileError as error:
        if error.is_too_large:
            raise Refused(413, error.message + NOTHING_CHANGED) from None
        form.plan_file.errors.append(error.message + NOTHING_CHANGED)
        return None


def status_for(form: PlanFileForm) -> int:
    return 422 if form.errors else 200


def render_edit(plan: RelapsePlan, token: str, draft: PlanDraft, section: sections.Section,
                form: PlanForm, status: int = 200) -> tuple[str, int]:
    library = (sections.trigger_library(draft, current_content())
               if section.id == "triggers" else [])
    return render_template("plans/edit.html", plan=plan, token=token, section=section,
                           form=form, library=library, draft=draft), status


def plan_page(plan: RelapsePlan, token: str, draft: PlanDraft) -> dict[str, Any]:
    content = current_content()
    return {
        "plan": plan, "token": token, "draft": draft, "sections": sections.SECTIONS,
        "triggers_by_kind": triggers_by_kind(draft, content),
        "resources": content.crisis_locale(draft.crisis_locale),
        "review_on": date.fromisoformat(draft.review_date),
        "goal_label": GOAL_LABELS[draft.goal],
        "rank_labels": sections.RANK_LABELS, "action_labels": sections.ACTION_LABELS,
        "meeting_labels": sections.MEETING_LABELS,
        "has_pdf_export": "export.plan_pdf" in current_app.view_functions,
    }


def triggers_by_kind(draft: PlanDraft, content: Content) -> list[tuple[str, list[Any]]]:
    """Triggers grouped under the library's kinds (then the person's own, then any kinds an
    uploaded file brought from another install), highest risk first within each group."""
    labels = sections.kind_labels(content)
    kinds = list(labels) + sorted({t.kind for t in draft.triggers} - set(labels))
    order = {rank: i for i, rank in enumerate(sections.RANK_LABELS)}
    grouped = []
    for kind in kinds:
        found = sorted((t for t in draft.triggers if t.kind == kind), key=lambda t: order[t.rank])
        if found:
            grouped.append((labels.get(kind, "Other triggers"), found))
    return grouped


def arg_number(name: str) -> int:
    value = request.args.get(name, "")
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise Refused(400, "Please choose two versions of the plan to compare.")
    return int(value)


def revision_or_404(plan: RelapsePlan, number: int) -> PlanRevision:
    row = store.revision(get_session(), plan=plan, number=number)
    if row is None:
        raise Refused(404, f"This plan has no version {number}.")
    return row


def by_section(changes: list[Change]) -> list[tuple[str, list[Change]]]:
    """Changes grouped under their section, keeping the plan's order."""
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.section, []).append(change)
    return list(grouped.items())


def changes_since(plan: RelapsePlan, base_revision: int) -> list[Change]:
    """What the other save changed, when the page's version is an earlier one of this plan."""
    db = get_session()
    base = store.revision(db, plan=plan, number=base_revision)
    current = store.revision(db, plan=plan, number=plan.current_revision)
    if base is None or current is None or base.number >= current.number:
        return []
    return diff_drafts(store.revision_draft(base), store.revision_draft(current))


def typed_text(limit: int = 100) -> list[str]:
    """The text the person typed into the refused form (not its ticks and choices)."""
    typed = []
    for key, value in request.form.items(multi=True):
        last = key.rsplit("-", 1)[-1]
        if key in ALWAYS_ALLOWED or last in CHOICE_FIELDS or re.fullmatch(r"action\d+_kind", last):
            continue
        if value.strip():
            typed.append(value.strip())
    return typed[:limit]
