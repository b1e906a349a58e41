"""Handouts for a group meeting: the share-safe handouts of several clients' plans, chosen by
the counselor, printed as one PDF (each on its own page).

Only plans of clients the counselor may open are listed or accepted; an id that isn't one of
them is a 404, like every other client object. Each plan exported is audited, in one commit
before the PDF is sent.
"""

import re
from datetime import date

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, select

from recovery.counselor import audit, auth, clients
from recovery.counselor.auth import current_user
from recovery.counselor.views import me
from recovery.db import get_session
from recovery.errors import render_error
from recovery.export.layouts import PAPER_SIZES
from recovery.export.renderer import render_handouts_pdf
from recovery.export.views import paper_for, pdf_response
from recovery.models import Client, RelapsePlan, User
from recovery.plans import store as plan_store
from recovery.security import pdf_limit
from recovery.seeds import current_content

bp = Blueprint("handouts", __name__, url_prefix="/counselor/handouts")
bp.before_request(auth.guard_blueprint(frozenset()))
bp.context_processor(lambda: {"counselor_user": current_user})

# A meeting's worth. It also bounds the work one request can ask for: the handout of a plan
# at the size limit takes about 0.36 s of CPU (up to four renders to fit one page), so 12 of
# them about 4.5 s, well inside gunicorn's 30 s timeout even with every worker busy.
MAX_PLANS = 12
LISTED = 200


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
    if paper not in PAPER_SIZES:
        return render_error(400, "Please choose A4 or US Letter paper.")
    if not raw_ids:
        return render_error(422, "Please tick at least one plan to print.")
    if len(raw_ids) > MAX_PLANS or not all(re.fullmatch(r"[0-9]{1,9}", v) for v in raw_ids):
        return render_error(400, f"Please choose at most {MAX_PLANS} plans from the list.")
    db = get_session()
    chosen = visible_plans(db, me(), sorted({int(v) for v in raw_ids}))
    content = current_content()
    drafts = []
    for plan in chosen:
        draft = plan_store.latest_draft(db, plan=plan)
        drafts.append((draft, content.crisis_locale(draft.crisis_locale)))
        audit.record(db, user=me(), action="export", object_type="plan", object_id=plan.id or "",
                     detail=f"client {plan.client_id}; group handout")
    db.commit()  # before rendering: the export is logged even if the download is cut short
    today = date.today()
    pdf = render_handouts_pdf(drafts, content, paper=paper, today=today)
    return pdf_response(pdf, filename=f"meeting-handouts-{today.isoformat()}.pdf")


def plans_to_choose(db: Session, user: User) -> list[tuple[RelapsePlan, str]]:
    """(plan, client code) for the plans of clients `user` may open, by code. One query."""
    rows = db.exec(
        select(RelapsePlan, Client.code).join(Client, col(RelapsePlan.client_id) == Client.id)
        .where(clients.visible_to(user))
        .order_by(col(Client.code), col(RelapsePlan.created_at).desc()).limit(LISTED)).all()
    return [(plan, code) for plan, code in rows]


def visible_plans(db: Session, user: User, plan_ids: list[int]) -> list[RelapsePlan]:
    """The plans with these ids, in this order; a 404 if any isn't a plan `user` may open."""
    found = {plan.id: plan for plan in db.exec(
        select(RelapsePlan).join(Client, col(RelapsePlan.client_id) == Client.id)
        .where(col(RelapsePlan.id).in_(plan_ids), clients.visible_to(user))).all()}
    if len(found) != len(plan_ids):
        abort(404)
    return [found[plan_id] for plan_id in plan_ids]

