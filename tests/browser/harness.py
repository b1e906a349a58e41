"""What every browser journey checks on every page: axe-core's WCAG 2.1 A/AA rules at phone and
desktop widths, a few structural rules axe leaves out, the W3C Nu HTML checker on the HTML the
server sent, at 320 and 375 px that nothing is wider than the screen and that nothing fixed
covers a focused control, screenshots for people to look at, and no request leaving the
machine.

A journey calls `journey.visit("step-name")` once per page it reaches; everything else is here.
"""

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Request, Response, Route, ViewportSize

from tests.browser.vnu import NuChecker

REPO_ROOT = Path(__file__).resolve().parents[2]
# Git-ignored (see .gitignore); emptied at the start of each test session.
SCREENSHOT_DIR = REPO_ROOT / "test-artifacts" / "screenshots"

PHONE: ViewportSize = {"width": 375, "height": 812}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
WIDTHS = (("phone", PHONE), ("desktop", DESKTOP))
# The counselor workspace is also checked on the narrowest phones, and at this width and on the
# desktop no page of it may be wider than the window (a wide table scrolls in its own box).
NARROW: ViewportSize = {"width": 320, "height": 640}
FIT_WIDTHS = (("narrow", NARROW), ("desktop", DESKTOP))
FITTING_PATHS = ("/counselor", "/safety-plan")

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}

# Playwright adds --no-sandbox itself unless chromium_sandbox=True (needed as root here) and
# already passes --disable-background-networking, --disable-component-update and
# --disable-dev-shm-usage; naming them keeps them if a future driver drops one. Without the
# networking flags Chromium tries to reach Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    "--disable-sync",
    "--no-first-run",
]

_axe = Axe()


def chromium_path() -> str:
    """Debian's chromium; Playwright never downloads a browser of its own here."""
    return shutil.which("chromium") or "/usr/bin/chromium"


# --- No request leaves the machine -------------------------------------------------------------


@dataclass
class NetworkGuard:
    """Aborts every request that is not to 127.0.0.1 and remembers it, so a test fails if the
    app ever asks the browser for anything from elsewhere (a font, a script, an image).

    A journey that is meant to send the person elsewhere (a quick exit to a neutral site) calls
    `expect_offsite(prefix)`: that request is still aborted, but counts as expected.
    """

    offsite: list[str] = field(default_factory=list)
    expected_prefixes: list[str] = field(default_factory=list)

    def handle(self, route: Route, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname == "127.0.0.1":
            route.continue_()
            return
        self.offsite.append(request.url)
        route.abort("blockedbyclient")

    def expect_offsite(self, url_prefix: str) -> None:
        self.expected_prefixes.append(url_prefix)

    def attempted(self, url_prefix: str) -> bool:
        return any(url.startswith(url_prefix) for url in self.offsite)

    def unexpected(self) -> list[str]:
        return [url for url in self.offsite
                if not any(url.startswith(p) for p in self.expected_prefixes)]


# --- Checks on one page ------------------------------------------------------------------------


def axe_violations(page: Page) -> list[str]:
    """WCAG 2.1 A/AA violations, one readable line per rule: id, impact, help and targets."""
    results = _axe.run(page, options=AXE_OPTIONS)
    lines = []
    for violation in results.response["violations"]:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}; "
                     f"at {', '.join(targets[:5])}{' ...' if len(targets) > 5 else ''}")
    return lines


