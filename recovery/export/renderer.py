"""Rendering plan PDFs with WeasyPrint: the app's Jinja templates turned into pages, behind the
deny-by-default fetcher (fetcher.py). What each layout holds is decided in layouts.py; the
`Content` is passed in by the caller. The share-safe printouts are fitted here (`fit`): by type
size first, then by leaving whole items out, measured from the laid-out boxes (measure.py).

Every PDF is tagged PDF/UA-1 (`PDF_VARIANT`): a structure tree of headings, lists and tables
in the order of the HTML, so screen readers and text extraction read the sections in order
(the wallet card's front, then inside, then back), with the document's language and its <title> as
the title a viewer shows. Tagging costs about a tenth of a render (benchmarks/pdf_bench.py).

Speed: parsing print.css and looking fonts up again for every render added about an eighth to
each render of a short plan (benchmarks/pdf_bench.py), so the parsed stylesheets (per process,
rebuilt when print.css changes) and the font configuration (per thread) are kept and reused.
"""

import atexit
import copy
import dataclasses
import gc
import logging
import threading
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from recovery import logs
from recovery.content.model import Content, CrisisLocale
from recovery.export import layouts
from recovery.export.fetcher import BASE_URL, ResourceRefused, StaticFileFetcher
from recovery.export.layouts import LAYOUTS, PAPER_SIZES, Page
from recovery.export.measure import AreaFit, measure
from recovery.export.printout import AREA_CHARS, Area, Printout, capped, drop_last, keep_within
from recovery.planning.draft import PlanDraft

logger = logging.getLogger(__name__)
# WeasyPrint's messages quote the document (each character no font has, CSS it can't read):
# keep their wording, never the plan's text.
logs.quiet_weasyprint()

STYLESHEET = "css/print.css"
# Tagged, with MarkInfo, Lang (from <html lang>), Title (from <title>) and DisplayDocTitle.
PDF_VARIANT = "pdf/ua-1"
HANDOUTS_TITLE = "Meeting handouts"


class PdfRenderer:
    """The parts of a render that can be shared: the fetcher, parsed CSS and font setup."""

    def __init__(self, static_dir: Path) -> None:
        self.fetcher = StaticFileFetcher(static_dir)
        # No @font-face in print.css, so the stylesheets need no font configuration and can be
        # shared by every thread.
        print_css = CSS(url=BASE_URL + "static/" + STYLESHEET, url_fetcher=self.fetcher)
        self.stylesheets = {
            paper: [print_css, CSS(string=f"@page {{ size: {size} }}",
                                   url_fetcher=self.fetcher)]
            for paper, size in PAPER_SIZES.items()
        }
        self._local = threading.local()

    @property
    def font_config(self) -> FontConfiguration:
        """This thread's font configuration. Reusing one caches Pango's font lookups (about a
        tenth of a render); Pango font maps are not thread-safe, hence one per thread."""
        font_config: FontConfiguration | None = getattr(self._local, "font_config", None)
        if font_config is None:
            font_config = self._local.font_config = FontConfiguration()
        return font_config

    def render(self, html: str, paper: str) -> Document:
        try:
            return HTML(string=html, base_url=BASE_URL, url_fetcher=self.fetcher).render(
                stylesheets=self.stylesheets[paper], font_config=self.font_config)
        except FatalURLFetchingError as exc:
            raise ResourceRefused(str(exc)) from None

    def write_pdf(self, document: Document) -> bytes:
        try:
            pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
        except FatalURLFetchingError as exc:  # attachments are fetched only now
            raise ResourceRefused(str(exc)) from None
        return pdf


_renderers: dict[tuple[Path, int], PdfRenderer] = {}
_renderers_lock = threading.Lock()


def renderer_for(static_dir: Path) -> PdfRenderer:
    """The cached renderer for this static folder; rebuilt when print.css changes, so editing
    the stylesheet needs no restart."""
    static_dir = static_dir.resolve()
    key = (static_dir, (static_dir / STYLESHEET).stat().st_mtime_ns)
    with _renderers_lock:
        renderer = _renderers.get(key)
        if renderer is None:
            for old in [k for k in _renderers if k[0] == static_dir]:
                del _renderers[old]
            renderer = _renderers[key] = PdfRenderer(static_dir)
        return renderer


@atexit.register
def _drop_renderers() -> None:
    """Free the cached fonts while the interpreter is still whole. Left to its final garbage
    collection, WeasyPrint's Pango objects were freed after GObject's teardown had begun and
    the process crashed on exit (SIGSEGV in g_object_unref). A process that never made a PDF
    has nothing to free and skips the full collection. (A gunicorn worker that ends normally
    leaves with os._exit, gunicorn.conf.py, and has no teardown to crash in.)"""
    with _renderers_lock:
        if not _renderers:
            return
        _renderers.clear()
    gc.collect()


