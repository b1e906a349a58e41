"""Benchmark: a full-plan PDF request against WeasyPrint rendering the same HTML alone.

Not a test: it measures, it does not judge (it only exits non-zero if asked to with --check).
In one process it creates a plan through the plan store on a throw-away SQLite database, then
alternates, N times each:

  request    GET /plans/<token>/pdf/full?paper=a4 through the Flask test client: routing, the
             database, reading the stored revision, the template, WeasyPrint, headers;
  weasyprint the same HTML string, rendered by WeasyPrint alone with the same prepared
             stylesheets, fetcher and font configuration the app uses.

Alternating keeps slow drift (CPU frequency, other load) from favouring either side. It also
reports, for context, WeasyPrint alone starting afresh for every render, parsing print.css and
looking fonts up again (what each request would cost without the app's renderer cache).
Medians, because a render now and then hits a garbage collection.

Run from the repository root:

    .venv/bin/python benchmarks/pdf_bench.py            # N=40
    .venv/bin/python benchmarks/pdf_bench.py -n 100 --check
"""

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import Flask
from sqlmodel import Session
from weasyprint import CSS, HTML

from recovery import create_app, db
from recovery.export import pdf
from recovery.planning.build import build_draft
from recovery.planning.draft import Action, Contact, Line, Meeting, PlanDraft, Trigger
from recovery.plans.store import create_plan, get_plan, latest_draft
from recovery.seeds import current_content

REPO = Path(__file__).resolve().parents[1]
ANSWERS = REPO / "tests" / "data" / "low_risk_ketamine.json"
TARGET_RATIO = 1.25
TARGET_REQUEST_SECONDS = 0.4
PAPER = "a4"


def typical_draft(app: Flask) -> PlanDraft:
    """The shared low-risk answers, with the entries a person typically adds."""
    answers = json.loads(ANSWERS.read_text(encoding="utf-8"))
    answers.update(w_alone_secret="yes", c_craving="yes")
    with app.app_context():
        built = build_draft(answers, current_content(), today=date.today())
    return dataclasses.replace(
        built,
        display_name="Alex",
        reasons=(Line("Being there for my daughter"), Line("Feeling in control again"),
                 Line("Saving for a trip")),
        triggers=built.triggers + (Trigger("own", "Friday nights at the Crown pub", "medium",
                                           (Action("leave", "Go home by ten"),)),),
        contacts=(Contact("Sam", "sponsor", "555-0100"), Contact("Jo", "sister", "07700 900123"),
                  Contact("Dr Lee", "GP", "+1 (212) 555-0199")),
        meetings=(Meeting("smart", "Tuesday group", "Tuesday", "19:00", "Community centre"),),
    )


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=40, help="renders of each kind (default 40)")
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 if the ratio is over {TARGET_RATIO} or the request median "
                             f"over {TARGET_REQUEST_SECONDS} s")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url})
        engine = db.get_engine(app)
        db.upgrade_engine(engine)
        with Session(engine) as session:
            token = create_plan(session, draft=typical_draft(app))
            session.commit()
        client = app.test_client()
        path = f"/plans/{token}/pdf/full?paper={PAPER}"

        def request() -> bytes:
            response = client.get(path)
            assert response.status_code == 200, response.status_code
            return response.data

        with app.test_request_context():
            content = current_content()
            with Session(engine) as session:
                plan = get_plan(session, token=token)
                assert plan is not None
                draft = latest_draft(session, plan=plan)
            html = pdf.full_plan_html(
                draft, paper=PAPER, crisis_locale=content.crisis_locale(draft.crisis_locale),
                content_version=content.version, today=date.today())
            renderer = pdf.current_renderer()

        def weasyprint_alone() -> bytes:
            document = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=renderer.fetcher)
            data: bytes = document.write_pdf(stylesheets=renderer.stylesheets[PAPER],
                                             font_config=renderer.font_config)
            return data

        def weasyprint_parsing_css_each_time() -> bytes:
            fetcher = pdf.StaticFileFetcher(renderer.fetcher.static_dir)
            sheets = [CSS(url=pdf.BASE_URL + "static/" + pdf.STYLESHEET, url_fetcher=fetcher),
                      CSS(string="@page { size: A4 }")]
            data: bytes = HTML(string=html, base_url=pdf.BASE_URL,
                               url_fetcher=fetcher).write_pdf(stylesheets=sheets)
            return data

        # Same document both ways: same page count, near-identical size.
        assert abs(len(request()) - len(weasyprint_alone())) < 2048
        for _ in range(3):  # warm up: imports, fontconfig, template compilation
            request()
            weasyprint_alone()
            weasyprint_parsing_css_each_time()

        requests, alone, fresh = [], [], []
        for _ in range(args.n):
            requests.append(timed(request))
            alone.append(timed(weasyprint_alone))
            fresh.append(timed(weasyprint_parsing_css_each_time))
        engine.dispose()

    request_median = statistics.median(requests)
    alone_median = statistics.median(alone)
    ratio = request_median / alone_median
    print(f"N = {args.n} full-plan PDFs of each kind ({PAPER}), medians:")
    print(f"  request (Flask test client, SQLite) {request_median:.3f} s")
    print(f"  WeasyPrint alone, same HTML         {alone_median:.3f} s")
    print(f"  ratio request / WeasyPrint          {ratio:.2f}  "
          f"(target <= {TARGET_RATIO}; request target < {TARGET_REQUEST_SECONDS} s)")
    print(f"  for context, WeasyPrint alone starting afresh each time "
          f"(print.css parsed, fonts looked up again) {statistics.median(fresh):.3f} s")
    print("Rerun: .venv/bin/python benchmarks/pdf_bench.py [-n N] [--check]")
    if args.check and (ratio > TARGET_RATIO or request_median >= TARGET_REQUEST_SECONDS):
        print("over target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
