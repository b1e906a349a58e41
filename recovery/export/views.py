"""The PDF download of a plan, <plan>/pdf/<full|handout|wallet>?paper=a4|letter, and the
preview of a share-safe printout before it downloads, <plan>/print/<handout|wallet>.

The routes are on the plan pages (recovery.plans.pages), so they are served wherever those
are mounted: under a private link and under a client in the counselor workspace. This module
checks the choices, picks the paper, shows the preview, remembers what the person leaves out
and makes the download.
"""

from flask import Response, abort, redirect, render_template, request, url_for
from sqlmodel import Session
from werkzeug.wrappers import Response as WerkzeugResponse

from recovery import localtime
from recovery.content.model import Content
from recovery.export.layouts import LAYOUTS, PAPER_SIZES, share_safe
from recovery.export.printout import Printout
from recovery.export.renderer import fitted_printout, render_plan_pdf
from recovery.models import RelapsePlan
from recovery.planning.draft import PlanDraft
from recovery.plans import store

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


def plan_pdf_response(plan: RelapsePlan, draft: PlanDraft, content: Content, *, layout: str,
                      paper: str | None) -> Response:
    crisis = content.crisis_locale(draft.crisis_locale)
    today = localtime.today()
    pdf = render_plan_pdf(draft, content, layout=layout, paper=paper or paper_for(crisis.id),
                          crisis_locale=crisis, today=today,
                          left_out=store.left_out(plan, layout))
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


# --- The preview of a share-safe printout ---------------------------------------------------


def preview_choices(layout: str) -> str | None:
    """Like chosen_paper, for the printouts that have a preview (404 for the full plan)."""
    if layout not in store.PRINT_LAYOUTS:
        abort(404)
    return chosen_paper(layout)


def preview_page(plan: RelapsePlan, draft: PlanDraft, content: Content, *, layout: str,
                 paper: str | None) -> str:
    """Every item the printout could hold, ticked unless left out, each as it will print
    (masked words marked), and which of the ticked ones don't fit."""
    paper = paper or paper_for(content.crisis_locale(draft.crisis_locale).id)
    everything, printed = printouts(plan, draft, content, layout=layout, paper=paper)
    printed_keys = {item.key for _section, item in printed.items()}
    left_out = set(store.left_out(plan, layout))
    return render_template("plans/print_preview.html", layout=layout, paper=paper,
                           everything=everything, printed_keys=printed_keys, left_out=left_out,
                           more=sum(item.key not in left_out | printed_keys
                                    for _section, item in everything.items()))


def printouts(plan: RelapsePlan, draft: PlanDraft, content: Content, *, layout: str,
              paper: str) -> tuple[Printout, Printout]:
    return fitted_printout(draft, content, layout=layout, paper=paper,
                           crisis_locale=content.crisis_locale(draft.crisis_locale),
                           today=localtime.today(), left_out=store.left_out(plan, layout))


def save_choices(session: Session, plan: RelapsePlan, draft: PlanDraft, content: Content, *,
                 layout: str, paper: str | None) -> WerkzeugResponse:
    """Remember the unticked items (only keys the printout has), then download the PDF or
    show the preview again (post/redirect/get)."""
    everything = share_safe(layout, draft, content, paper=paper or "a4",
                            crisis_locale=content.crisis_locale(draft.crisis_locale),
                            today=localtime.today()).printout  # its items only: nothing rendered
    kept = set(request.form.getlist("keep"))
    store.set_left_out(session, plan=plan, layout=layout, keys=[
        item.key for _section, item in everything.items() if item.key not in kept])
    session.commit()
    target = ".plan_pdf" if request.form.get("action") == "download" else ".print_preview"
    return redirect(url_for(target, layout=layout, paper=paper), code=303)
