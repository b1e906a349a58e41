"""The pages of one plan: read it, edit it section by section, see what changed between
versions and bring an earlier one back, take it away as a file or a PDF and bring it back, and
delete it.

One blueprint, registered twice with Flask's own `register_blueprint(..., name=, mount=)`:

- under its private link, /plans/<token>/... as `plans.link` (recovery.plans.views.PrivateLink);
- in the counselor workspace, /counselor/clients/<client_id>/plans/<plan_id>/... as
  `counselor.client_plans`, nested in the workspace's parent blueprint
  (recovery.counselor.plans.mount.ClientPlans).

What differs between the two is the `PlanMount` each registration passes: which URL values
name the plan, who may open it and what is audited (`open`, before any page runs), how the
plan is found, who may delete it, where a deletion leads and which layout the pages extend.
A view asks `find_plan()` for its plan and never sees which mount served it; templates link
with `url_for('.view')`, which stays within the mount.

Every save adds a revision; a save made from an out-of-date page is refused with a 409
(recovery.plans.requests) instead of overwriting someone else's.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from flask import (
    Blueprint,
    abort,
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
from werkzeug.wrappers import Response

from recovery import localtime
from recovery.db import get_session
from recovery.export import views as export_views
from recovery.models import Client, RelapsePlan
from recovery.planning.diff import diff_drafts
from recovery.planning.draft import PlanDraft
from recovery.plans import sections, store
from recovery.plans.display import (
    arg_number,
    by_section,
    diff_labels,
    plan_context,
    render_edit,
    revision_or_404,
    revision_summaries,
)
from recovery.plans.files import plan_to_json, storable_problem
from recovery.plans.forms import PlanFileForm
from recovery.plans.requests import (
    NOT_FOUND,
    check_body,
    handle_plan_requests,
    posted_base_revision,
    refuse_odd_shape,
    status_for,
    uploaded_draft,
)
from recovery.security import pdf_limit
from recovery.seeds import current_content

bp = Blueprint("plan_pages", __name__)
MOUNTS = "plan_mounts"  # app.extensions[MOUNTS]: registered blueprint name -> its PlanMount


# --- Where the pages are mounted -------------------------------------------------------------


@dataclass(frozen=True)
class OpenPlan:
    """The plan this request is about, as its mount let this visitor open it."""

    url_values: dict[str, Any]  # the URL values that name the plan, put back into url_for
    client: Client | None = None  # whose plan it is in the counselor workspace
    can_delete: bool = False  # so whether the page offers it; the mount refuses it too


class PlanMount(Protocol):
    """What differs between the places the plan pages are mounted."""

    url_keys: tuple[str, ...]  # the URL variables that name the plan
    layout: str  # the template the pages extend

    def open(self, url_values: dict[str, Any]) -> OpenPlan | ResponseReturnValue:
        """Before any page: check that this visitor may open this plan (and audit it); a
        response here (the sign-in page, say) is sent instead of the page."""

    def find(self, session: Session, opened: OpenPlan) -> RelapsePlan | None: ...

    def after_delete_url(self, opened: OpenPlan) -> str: ...

    def template_values(self) -> dict[str, Any]:
        """What the mount's layout needs besides the page's own values."""


@bp.record
def remember_mount(state: BlueprintSetupState) -> None:
    name = f"{state.name_prefix}.{state.name}".lstrip(".")
    state.app.extensions.setdefault(MOUNTS, {})[name] = state.options["mount"]


def mount() -> PlanMount:
    # By the full dotted name, as remembered above ("counselor.client_plans" when nested).
    found: PlanMount = current_app.extensions[MOUNTS][request.blueprint]
    return found


def opened() -> OpenPlan:
    found: OpenPlan = g.open_plan
    return found


@bp.url_value_preprocessor
def take_plan_values(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Views never see the values that name the plan: they ask `find_plan()`."""
    if values is not None:
        g.plan_url_values = {key: values.pop(key) for key in mount().url_keys if key in values}


@bp.before_request
def open_plan() -> ResponseReturnValue | None:
    # The mount first: a visitor who isn't signed in is sent to sign in before anything else.
    found = mount().open(g.pop("plan_url_values", {}))
    if not isinstance(found, OpenPlan):
        return found
    g.open_plan = found
    check_body()
    return None


@bp.url_defaults
def put_plan_values_back(endpoint: str, values: dict[str, Any]) -> None:
    found = g.get("open_plan")
    if found is None:
        return
    for key, value in found.url_values.items():
        if current_app.url_map.is_endpoint_expecting(endpoint, key):
            values.setdefault(key, value)