def current_renderer() -> PdfRenderer:
    assert current_app.static_folder is not None
    return renderer_for(Path(current_app.static_folder))



# --- Rendering ---------------------------------------------------------------------------


def render_template(name: str, **context: Any) -> str:
    """Render with the app's Jinja environment (same loader, cache and autoescaping) but
    without Flask's context processors: those serve the web pages, may read the request, and
    would put web-only values in reach of a print layout."""
    return current_app.jinja_env.get_template(name).render(**context)


def render_page(renderer: PdfRenderer, page: Page, paper: str) -> Document:
    return renderer.render(render_template(page.template, **page.values), paper)


def check_choices(*, layout: str, paper: str) -> None:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}")


def render_plan_pdf(draft: PlanDraft, content: Content, *, layout: str, paper: str,
                    crisis_locale: CrisisLocale, today: date,
                    left_out: Iterable[str] = ()) -> bytes:
    """The plan as a PDF in one of LAYOUTS on one of PAPER_SIZES, without the items of a
    share-safe printout whose keys are in `left_out`. Needs an app context."""
    check_choices(layout=layout, paper=paper)
    renderer = current_renderer()
    document = render_document(renderer, draft, content, layout=layout, paper=paper,
                               crisis_locale=crisis_locale, today=today, left_out=left_out)
    return renderer.write_pdf(document)


def render_handouts_pdf(plans: Sequence[tuple[PlanDraft, CrisisLocale, str, Iterable[str]]],
                        content: Content, *, paper: str, today: date) -> bytes:
    """Several plans' share-safe handouts as one PDF (each starts on a new page), to print for
    a group meeting in one go; each page carries its mark (say the client's code, so the
    counselor knows whose it is; "" for none) at the top, and leaves out the items its plan
    leaves out. Needs an app context."""
    if not plans:
        raise ValueError("no plans to print")
    check_choices(layout="handout", paper=paper)
    renderer = current_renderer()
    documents = [render_document(renderer, draft, content, layout="handout", paper=paper,
                                 crisis_locale=crisis, today=today, mark=mark,
                                 left_out=left_out)
                 for draft, crisis, mark, left_out in plans]
    return renderer.write_pdf(joined(documents))


def joined(documents: list[Document]) -> Document:
    """Every page of `documents`, in one, under a title of its own."""
    # WeasyPrint's way to join documents: a copy of the first holding every page (the
    # metadata is copied first: the first handout keeps its title).
    together = documents[0].copy([page for document in documents for page in document.pages])
    together.metadata = copy.copy(together.metadata)
    together.metadata.title = HANDOUTS_TITLE
    return together


def render_document(renderer: PdfRenderer, draft: PlanDraft, content: Content, *, layout: str,
                    paper: str, crisis_locale: CrisisLocale, today: date,
                    mark: str = "", left_out: Iterable[str] = ()) -> Document:
    if layout == "full":
        page = layouts.full_page(draft, content, paper=paper, crisis_locale=crisis_locale,
                                 today=today)
        return render_page(renderer, page, paper)
    share = layouts.share_safe(layout, draft, content, paper=paper,
                               crisis_locale=crisis_locale, today=today, mark=mark)
    return fit(renderer, share, paper, left_out).document


def fitted_printout(draft: PlanDraft, content: Content, *, layout: str, paper: str,
                    crisis_locale: CrisisLocale, today: date, left_out: Iterable[str] = ()
                    ) -> tuple[Printout, Printout]:
    """Every item of a share-safe printout, and what of it prints (after the person's choices
    and the fitting): what the preview page shows. Needs an app context."""
    check_choices(layout=layout, paper=paper)
    share = layouts.share_safe(layout, draft, content, paper=paper,
                               crisis_locale=crisis_locale, today=today)
    return share.printout, fit(current_renderer(), share, paper, left_out).printout


def full_plan_html(draft: PlanDraft, content: Content, *, paper: str,
                   crisis_locale: CrisisLocale, today: date) -> str:
    """The full plan's HTML: what benchmarks/pdf_bench.py hands WeasyPrint alone."""
    page = layouts.full_page(draft, content, paper=paper, crisis_locale=crisis_locale,
                             today=today)
    return render_template(page.template, **page.values)


# --- Fitting the share-safe printouts --------------------------------------------------------

MAX_DROPS = 6  # renders after the first fitted guess, each leaving out one more item


@dataclasses.dataclass(frozen=True)
class Fitted:
    document: Document
    printout: Printout


