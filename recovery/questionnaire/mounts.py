"""What differs between the places the questionnaire flow (recovery/questionnaire/flow.py) is
mounted: a `ScreeningMount`. `SelfScreening` is the person screening themselves, answers in
their own session; the counselor's is `recovery.counselor.screenings.mount.ClientScreeningMount`.

Templates of the flow get the mount as `mount` (its `layout` to extend, its wording) and `client`
(the client being screened, or None).
"""

from typing import Any, Protocol

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from recovery.db import get_session
from recovery.questionnaire import journey, store
from recovery.screening.answers import AnswerError, Answers
from recovery.screening.result import ScreeningResult
from recovery.seeds import current_content


class ScreeningMount(Protocol):
    is_public: bool  # public submissions are rate-limited per address
    audience: str  # whose words the steps use: "self", or "counselor" (read aloud to a client)
    layout: str  # the template the flow's pages extend
    start_status: int  # the redirect after "start"
    finish_label: str  # the last step's button
    forget_label: str  # the button that drops the answers in progress
    continue_label: str  # the crisis page's way back to the questions
    support_note: str  # the crisis page, under the crisis lines
    result_top: str  # result.html's opening: crisis help, heading, notice (a template)
    result_actions: str  # result.html's end: what comes next (a template)

    def open(self, **values: Any) -> ResponseReturnValue | None:
        """Before every view: a response to refuse the request, or None to go on."""

    def template_context(self) -> dict[str, Any]: ...

    def begin(self) -> None:
        """Start afresh: forget earlier answers kept here."""

    def answers(self) -> Answers | None:
        """The answers so far, or None if no screening is under way here."""

    def keep(self, answers: Answers) -> None: ...

    def not_under_way(self) -> ResponseReturnValue: ...

    def render(self, template: str, **context: Any) -> str: ...

    def result_page(self, result: ScreeningResult) -> ResponseReturnValue: ...

    def save(self, answers: Answers) -> ResponseReturnValue: ...

    def forget(self) -> Response: ...


class SelfScreening:
    """The anonymous self-screening: answers live in the person's encrypted session cookie and
    reach the database only when they press "Save" (a saved result under a private link)."""

    is_public = True
    audience = "self"
    layout = "base.html"
    start_status = 302
    finish_label = "See my result"
    forget_label = "Clear my answers and stop"
    continue_label = "Continue the questions"
    support_note = ("When you're ready, you can carry on with the questions. Your answers are "
                    "kept in this browser.")
    result_top = "questionnaire/_result_top.html"
    result_actions = "questionnaire/_result_actions.html"

    def open(self, **values: Any) -> None:
        return None

    def template_context(self) -> dict[str, Any]:
        return {"mount": self, "client": None}

    def begin(self) -> None:
        journey.forget()

    def answers(self) -> Answers:
        return journey.answers()

    def keep(self, answers: Answers) -> None:
        journey.keep(answers)

    def not_under_way(self) -> ResponseReturnValue:
        raise AssertionError("a self-screening is always under way")  # answers() is never None

    def render(self, template: str, **context: Any) -> str:
        return render_template(template, **context)

    def result_page(self, result: ScreeningResult, saved: Any = None, token: str | None = None,
                    plan_url: str | None = None) -> str:
        """The result page: of the answers in this browser, or (`saved`) a saved result, with
        the plan made from it if there is one (`plan_url`)."""
        content = current_content()
        return render_template("questionnaire/result.html", result=result, saved=saved,
                               token=token, plan_url=plan_url, guidance=[], problems=[],
                               form=None,
                               **journey.result_page_context(content), **self.template_context())

    def save(self, answers: Answers) -> Response:
        content = current_content()
        try:
            # Scoring checks the whole answer set (as is_complete would) without a second pass.
            result = journey.screen_answers(content, answers)
        except AnswerError:  # not finished, or no longer valid
            abort(409)
        db = get_session()
        token = store.save_assessment(
            db, answers=answers, result=result, content_version=content.version,
            expires_at=store.expiry_from_now(current_app.config["RESULT_RETENTION_DAYS"]))
        db.commit()
        flash("Your result is saved. Keep this page's link somewhere private: "
              "anyone who has it can see the result.", "success")
        return redirect(url_for("questionnaire.saved", token=token))

    def forget(self) -> Response:
        journey.forget()
        flash("Your answers have been cleared from this browser.", "success")
        return redirect(url_for("questionnaire.index"))