@bp.context_processor
def mount_context() -> dict[str, Any]:
    found = g.get("open_plan")
    return {"client": found.client if found else None,
            "can_delete_plan": found is not None and found.can_delete,
            "plan_layout": mount().layout, **mount().template_values()}


handle_plan_requests(bp)


def find_plan() -> RelapsePlan:
    plan = mount().find(get_session(), opened())
    if plan is None:
        abort(404, description=NOT_FOUND)
    return plan


def load_plan() -> tuple[RelapsePlan, PlanDraft]:
    plan = find_plan()
    return plan, store.latest_draft(get_session(), plan=plan)


# --- Reading and editing ---------------------------------------------------------------------


@bp.get("")
def show() -> str:
    plan, draft = load_plan()
    return render_template("plans/show.html", **plan_context(plan, draft))


@bp.route("/edit/<section_id>", methods=["GET", "POST"])
def edit(section_id: str) -> Response | tuple[str, int]:
    plan, draft = load_plan()
    content = current_content()
    section = sections.find(section_id, draft)
    if section is None:
        abort(404, description="This plan has no such section to edit.")
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


@bp.route("/import", methods=["GET", "POST"])
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


@bp.get("/plan.json")
def download() -> Response:
    _plan, draft = load_plan()
    filename = f"recovery-plan-{localtime.today().isoformat()}.json"
    return Response(plan_to_json(draft), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/pdf/<layout>")
@pdf_limit
def plan_pdf(layout: str) -> Response:
    """The plan as a PDF: full plan, share-safe handout or wallet card (recovery.export)."""
    paper = export_views.chosen_paper(layout)
    plan, draft = load_plan()
    return export_views.plan_pdf_response(plan, draft, current_content(), layout=layout,
                                          paper=paper)


@bp.route("/print/<layout>", methods=["GET", "POST"])
@pdf_limit  # the preview renders the printout to know what fits
def print_preview(layout: str) -> Response | str:
    """The handout or wallet card as it will print, with items to untick, before it downloads."""
    paper = export_views.preview_choices(layout)
    plan, draft = load_plan()
    if request.method == "POST":
        return export_views.save_choices(get_session(), plan, draft, current_content(),
                                         layout=layout, paper=paper)
    return export_views.preview_page(plan, draft, current_content(), layout=layout,
                                     paper=paper)


# --- Versions --------------------------------------------------------------------------------


@bp.get("/revisions")
def revisions() -> str:
    plan = find_plan()
    rows = store.revisions(get_session(), plan=plan)
    return render_template("plans/revisions.html", plan=plan, revisions=list(reversed(rows)),
                           summaries=revision_summaries(rows))


@bp.get("/compare")
def compare() -> str:
    plan = find_plan()
    old_number, new_number = (arg_number(name) for name in ("from", "to"))
    old, new = (revision_or_404(plan, n) for n in (old_number, new_number))
    changes = diff_drafts(store.revision_draft(old), store.revision_draft(new), diff_labels())
    return render_template("plans/compare.html", plan=plan, old=old, new=new,
                           changes=by_section(changes))


@bp.post("/revisions/<int:number>/restore")
def restore(number: int) -> Response:
    """An earlier version brought back as the newest one: a save like any other, so it keeps
    every version and is refused (409) if someone saved since the page was opened."""
    plan, draft = load_plan()
    base = posted_base_revision()
    store.check_base_revision(plan, base)
    restored = store.revision_draft(revision_or_404(plan, number))
    return save_and_show(plan, draft, restored, base, anchor="",
                         saved=f"Version {number} is back. It is saved as version {{number}}.")


# --- Deleting --------------------------------------------------------------------------------


@bp.route("/delete", methods=["GET", "POST"])
def delete() -> Response | str:
    # Found without reading its content: nothing in a plan may stand in the way of deleting it.
    plan = find_plan()
    if request.method == "GET":
        return render_template("plans/delete.html", plan=plan)
    db = get_session()
    store.delete_plan(db, plan=plan)
    db.commit()
    flash("The plan and all its earlier versions have been deleted for good.", "success")
    return redirect(mount().after_delete_url(opened()))


def save_and_show(plan: RelapsePlan, old: PlanDraft, new: PlanDraft, base: int, *, anchor: str,
                  saved: str = "Saved. This is version {number} of the plan.") -> Response:
    """Store `new` as the next version (unless nothing changed), commit once, say so with
    `saved` (its {number} is the new version's), and go back to the plan (post/redirect/get,
    so reloading the page doesn't save twice)."""
    if new == old:
        flash("Nothing had changed, so no new version was saved.", "info")
    else:
        db = get_session()
        row = store.save_revision(db, plan=plan, draft=new, base_revision=base)
        db.commit()
        flash(saved.format(number=row.number), "success")
    return redirect(url_for(".show", _anchor=anchor or None))
