"""Nothing outside the app's static files reaches a PDF: not from a template, not from user text.

A template that references a file, a host or a `../` path stops the render with
ResourceRefused. User text is escaped by Jinja, so it is printed as the literal text it is and
never becomes a reference: the fetcher is not even asked for it.
"""

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader
from weasyprint import HTML

from recovery.export import renderer
from recovery.export.fetcher import BASE_URL, ResourceRefused
from recovery.planning.draft import Action, Contact, Line, Meeting, PlanDraft, Trigger, UrgePlan
from tests.export.conftest import Fetches

PRINT_CSS = BASE_URL + "static/css/print.css"
PASSWD_MARKERS = ("root:x:0:0", "/bin/bash", "nologin")
CONFIG_MARKER = "def load_config"  # recovery/config.py

HOSTILE_URLS = [
    pytest.param("file:///etc/passwd", id="file"),
    pytest.param("http://127.0.0.1:1/x", id="http-local"),
    pytest.param("https://example.org/x", id="https-remote"),
    pytest.param("../../etc/passwd", id="relative-dotdot"),
    pytest.param("/static/../../recovery/config.py", id="static-dotdot"),
    pytest.param("/static/%2e%2e/%2e%2e/recovery/config.py", id="static-dotdot-encoded"),
    pytest.param("data:text/plain,leak", id="data"),
]

# Every way an HTML template can make WeasyPrint fetch something; {url} is the hostile URL.
REFERENCES = [
    pytest.param('<img src="{url}" alt="">', id="img"),
    pytest.param('<link rel="stylesheet" href="{url}">', id="stylesheet"),
    pytest.param('<link rel="attachment" href="{url}">', id="link-attachment"),
    pytest.param('<a rel="attachment" href="{url}">file</a>', id="a-attachment"),
    pytest.param('<style>@import url("{url}");</style>', id="css-import"),
    pytest.param('<p style="background-image: url(\'{url}\')">x</p>', id="css-background"),
    pytest.param('<style>@font-face {{ font-family: X; src: url("{url}"); }} '
                 'p {{ font-family: X; }}</style><p>x</p>', id="font-face"),
    pytest.param('<object data="{url}"></object>', id="object"),
    pytest.param('<embed src="{url}">', id="embed"),
    pytest.param('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                 '<image href="{url}" width="10" height="10"/></svg>', id="svg-image"),
    pytest.param('<ul style="list-style-image: url(\'{url}\')"><li>x</li></ul>',
                 id="list-style-image"),
]


@pytest.fixture
def template_override(app: Flask) -> Callable[[str, str], None]:
    """Replace a template of this test's app (a new app per test) with a test one."""
    overrides: dict[str, str] = {}
    assert app.jinja_env.loader is not None
    app.jinja_env.loader = ChoiceLoader([DictLoader(overrides), app.jinja_env.loader])

    def override(name: str, source: str) -> None:
        overrides[name] = source

    return override


def hostile_template(reference: str) -> str:
    return ('{% extends "pdf/base.html" %}{% block body %}<h1>Plan</h1>{% raw %}'
            + reference + "{% endraw %}{% endblock %}")


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_template_reference_is_refused(
        template_override: Callable[[str, str], None], render: Callable[..., Any],
        make_draft: Callable[..., PlanDraft], fetches: Fetches, reference: str,
        url: str) -> None:
    template_override("pdf/full.html", hostile_template(reference.format(url=url)))

    if "<svg" in reference:
        # WeasyPrint draws inline SVG inside its own catch-all: the refused image is skipped
        # (and logged) instead of stopping the render. Nothing of it may reach the PDF.
        text = render(make_draft(), "full").text()
        assert not any(marker in text for marker in (*PASSWD_MARKERS, CONFIG_MARKER, "leak"))
    else:
        with pytest.raises(ResourceRefused):
            render(make_draft(), "full")

    # Asked once, and refused: the only URL served was our own stylesheet.
    assert fetches.asked == [PRINT_CSS, fetches.refused[0]]
    assert len(fetches.refused) == 1


@pytest.mark.parametrize("layout", ["full", "handout", "wallet"])
def test_a_base_href_cannot_redirect_relative_urls(
        template_override: Callable[[str, str], None], render: Callable[..., Any],
        make_draft: Callable[..., PlanDraft], fetches: Fetches, layout: str) -> None:
    template_override(f"pdf/{layout}.html", (
        '{% extends "pdf/base.html" %}{% block body %}<base href="file:///etc/">'
        '<img src="passwd" alt="">{% endblock %}'))

    with pytest.raises(ResourceRefused):
        render(make_draft(), layout)

    assert fetches.refused == ["file:///etc/passwd"]


def test_the_default_fetcher_would_have_leaked(tmp_path: Path) -> None:
    """The control: the same kind of template with WeasyPrint's default fetcher does embed a
    local file, so the tests above are testing something real."""
    secret = tmp_path / "secret.css"
    secret.write_text('body::after { content: "CANARY-7731"; }', encoding="utf-8")
    leaky = HTML(string=f'<link rel="stylesheet" href="{secret.as_uri()}"><p>Plan</p>',
                 base_url=BASE_URL).write_pdf()
    (tmp_path / "leaky.pdf").write_bytes(leaky)
    text = subprocess.run(["pdftotext", str(tmp_path / "leaky.pdf"), "-"],
                                        capture_output=True, text=True, check=True).stdout

    assert "CANARY-7731" in text


# --- User text ------------------------------------------------------------------------------

USER_TEXTS = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:1/x">',
    "<style>@import url(https://example.org/x);</style>",
    "file:///etc/passwd",
    "http://127.0.0.1:1/x",
    "https://example.org/x",
    "../../etc/passwd",
    "/static/../../recovery/config.py",
    "data:text/html,<script>alert(1)</script>",
    "url(file:///etc/passwd)",
    "{{ config }} {% include '/etc/passwd' %}",
]


