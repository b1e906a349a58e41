"""A saved screening with a client (`counselor.screenings.*`, under
/counselor/clients/<id>/screenings/<screening_id>): read it, change its notes, record the
counselor's own choice of path beside the suggested one, make a plan from it, print its record
(a PDF summary for the clinic's file, recovery.export.record), delete it.

Every view starts from `clients.client_or_404` (own or shared, or 404); deleting is the owner's
(`clients.can_delete`, else a 403). Every read, change and deletion is audited in the same
commit. Recording a screening is the questionnaire flow with this child's mount (mount.py).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from recovery import localtime
from recovery.content.model import Content
from recovery.counselor import audit, clients, clock
from recovery.counselor.auth import me
from recovery.counselor.forms import ConfirmForm, form_problems
from recovery.counselor.screenings import operations, queries
from recovery.counselor.screenings.forms import NotesForm, OverrideForm
from recovery.counselor.screenings.record import every_answer, screening_record
from recovery.db import get_session
from recovery.export.layouts import PAPER_SIZES
from recovery.export.record import render_record_pdf
from recovery.export.views import paper_for, pdf_response
from recovery.models import Client, ClientScreening, RelapsePlan
from recovery.planning.build import ChosenPath, build_draft
from recovery.planning.draft import PlanDraft
from recovery.plans import store as plan_store
from recovery.plans.files import storable_problem
from recovery.questionnaire import journey
from recovery.screening.answers import AnswerError
from recovery.seeds import current_content

bp = Blueprint("screenings", __name__, url_prefix="/clients/<int:client_id>/screenings")

FORM_EXPIRED = ("This form expired. Please go back, reload the page and try again. Nothing was "
                "changed.")
OLDER_QUESTIONS = ("This screening was recorded with an older set of questions, so a plan "
                   "can't be built from it. Please record a new screening. Nothing was changed.")


# --- A saved screening ---------------------------------------------------------------------


@bp.get("/<int:screening_id>")
def show(client_id: int, screening_id: int) -> ResponseReturnValue:
    client, screening = visible_screening(client_id, screening_id)
    audit_screening("view", screening)
    get_session().commit()
    return render_screening(client, screening, NotesForm(notes=screening.notes),
                            override_form(screening))


@bp.post("/<int:screening_id>/notes")
def save_notes(client_id: int, screening_id: int) -> ResponseReturnValue:
    client, screening = visible_screening(client_id, screening_id)
    form = NotesForm()
    if not form.validate_on_submit():
        return render_screening(client, screening, form, override_form(screening), status=422)
    db = get_session()
    operations.set_notes(db, screening=screening, notes=form.notes.data or "")
    audit_screening("update", screening, "notes changed")
    db.commit()
    flash("The notes are saved.", "success")
    return redirect(url_for(".show", client_id=client.id, screening_id=screening.id,
                            _anchor="notes-title"), code=303)


@bp.post("/<int:screening_id>/override")
def override(client_id: int, screening_id: int) -> ResponseReturnValue:
    client, screening = visible_screening(client_id, screening_id)
    content = current_content()
    form = OverrideForm(paths=path_choices(content))
    if not form.validate_on_submit() or not choose_path(form, screening, content):
        return render_screening(client, screening, NotesForm(notes=screening.notes), form,
                                status=422)
    # Which path is clinical: the event says only that one was chosen (the screening has it).
    audit_screening("update", screening,
                    "path chosen" if screening.override_path else "path choice cleared")
    get_session().commit()
    flash("Your choice of path is saved beside the suggestion." if screening.override_path
          else "The screening follows the suggested path again.", "success")
    return redirect(url_for(".show", client_id=client.id, screening_id=screening.id,
                            _anchor="choice-title"), code=303)


@bp.post("/<int:screening_id>/plan")
def make_plan(client_id: int, screening_id: int) -> ResponseReturnValue:
    """A plan for the client, built from this screening's answers, to work on together."""
    client, screening = visible_screening(client_id, screening_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description=FORM_EXPIRED)
    plan = add_plan(client, screening)
    get_session().commit()
    flash("The plan is ready. Everything in it is a suggestion: go through it with the client "
          "and change what doesn't fit.", "success")
    return redirect(url_for("counselor.client_plans.show", client_id=client.id,
                            plan_id=plan.id), code=303)


@bp.get("/<int:screening_id>/record.pdf")
def record_pdf(client_id: int, screening_id: int) -> ResponseReturnValue:
    """The screening's summary for the clinic's record, on ?paper=a4|letter (else the paper of
    the install's country); the download is audited, with ids only."""
    paper = request.args.get("paper") or paper_for(journey.crisis_locale_id(current_content()))
    if paper not in PAPER_SIZES:
        abort(400)
    client, screening = visible_screening(client_id, screening_id)
    record = screening_record(get_session(), current_content(), client=client,
                              screening=screening)
    pdf = render_record_pdf(record, paper=paper, today=localtime.to_local(clock.now()).date())
    audit_screening("export", screening, "record pdf")
    get_session().commit()
    return pdf_response(pdf, filename=f"screening-record-{screening.taken_at:%Y-%m-%d}.pdf")


