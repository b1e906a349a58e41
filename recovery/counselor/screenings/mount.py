"""The questionnaire flow (recovery/questionnaire/flow.py) mounted under a client: what differs
from the self-screening (recovery/questionnaire/mounts.py). The workspace's guard has already
checked that a counselor is signed in; `open` checks that they may open the client (else 404).
The answers live in the counselor's session for this one client; saving stores the client's
screening with the counselor's notes, audited in the same commit.
"""

from typing import Any

from flask import flash, g, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from recovery.counselor import audit, clients, clock
from recovery.counselor.auth import me
from recovery.counselor.forms import form_problems
from recovery.counselor.screenings import operations
from recovery.counselor.screenings.forms import NotesForm
from recovery.counselor.screenings.queries import IN_PROGRESS_KEY, crisis_guidance, is_under_way
from recovery.db import get_session
from recovery.models import Client
from recovery.questionnaire import journey
from recovery.screening.answers import Answers
from recovery.screening.result import ScreeningResult
from recovery.seeds import current_content


class ClientScreeningMount:
    """A counselor recording a client's answers (`counselor.client_screening.*`)."""

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
        g.screening_client = clients.client_or_404(get_session(), me(), client_id)
        return None

    def template_context(self) -> dict[str, Any]:
        # No client yet on an error page raised before `open` found one (a 404, say).
        return {"mount": self, "client": g.get("screening_client")}

    @staticmethod
    def client() -> Client:
        found: Client = g.screening_client
        return found

    def begin(self) -> None:
        self.keep({})

    def answers(self) -> Answers | None:
        """The answers recorded so far for this client in this browser, or None if no
        screening of this client is under way here."""
        stored = session.get(IN_PROGRESS_KEY)
        if stored is not None and is_under_way(stored, client_id=self.client().id):
            return dict(stored["answers"])
        return None

    def keep(self, answers: Answers) -> None:
        session[IN_PROGRESS_KEY] = {"client_id": self.client().id, "answers": answers}

    def not_under_way(self) -> Response:
        flash("No screening of this client is under way in this browser. Please start one "
              "here.", "info")
        return redirect(url_for("counselor.caseload.client_page", client_id=self.client().id))

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
        row = operations.add_screening(db, client=client, counselor=me(), answers=answers,
                                       result=result, content_version=content.version,
                                       notes=form.notes.data or "", now=clock.now())
        audit.record(db, user=me(), action="create", object_type="screening",
                     object_id=row.id or "", detail=f"client {client.id}")
        db.commit()
        session.pop(IN_PROGRESS_KEY, None)
        flash("The screening is saved.", "success")
        return redirect(url_for("counselor.screenings.show", client_id=client.id,
                                screening_id=row.id), code=303)

    def forget(self) -> Response:
        session.pop(IN_PROGRESS_KEY, None)
        flash("The answers in progress were discarded. Nothing was saved.", "info")
        return redirect(url_for("counselor.caseload.client_page", client_id=self.client().id),
                        code=303)
