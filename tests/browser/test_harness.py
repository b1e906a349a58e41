"""The checks themselves: they must catch what they are there to catch."""

from playwright.sync_api import Page

from tests.browser.harness import NetworkGuard, axe_violations, structure_problems
from tests.browser.vnu import NuChecker

BROKEN_PAGE = """<!doctype html><html><head><title>Broken</title></head><body>
<h2>Starts at h2</h2><h4>Skips h3</h4>
<img src="/nothing.png">
<input type="text" name="nameless">
<div class="error-summary"><a href="#nowhere">A link to no field</a></div>
<svg viewBox="0 0 10 10"><rect width="10" height="10"></rect></svg>
</body></html>"""


def test_requests_off_the_machine_are_blocked_and_recorded(
        page: Page, network_guard: NetworkGuard) -> None:
    network_guard.expect_offsite("http://example.org/")
    page.set_content('<img src="http://example.org/tracker.png" alt="">')
    page.wait_for_load_state("load")
    assert network_guard.attempted("http://example.org/tracker.png")
    assert network_guard.unexpected() == []


def test_axe_and_the_structure_checks_find_a_broken_page(page: Page) -> None:
    page.route("**/nothing.png", lambda route: route.fulfill(status=200, body=b""))
    page.set_content(BROKEN_PAGE)
    found_by_axe = " ".join(axe_violations(page))
    for rule in ("html-has-lang", "image-alt", "label"):
        assert rule in found_by_axe
    found = structure_problems(page)
    assert "expected one h1, found 0" in found
    assert "heading level skipped: h2 then h4 \"Skips h3\"" in found
    assert "control without a label: input[name=nameless]" in found
    assert "error summary is not announced (role=alert or aria-live)" in found
    assert "error summary link reaches no field: #nowhere" in found
    assert "chart without role=img and a text alternative: svg" in found


def test_the_nu_html_checker_finds_invalid_markup(html_checker: NuChecker) -> None:
    errors = " ".join(html_checker.errors(
        "<!DOCTYPE html><html lang=en><head><title>x</title></head><body>"
        "<input type=date maxlength=10 name=d aria-label=d>"
        "<select required name=s aria-label=s><option value=a>A</option></select>"
        "</body></html>"))
    assert "Attribute “maxlength” is only allowed" in errors
    assert "The first “option” element in a “select” element with a “required”" in errors
    assert html_checker.errors(
        "<!DOCTYPE html><html lang=en><head><title>x</title></head><body></body></html>") == []
