"""PDF downloads of a plan: <plan>/pdf/<full|handout|wallet>?paper=a4|letter, served wherever the
plan pages are (under a private link, and under a client in the counselor workspace)."""

from datetime import date

from flask import Response, abort, request

from recovery.db import get_session
from recovery.export.layouts import LAYOUTS, PAPER_SIZES
from recovery.export.renderer import render_plan_pdf
from recovery.plans.store import latest_draft
from recovery.plans.views import find_plan, plan_page
from recovery.security import pdf_limit
from recovery.seeds import current_content

# Without ?paper=, print on the paper people in that country have in their printers.
LETTER_LOCALES = frozenset({"US", "CA"})


@plan_page("/pdf/<layout>")
@pdf_limit
def plan_pdf(layout: str) -> Response:
    if layout not in LAYOUTS:
        abort(404)
    paper = request.args.get("paper")
    if paper is not None and paper not in PAPER_SIZES:
        abort(400)
    plan = find_plan()
    draft = latest_draft(get_session(), plan=plan)
    content = current_content()
    crisis = content.crisis_locale(draft.crisis_locale)
    paper = paper or paper_for(crisis.id)
    today = date.today()
    pdf = render_plan_pdf(draft, content, layout=layout, paper=paper, crisis_locale=crisis,
                          today=today)
    return pdf_response(pdf, filename=f"recovery-plan-{layout}-{today.isoformat()}.pdf")


def paper_for(locale_id: str) -> str:
    return "letter" if locale_id in LETTER_LOCALES else "a4"


def pdf_response(pdf: bytes, *, filename: str) -> Response:
    """A download, never shown inline or cached. The file name carries no name or substance:
    download folders and browser histories are seen by other people."""
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
