"""Screenings with a client, their history, and making a plan from a screening.

The counselor reads the same questionnaire aloud and records the client's answers: that is the
questionnaire flow itself (recovery/questionnaire/flow.py), mounted under the client at
/counselor/clients/<id>/screenings/new with `ClientScreeningMount` below. Answers in progress
live in the counselor's encrypted session cookie, for one client at a time, and reach the
database only when the counselor saves.

Every view starts from `clients.client_or_404` (own or shared, or 404), and every read, change
and deletion of stored client data is audited in the same commit.
"""

from datetime import date
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from recovery.content.model import Content
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
from recovery.screening.answers import AnswerError, Answers
from recovery.screening.history import history_chart
from recovery.screening.result import ScreeningResult
from recovery.seeds import current_content

bp = Blueprint("screenings", __name__, url_prefix="/counselor/clients/<int:client_id>")
GUARD = auth.guard_blueprint(frozenset())  # signed in, on every view (and the flow's mount)
bp.before_request(GUARD)
bp.context_processor(lambda: {"counselor_user": current_user})

RECENT = 5


# --- Recording a screening: the questionnaire flow's counselor mount ---------------------


class ClientScreeningMount:
    """The questionnaire flow (recovery/questionnaire/flow.py) mounted under a client: only a
    signed-in counselor who may open the client gets in; the answers live in the counselor's
    session for this one client; saving stores the client's screening with the counselor's
    notes, audited in the same commit."""

    is_public = False
    layout = "counselor/_layout.html"
    start_status = 303
    finish_label = "Review the result"
    forget_label = "Stop and discard these answers"
    continue_label = "Continue the screening"
    support_note = ("The answers so far are kept in this browser. When the client is safe, "
                    "you can go on.")
    result_top = "counselor/screening_review.html"
    result_actions = "counselor/screening_save.html"

    def open(self, *, client_id: int) -> ResponseReturnValue | None:
        refused = GUARD()
        if refused is None:
            g.screening_client = visible_client(client_id)
        return refused

    def template_context(self) -> dict[str, Any]:
        # No client yet on an error page raised by the guard itself (a 404, say).
        return {"mount": self, "client": g.get("screening_client"),
                "counselor_user": current_user}

    @staticmethod
    def client() -> Client:
        found: Client = g.screening_client
        return found

    def begin(self) -> None:
        self.keep({})

    def answers(self) -> Answers | None:
        """The answers recorded so far for this client in this browser, or None if no
        screening of this client is under way here."""
        stored = session.get(screenings.IN_PROGRESS_KEY)
        if stored is not None and screenings.is_under_way(stored, client_id=self.client().id):
            return dict(stored["answers"])
        return None

    def keep(self, answers: Answers) -> None:
        session[screenings.IN_PROGRESS_KEY] = {"client_id": self.client().id, "answers": answers}

    def not_under_way(self) -> Response:
        flash("No screening of this client is under way in this browser. Please start one "
              "here.", "info")
        return redirect(url_for("counselor.client_page", client_id=self.client().id))

    def render(self, template: str, **context: Any) -> str:
        return render_template(template, **context)

    def result_page(self, result: ScreeningResult, form: NotesForm | None = None
                    ) -> tuple[str, int]:
        """The result to go through with the client, then notes and Save."""
        content, form = current_content(), form or NotesForm()
        return render_template(
            "questionnaire/result.html", result=result, form=form,
            guidance=crisis_guidance(content, result), problems=form_problems(form),
            resources=journey.crisis_resources(content), locales=content.crisis_locales,
            first_step=content.questionnaire.steps[0].id), 422 if form.errors else 200

    def save(self, answers: Answers) -> ResponseReturnValue:
        content, client = current_content(), self.client()
        if not journey.is_complete(content, answers):
            return redirect(url_for(".result"))
        result, form = journey.screen_answers(content, answers), NotesForm()
        if not form.validate_on_submit():
            return self.result_page(result, form)
        db = get_session()
        row = screenings.add_screening(db, client=client, counselor=me(), answers=answers,
                                       result=result, content_version=content.version,
                                       notes=form.notes.data or "", now=clock.now())
        audit.record(db, user=me(), action="create", object_type="screening",
                     object_id=row.id or "", detail=f"client {client.id}")
        db.commit()
        session.pop(screenings.IN_PROGRESS_KEY, None)
        flash("The screening is saved.", "success")
        return redirect(url_for("screenings.show", client_id=client.id, screening_id=row.id),
                        code=303)

    def forget(self) -> Response:
        session.pop(screenings.IN_PROGRESS_KEY, None)
        flash("The answers in progress were discarded. Nothing was saved.", "info")
        return redirect(url_for("counselor.client_page", client_id=self.client().id), code=303)


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


def path_choices(content: Content) -> list[tuple[str, str]]:
    return [(path.id, path.title) for path in content.paths]


def path_titles(content: Content) -> dict[str, str]:
    return dict(path_choices(content))


def override_form(screening: ClientScreening) -> OverrideForm:
    return OverrideForm(paths=path_choices(current_content()), formdata=None,
                        data={"path": screening.override_path or "",
                              "reason": screening.override_reason})


def crisis_guidance(content: Content, result: ScreeningResult) -> list[str]:
    """What the counselor is told for each crisis flag a screening raised: the flag's words for
    counselors (`counselor:` in seeds/flags.yaml), not the sentence written for the client. A
    result saved before flags carried that text takes today's content's; a flag the content no
    longer has keeps its stored text."""
    for_counselors = {flag.id: flag.counselor for flag in content.flags if flag.kind == "crisis"}
    return [flag.counselor or for_counselors.get(flag.id) or flag.text
            for flag in result.crisis_flags]


def render_screening(client: Client, screening: ClientScreening, notes_form: NotesForm,
                     choice_form: OverrideForm, *, status: int = 200) -> tuple[str, int]:
    content = current_content()
    result = screenings.result_of(screening)
    return render_template(
        "counselor/screening.html", client=client, screening=screening,
        result=result, guidance=crisis_guidance(content, result),
        notes_form=notes_form, choice_form=choice_form,
        problems=form_problems(notes_form) + form_problems(choice_form),
        path_titles=path_titles(content), resources=journey.crisis_resources(content),
        locales=content.crisis_locales, can_delete=clients.can_delete(me(), client),
        plan_form=ConfirmForm()), status
