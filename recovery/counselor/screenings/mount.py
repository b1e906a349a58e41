"""The questionnaire flow (recovery/questionnaire/flow.py) mounted under a client: what differs
from the self-screening (recovery/questionnaire/mounts.py). The workspace's guard has already
checked that a counselor is signed in; `open` checks that they may open the client (else 404).
The answers so far are kept on the server for this counselor and client (progress.py), each
change committed at once, so signing out loses nothing; saving stores the client's screening
with the counselor's notes and drops the answers in progress, audited in the same commit.
"""

from datetime import timedelta
from typing import Any

from flask import flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from recovery.counselor import audit, clients, clock
from recovery.counselor.auth import me
from recovery.counselor.forms import form_problems
from recovery.counselor.screenings import operations, progress
from recovery.counselor.screenings.forms import NotesForm
from recovery.counselor.screenings.queries import crisis_guidance
from recovery.db import get_session
from recovery.models import Client, ClientScreening, ScreeningInProgress
from recovery.questionnaire import journey
from recovery.screening.answers import Answers
from recovery.screening.result import ScreeningResult
from recovery.seeds import current_content
from recovery.templating import count_of


class ClientScreeningMount:
    """A counselor recording a client's answers (`counselor.client_screening.*`)."""

    is_public = False
    audience = "counselor"  # the steps' counselor words where the self-screening's are untrue
    layout = "counselor/_layout.html"
    start_status = 303
    finish_label = "Review the result"
    forget_label = "Stop and discard these answers"
    continue_label = "Continue the screening"
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

    @property
    def keep_note(self) -> str:
        """What happens to the answers so far: true on every page that says it."""
        hours = count_of(progress.keep_for() // timedelta(hours=1), "hour")
        return (f"Each answer is kept on the server as you go, for you alone, until you save or "
                f"discard the screening, or for {hours} after the last answer. If you are "
                "signed out, sign in again and go on from the client's page.")

    @property
    def support_note(self) -> str:
        return f"{self.keep_note} When the client is safe, you can go on."

    def begin(self) -> None:
        self._store({}, restart=True)

    def answers(self) -> Answers | None:
        """The answers this counselor has recorded so far for this client, or None if no
        screening of this client is in progress for them (or its time is up)."""
        content, row = current_content(), self._row()
        if row is None:
            return None
        if row.content_version != content.version:  # the questions changed since
            return journey.prune(content, dict(row.answers))
        return dict(row.answers)

    def keep(self, answers: Answers) -> None:
        self._store(answers)

    def _row(self) -> ScreeningInProgress | None:
        return progress.find(get_session(), counselor_id=me().id or 0,
                             client_id=self.client().id or 0, now=clock.now())

    def _store(self, answers: Answers, *, restart: bool = False) -> None:
        db = get_session()
        progress.keep(db, counselor_id=me().id or 0, client_id=self.client().id or 0,
                      answers=answers, content_version=current_content().version,
                      now=clock.now(), restart=restart)
        db.commit()

    def _discard(self) -> None:
        progress.discard(get_session(), counselor_id=me().id or 0,
                         client_id=self.client().id or 0)

    def not_under_way(self) -> Response:
        flash("No screening of this client is in progress for you. Please start one here.",
              "info")
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
        row = self._add(answers, result, notes=form.notes.data or "")
        self._discard()
        get_session().commit()
        flash("The screening is saved.", "success")
        return redirect(url_for("counselor.screenings.show", client_id=client.id,
                                screening_id=row.id), code=303)

    def _add(self, answers: Answers, result: ScreeningResult, *, notes: str) -> ClientScreening:
        """The client's screening, with the counselor's notes, audited."""
        db, client = get_session(), self.client()
        row = operations.add_screening(db, client=client, counselor=me(), answers=answers,
                                       result=result, content_version=current_content().version,
                                       notes=notes, now=clock.now())
        audit.record(db, user=me(), action="create", object_type="screening",
                     object_id=row.id or "", detail=f"client {client.id}", client_id=client.id)
        return row

    def forget(self) -> Response:
        self._discard()
        get_session().commit()
        flash("The answers in progress were discarded. Nothing was saved.", "info")
        return redirect(url_for("counselor.caseload.client_page", client_id=self.client().id),
                        code=303)
