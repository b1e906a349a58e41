"""The PDF download of a plan, <plan>/pdf/<full|handout|wallet>?paper=a4|letter.

The route is on the plan pages (recovery.plans.pages.plan_pdf), so it is served wherever they
are mounted: under a private link and under a client in the counselor workspace. This module
checks the choices, picks the paper and makes the download.
"""

from datetime import date

from flask import Response, abort, request

from recovery.content.model import Content
from recovery.export.layouts import LAYOUTS, PAPER_SIZES
from recovery.export.renderer import render_plan_pdf
from recovery.planning.draft import PlanDraft

# Without ?paper=, print on the paper people in that country have in their printers.
LETTER_LOCALES = frozenset({"US", "CA"})


def chosen_paper(layout: str) -> str | None:
    """The ?paper= asked for (None: the plan's country decides); 404 for an unknown layout and
    400 for an unknown paper, before the plan is even looked up."""
    if layout not in LAYOUTS:
        abort(404)
    paper = request.args.get("paper")
    if paper is not None and paper not in PAPER_SIZES:
        abort(400)
    return paper


def plan_pdf_response(draft: PlanDraft, content: Content, *, layout: str,
                      paper: str | None) -> Response:
    crisis = content.crisis_locale(draft.crisis_locale)
    today = date.today()
    pdf = render_plan_pdf(draft, content, layout=layout, paper=paper or paper_for(crisis.id),
                          crisis_locale=crisis, today=today)
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
