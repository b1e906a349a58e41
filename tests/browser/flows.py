"""Things a person does in the app, as small steps that journeys put together.

Each function acts through the page the way a person would (buttons and links are found by their
visible names, answers by their value) and, given a `Journey`, checks every page it passes
through on the way.
"""

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, TimeoutError, expect

from tests.browser.harness import Journey
from tests.browser.server import Account

ANSWERS_FILE = Path(__file__).resolve().parents[1] / "data" / "low_risk_ketamine.json"
# A step of the self-screening (/screening/<step>) or of a counselor's screening with a client
# (/counselor/clients/<id>/screenings/new/<step>). JavaScript regexps: no named groups.
STEP_URL = re.compile(r"/(?:screening|screenings/new)/([a-z_]+)$")
RESULT_PATH = "/screening/result"
MAX_STEPS = 20  # more than the questionnaire has: a loop that never ends is a bug


def low_risk_answers(**changes: str | list[str]) -> dict[str, Any]:
    """The canonical low-risk ketamine answers (tests/data), with `changes` on top."""
    answers: dict[str, Any] = json.loads(ANSWERS_FILE.read_text(encoding="utf-8"))
    answers.update(changes)
    return answers


def url_path(page: Page) -> str:
    """The page's address without its query and #fragment."""
    return re.split(r"[?#]", page.url)[0]


def current_step(page: Page) -> str | None:
    found = STEP_URL.search(url_path(page))
    return found.group(1) if found else None


# --- The questionnaire, with a mouse or a finger -------------------------------------------


def start_screening(page: Page, journey: Journey | None = None) -> None:
    page.goto("/")
    if journey is not None:
        journey.visit("landing")
    page.get_by_role("button", name="Start the check").click()
    expect(page).to_have_url(STEP_URL)


def tick_answers(page: Page, answers: dict[str, Any]) -> None:
    """Tick this step's answers; every question on the page must have one in `answers`."""
    for name in question_names(page):
        values = answers[name]
        for value in values if isinstance(values, list) else [values]:
            page.locator(f'input[name="{name}"][value="{value}"]').check()


def question_names(page: Page) -> list[str]:
    """The field names of the questions on this step, top to bottom."""
    names: list[str] = page.eval_on_selector_all(
        "fieldset.question", "sets => sets.map(s => s.querySelector('input').name)")
    return names


def press_next(page: Page) -> None:
    page.locator("form button[name=nav][value=next]").click()
    page.wait_for_load_state("load")


def answer_questionnaire(page: Page, answers: dict[str, Any],
                         journey: Journey | None = None, *, until: str = RESULT_PATH) -> None:
    """From the step showing now, answer and go on until the URL path is `until`."""
    for _ in range(MAX_STEPS):
        if url_path(page).endswith(until):
            return
        step = current_step(page)
        assert step is not None, f"expected a questionnaire step, got {page.url}"
        if journey is not None:
            journey.visit(f"step-{step}")
        tick_answers(page, answers)
        press_next(page)
    raise AssertionError(f"did not reach {until} within {MAX_STEPS} steps; at {page.url}")


# --- The questionnaire with the keyboard alone --------------------------------------------------
# Only key presses change anything here; the page is read (never clicked or filled) to know
# which key to press next and to check where the focus is.

FOCUSED_JS = """
() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, name: el.name || '', type: el.type || '',
    value: el.value || '', text: (el.innerText || '').trim().slice(0, 80),
    className: el.className || '', nav: el.getAttribute('value') || '',
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
  };
}
"""


def focused(page: Page) -> dict[str, Any]:
    """What has the keyboard focus, and whether it shows a focus indicator."""
    found: dict[str, Any] = page.evaluate(FOCUSED_JS)
    return found


def wait_for_page_focus(page: Page) -> dict[str, Any]:
    """The focused element once the new page has placed its focus (autofocus runs just after
    the page loads, not with it)."""
    # A function, not an expression: Playwright evals expressions in the page, which the
    # app's Content-Security-Policy (rightly) forbids.
    try:
        page.wait_for_function("() => document.activeElement !== document.body", timeout=5_000)
    except TimeoutError:
        raise AssertionError(f"nothing took the focus when {page.url} loaded") from None
    return focused(page)


def assert_visible_focus(element: dict[str, Any]) -> None:
    assert element["outline"] or element["shadow"], f"no visible focus indicator on {element}"


def tab_to(page: Page, description: str, is_target: Any, max_presses: int = 40) -> None:
    """Press Tab until `is_target(focused element)`; fail if it never comes."""
    for _ in range(max_presses):
        if is_target(focused(page)):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {description}; focus is on {focused(page)}")


def is_next_button(element: dict[str, Any]) -> bool:
    return element["tag"] == "button" and element["name"] == "nav" and element["nav"] == "next"


