"""Screenings with a client, their history, and making a plan from a screening.

The counselor reads the same questionnaire aloud and records the client's answers: the steps,
forms, skip logic, crisis stop and engine are the self-screening journey's own
(recovery.questionnaire). Answers in progress live in the counselor's encrypted session cookie,
for one client at a time, and reach the database only when the counselor saves.

Every view starts from `clients.client_or_404` (own or shared, or 404), and every read, change
and deletion of stored client data is audited in the same commit.
"""

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from recovery.content.model import Content, Step
from recovery.counselor import audit, auth, clients, clock, screenings
from recovery.counselor.auth import current_user
from recovery.counselor.forms import ConfirmForm, NotesForm, OverrideForm, form_problems
from recovery.counselor.views import me
from recovery.db import get_session
from recovery.errors import render_error
from recovery.models import Client, ClientScreening
from recovery.planning.build import build_draft
from recovery.plans import store as plan_store
from recovery.plans.files import storable_problem
from recovery.questionnaire import journey
from recovery.questionnaire.forms import answers_from, build_step_form, step_questions
from recovery.screening.answers import AnswerError, Answers
from recovery.screening.history import history_chart
from recovery.seeds import current_content

bp = Blueprint("screenings", __name__, url_prefix="/counselor/clients/<int:client_id>")
bp.before_request(auth.guard_blueprint(frozenset()))
bp.context_processor(lambda: {"counselor_user": current_user})

RECENT = 5


# --- Recording a screening -----------------------------------------------------------------


@bp.post("/screenings/new")
def start(client_id: int) -> Response:
    client = visible_client(client_id)
    keep_answers(client, {})
    return redirect(step_url(client, current_content().questionnaire.steps[0]), code=303)


@bp.route("/screenings/new/<step:step_id>", methods=["GET", "POST"])
def step(client_id: int, step_id: str) -> ResponseReturnValue:
    client = visible_client(client_id)
    content = current_content()
    step = content.questionnaire.step(step_id)
    if step is None:  # only if the content changed under a running app
        abort(404)
    answers = answers_in_progress(client)
    if answers is None:
        return not_in_progress(client)
    progress = journey.position(content, step, answers)
    if progress is None:  # doesn't apply, or an earlier step isn't done
        return redirect(next_url(client, content, answers))
    subject = journey.subject(content, answers)
    form = None
    if request.method == "POST":
        form = build_step_form(step, answers, subject, formdata=request.form)
        if request.form.get("nav") == "back":
            form.validate()
            kept = journey.merge(content, step, answers, answers_from(form, only_valid=True))
            keep_answers(client, kept)
            return redirect(step_url(client, journey.previous_step(content, step, kept)))
        if form.validate():
            kept = journey.merge(content, step, answers, answers_from(form))
            keep_answers(client, kept)
            if journey.needs_crisis_stop(content, step, kept):
                return redirect(url_for(".support", client_id=client.id))
            return redirect(next_url(client, content, kept))
    return render_template(
        "counselor/screening_step.html", client=client, step=step, form=form,
        questions=step_questions(step, answers, subject, form),
        progress=progress, subject=subject,
        step_action=step_url(client, step), finish_label="Review the result",
    ), 422 if form is not None else 200


@bp.get("/screenings/new/support")
def support(client_id: int) -> ResponseReturnValue:
    """Shown to the counselor as soon as an answer suggests suicide risk, before going on."""
    client = visible_client(client_id)
    content = current_content()
    answers = answers_in_progress(client)
    if answers is None:
        return not_in_progress(client)
    crisis = journey.crisis_flags(content, answers)
    if not crisis:
        abort(404)
    return render_template("counselor/screening_support.html", client=client, crisis=crisis,
                           resources=journey.crisis_resources(content),
                           next_url=next_url(client, content, answers))


@bp.route("/screenings/new/finish", methods=["GET", "POST"])
def finish(client_id: int) -> ResponseReturnValue:
    """The result, to go through with the client, then notes and Save."""
    client = visible_client(client_id)
    content = current_content()
    answers = answers_in_progress(client)
    if answers is None:
        return not_in_progress(client)
    if not journey.is_complete(content, answers):
        return redirect(next_url(client, content, answers))
    result = journey.screen_answers(content, answers)
    form = NotesForm()
    if not form.validate_on_submit():
        return render_template(
            "counselor/screening_finish.html", client=client, result=result, form=form,
            guidance=crisis_guidance(content, result),
            problems=form_problems(form), resources=journey.crisis_resources(content),
            locales=content.crisis_locales,
            first_step=content.questionnaire.steps[0]), 422 if form.errors else 200
    db = get_session()
    row = screenings.add_screening(db, client=client, counselor=me(), answers=answers,
                                   result=result, content_version=content.version,
                                   notes=form.notes.data or "", now=clock.now())
    audit.record(db, user=me(), action="create", object_type="screening", object_id=row.id or "",
                 detail=f"client {client.id}")
    db.commit()
    session.pop(screenings.IN_PROGRESS_KEY, None)
    flash("The screening is saved.", "success")
    return redirect(url_for(".show", client_id=client.id, screening_id=row.id), code=303)


