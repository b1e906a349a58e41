"""Fixtures for the PDF tests: plans built from the shared answer set, a renderer, and a reader
that looks at each PDF the way a person would: its text (pdftotext), page sizes (pdfinfo),
word positions (pdftotext -bbox) and pixels (pdftoppm), all from poppler-utils."""

import copy
import dataclasses
import html
import json
import re
import subprocess
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from recovery.content.model import Content
from recovery.export import fetcher, renderer
from recovery.planning.build import build_draft
from recovery.planning.draft import Action, Contact, Line, Meeting, PlanDraft, Trigger
from recovery.seeds import current_content

TESTS_DIR = Path(__file__).parents[1]
LOW_RISK_KETAMINE: dict[str, Any] = json.loads(
    (TESTS_DIR / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))
TODAY = date(2026, 11, 20)
PT_PER_MM = 72 / 25.4


@dataclasses.dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str
    x0: float  # points from the top-left corner of the page
    y0: float
    x1: float
    y1: float


@dataclasses.dataclass(frozen=True)
class PdfFile:
    """A rendered PDF on disk, read back with poppler's tools."""

    path: Path

    def _run(self, *args: str) -> str:
        done = subprocess.run(args, capture_output=True, text=True, check=True, timeout=60)
        return done.stdout

    @property
    def page_sizes(self) -> list[tuple[float, float]]:
        out = self._run("pdfinfo", "-f", "1", "-l", "1000", str(self.path))
        return [(float(w), float(h)) for w, h in
                re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)]

    @property
    def page_count(self) -> int:
        return len(self.page_sizes)

    @property
    def info(self) -> dict[str, str]:
        out = self._run("pdfinfo", str(self.path))
        return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)

    def text(self, page: int | None = None) -> str:
        """The text with all whitespace collapsed to single spaces (lines wrap anywhere)."""
        pages = ["-f", str(page), "-l", str(page)] if page else []
        return " ".join(self._run("pdftotext", *pages, str(self.path), "-").split())

    def page_texts(self) -> list[str]:
        return [self.text(n) for n in range(1, self.page_count + 1)]

    def words(self) -> list[Word]:
        out = self._run("pdftotext", "-bbox", str(self.path), "-")
        words: list[Word] = []
        for number, page in enumerate(re.split(r"<page ", out)[1:], start=1):
            for x0, y0, x1, y1, text in re.findall(
                    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" '
                    r'yMax="([\d.-]+)">(.*?)</word>', page):
                words.append(Word(number, html.unescape(text), float(x0), float(y0),
                                  float(x1), float(y1)))
        return words

    def attachments(self) -> str:
        return self._run("pdfdetach", "-list", str(self.path))

    def png(self, page: int, dpi: int = 60) -> Path:
        """Page `page` as a PNG next to the PDF (kept, to look at when a test fails)."""
        stem = self.path.with_suffix("")
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-singlefile", str(self.path), f"{stem}-p{page}"],
                       check=True, timeout=60)
        return Path(f"{stem}-p{page}.png")

    def image(self, page: int, dpi: int = 60) -> Image.Image:
        with Image.open(self.png(page, dpi)) as img:
            return img.convert("L")


@pytest.fixture(autouse=True)
def fresh_renderer() -> Iterator[None]:
    """Every test starts without a cached renderer, so it sees print.css being fetched."""
    renderer._renderers.clear()
    yield
    renderer._renderers.clear()


@pytest.fixture
def content(app: Flask) -> Content:
    with app.app_context():
        return current_content()


@pytest.fixture
def answers_for() -> Callable[..., dict[str, Any]]:
    """The shared low-risk ketamine answers with `changes`; for another substance, the extra
    questions it brings are answered too."""

    def make(substance: str = "ketamine", **changes: Any) -> dict[str, Any]:
        answers: dict[str, Any] = copy.deepcopy(LOW_RISK_KETAMINE)
        answers["substance"] = substance
        if substance == "alcohol":
            answers.pop("prescribed")  # not asked about alcohol
        if substance in ("alcohol", "opioids", "benzodiazepines"):
            answers["depressant_daily"] = "no"
        answers.update(changes)
        return answers

    return make