@bp.route("/<int:screening_id>/delete", methods=["GET", "POST"])
def delete(client_id: int, screening_id: int) -> ResponseReturnValue:
    client, screening = visible_screening(client_id, screening_id)
    if not clients.can_delete(me(), client):
        abort(403, description=clients.OWNER_ONLY.format(what="delete a screening"))
    form = ConfirmForm()
    if not form.validate_on_submit():
        audit_screening("view", screening, "delete confirmation")
        get_session().commit()
        return render_template("counselor/screening_delete.html", client=client,
                               screening=screening, form=form)
    audit_screening("delete", screening)
    operations.delete_screening(get_session(), screening=screening)
    get_session().commit()
    flash("The screening and its notes are deleted.", "success")
    return redirect(url_for("counselor.caseload.client_page", client_id=client.id), code=303)


# --- Helpers -------------------------------------------------------------------------------


def choose_path(form: OverrideForm, screening: ClientScreening, content: Content) -> bool:
    """Record the form's choice of path; False, with the reason's error on the form, if it
    can't be recorded."""
    try:
        operations.set_override(get_session(), screening=screening,
                                path_id=form.path.data or None, reason=form.reason.data or "",
                                by=me(), known_paths=frozenset(p.id for p in content.paths),
                                now=clock.now())
    except operations.ScreeningError as error:
        form.reason.errors = [error.message]
        return False
    return True


def add_plan(client: Client, screening: ClientScreening) -> RelapsePlan:
    """The client's new plan from the screening, audited (a 409 if its answers are too old)."""
    draft = draft_from(screening)
    db = get_session()
    assert client.id is not None
    plan = plan_store.create_client_plan(db, draft=draft, client_id=client.id)
    audit.record(db, user=me(), action="create", object_type="plan", object_id=plan.id or "",
                 detail=f"client {client.id}; from screening {screening.id}",
                 client_id=client.id)
    return plan


def draft_from(screening: ClientScreening) -> PlanDraft:
    """A plan built from the screening's answers, its next steps led by the counselor's choice
    of path if they made one; a 409 if today's questions can't read the answers."""
    content = current_content()
    chosen = (ChosenPath(screening.override_path, screening.override_reason)
              if screening.override_path else None)
    try:
        draft = build_draft(screening.answers, content, today=localtime.today(),
                            locale=journey.crisis_locale_id(content), chosen=chosen)
    except AnswerError:
        abort(409, description=OLDER_QUESTIONS)
    problem = storable_problem(draft)
    if problem is not None:  # only if the content in seeds/ breaks the plan format
        raise RuntimeError(problem)
    return draft


def visible_client(client_id: int) -> Client:
    return clients.client_or_404(get_session(), me(), client_id)


def visible_screening(client_id: int, screening_id: int) -> tuple[Client, ClientScreening]:
    client = visible_client(client_id)
    return client, queries.screening_or_404(get_session(), client=client,
                                            screening_id=screening_id)


def audit_screening(action: str, screening: ClientScreening, detail: str = "") -> None:
    audit.record(get_session(), user=me(), action=action, object_type="screening",
                 object_id=screening.id or "",
                 detail=f"client {screening.client_id}" + (f"; {detail}" if detail else ""),
                 client_id=screening.client_id)


def path_choices(content: Content) -> list[tuple[str, str]]:
    return [(path.id, path.title) for path in content.paths]


def path_titles(content: Content) -> dict[str, str]:
    return dict(path_choices(content))


def override_form(screening: ClientScreening) -> OverrideForm:
    return OverrideForm(paths=path_choices(current_content()), formdata=None,
                        data={"path": screening.override_path or "",
                              "reason": screening.override_reason})


def render_screening(client: Client, screening: ClientScreening, notes_form: NotesForm,
                     choice_form: OverrideForm, *, status: int = 200) -> tuple[str, int]:
    content = current_content()
    result = queries.result_of(screening)
    return render_template(
        "counselor/screening.html", client=client, screening=screening,
        result=result, guidance=queries.crisis_guidance(content, result),
        notes_form=notes_form, choice_form=choice_form,
        answered=every_answer(content, screening, result),
        problems=form_problems(notes_form) + form_problems(choice_form),
        path_titles=path_titles(content), resources=journey.crisis_resources(content),
        locales=content.crisis_locales, can_delete=clients.can_delete(me(), client),
        plan_form=ConfirmForm()), status