@bp.post("/screenings/new/discard")
def discard(client_id: int) -> Response:
    client = visible_client(client_id)
    session.pop(screenings.IN_PROGRESS_KEY, None)
    flash("The answers in progress were discarded. Nothing was saved.", "info")
    return redirect(url_for("counselor.client_page", client_id=client.id), code=303)


# --- A saved screening ---------------------------------------------------------------------


@bp.get("/screenings/<int:screening_id>")
def show(client_id: int, screening_id: int) -> ResponseReturnValue:
    client, screening = visible_screening(client_id, screening_id)
    audit_screening("view", screening)
    get_session().commit()
    return render_screening(client, screening, NotesForm(notes=screening.notes),
                            override_form(screening))


@bp.post("/screenings/<int:screening_id>/notes")
def save_notes(client_id: int, screening_id: int) -> ResponseReturnValue:
    client, screening = visible_screening(client_id, screening_id)
    form = NotesForm()
    if not form.validate_on_submit():
        return render_screening(client, screening, form, override_form(screening), status=422)
    db = get_session()
    screenings.set_notes(db, screening=screening, notes=form.notes.data or "")
    audit_screening("update", screening, "notes changed")
    db.commit()
    flash("The notes are saved.", "success")
    return redirect(url_for(".show", client_id=client.id, screening_id=screening.id,
                            _anchor="notes-title"), code=303)


@bp.post("/screenings/<int:screening_id>/override")
def override(client_id: int, screening_id: int) -> ResponseReturnValue:
    client, screening = visible_screening(client_id, screening_id)
    content = current_content()
    form = OverrideForm(paths=path_choices(content))
    if not form.validate_on_submit():
        return render_screening(client, screening, NotesForm(notes=screening.notes), form,
                                status=422)
    db = get_session()
    try:
        screenings.set_override(db, screening=screening, path_id=form.path.data or None,
                                reason=form.reason.data or "", by=me(),
                                known_paths=frozenset(p.id for p in content.paths),
                                now=clock.now())
    except screenings.ScreeningError as error:
        form.reason.errors = [error.message]
        return render_screening(client, screening, NotesForm(notes=screening.notes), form,
                                status=422)
    # Which path is clinical: the event says only that one was chosen (the screening has it).
    audit_screening("update", screening,
                    "path chosen" if screening.override_path else "path choice cleared")
    db.commit()
    flash("Your choice of path is saved beside the suggestion." if screening.override_path
          else "The screening follows the suggested path again.", "success")
    return redirect(url_for(".show", client_id=client.id, screening_id=screening.id,
                            _anchor="choice-title"), code=303)


@bp.post("/screenings/<int:screening_id>/plan")
def make_plan(client_id: int, screening_id: int) -> ResponseReturnValue:
    """A plan for the client, built from this screening's answers, to work on together."""
    client, screening = visible_screening(client_id, screening_id)
    content = current_content()
    if not ConfirmForm().validate_on_submit():
        return render_error(400, "This form expired. Please go back, reload the page and try "
                                 "again. Nothing was changed.")
    try:
        draft = build_draft(screening.answers, content, today=date.today(),
                            locale=journey.crisis_locale_id(content))
    except AnswerError:
        return render_error(409, "This screening was recorded with an older set of questions, "
                                 "so a plan can't be built from it. Please record a new "
                                 "screening. Nothing was changed.")
    problem = storable_problem(draft)
    if problem is not None:  # only if the content in seeds/ breaks the plan format
        raise RuntimeError(problem)
    db = get_session()
    assert client.id is not None
    plan = plan_store.create_client_plan(db, draft=draft, client_id=client.id)
    audit.record(db, user=me(), action="create", object_type="plan", object_id=plan.id or "",
                 detail=f"client {client.id}; from screening {screening.id}")
    db.commit()
    flash("The plan is ready. Everything in it is a suggestion: go through it with the client "
          "and change what doesn't fit.", "success")
    return redirect(url_for("client_plans.show", client_id=client.id, plan_id=plan.id),
                    code=303)