# Rules axe-core's WCAG tags don't cover (heading order is a "best practice" there), or cover
# only in part: every control named, one h1 and no skipped heading levels, an error summary
# that is announced and whose links all reach a field, unique ids, an address whose #fragment
# exists on the page, and pictures of data that have words.
STRUCTURE_JS = """
() => {
  const problems = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.name ? '[name=' + el.name + ']' : '');
  const textOf = (ids) => ids.split(/\\s+/).map((id) => {
      const el = document.getElementById(id); return el ? el.textContent.trim() : ''; }).join(' ');
  const named = (el) => (el.labels && [...el.labels].some((l) => l.textContent.trim()))
      || (el.getAttribute('aria-label') || '').trim()
      || textOf(el.getAttribute('aria-labelledby') || '').trim();

  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type)) continue;
    if (!named(el)) problems.push('control without a label: ' + describe(el));
  }
  for (const el of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    const group = document.querySelectorAll('input[name="' + CSS.escape(el.name) + '"]');
    const fieldset = el.closest('fieldset');
    if (group.length > 1 && !(fieldset && fieldset.querySelector('legend')
        && fieldset.querySelector('legend').textContent.trim())) {
      problems.push('choice group without a fieldset and legend: ' + describe(el));
    }
  }

  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
      .filter((h) => !h.closest('[hidden], template'));
  const h1s = headings.filter((h) => h.tagName === 'H1');
  if (h1s.length !== 1) problems.push('expected one h1, found ' + h1s.length);
  if (headings.length && headings[0].tagName !== 'H1') {
    problems.push('the first heading is ' + headings[0].tagName + ', not h1: '
        + headings[0].textContent.trim());
  }
  let previous = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (previous && level > previous + 1) {
      problems.push('heading level skipped: h' + previous + ' then h' + level + ' "'
          + h.textContent.trim().replace(/\\s+/g, ' ') + '"');
    }
    previous = level;
  }

  const summaries = document.querySelectorAll('.error-summary');
  const invalid = document.querySelectorAll('[aria-invalid=true]');
  if (invalid.length && !summaries.length) {
    problems.push('fields marked invalid but no error summary: ' + describe(invalid[0]));
  }
  for (const summary of summaries) {
    const live = summary.getAttribute('role') === 'alert' || summary.getAttribute('aria-live');
    if (!live) problems.push('error summary is not announced (role=alert or aria-live)');
    for (const link of summary.querySelectorAll('a')) {
      const href = link.getAttribute('href') || '';
      const target = href.startsWith('#') ? document.getElementById(href.slice(1)) : null;
      const control = target && (target.matches('input, select, textarea')
          ? target : target.querySelector('input, select, textarea'));
      if (!control) problems.push('error summary link reaches no field: ' + href);
    }
  }

  const ids = new Set();
  for (const el of document.querySelectorAll('[id]:not(input[type=hidden])')) {
    if (ids.has(el.id)) problems.push('duplicate id: ' + el.id);
    ids.add(el.id);
  }
  const fragment = decodeURIComponent(location.hash.slice(1));
  if (fragment && !document.getElementById(fragment)) {
    problems.push('the address ends in #' + fragment + ' but nothing on the page has that id');
  }

  for (const svg of document.querySelectorAll('svg')) {
    if (svg.getAttribute('aria-hidden') === 'true') continue;
    const name = (svg.getAttribute('aria-label') || '').trim()
        || textOf(svg.getAttribute('aria-labelledby') || '').trim();
    if (svg.getAttribute('role') !== 'img' || !name) {
      problems.push('chart without role=img and a text alternative: ' + describe(svg));
    }
  }
  return problems;
}
"""


def structure_problems(page: Page) -> list[str]:
    problems: list[str] = page.evaluate(STRUCTURE_JS)
    return problems


# What sticks out past the window's right edge, if anything: the page's width, and the widest
# few elements that cause it (so a failure says where to look).
OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const page = document.documentElement.scrollWidth;
  if (page <= width) return null;
  const wide = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5
          && !el.closest('.table-scroll'))
      .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
          + (typeof el.className === 'string' && el.className
              ? '.' + el.className.split(' ')[0] : '')
          + ' (' + Math.round(el.getBoundingClientRect().right) + ' px)');
  return 'the page is ' + page + ' px wide in a ' + width + ' px window: '
      + wide.slice(0, 5).join(', ');
}
"""


def overflow(page: Page) -> str | None:
    """Why the page scrolls sideways at the current width, or None if it doesn't."""
    problem: str | None = page.evaluate(OVERFLOW_JS)
    return problem


# At phone widths, nothing that stays put on screen (the Quick exit bar) may cover a control
# when it takes the focus, or the label beside a choice (the answer's text). Every focusable
# element is scrolled to the top edge of the screen, then focused.
COVERED_FOCUS_JS = """
() => {
  const problems = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '')
      + (el.name ? '[name=' + el.name + ']' : '');
  const fixed = [...document.body.querySelectorAll('*')].filter((el) =>
      ['fixed', 'sticky'].includes(getComputedStyle(el).position));
  const overlaps = (a, b) => a.left < b.right && b.left < a.right
      && a.top < b.bottom && b.top < a.bottom && a.width > 0 && a.height > 0;
  const focusable = [...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]')]
      .filter((el) => !el.disabled && el.getClientRects().length && !el.closest('.skip-link'));
  const [before, x, y] = [document.activeElement, window.scrollX, window.scrollY];
  window.scrollTo(0, 0);
  for (const el of focusable) {
    // The worst case: scrolled by hand so the control sits at the very top, behind the bar;
    // taking the focus must bring it out (scroll-padding-top), as Tab or a screen reader would.
    document.activeElement.blur();
    window.scrollTo(0, window.scrollY + el.getBoundingClientRect().top - 4);
    el.focus();
    if (document.activeElement !== el) continue;
    // A choice's label is its answer text, beside it; a text field's label sits above it.
    const beside = ['radio', 'checkbox'].includes(el.type) ? [...el.labels] : [];
    const boxes = [el, ...beside].map((part) => part.getBoundingClientRect());
    for (const bar of fixed) {
      if (bar.contains(el)) continue;
      const barBox = bar.getBoundingClientRect();
      // A box taller than the screen under the bar (a long table's scrolling box) always
      // meets the bar somewhere, and a browser won't scroll it on focus: not a covered control.
      const tall = (box) => box.height > window.innerHeight - barBox.height;
      if (boxes.some((box) => !tall(box) && overlaps(box, barBox))) {
        problems.push(describe(bar) + ' covers the focused ' + describe(el));
        break;
      }
    }
  }
  // Put back the focus the page gave, and so where Tab goes next (a journey goes on from
  // there): with nothing focused, from the top of the page.
  const restored = before && before !== document.body ? before : document.body;
  const added = restored === document.body && !document.body.hasAttribute('tabindex');
  if (added) document.body.setAttribute('tabindex', '-1');
  restored.focus({preventScroll: true});
  if (added) document.body.removeAttribute('tabindex');
  window.scrollTo(x, y);
  return [...new Set(problems)];
}
"""
SMALL_WIDTHS = (320, 375)