@dataclasses.dataclass(frozen=True)
class Measured:
    printout: Printout
    document: Document
    areas: dict[str, AreaFit]

    @property
    def fits(self) -> bool:
        return all(f.fits for f in self.areas.values())


def fit(renderer: PdfRenderer, share: layouts.ShareSafe, paper: str,
        left_out: Iterable[str]) -> Fitted:
    """The printout at the largest type size (share.sizes) at which every area holds all of
    its items; if none, at the smallest size with whole items left out, in rounds (every
    section keeps its first entries), each section saying how many more the full plan has.
    Never shortens an item. Renders: one per size tried, then usually two more (the guess
    from the measured heights, and the room it left filled)."""
    printout = share.printout.without(left_out)
    printout = printout.with_areas(capped(a, AREA_CHARS[area_kind(a.id)]) for a in printout.areas)
    for size in share.sizes:
        whole = measured(renderer, share, printout, size, paper)
        if whole.fits:
            return Fitted(whole.document, printout)
    return fit_smallest(renderer, share, paper, size, whole)


def fit_smallest(renderer: PdfRenderer, share: layouts.ShareSafe, paper: str, size: float,
                 whole: Measured) -> Fitted:
    """At the smallest size, `whole` being all the items there: the guess from the measured
    heights, refilled if it fits, else with items left out until it does."""
    guess = whole.printout.with_areas(
        a if whole.areas[a.id].fits else first_guess(a, whole.areas[a.id], size)
        for a in whole.printout.areas)
    tried = measured(renderer, share, guess, size, paper)
    if tried.fits:
        return refilled(renderer, share, paper, size, whole, tried)
    return dropped_until_fits(renderer, share, paper, size, tried)


def dropped_until_fits(renderer: PdfRenderer, share: layouts.ShareSafe, paper: str,
                       size: float, tried: Measured) -> Fitted:
    """Leave out the last item of every area that overflows, round after round (MAX_DROPS)."""
    for _ in range(MAX_DROPS):
        fewer = tried.printout.with_areas(a if tried.areas[a.id].fits else drop_last(a)
                                          for a in tried.printout.areas)
        tried = measured(renderer, share, fewer, size, paper)
        if tried.fits:
            return Fitted(tried.document, fewer)
    logger.warning("a %s did not fit even with items left out", share.printout.layout)
    return Fitted(tried.document, tried.printout)


def measured(renderer: PdfRenderer, share: layouts.ShareSafe, printout: Printout, size: float,
             paper: str) -> Measured:
    """`printout` rendered at `size`, with every area's measured fit."""
    return Measured(printout, *render_measured(renderer, share.page(printout, size), paper))


def render_measured(renderer: PdfRenderer, page: Page, paper: str
                    ) -> tuple[Document, dict[str, AreaFit]]:
    document = render_page(renderer, page, paper)
    return document, measure(document)


def refilled(renderer: PdfRenderer, share: layouts.ShareSafe, paper: str, size: float,
             whole: Measured, fitted: Measured) -> Fitted:
    """`fitted` with the room it left filled with smaller items that were passed over (their
    heights measured in `whole`), if they fit; otherwise `fitted` as it was."""
    areas = tuple(refill(w, f, whole.areas[f.id], fitted.areas[f.id], line_height(size))
                  for w, f in zip(whole.printout.areas, fitted.printout.areas, strict=True))
    fuller = fitted.printout.with_areas(areas)
    if fuller == fitted.printout:
        return Fitted(fitted.document, fitted.printout)
    more = measured(renderer, share, fuller, size, paper)
    chosen = more if more.fits else fitted
    return Fitted(chosen.document, chosen.printout)


def refill(whole: Area, fitted: Area, whole_fit: AreaFit, fitted_fit: AreaFit,
           line: float) -> Area:
    kept = {item.key for section in fitted.sections for item in section.items}
    if not whole_fit.sizes or kept == {i.key for s in whole.sections for i in s.items}:
        return fitted
    sizes = {key: 0.0 if key in kept else size for key, size in whole_fit.sizes.items()}
    # A line to spare: items that join a section bring its spacing with them.
    return keep_within(whole, sizes, fitted_fit.room - fitted_fit.used - line)


def line_height(size: float) -> float:
    """One line of type of `size` pt, in CSS px (what the measured heights are in)."""
    return size * 96 / 72 * 1.4


def area_kind(area_id: str) -> str:
    return "sheet" if area_id == "sheet" else "card"


def first_guess(area: Area, fit_: AreaFit, size: float) -> Area:
    """What the measured heights say fits, leaving a line for each section's "more" note."""
    line = line_height(size)
    fixed = fit_.used - sum(fit_.sizes.values())
    room = fit_.room - fixed - line * sum(bool(s.items) for s in area.sections)
    return keep_within(area, fit_.sizes, room)