def hostile_plan(make_draft: Callable[..., PlanDraft]) -> PlanDraft:
    """Every kind of field the person types, filled with references."""
    texts = tuple(USER_TEXTS)
    return make_draft(
        display_name='<img src="file:///etc/passwd">',
        reasons=tuple(Line(t) for t in texts),
        triggers=tuple(Trigger("own", t, "high", (Action("cope", t),)) for t in texts[:4]),
        warning_signs=tuple(Line(t) for t in texts[4:8]),
        urge_plan=UrgePlan(20, distractions=texts[8:], grounding=texts[0],
                           text_person=texts[1][:80]),
        contacts=tuple(Contact(t[:80], t[:80], "555-0100") for t in texts[:3]),
        meetings=tuple(Meeting("other", t[:80], place=t) for t in texts[:3]),
    )


@pytest.mark.parametrize("layout", ["full", "handout", "wallet"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_references_in_user_text_are_printed_not_fetched(
        render: Callable[..., Any], make_draft: Callable[..., PlanDraft], fetches: Fetches,
        layout: str, paper: str) -> None:
    document = render(hostile_plan(make_draft), layout, paper)
    text = document.text()

    assert fetches.asked == [PRINT_CSS]  # the stylesheet, once; nothing the person typed
    assert not any(marker in text for marker in PASSWD_MARKERS)
    assert CONFIG_MARKER not in text
    assert "0 embedded files" in document.attachments()


def test_the_full_plan_prints_user_text_literally(
        render: Callable[..., Any], make_draft: Callable[..., PlanDraft],
        fetches: Fetches) -> None:
    text = render(hostile_plan(make_draft), "full").text()

    for typed in USER_TEXTS:
        assert " ".join(typed.split()) in text
    assert fetches.asked == [PRINT_CSS]


def test_renderer_is_reused_and_fetches_the_stylesheet_once(
        render: Callable[..., Any], make_draft: Callable[..., PlanDraft],
        fetches: Fetches) -> None:
    draft = make_draft()
    for layout in ("full", "handout", "wallet"):
        render(draft, layout, "a4")
        render(draft, layout, "letter")

    assert fetches.asked == [PRINT_CSS]
    assert len(renderer._renderers) == 1