def small_screen_problems(page: Page) -> list[str]:
    """At 320 and 375 px: the page no wider than the screen (`overflow`) and no focused control
    under the Quick exit bar (COVERED_FOCUS_JS). Leaves the page at 375 px."""
    problems: list[str] = []
    for width in SMALL_WIDTHS:
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        wide = overflow(page)
        problems += [f"at {width} px: {p}" for p in [wide] if p]
        problems += [f"at {width} px: {p}" for p in page.evaluate(COVERED_FOCUS_JS)]
    page.set_viewport_size(PHONE)
    return problems


def screenshot_name(journey: str, index: int, step: str, width: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
    return f"{journey}-{index:02d}-{slug}-{width}.png"


# --- A journey ---------------------------------------------------------------------------------


@dataclass
class PageSources:
    """The HTML the server sent for the tab's latest page (not the DOM the browser made of it),
    for the Nu HTML checker. Listens to the tab's responses; reads the body only when asked."""

    page: Page
    latest: Response | None = None

    def __post_init__(self) -> None:
        self.page.on("response", self.on_response)

    def on_response(self, response: Response) -> None:
        if (response.request.resource_type == "document"
                and response.frame == self.page.main_frame
                and response.headers.get("content-type", "").startswith("text/html")):
            self.latest = response

    def html(self) -> str:
        assert self.latest is not None, "the tab has shown no HTML page yet"
        return self.latest.text()


@dataclass
class Journey:
    """One person's way through the app. `visit` checks the page the browser shows now."""

    page: Page
    name: str
    checker: NuChecker
    sources: PageSources
    visited: list[str] = field(default_factory=list)

    def visit(self, step: str) -> None:
        """Check the current page at both widths and keep a screenshot of each.

        Fails with every problem found, naming the journey, the step and the width. Ends at the
        phone width, where journeys run (most people come on phones).
        """
        self.page.wait_for_load_state("load")
        self.visited.append(step)
        problems = [f"structure: {p}" for p in structure_problems(self.page)]
        problems += [f"Nu HTML checker: {e}" for e in self.checker.errors(self.sources.html())]
        problems += [f"small screen: {p}" for p in small_screen_problems(self.page)]
        for width_name, viewport in WIDTHS:
            self.page.set_viewport_size(viewport)
            self.screenshot(step, width_name)
            problems += [f"axe at {viewport['width']} px: {line}"
                         for line in axe_violations(self.page)]
        if urlsplit(self.page.url).path.startswith(FITTING_PATHS):
            problems += self.fit_problems(step)
        self.page.set_viewport_size(PHONE)
        assert not problems, (
            f"{self.name} / {step} ({self.page.url}) has accessibility problems:\n  "
            + "\n  ".join(problems))

    def screenshot(self, step: str, width_name: str) -> None:
        self.page.screenshot(
            path=SCREENSHOT_DIR / screenshot_name(self.name, len(self.visited), step,
                                                  width_name),
            full_page=True)

    def fit_problems(self, step: str) -> list[str]:
        """The page at 320 px (with its screenshot) and 1280 px must not scroll sideways."""
        problems = []
        for width_name, viewport in FIT_WIDTHS:
            self.page.set_viewport_size(viewport)
            if width_name == "narrow":
                self.screenshot(step, width_name)
            problem = overflow(self.page)
            if problem is not None:
                problems.append(f"wider than the window at {viewport['width']} px: {problem}")
        return problems


def visible_text(page: Page) -> str:
    """The page's text as a person reads it, whitespace collapsed."""
    text: str = page.locator("body").inner_text()
    return re.sub(r"\s+", " ", text)


def first_heading(page: Page) -> str:
    text: str = page.locator("h1").first.inner_text()
    return text.strip()