@bp.route("/screenings/<int:screening_id>/delete", methods=["GET", "POST"])
def delete(client_id: int, screening_id: int) -> ResponseReturnValue:
    client, screening = visible_screening(client_id, screening_id)
    if not clients.can_delete(me(), client):
        return render_error(403, clients.OWNER_ONLY.format(what="delete a screening"))
    form = ConfirmForm()
    db = get_session()
    if not form.validate_on_submit():
        audit_screening("view", screening, "delete confirmation")
        db.commit()
        return render_template("counselor/screening_delete.html", client=client,
                               screening=screening, form=form)
    audit_screening("delete", screening)
    screenings.delete_screening(db, screening=screening)
    db.commit()
    flash("The screening and its notes are deleted.", "success")
    return redirect(url_for("counselor.client_page", client_id=client.id), code=303)


# --- History -------------------------------------------------------------------------------


@bp.get("/history")
def history(client_id: int) -> ResponseReturnValue:
    """Every screening (a chart, and the same numbers as a table) and every plan revision."""
    client = visible_client(client_id)
    db = get_session()
    rows = screenings.history_rows(screenings.summaries(db, client=client))
    plans = plan_store.client_plans(db, client_id=client_id)
    revisions = plan_store.revision_summaries(
        db, plan_ids=[plan.id for plan in plans if plan.id is not None])
    audit.record(db, user=me(), action="view", object_type="client", object_id=client_id,
                 detail="history")
    db.commit()
    chart = history_chart([row.point for row in rows]) if rows else None
    return render_template("counselor/history.html", client=client, rows=rows, chart=chart,
                           plans=plans, revisions=revisions,
                           path_titles=path_titles(current_content()))


# --- Helpers -------------------------------------------------------------------------------


def visible_client(client_id: int) -> Client:
    return clients.client_or_404(get_session(), me(), client_id)


def visible_screening(client_id: int, screening_id: int) -> tuple[Client, ClientScreening]:
    client = visible_client(client_id)
    return client, screenings.screening_or_404(get_session(), client=client,
                                               screening_id=screening_id)


def audit_screening(action: str, screening: ClientScreening, detail: str = "") -> None:
    audit.record(get_session(), user=me(), action=action, object_type="screening",
                 object_id=screening.id or "",
                 detail=f"client {screening.client_id}" + (f"; {detail}" if detail else ""))


def answers_in_progress(client: Client) -> Answers | None:
    """The answers recorded so far for this client in this browser, or None if no screening
    of this client is under way here."""
    stored = session.get(screenings.IN_PROGRESS_KEY)
    if stored is not None and screenings.is_under_way(stored, client_id=client.id):
        return dict(stored["answers"])
    return None


def keep_answers(client: Client, answers: Answers) -> None:
    session[screenings.IN_PROGRESS_KEY] = {"client_id": client.id, "answers": answers}


def not_in_progress(client: Client) -> Response:
    flash("No screening of this client is under way in this browser. Please start one here.",
          "info")
    return redirect(url_for("counselor.client_page", client_id=client.id))


def step_url(client: Client, step: Step) -> str:
    return url_for(".step", client_id=client.id, step_id=step.id)


def next_url(client: Client, content: Content, answers: Answers) -> str:
    step = journey.next_step(content, answers)
    if step is None:
        return url_for(".finish", client_id=client.id)
    return step_url(client, step)


def path_choices(content: Content) -> list[tuple[str, str]]:
    return [(path.id, path.title) for path in content.paths]


def path_titles(content: Content) -> dict[str, str]:
    return dict(path_choices(content))


def override_form(screening: ClientScreening) -> OverrideForm:
    return OverrideForm(paths=path_choices(current_content()), formdata=None,
                        data={"path": screening.override_path or "",
                              "reason": screening.override_reason})


def crisis_guidance(content: Content, result: dict[str, Any]) -> list[str]:
    """What the counselor is told for each crisis flag a screening raised: the content's words
    for counselors (`counselor:` in seeds/flags.yaml), not the sentence written for the client.
    A flag the current content no longer has keeps its stored text."""
    for_counselors = {flag.id: flag.counselor for flag in content.flags if flag.kind == "crisis"}
    return [for_counselors.get(flag["id"]) or flag["text"]
            for flag in result.get("flags", []) if flag.get("kind") == "crisis"]


def render_screening(client: Client, screening: ClientScreening, notes_form: NotesForm,
                     choice_form: OverrideForm, *, status: int = 200) -> tuple[str, int]:
    content = current_content()
    return render_template(
        "counselor/screening.html", client=client, screening=screening,
        result=screening.result, guidance=crisis_guidance(content, screening.result),
        notes_form=notes_form, choice_form=choice_form,
        problems=form_problems(notes_form) + form_problems(choice_form),
        path_titles=path_titles(content), resources=journey.crisis_resources(content),
        locales=content.crisis_locales, can_delete=clients.can_delete(me(), client),
        plan_form=ConfirmForm()), status
