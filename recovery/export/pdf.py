"""Plan PDFs: three print layouts rendered with WeasyPrint behind a deny-by-default URL fetcher.

WeasyPrint's default fetcher reads file://, http(s):// and data: URLs, so a stray reference in a
template could embed a file from the server or make a request from it. Ours serves only files
inside the app's static folder, under a fixed fake origin, and stops the render on anything else.

Speed: parsing print.css and looking fonts up again for every render added about an eighth to
each render of a short plan (benchmarks/pdf_bench.py), so the parsed stylesheets (per process,
rebuilt when print.css changes) and the font configuration (per thread) are kept and reused.
"""

import atexit
import dataclasses
import gc
import logging
import mimetypes
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from recovery import logs
from recovery.content.model import Content, CrisisLocale
from recovery.export.budget import fit_full_plan, limit_emoji
from recovery.export.sharesafe import Masker, share_safe_draft, share_safe_locale
from recovery.planning.draft import GOAL_LABELS, RANKS, Contact, Line, PlanDraft, Trigger
from recovery.planning.vocabulary import (
    ACTION_LABELS,
    MEETING_LABELS,
    OWN_TRIGGER_LABEL,
    RANK_LABELS,
    SECTION_TITLES,
)
from recovery.seeds import current_content

logger = logging.getLogger(__name__)
# WeasyPrint's messages quote the document (each character no font has, CSS it can't read):
# keep their wording, never the plan's text.
logs.quiet_weasyprint()

# Relative URLs in the templates resolve against this origin. `.invalid` can never resolve
# (RFC 2606), so even a fetcher bug could not turn it into a network request.
BASE_URL = "https://recovery.invalid/"
STATIC_PREFIX = "/static/"
STYLESHEET = "css/print.css"
LAYOUTS = ("full", "handout", "wallet")
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


class RefusedURL(FatalURLFetchingError):
    """Raised inside WeasyPrint for any URL we do not serve.

    A FatalURLFetchingError stops the render; any other exception would only be logged and the
    resource skipped, leaving a template mistake unnoticed.
    """


class ResourceRefused(RuntimeError):
    """The render referenced a URL outside the static folder. FatalURLFetchingError is a
    BaseException, which would escape Flask's error handling, so it is re-raised as this."""


class StaticFileFetcher(URLFetcher):
    """Serves `BASE_URL/static/<path>` from the static folder and refuses everything else.

    It never calls URLFetcher.fetch, so urllib's file, http, ftp and data handlers are never
    reached; the parent is also told to allow no protocol at all, in case anything does.
    """

    def __init__(self, static_dir: Path) -> None:
        super().__init__(timeout=1, allowed_protocols=frozenset(), allow_redirects=False,
                         fail_on_errors=True)
        self.static_dir = static_dir.resolve()

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        path = self.static_path(url)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})

    def static_path(self, url: str) -> Path:
        """The file inside the static folder that `url` names; RefusedURL for anything else."""
        try:
            parts = urlsplit(url)
        except ValueError:
            raise RefusedURL(f"refused a malformed URL: {url[:200]!r}") from None
        if (f"{parts.scheme}://{parts.netloc}/" != BASE_URL or parts.query or parts.fragment
                or not parts.path.startswith(STATIC_PREFIX)):
            raise RefusedURL(f"refused a URL outside the app's static files: {url[:200]!r}")
        relative = unquote(parts.path.removeprefix(STATIC_PREFIX))
        segments = relative.split("/")
        # No dot segments, hidden files, backslashes or NULs, even before resolving: a path
        # that needs them is not one of ours.
        if any(s in ("", ".", "..") or s.startswith(".") for s in segments) \
                or "\\" in relative or "\x00" in relative:
            raise RefusedURL(f"refused a suspicious static path: {url[:200]!r}")
        # Resolve symlinks too: the real file must be inside the real static folder.
        path = (self.static_dir / relative).resolve()
        if not path.is_relative_to(self.static_dir) or not path.is_file():
            raise RefusedURL(f"refused a path that is not a static file: {url[:200]!r}")
        return path


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
            pdf: bytes = document.write_pdf()
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


# --- What each layout shows --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Limits:
    """How much of each list, and of each line, the one-page handout shows."""

    items: int
    chars: int
    actions: int


