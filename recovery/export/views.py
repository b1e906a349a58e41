"""PDF downloads of a saved plan: GET /plans/<token>/pdf/<full|handout|wallet>?paper=a4|letter."""

from datetime import date

from flask import Blueprint, Response, abort, request

from recovery.db import get_session
from recovery.export.pdf import LAYOUTS, PAPER_SIZES, render_plan_pdf
from recovery.plans.store import get_plan, latest_draft
from recovery.seeds import current_content

bp = Blueprint("export", __name__)

# Without ?paper=, print on the paper people in that country have in their printers.
LETTER_LOCALES = frozenset({"US", "CA"})


@bp.get("/plans/<token>/pdf/<layout>")
def plan_pdf(token: str, layout: str) -> Response:
    if layout not in LAYOUTS:
        abort(404)
    paper = request.args.get("paper")
    if paper is not None and paper not in PAPER_SIZES:
        abort(400)
    session = get_session()
    plan = get_plan(session, token=token)
    if plan is None:
        abort(404)
    draft = latest_draft(session, plan=plan)
    content = current_content()
    crisis = content.crisis_locale(draft.crisis_locale)
    paper = paper or ("letter" if crisis.id in LETTER_LOCALES else "a4")
    today = date.today()
    pdf = render_plan_pdf(draft, layout=layout, paper=paper, crisis_locale=crisis,
                          content_version=content.version, today=today)
    return pdf_response(pdf, filename=f"recovery-plan-{layout}-{today.isoformat()}.pdf")


def pdf_response(pdf: bytes, *, filename: str) -> Response:
    """A download, never shown inline or cached. The file name carries no name or substance:
    download folders and browser histories are seen by other people."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
