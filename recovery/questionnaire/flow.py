"""The questionnaire flow: start, each step, the crisis stop, the result and its save.

One blueprint, registered twice (recovery/__init__.py): at /screening for the person screening
themselves, and nested in the counselor workspace (recovery/counselor/workspace.py) as
`counselor.client_screening` at /counselor/clients/<id>/screenings/new for a counselor
recording a client's answers. The views are the same; what differs is the `ScreeningMount`
passed to `register_blueprint(..., mount=...)` (recovery/questionnaire/mounts.py): where the
answers are kept, who may come in, what the result page offers and what saving does, the
wording (whose words the steps use: `audience`) and the layout. `current_mount()` finds this
request's mount by the full name it was registered under (`request.blueprint`).

Links inside the flow are relative (`url_for(".step", ...)`), so they stay in the mount; the
mount's own URL values (a client's id) are taken off before the views and put back when links
are built.
"""

from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from recovery.content.model import Step
from recovery.questionnaire import journey
from recovery.questionnaire.forms import answers_from, build_step_form
from recovery.questionnaire.mounts import ScreeningMount
from recovery.screening.answers import Answers
from recovery.security import limiter
from recovery.seeds import current_content

bp = Blueprint("flow", __name__)
MOUNTS_KEY = "recovery.screening_mounts"  # app.extensions: {registered name: ScreeningMount}


@bp.record
def remember_mount(state: BlueprintSetupState) -> None:
    # By the full dotted name (`request.blueprint`): "counselor.client_screening" when nested.
    name = f"{state.name_prefix}.{state.name}".lstrip(".")
    state.app.extensions.setdefault(MOUNTS_KEY, {})[name] = state.options["mount"]


def current_mount() -> ScreeningMount:
    mount: ScreeningMount = current_app.extensions[MOUNTS_KEY][request.blueprint]
    return mount


@bp.url_value_preprocessor
def take_mount_values(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Keep the mount's URL values (e.g. `client_id`) on `g`, out of the views' arguments."""
    names = [key for key in values or {} if key != "step_id"]
    g.mount_values = {key: values.pop(key) for key in names} if values else {}


@bp.url_defaults
def add_mount_values(endpoint: str, values: dict[str, Any]) -> None:
    for key, value in getattr(g, "mount_values", {}).items():
        if current_app.url_map.is_endpoint_expecting(endpoint, key):
            values.setdefault(key, value)


@bp.before_request
def open_mount() -> ResponseReturnValue | None:
    """The mount's check: may this counselor open the client (the workspace's guard, which runs
    first, has checked that they are signed in); nothing for the public."""
    return current_mount().open(**g.mount_values)


@bp.context_processor
def mount_context() -> dict[str, Any]:
    return current_mount().template_context()


def save_limit_exempt() -> bool:
    return not current_mount().is_public


def _public_submission_limit() -> str:
    return str(current_app.config["PUBLIC_SUBMISSION_RATE_LIMIT"])


# The same per-address budget as every other public submission (its scope is shared); a
# counselor's save, signed in and audited, is not a public submission.
public_save_limit = limiter.shared_limit(
    _public_submission_limit, scope="public-submission", methods=["POST"],
    exempt_when=save_limit_exempt)


@bp.post("/start")
def start() -> Response:
    """Start afresh: earlier answers kept by this mount are forgotten."""
    current_mount().begin()
    first = current_content().questionnaire.steps[0]
    return redirect(url_for(".step", step_id=first.id), code=current_mount().start_status)


@bp.route("/<step:step_id>", methods=["GET", "POST"])
def step(step_id: str) -> ResponseReturnValue:
    content, answers = current_content(), current_mount().answers()
    step = content.questionnaire.step(step_id)
    if step is None:  # only if the content changed under a running app
        abort(404)
    if answers is None:
        return current_mount().not_under_way()
    progress = journey.position(content, step, answers)
    if progress is None:  # doesn't apply, or an earlier step isn't done
        return redirect(next_url(answers))
    if request.method == "POST":
        return post_step(step, answers, progress)
    subject = form_subject(answers)
    form = build_step_form(step, answers, subject, audience=current_mount().audience)
    return current_mount().render("questionnaire/step.html", step=step, progress=progress,
                                  form=form, subject=subject)


def post_step(step: Step, answers: Answers, progress: tuple[int, int]) -> ResponseReturnValue:
    content = current_content()
    form = build_step_form(step, answers, form_subject(answers), formdata=request.form,
                           audience=current_mount().audience)
    if request.form.get("nav") == "back":
        form.validate()
        kept = keep(journey.merge(content, step, answers, answers_from(form, only_valid=True)))
        return redirect(url_for(".step", step_id=journey.previous_step(content, step, kept).id))
    if form.validate():
        kept = keep(journey.merge(content, step, answers, answers_from(form)))
        if journey.needs_crisis_stop(content, step, kept):
            return redirect(url_for(".support"))
        return redirect(next_url(kept))
    return current_mount().render("questionnaire/step.html", step=step, form=form,
                                  progress=progress, subject=form_subject(answers)), 422


@bp.get("/support")
def support() -> ResponseReturnValue:
    """Shown as soon as an answer suggests suicide risk, before anything else."""
    content, answers = current_content(), current_mount().answers()
    if answers is None:
        return current_mount().not_under_way()
    crisis = journey.crisis_flags(content, answers)
    if not crisis:
        abort(404)
    return current_mount().render("questionnaire/support.html", crisis=crisis,
                                  resources=journey.crisis_resources(content),
                                  locales=content.crisis_locales, next_url=next_url(answers))


@bp.get("/result")
def result() -> ResponseReturnValue:
    """The result; the mount decides what the page offers (save, notes, a plan)."""
    content, answers = current_content(), current_mount().answers()
    if answers is None:
        return current_mount().not_under_way()
    if not journey.is_complete(content, answers):
        return redirect(next_url(answers))
    return current_mount().result_page(journey.screen_answers(content, answers))


@bp.post("/save")
@public_save_limit
def save() -> ResponseReturnValue:
    """Store the result the mount's way (a saved result, or the client's screening)."""
    answers = current_mount().answers()
    if answers is None:
        return current_mount().not_under_way()
    return current_mount().save(answers)


@bp.route("/forget", methods=["GET", "POST"])
def forget() -> ResponseReturnValue:
    """Drop the answers in progress; a page of its own asks first (a tap by mistake loses
    nothing)."""
    if request.method == "POST":
        return current_mount().forget()
    answers = current_mount().answers()
    if answers is None:
        return current_mount().not_under_way()
    return current_mount().render("questionnaire/forget.html", next_url=next_url(answers))


# --- Helpers -------------------------------------------------------------------------------


def keep(answers: Answers) -> Answers:
    current_mount().keep(answers)
    return answers


def form_subject(answers: Answers) -> str:
    return journey.subject(current_content(), answers)


def next_url(answers: Answers) -> str:
    """The first step that applies and isn't done yet, else the result (in this mount)."""
    step = journey.next_step(current_content(), answers)
    return url_for(".result") if step is None else url_for(".step", step_id=step.id)