@pytest.fixture
def make_draft(content: Content, answers_for: Callable[..., dict[str, Any]]
               ) -> Callable[..., PlanDraft]:
    """A draft built by the real planner, then filled in like a person would, then `fields`."""

    def make(substance: str = "ketamine", answers: dict[str, Any] | None = None,
             **fields: Any) -> PlanDraft:
        built = build_draft(answers or answers_for(substance, w_alone_secret="yes",
                                                   c_craving="yes"),
                            content, today=TODAY)
        person: dict[str, Any] = {
            "display_name": "Alex Smith",
            "reasons": (Line("Being there for my daughter"), Line("Feeling in control again")),
            "triggers": built.triggers + (Trigger(
                "own", "Friday nights at the Crown pub", "medium",
                (Action("leave", "Go home by ten, with my bus fare ready"),
                 Action("call", "Ring Sam on the way"))),),
            "contacts": (Contact("Sam Rivera", "sponsor", "555-0100"),
                         Contact("Jo", "sister", "07700 900123"),
                         Contact("Dr Lee", "GP", "+1 (212) 555-0199"),
                         Contact("Chris", "friend", "020 7946 0000")),
            "meetings": (Meeting("smart", "Tuesday SMART group", "Tuesday", "19:00",
                                 "Community centre, 4 Mill Lane"),),
        }
        person.update(fields)
        return dataclasses.replace(built, **person)

    return make


@pytest.fixture
def render(app: Flask, tmp_path: Path) -> Callable[..., PdfFile]:
    """Render a draft through `render_plan_pdf`, save it, and return a reader for it."""
    count = iter(range(1_000_000))

    def render_to_file(draft: PlanDraft, layout: str = "full", paper: str = "a4") -> PdfFile:
        with app.app_context():
            content = current_content()
            data = renderer.render_plan_pdf(
                draft, content, layout=layout, paper=paper,
                crisis_locale=content.crisis_locale(draft.crisis_locale), today=TODAY)
        path = tmp_path / f"{layout}-{paper}-{next(count)}.pdf"
        path.write_bytes(data)
        return PdfFile(path)

    return render_to_file


@pytest.fixture
def read_pdf(tmp_path: Path) -> Callable[[bytes], PdfFile]:
    count = iter(range(1_000_000))

    def read(data: bytes) -> PdfFile:
        path = tmp_path / f"response-{next(count)}.pdf"
        path.write_bytes(data)
        return PdfFile(path)

    return read


@dataclasses.dataclass
class Fetches:
    asked: list[str] = dataclasses.field(default_factory=list)
    refused: list[str] = dataclasses.field(default_factory=list)


@pytest.fixture
def fetches(monkeypatch: pytest.MonkeyPatch) -> Fetches:
    """Every URL our fetcher is asked for and every one it refuses, and a trap on WeasyPrint's
    own fetching and on urllib: if either is ever reached, the test fails."""
    seen = Fetches()
    original = fetcher.StaticFileFetcher.fetch

    def recording_fetch(self: fetcher.StaticFileFetcher, url: str, headers: Any = None) -> Any:
        seen.asked.append(url)
        try:
            return original(self, url, headers)
        except fetcher.RefusedURL:
            seen.refused.append(url)
            raise

    def trap(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"a default fetcher was reached: {args!r}")

    monkeypatch.setattr(fetcher.StaticFileFetcher, "fetch", recording_fetch)
    monkeypatch.setattr("weasyprint.urls.URLFetcher.fetch", trap)
    monkeypatch.setattr("urllib.request.OpenerDirector.open", trap)
    monkeypatch.setattr("urllib.request.urlopen", trap)
    return seen