def options_of(page: Page, name: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = page.eval_on_selector_all(
        f'input[name="{name}"]', "els => els.map(e => ({value: e.value, type: e.type}))")
    return found


def answer_step_by_keyboard(page: Page, answers: dict[str, Any]) -> None:
    """Answer every question on this step, starting from the focus the page gave, then press
    Enter on Next. Radio groups: Space picks the focused option, arrows move the choice. Tick
    boxes: Tab from box to box, Space ticks."""
    for name in question_names(page):
        wanted = answers[name] if isinstance(answers[name], list) else [answers[name]]
        options = options_of(page, name)
        assert focused(page)["name"] == name, f"focus should be on {name}: {focused(page)}"
        if options[0]["type"] == "radio":
            page.keyboard.press("Space")
            for _ in options:
                if focused(page)["value"] == wanted[0]:
                    break
                page.keyboard.press("ArrowDown")
            assert focused(page)["value"] == wanted[0], f"could not reach {name}={wanted[0]}"
            page.keyboard.press("Tab")
        else:
            for option in options:
                assert focused(page)["value"] == option["value"], focused(page)
                if option["value"] in wanted:
                    page.keyboard.press("Space")
                page.keyboard.press("Tab")
    tab_to(page, "the Next button", is_next_button)
    press_and_load(page, "Enter")


def press_and_load(page: Page, key: str) -> None:
    """Press a key that leads to another page, and wait until that page has loaded."""
    with page.expect_navigation():
        page.keyboard.press(key)


# --- Plans and their PDFs ----------------------------------------------------------------------


def make_plan(page: Page) -> str:
    """Press "Make my relapse-prevention plan" on a result page; the plan's URL."""
    page.get_by_role("button", name="Make my relapse-prevention plan").click()
    expect(page).to_have_url(re.compile(r"/plans/[^/]+$"))
    return page.url


def download_pdf(page: Page, link_name: str, link_index: int, folder: Path) -> Path:
    """Follow a PDF link (by the list item it is in and A4/Letter) and save the download."""
    item = page.locator(".plan-links li", has_text=link_name)
    with page.expect_download() as info:
        item.get_by_role("link").nth(link_index).click()
    download = info.value
    assert download.failure() is None, download.failure()
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def download_after_preview(page: Page, link_name: str, link_index: int, folder: Path,
                           trip: Journey | None = None, step: str = "") -> Path:
    """Follow a share-safe printout's link to its preview page (checked by `trip` when
    given), then save the PDF its "download" button gives. Ends back on the plan page."""
    plan_url = page.url
    page.locator(".plan-links li", has_text=link_name).get_by_role("link").nth(link_index).click()
    page.wait_for_load_state("load")
    if trip is not None:
        trip.visit(step)
    with page.expect_download() as info:
        page.get_by_role("button", name="Save my choices and download the PDF").click()
    download = info.value
    assert download.failure() is None, download.failure()
    path = folder / download.suggested_filename
    download.save_as(path)
    page.goto(plan_url)
    return path


def pdf_text(path: Path) -> str:
    """The PDF's text, whitespace collapsed, read by poppler's pdftotext (a real PDF reader)."""
    assert path.read_bytes()[:5] == b"%PDF-", f"{path.name} is not a PDF"
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, timeout=30, check=True)
    return re.sub(r"\s+", " ", done.stdout)


def pdf_page_size(path: Path) -> str:
    """pdfinfo's "Page size" line, e.g. "595.276 x 841.89 pts (A4)"."""
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=30,
                          check=True)
    found = re.search(r"^Page size:\s*(.+)$", done.stdout, re.MULTILINE)
    assert found is not None, done.stdout
    return found.group(1)


# --- The counselor workspace -------------------------------------------------------------------


def sign_in(page: Page, account: Account, journey: Journey | None = None) -> None:
    """Sign in from the sign-in page the browser shows now."""
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    # Signed in means the sign-in page is left (its "?next=" may name any page).
    expect(page).not_to_have_url(re.compile(r"/counselor/login(\?|$)"))


def add_client(page: Page, name: str, journey: Journey | None = None) -> str:
    """On the "Add a client" page: add a client with `name` (consent ticked) and land on their
    page; their pseudonymous code. With a journey, checks the form empty and with errors."""
    if journey is not None:
        journey.visit("client-new")
    page.get_by_label("Name (optional)").fill(name)
    if journey is not None:
        page.get_by_role("button", name="Add the client").click()
        assert wait_for_page_focus(page)["id"] == "error-summary"  # consent is required
        journey.visit("client-new-errors")
    page.get_by_label("The client agreed").check()
    page.get_by_role("button", name="Add the client").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Client C-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    return page.locator("h1").inner_text().removeprefix("Client ")
