"""Handouts for a group meeting: the share-safe handouts of several clients' plans, chosen by
the counselor, printed as one PDF (each on its own page), each page marked with the client's
code or initials, as the counselor chooses, or with nothing.

Only plans of clients the counselor may open are listed or accepted; an id that isn't one of
them is a 404, like every other client object. Each plan exported is audited, in one commit
before the PDF is sent.
"""

import re

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from recovery import localtime
from recovery.content.model import CrisisLocale
from recovery.counselor import audit
from recovery.counselor.auth import me
from recovery.counselor.handouts.queries import (
    LISTED,
    MARKS,
    page_mark,
    plans_to_choose,
    visible_plans,
)
from recovery.db import get_session
from recovery.export.layouts import PAPER_SIZES
from recovery.export.renderer import render_handouts_pdf
from recovery.export.views import paper_for, pdf_response
from recovery.planning.draft import PlanDraft
from recovery.plans import store as plan_store
from recovery.security import pdf_limit
from recovery.seeds import current_content

bp = Blueprint("handouts", __name__, url_prefix="/handouts")

# A meeting's worth. It also bounds the work one request can ask for: the handout of a plan
# at the size limit takes about 0.36 s of CPU (up to five renders to fit one page), so 12 of
# them about 4.5 s, well inside gunicorn's 30 s timeout even with every worker busy.
MAX_PLANS = 12


@bp.get("")
def choose() -> ResponseReturnValue:
    content = current_content()
    return render_template("counselor/handouts.html", rows=plans_to_choose(get_session(), me()),
                           default_paper=paper_for(content.default_locale),
                           max_plans=MAX_PLANS, listed=LISTED)


@bp.post("")
@pdf_limit  # up to MAX_PLANS PDFs in one request
def download() -> ResponseReturnValue:
    raw_ids = request.form.getlist("plan")
    paper = request.form.get("paper", "")
    mark = request.form.get("mark", "code")  # the form always sends one; code if not
    if paper not in PAPER_SIZES:
        abort(400, description="Please choose A4 or US Letter paper.")
    if mark not in MARKS:
        abort(400, description="Please choose what to print at the top of each page: the "
                               "client's code, their initials, or nothing.")
    drafts = exported_drafts(chosen_ids(raw_ids), mark)
    today = localtime.today()
    pdf = render_handouts_pdf(drafts, current_content(), paper=paper, today=today)
    return pdf_response(pdf, filename=f"meeting-handouts-{today.isoformat()}.pdf")


def chosen_ids(raw_ids: list[str]) -> list[int]:
    """The ticked plans' ids, each once, in order; a 422 for none, a 400 for too many or for
    what isn't an id."""
    if not raw_ids:
        abort(422, description="Please tick at least one plan to print.")
    if len(raw_ids) > MAX_PLANS or not all(re.fullmatch(r"[0-9]{1,9}", v) for v in raw_ids):
        abort(400, description=f"Please choose at most {MAX_PLANS} plans from the list.")
    return sorted({int(v) for v in raw_ids})


def exported_drafts(plan_ids: list[int], mark: str
                    ) -> list[tuple[PlanDraft, CrisisLocale, str, tuple[str, ...]]]:
    """Each plan's latest draft with its crisis lines, page mark and what its handout leaves
    out (chosen on its preview page), every export audited and committed before rendering, so
    it is logged even if the download is cut short."""
    db, content = get_session(), current_content()
    drafts = []
    for plan, client in visible_plans(db, me(), plan_ids):
        draft = plan_store.latest_draft(db, plan=plan)
        drafts.append((draft, content.crisis_locale(draft.crisis_locale),
                       page_mark(client, mark), plan_store.left_out(plan, "handout")))
        audit.record(db, user=me(), action="export", object_type="plan", object_id=plan.id or "",
                     detail=f"client {plan.client_id}; group handout", client_id=plan.client_id)
    db.commit()
    return drafts
