"""The plan builder: make a plan from a screening, read it, edit it section by section, see
what changed between versions, take it away as a file and bring it back, and delete it.

A plan lives under a private link, like a saved result. Every save adds a revision; a save
made from an out-of-date page is refused with a 409 instead of overwriting someone else's.

The pages of one plan (`@plan_page`) are written once and served at two addresses: here under
the private link (/plans/<token>/...), and in the counselor workspace under a client
(recovery.counselor.plans). A view asks `address()` for its plan and never sees which it is.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from sqlmodel import Session
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response

from recovery.content.model import Content
from recovery.db import get_session
from recovery.errors import render_error
from recovery.models import Client, PlanRevision, RelapsePlan
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
from recovery.security import csrf, plan_creation_limit
from recovery.seeds import current_content
from recovery.tokens import TOKEN_PATTERN

bp = Blueprint("plans", __name__)

UPLOAD_VIEWS = frozenset({"import_new", "import_into"})
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


# --- Where a plan page finds its plan --------------------------------------------------------


class PlanAddress(Protocol):
    """How the pages of one plan find it, and what else they need to know about where it is."""

    @property
    def url_values(self) -> dict[str, Any]:
        """The URL values that name the plan (put back into every url_for of its blueprint)."""

    @property
    def client(self) -> Client | None:
        """The client the plan belongs to in the counselor workspace; None for a private link."""

    @property
    def can_delete(self) -> bool:
        """Whether this visitor may delete the plan, so whether the page offers it (the
        address's own checks refuse the deletion itself)."""

    def find(self, session: Session) -> RelapsePlan | None: ...

    def after_delete_url(self) -> str: ...


@dataclass(frozen=True)
class PrivateLink:
    """A plan opened through its private link. Plans that belong to a client are never found
    this way: only through the counselor workspace, with its sign-in and access checks."""

    token: str
    client: None = None
    can_delete: bool = True  # the link is the whole key: whoever has it may delete

    @property
    def url_values(self) -> dict[str, Any]:
        return {"token": self.token}

    def find(self, session: Session) -> RelapsePlan | None:
        plan = store.get_plan(session, token=self.token, saved_after=store.retention_cutoff(
            current_app.config["PLAN_RETENTION_DAYS"]))
        return plan if plan is not None and plan.client_id is None else None

    def after_delete_url(self) -> str:
        return url_for("questionnaire.index")


def address() -> PlanAddress:
    """The plan address of this request (set from the URL before the view runs)."""
    found: PlanAddress = g.plan_address
    return found


View = Callable[..., ResponseReturnValue]


@dataclass(frozen=True)
class PlanPage:
    rule: str  # after the plan's address, e.g. "/edit/<section_id>"
    view: View
    methods: tuple[str, ...]


PLAN_PAGES: list[PlanPage] = []


def plan_page(rule: str, methods: tuple[str, ...] = ("GET",)) -> Callable[[View], View]:
    """Declare a page of one plan; `add_plan_pages` serves it under each address."""

    def declare(view: View) -> View:
        PLAN_PAGES.append(PlanPage(rule, view, methods))
        return view

    return declare


def add_plan_pages(target: Blueprint, prefix: str,
                   make_address: Callable[[dict[str, Any]], PlanAddress]) -> None:
    """Serve every plan page on `target` under `prefix` (a rule naming one plan), with the body
    limits, CSRF check and error pages the pages rely on. `make_address` turns the prefix's URL
    values into the request's `PlanAddress`."""

    keys = address_keys(prefix)
    page_endpoints: set[str] = set()

    @target.record
    def add_rules(state: BlueprintSetupState) -> None:
        # At registration, not now: pages declared in other modules (the PDFs) are in by then.
        for page in PLAN_PAGES:
            state.add_url_rule(prefix + page.rule, page.view.__name__, page.view,
                               methods=list(page.methods))
            page_endpoints.add(f"{state.name}.{page.view.__name__}")

    @target.url_value_preprocessor
    def take_address(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if endpoint in page_endpoints and values is not None:
            g.plan_address = make_address({key: values.pop(key) for key in keys if key in values})

    @target.url_defaults
    def put_address_back(endpoint: str, values: dict[str, Any]) -> None:
        found = g.get("plan_address")
        if found is None:
            return
        for key, value in found.url_values.items():
            if current_app.url_map.is_endpoint_expecting(endpoint, key):
                values.setdefault(key, value)

    @target.context_processor
    def plan_context() -> dict[str, Any]:
        found = g.get("plan_address")
        return {"client": found.client if found is not None else None,
                "can_delete_plan": found is not None and found.can_delete}

    # These pages check CSRF themselves, after raising the body limit for plan files: the
    # app-wide check would read the body first, under the app's smaller limit.
    csrf.exempt(target)
    target.before_request(limit_body_then_check_csrf)
    target.register_error_handler(Refused, refused)
    target.register_error_handler(RequestEntityTooLarge, too_large)
    target.register_error_handler(store.PlanConflict, conflict)


def address_keys(prefix: str) -> list[str]:
    """The names of the variables in a rule, e.g. ["token"] for "/plans/<token:token>"."""
    return re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", prefix)


class Refused(Exception):
    """A request we turn down with a status and a message for the person."""

    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message
        super().__init__(message)


def limit_body_then_check_csrf() -> None:
    if (request.endpoint or "").rsplit(".", 1)[-1] in UPLOAD_VIEWS:
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
@plan_creation_limit
def new() -> Response:
    """A plan from the answers in this browser's session."""
    content = current_content()
    answers = journey.answers()
    if not journey.is_complete(content, answers):
        raise Refused(409, "Please answer all the questions first: the plan is built from your "
                           "result." + NOTHING_CHANGED)
    return create_plan_from(answers, content)


@bp.post("/r/<token:token>/plan")
@plan_creation_limit
def new_from_result(token: str) -> Response:
    """A plan from a saved result (its answers, not today's session)."""
    assessment = result_store.get_assessment(get_session(), token=token)
    if assessment is None:
        raise Refused(404, "We couldn't find that saved result. It may have been deleted.")
    return create_plan_from(assessment.answers, current_content())


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
            flash(PLAN_CREATED, "success")
            return redirect(url_for(".show", token=token))
    return render_template("plans/import.html", form=form, plan=None), status_for(form)


# --- Reading and editing ---------------------------------------------------------------------


@plan_page("")
def show() -> str:
    plan, draft = load_plan()
    return render_template("plans/show.html", **plan_context(plan, draft))


@plan_page("/edit/<section_id>", methods=("GET", "POST"))
def edit(section_id: str) -> Response | tuple[str, int]:
    plan, draft = load_plan()
    content = current_content()
    section = sections.find(section_id, draft)
    if section is None:
        raise Refused(404, "This plan has no such section to edit.")
    if request.method == "GET":
        return render_edit(plan, draft, section, section.form(draft, content))
    base = posted_base_revision()
    store.check_base_revision(plan, base)
    form = section.form(draft, content, formdata=request.form)
    refuse_odd_shape(form.shape_problem(request.form))
    if form.validate():
        new_draft = section.apply(draft, form, content)
        problem = storable_problem(new_draft)
        if problem is None:
            return save_and_show(plan, draft, new_draft, base, anchor=section.id)
        form.form_errors.append(problem)
    return render_edit(plan, draft, section, form, status=422)


@plan_page("/import", methods=("GET", "POST"))
def import_into() -> Response | tuple[str, int]:
    """Continue this plan from a file: the file's plan becomes the next version."""
    plan, draft = load_plan()
    form = PlanFileForm()
    if request.method == "POST":
        base = posted_base_revision()
        store.check_base_revision(plan, base)
        new_draft = uploaded_draft(form)
        if new_draft is not None:
            return save_and_show(plan, draft, new_draft, base, anchor="")
    return render_template("plans/import.html", form=form, plan=plan), status_for(form)


@plan_page("/plan.json")
def download() -> Response:
    _plan, draft = load_plan()
    filename = f"recovery-plan-{date.today().isoformat()}.json"
    return Response(plan_to_json(draft), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- Versions --------------------------------------------------------------------------------


@plan_page("/revisions")
def revisions() -> str:
    plan = find_plan()
    rows = store.revisions(get_session(), plan=plan)
    return render_template("plans/revisions.html", plan=plan, revisions=list(reversed(rows)))


@plan_page("/compare")
def compare() -> str:
    plan = find_plan()
    old_number, new_number = (arg_number(name) for name in ("from", "to"))
    old, new = (revision_or_404(plan, n) for n in (old_number, new_number))
    changes = diff_drafts(store.revision_draft(old), store.revision_draft(new))
    return render_template("plans/compare.html", plan=plan, old=old, new=new,
                           changes=by_section(changes))


# --- Deleting --------------------------------------------------------------------------------


@plan_page("/delete", methods=("GET", "POST"))
def delete() -> Response | str:
    # Found without reading its content: nothing in a plan may stand in the way of deleting it.
    plan = find_plan()
    if request.method == "GET":
        return render_template("plans/delete.html", plan=plan)
    db = get_session()
    store.delete_plan(db, plan=plan)
    db.commit()
    flash("The plan and all its earlier versions have been deleted for good.", "success")
    return redirect(address().after_delete_url())


# --- Errors ----------------------------------------------------------------------------------


def refused(error: Refused) -> tuple[str, int]:
    return render_error(error.status, error.message)


def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    return render_error(413, f"That was more than {MAX_FILE_BYTES // 1024} KB, which is more "
                             "than any plan from this app holds." + NOTHING_CHANGED)


def conflict(error: store.PlanConflict) -> tuple[str, int]:
    """Someone saved the plan after this page was opened: keep their save, show this person
    what changed and what they had typed, so nothing is lost either way."""
    args = request.view_args or {}
    return render_template(
        "plans/conflict.html", section_id=args.get("section_id"),
        changes=changes_since(error.plan, error.base_revision), typed=typed_text(),
        is_upload=(request.endpoint or "").rsplit(".", 1)[-1] in UPLOAD_VIEWS), 409


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


def find_plan() -> RelapsePlan:
    plan = address().find(get_session())
    if plan is None:
        raise Refused(404, NOT_FOUND)
    return plan


def load_plan() -> tuple[RelapsePlan, PlanDraft]:
    plan = find_plan()
    return plan, store.latest_draft(get_session(), plan=plan)


def posted_base_revision() -> int:
    values = request.form.getlist("base_revision")
    if len(values) != 1 or not re.fullmatch(r"[0-9]{1,9}", values[0]):
        raise Refused(400, STALE_FORM)
    return int(values[0])


def refuse_odd_shape(problem: str | None) -> None:
    if problem is not None:
        raise Refused(400, f"{problem} Please reload the page and try again." + NOTHING_CHANGED)


def save_and_show(plan: RelapsePlan, old: PlanDraft, new: PlanDraft, base: int,
                  *, anchor: str) -> Response:
    """Store `new` as the next version (unless nothing changed), commit once, and go back to
    the plan (post/redirect/get, so reloading the page doesn't save twice)."""
    if new == old:
        flash("Nothing had changed, so no new version was saved.", "info")
    else:
        db = get_session()
        row = store.save_revision(db, plan=plan, draft=new, base_revision=base)
        db.commit()
        flash(f"Saved. This is version {row.number} of the plan.", "success")
    return redirect(url_for(".show", _anchor=anchor or None))


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


def render_edit(plan: RelapsePlan, draft: PlanDraft, section: sections.Section,
                form: PlanForm, status: int = 200) -> tuple[str, int]:
    library = (sections.trigger_library(draft, current_content())
               if section.id == "triggers" else [])
    return render_template("plans/edit.html", plan=plan, section=section,
                           form=form, library=library, draft=draft), status


def plan_context(plan: RelapsePlan, draft: PlanDraft) -> dict[str, Any]:
    content = current_content()
    return {
        "plan": plan, "draft": draft, "sections": sections.SECTIONS,
        "triggers_by_kind": triggers_by_kind(draft, content),
        "resources": content.crisis_locale(draft.crisis_locale),
        "review_on": date.fromisoformat(draft.review_date),
        "goal_label": GOAL_LABELS[draft.goal],
        "rank_labels": sections.RANK_LABELS, "action_labels": sections.ACTION_LABELS,
        "meeting_labels": sections.MEETING_LABELS,
        "has_pdf_export": f"{request.blueprint}.plan_pdf" in current_app.view_functions,
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


add_plan_pages(bp, "/plans/<token:token>", lambda values: PrivateLink(values["token"]))
