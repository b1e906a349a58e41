"""What every plan page shares about requests: the body limits and CSRF check, the 413 and 409
pages (a body too big; a stale save), and reading posted forms and files. Refusals are
`abort(status, description=...)`, as everywhere (recovery/errors.py).

Used by both plan blueprints: the plain pages (recovery.plans.views) and the pages of one plan
(recovery.plans.pages), wherever those are mounted.
"""

import re

from flask import Blueprint, abort, current_app, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge

from recovery.db import get_session
from recovery.errors import HandledHTTP, handle_http
from recovery.models import RelapsePlan
from recovery.planning.diff import Change, diff_drafts
from recovery.planning.draft import PlanDraft
from recovery.plans import store
from recovery.plans.display import diff_labels
from recovery.plans.files import MAX_FILE_BYTES, PlanFileError, read_plan_file
from recovery.plans.forms import ALWAYS_ALLOWED, PlanFileForm
from recovery.security import csrf

UPLOAD_VIEWS = frozenset({"import_new", "import_into"})
# A section form of a long plan can be bigger than the app's 64 KiB; never bigger than the
# plan file itself. Uploads get room for the multipart wrapping around the file.
FORM_BODY_LIMIT = MAX_FILE_BYTES
UPLOAD_BODY_LIMIT = MAX_FILE_BYTES + 16 * 1024
NOTHING_CHANGED = " Nothing was changed."
NOT_FOUND = ("We couldn't find that plan. Please check the link; if the plan was deleted, it is "
             "gone for good.")
# Field names (their last part) that hold ticks and choices rather than typed text.
CHOICE_FIELDS = frozenset({"kind", "rank", "goal", "crisis_locale", "add", "remove"})
TOO_LARGE = (f"That was more than {MAX_FILE_BYTES // 1024} KB, which is more than any plan from "
             "this app holds." + NOTHING_CHANGED)
STALE_FORM = ("This form is missing the version of the plan it was opened on, so we can't tell "
              "whether it is up to date. Please reload the page and try again." + NOTHING_CHANGED)


def handle_plan_requests(bp: Blueprint) -> None:
    """The error pages of a plan blueprint, and its own CSRF check (see `check_body`)."""
    # These pages check CSRF themselves, after raising the body limit for plan files: the
    # app-wide check would read the body first, under the app's smaller limit.
    csrf.exempt(bp)
    bp.register_error_handler(RequestEntityTooLarge, too_large)
    bp.register_error_handler(store.PlanConflict, conflict)


def view_name() -> str:
    """The view's own name, whichever mount served it ("edit" for
    "counselor.client_plans.edit")."""
    return (request.endpoint or "").rsplit(".", 1)[-1]


def check_body() -> None:
    """Raise the body limit to what the view needs, then check the CSRF token."""
    if view_name() in UPLOAD_VIEWS:
        request.max_content_length = UPLOAD_BODY_LIMIT
        # Werkzeug's multipart parser holds the app's per-field memory limit (16 KiB) against
        # each 64 KiB chunk it reads, file parts included, so any file over 16 KiB would be
        # refused. The body limit above still bounds everything.
        request.max_form_memory_size = UPLOAD_BODY_LIMIT
    else:
        request.max_content_length = FORM_BODY_LIMIT
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


# --- Error pages -----------------------------------------------------------------------------


def too_large(error: RequestEntityTooLarge) -> HandledHTTP:
    """A body over the page's limit gets words about plans; a 413 a view gave words of its own
    (`abort(413, description=...)`) keeps them."""
    if error.description == RequestEntityTooLarge.description:
        error = RequestEntityTooLarge(description=TOO_LARGE)
    return handle_http(error)


def conflict(error: store.PlanConflict) -> tuple[str, int]:
    """Someone saved the plan after this page was opened: keep their save, show this person
    what changed and what they had typed, so nothing is lost either way."""
    args = request.view_args or {}
    return render_template(
        "plans/conflict.html", section_id=args.get("section_id"),
        changes=changes_since(error.plan, error.base_revision), typed=typed_text(),
        is_upload=view_name() in UPLOAD_VIEWS), 409


def changes_since(plan: RelapsePlan, base_revision: int) -> list[Change]:
    """What the other save changed, when the page's version is an earlier one of this plan."""
    db = get_session()
    base = store.revision(db, plan=plan, number=base_revision)
    current = store.revision(db, plan=plan, number=plan.current_revision)
    if base is None or current is None or base.number >= current.number:
        return []
    return diff_drafts(store.revision_draft(base), store.revision_draft(current), diff_labels())


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


# --- Reading what was posted -----------------------------------------------------------------


def posted_base_revision() -> int:
    values = request.form.getlist("base_revision")
    if len(values) != 1 or not re.fullmatch(r"[0-9]{1,9}", values[0]):
        abort(400, description=STALE_FORM)
    return int(values[0])


def refuse_odd_shape(problem: str | None) -> None:
    if problem is not None:
        abort(400, description=f"{problem} Please reload the page and try again."
                               + NOTHING_CHANGED)


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
            abort(413, description=error.message + NOTHING_CHANGED)
        form.plan_file.errors.append(error.message + NOTHING_CHANGED)
        return None


def status_for(form: PlanFileForm) -> int:
    return 422 if form.errors else 200
