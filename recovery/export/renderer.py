"""Rendering plan PDFs with WeasyPrint: the app's Jinja templates turned into pages, behind the
deny-by-default fetcher (fetcher.py). What each layout holds is decided in layouts.py; the
`Content` is passed in by the caller.

Every PDF is tagged PDF/UA-1 (`PDF_VARIANT`): a structure tree of headings, lists and tables
in the order of the HTML, so screen readers and text extraction read the sections in order
(the wallet card's front before its back), with the document's language and its <title> as
the title a viewer shows. Tagging costs about a tenth of a render (benchmarks/pdf_bench.py).

Speed: parsing print.css and looking fonts up again for every render added about an eighth to
each render of a short plan (benchmarks/pdf_bench.py), so the parsed stylesheets (per process,
rebuilt when print.css changes) and the font configuration (per thread) are kept and reused.
"""

import atexit
import copy
import gc
import logging
import threading
from collections.abc import Callable, Sequence
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
from recovery.export.layouts import HANDOUT_LIMITS, LAYOUTS, PAPER_SIZES, Limits, Page
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
    has nothing to free and skips the full collection (gunicorn workers exit every
    max_requests)."""
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
                    crisis_locale: CrisisLocale, today: date) -> bytes:
    """The plan as a PDF in one of LAYOUTS on one of PAPER_SIZES. Needs an app context."""
    check_choices(layout=layout, paper=paper)
    renderer = current_renderer()
    document = render_document(renderer, draft, content, layout=layout, paper=paper,
                               crisis_locale=crisis_locale, today=today)
    return renderer.write_pdf(document)


def render_handouts_pdf(plans: Sequence[tuple[PlanDraft, CrisisLocale, str]],
                        content: Content, *, paper: str, today: date) -> bytes:
    """Several plans' share-safe handouts as one PDF (each starts on a new page), to print for
    a group meeting in one go; each page carries its mark (say the client's code, so the
    counselor knows whose it is; "" for none) at the top. Needs an app context."""
    if not plans:
        raise ValueError("no plans to print")
    check_choices(layout="handout", paper=paper)
    renderer = current_renderer()
    documents = [render_document(renderer, draft, content, layout="handout", paper=paper,
                                 crisis_locale=crisis, today=today, mark=mark)
                 for draft, crisis, mark in plans]
    # WeasyPrint's way to join documents: a copy of the first holding every page, under a
    # title of its own (the metadata is copied first: the first handout keeps its title).
    joined = documents[0].copy([page for document in documents for page in document.pages])
    joined.metadata = copy.copy(joined.metadata)
    joined.metadata.title = HANDOUTS_TITLE
    return renderer.write_pdf(joined)


def render_document(renderer: PdfRenderer, draft: PlanDraft, content: Content, *, layout: str,
                    paper: str, crisis_locale: CrisisLocale, today: date,
                    mark: str = "") -> Document:
    if layout == "handout":
        handout = layouts.handout(draft, content, paper=paper, crisis_locale=crisis_locale,
                                  today=today, mark=mark)
        return first_that_fits(lambda limits: render_page(renderer, handout.page(limits), paper),
                               HANDOUT_LIMITS)
    make_page = layouts.full_page if layout == "full" else layouts.wallet_page
    page = make_page(draft, content, paper=paper, crisis_locale=crisis_locale, today=today)
    return render_page(renderer, page, paper)


def full_plan_html(draft: PlanDraft, content: Content, *, paper: str,
                   crisis_locale: CrisisLocale, today: date) -> str:
    """The full plan's HTML: what benchmarks/pdf_bench.py hands WeasyPrint alone."""
    page = layouts.full_page(draft, content, paper=paper, crisis_locale=crisis_locale,
                             today=today)
    return render_template(page.template, **page.values)


def first_that_fits(render: Callable[[Limits], Document], choices: Sequence[Limits]
                    ) -> Document:
    """The render with the most generous limits that fits on one page.

    Most plans fit at the first try. Otherwise a binary search (fitting only gets easier down
    the list) keeps it to three or four more renders instead of up to seven.
    """
    first = render(choices[0])
    if len(first.pages) == 1:
        return first
    fitting: Document | None = None
    low, high = 1, len(choices) - 1
    while low <= high:
        middle = (low + high) // 2
        document = render(choices[middle])
        if len(document.pages) == 1:
            fitting, high = document, middle - 1
        else:
            low = middle + 1
    if fitting is None:
        logger.warning("the handout did not fit on one page even at the shortest limits")
        return document
    return fitting