# From most to least generous: the handout uses the first that fits on one page, so a plan of
# a few short lines is shown in full and a long one is shortened rather than spilling over.
HANDOUT_LIMITS = (Limits(5, 200, 2), Limits(5, 160, 1), Limits(4, 140, 1), Limits(4, 110, 1),
                  Limits(3, 100, 1), Limits(3, 80, 1), Limits(2, 70, 1), Limits(1, 50, 1))
HANDOUT_NAME_CHARS = 24
WALLET_TRIGGERS = 3
WALLET_CONTACTS = 3
WALLET_TRIGGER_CHARS = 60
WALLET_ACTION_CHARS = 90
WALLET_NAME_CHARS = 26
WALLET_CRISIS_LINES = 3
WALLET_CRISIS_KINDS = ("emergency", "crisis")
WALLET_METHODS = ("call", "text")  # a chat link is no use in a crisis on a card


@dataclasses.dataclass(frozen=True)
class CardTrigger:
    text: str
    action: str


@dataclasses.dataclass(frozen=True)
class CardCrisisLine:
    name: str
    how: str  # "Call 988 · Text 988"


@dataclasses.dataclass(frozen=True)
class WalletCard:
    crisis: tuple[CardCrisisLine, ...]
    triggers: tuple[CardTrigger, ...]
    contacts: tuple[Contact, ...]


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where possible, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def by_rank(triggers: tuple[Trigger, ...]) -> tuple[Trigger, ...]:
    """High-risk triggers first; the person's own order within a rank."""
    return tuple(sorted(triggers, key=lambda t: RANKS.index(t.rank) if t.rank in RANKS else 99))


