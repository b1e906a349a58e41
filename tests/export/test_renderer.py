"""The rendering machinery in recovery/export/renderer.py, apart from what the PDFs say (that is
test_layouts.py)."""

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from recovery.export import renderer
from recovery.planning.draft import PlanDraft
from recovery.seeds import current_content
from tests.export.conftest import TODAY, PdfFile

REPO = Path(__file__).parents[2]


@pytest.mark.parametrize(("layout", "paper"), [("poster", "a4"), ("full", "a3"), ("", "")])
def test_render_plan_pdf_refuses_unknown_layouts_and_papers(
        app: Flask, make_draft: Callable[..., PlanDraft], layout: str, paper: str) -> None:
    with app.app_context(), pytest.raises(ValueError):
        content = current_content()
        renderer.render_plan_pdf(make_draft(), content, layout=layout, paper=paper,
                                 crisis_locale=content.crisis_locale("US"), today=TODAY)


def test_the_renderer_is_rebuilt_when_print_css_changes(tmp_path: Path) -> None:
    css = tmp_path / "css" / "print.css"
    css.parent.mkdir()
    css.write_text("p { color: black }", encoding="utf-8")
    first = renderer.renderer_for(tmp_path)

    assert renderer.renderer_for(tmp_path) is first
    css.write_text("p { color: #111 }", encoding="utf-8")
    os.utime(css, ns=(1, os.stat(css).st_mtime_ns + 10**9))

    assert renderer.renderer_for(tmp_path) is not first
    assert [key[0] for key in renderer._renderers] == [tmp_path.resolve()]


def test_renders_from_several_threads_at_once(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()
    results: list[PdfFile] = []
    errors: list[BaseException] = []

    def work(layout: str) -> None:
        try:
            results.append(render(draft, layout))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(layout,))
               for layout in ("full", "handout", "wallet", "full")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    pages = sorted(r.page_count for r in results)
    assert pages[:2] == [1, 1] and pages[2] == pages[3] > 1


def test_the_process_exits_cleanly_after_rendering(tmp_path: Path) -> None:
    """Cached fonts freed in the interpreter's last garbage collection crashed the process on
    exit (SIGSEGV); renderer.py frees them earlier. The app context is left pushed on purpose: that
    is what kept them alive until the end."""
    script = f"""
import json, datetime
from recovery import create_app
from recovery.export.renderer import render_plan_pdf
from recovery.planning.build import build_draft
from recovery.seeds import current_content
app = create_app({{"TESTING": True, "SECRET_KEY": "x",
                   "DATABASE_URL": "sqlite:///{tmp_path / 'x.sqlite3'}"}})
app.app_context().push()
content = current_content()
answers = json.load(open({str(REPO / 'tests' / 'data' / 'low_risk_ketamine.json')!r}))
draft = build_draft(answers, content, today=datetime.date(2026, 11, 20))
for layout in ("full", "handout", "wallet"):
    render_plan_pdf(draft, content, layout=layout, paper="a4",
                    crisis_locale=content.crisis_locale("US"), today=datetime.date(2026, 11, 20))
print("rendered")
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=REPO, timeout=120)

    assert done.stdout.strip() == "rendered", done.stderr
    assert done.returncode == 0, done.stderr
