"""The safety plan's PDF: one page, A4 or Letter, at the largest type size that keeps it on
one page (the limits of recovery.planning.safety make the smallest always enough; the tests
fill every field to its limit). Rendered like the plan PDFs: the deny-by-default fetcher,
tagged PDF/UA-1 (renderer.py)."""

from datetime import date

from recovery.content.model import Content, CrisisLocale
from recovery.export.layouts import PAPER_SIZES, long_date
from recovery.export.renderer import current_renderer, render_template
from recovery.planning.safety import SafetyPlanDraft

SIZES = (11.0, 10.0, 9.0, 8.0, 7.5)  # pt, largest first


def render_safety_plan_pdf(draft: SafetyPlanDraft, content: Content, *, paper: str,
                           crisis_locale: CrisisLocale, today: date) -> bytes:
    """Needs an app context."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}")
    renderer = current_renderer()
    for size in SIZES:
        html = render_template("pdf/safety_plan.html", **page_values(
            draft, content, paper=paper, crisis_locale=crisis_locale, today=today, size=size))
        document = renderer.render(html, paper)
        if len(document.pages) == 1:
            break
    return renderer.write_pdf(document)


def page_values(draft: SafetyPlanDraft, content: Content, *, paper: str,
                crisis_locale: CrisisLocale, today: date, size: float) -> dict[str, object]:
    emergency = next((c.value for r in crisis_locale.resources if r.kind == "emergency"
                      for c in r.contacts), "your local emergency number")
    return {"layout": "safety", "paper": paper, "printed": long_date(today),
            "content_version": content.version, "content": content.safety_plan,
            "draft": draft, "crisis": crisis_locale, "emergency": emergency,
            "font_size": size}