def trim_for_handout(plan: PlanDraft, limits: Limits) -> PlanDraft:
    """The plan cut to `limits`: the first entries of each list (highest-ranked triggers
    first), each line shortened. Short fields share a line, so they get a share of it."""
    chars, short = limits.chars, max(20, limits.chars // 2)

    def lines(values: tuple[Line, ...]) -> tuple[Line, ...]:
        return tuple(Line(clip(v.text, chars)) for v in values[: limits.items])

    triggers = tuple(
        dataclasses.replace(t, text=clip(t.text, chars), actions=tuple(
            dataclasses.replace(a, text=clip(a.text, chars)) for a in t.actions[: limits.actions]))
        for t in by_rank(plan.triggers)[: limits.items])
    contacts = tuple(Contact(clip(c.name, short), clip(c.role, short))
                     for c in plan.contacts[: limits.items])
    meetings = tuple(
        dataclasses.replace(m, name=clip(m.name, short), day=clip(m.day, short // 2),
                            time=clip(m.time, short // 2), place="")
        for m in plan.meetings[: max(1, limits.items // 2)])
    urge = plan.urge_plan
    return dataclasses.replace(
        plan, display_name=clip(plan.display_name, HANDOUT_NAME_CHARS),
        reasons=lines(plan.reasons), triggers=triggers, warning_signs=lines(plan.warning_signs),
        contacts=contacts, meetings=meetings,
        urge_plan=dataclasses.replace(
            urge, distractions=tuple(clip(d, short) for d in urge.distractions[: limits.items]),
            grounding="", text_person=clip(urge.text_person, short)),
        lapse_plan=dataclasses.replace(plan.lapse_plan, reminder=clip(plan.lapse_plan.reminder,
                                                                      chars)),
    )


def wallet_card(plan: PlanDraft, crisis: CrisisLocale) -> WalletCard:
    triggers = tuple(
        CardTrigger(clip(t.text, WALLET_TRIGGER_CHARS),
                    clip(t.actions[0].text, WALLET_ACTION_CHARS) if t.actions else "")
        for t in by_rank(plan.triggers)[:WALLET_TRIGGERS])
    # Contacts with a number first: the card is for calling someone.
    contacts = sorted(plan.contacts, key=lambda c: not c.phone)[:WALLET_CONTACTS]
    lines = tuple(
        CardCrisisLine(clip(r.name, 40), " · ".join(
            f"{c.method.capitalize()} {c.value}" for c in r.contacts
            if c.method in WALLET_METHODS))
        for r in crisis.resources if r.kind in WALLET_CRISIS_KINDS)
    return WalletCard(
        crisis=tuple(line for line in lines if line.how)[:WALLET_CRISIS_LINES],
        triggers=triggers,
        contacts=tuple(Contact(clip(c.name, WALLET_NAME_CHARS), phone=clip(c.phone, 24))
                       for c in contacts),
    )


def long_date(iso_or_date: str | date) -> str:
    try:
        day = iso_or_date if isinstance(iso_or_date, date) else date.fromisoformat(iso_or_date)
    except ValueError:
        return str(iso_or_date)
    return f"{day.day} {day:%B %Y}"


def labels(content: Content) -> dict[str, Any]:
    return {
        "trigger_kinds": {**dict(content.plan.trigger_kinds), "own": OWN_TRIGGER_LABEL},
        "actions": ACTION_LABELS,
        "meetings": MEETING_LABELS,
        "goals": GOAL_LABELS,
        "ranks": RANK_LABELS,
        "sections": SECTION_TITLES,
    }


# --- Rendering ---------------------------------------------------------------------------


def render_template(name: str, **context: Any) -> str:
    """Render with the app's Jinja environment (same loader, cache and autoescaping) but
    without Flask's context processors: those serve the web pages, may read the request, and
    would put web-only values in reach of a print layout."""
    return current_app.jinja_env.get_template(name).render(**context)


def render_plan_pdf(draft: PlanDraft, *, layout: str, paper: str, crisis_locale: CrisisLocale,
                    content_version: str, today: date) -> bytes:
    """The plan as a PDF in one of LAYOUTS on one of PAPER_SIZES. Needs an app context."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}")
    renderer = current_renderer()
    document = render_document(renderer, draft, layout=layout, paper=paper,
                               crisis_locale=crisis_locale, content_version=content_version,
                               today=today)
    return renderer.write_pdf(document)


def render_handouts_pdf(plans: Sequence[tuple[PlanDraft, CrisisLocale]], *, paper: str,
                        content_version: str, today: date) -> bytes:
    """Several plans' share-safe handouts as one PDF (each starts on a new page), to print for
    a group meeting in one go. Needs an app context."""
    if not plans:
        raise ValueError("no plans to print")
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}")
    renderer = current_renderer()
    documents = [render_document(renderer, draft, layout="handout", paper=paper,
                                 crisis_locale=crisis, content_version=content_version,
                                 today=today) for draft, crisis in plans]
    # WeasyPrint's way to join documents: a copy of the first holding every page.
    joined = documents[0].copy([page for document in documents for page in document.pages])
    return renderer.write_pdf(joined)


def render_document(renderer: PdfRenderer, draft: PlanDraft, *, layout: str, paper: str,
                    crisis_locale: CrisisLocale, content_version: str, today: date) -> Document:
    if layout == "full":
        return renderer.render(full_plan_html(
            draft, paper=paper, crisis_locale=crisis_locale, content_version=content_version,
            today=today), paper)
    content = current_content()
    common = common_context(content, layout=layout, paper=paper,
                            content_version=content_version, today=today)
    masker = Masker.for_content(content)
    crisis = share_safe_locale(crisis_locale, masker)
    if layout == "wallet":
        card = limit_emoji(wallet_card(share_safe_draft(draft, masker, keep_phones=True), crisis))
        return renderer.render(render_template("pdf/wallet.html", card=card, **common), paper)
    safe = share_safe_draft(draft, masker)

    def handout(limits: Limits) -> Document:
        html = render_template("pdf/handout.html", plan=limit_emoji(trim_for_handout(safe, limits)),
                               full_plan=safe, crisis=crisis, **common)
        return renderer.render(html, paper)

    return first_that_fits(handout, HANDOUT_LIMITS)


def full_plan_html(draft: PlanDraft, *, paper: str, crisis_locale: CrisisLocale,
                   content_version: str, today: date) -> str:
    """The full plan's HTML (also what benchmarks/pdf_bench.py hands WeasyPrint alone), cut
    to what one PDF may cost (budget.py)."""
    content = current_content()
    fitted = fit_full_plan(limit_emoji(draft))  # the stand-ins count towards the length
    plan = fitted.plan
    return render_template(
        "pdf/full.html", plan=plan, triggers=by_rank(plan.triggers), crisis=crisis_locale,
        left_out=fitted.left_out, review=long_date(plan.review_date),
        urge_note=content.plan.urge_plan.delay_note,
        **common_context(content, layout="full", paper=paper, content_version=content_version,
                         today=today))


def common_context(content: Content, *, layout: str, paper: str, content_version: str,
                   today: date) -> dict[str, Any]:
    return {"layout": layout, "paper": paper, "printed": long_date(today),
            "content_version": content_version, "labels": labels(content)}


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
