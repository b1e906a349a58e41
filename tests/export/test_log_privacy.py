"""Rendering a plan puts none of its text in the log, whatever script it is written in.

WeasyPrint warns about every character no font has, quoting it, and quotes CSS and HTML it
can't read; recovery.logs.LibraryTextFilter keeps the wording and drops the values. Checked
with caplog (every record, at DEBUG, from every library) and with the handler the app really
installs (logs.configure_logging, writing to a buffer instead of standard error).
"""

import dataclasses
import io
import logging
import sys
from collections.abc import Callable, Iterator

import pytest

from recovery.logs import LibraryTextFilter, configure_logging
from recovery.planning.draft import Action, Contact, Line, PlanDraft, Trigger
from tests.export.conftest import PdfFile

TEXTS = {  # the first ones are on every layout, even the wallet card
    # Private use: no font has it, so WeasyPrint draws .notdef and warns, quoting it.
    "private use": "Qzxv\U0010fffd\U000f0000 secret mark",
    "Chinese": "我想念我的女儿，想重新开始",
    "Arabic": "أريد أن أكون حرا من أجل أطفالي",
    "Hindi": "मैं अपने परिवार के लिए स्वस्थ रहना चाहता हूँ",
    "Cyrillic": "Хочу снова играть на гитаре",
    "emoji": "Walks with 🐕 and 🎸 on Sunday 🌞",
}


def plan_in_many_scripts(make_draft: Callable[..., PlanDraft]) -> PlanDraft:
    texts = tuple(TEXTS.values())
    return make_draft(
        display_name=TEXTS["Chinese"][:4],
        reasons=tuple(Line(t) for t in texts),
        triggers=tuple(Trigger("own", t, "high", (Action("cope", t),)) for t in texts),
        contacts=tuple(Contact(t[:20], t[:20], "555-0100") for t in texts),
        warning_signs=tuple(Line(t) for t in texts))


def traces_of(text: str) -> set[str]:
    """What would give a text away: itself, each of its non-ASCII characters, and their code
    points as WeasyPrint writes them ("U+10FFFD")."""
    found = {text}
    for char in text:
        if ord(char) > 127:
            found |= {char, f"U+{ord(char):04X}"}
    return found


def leaks(logged: str) -> list[str]:
    return sorted({trace for text in TEXTS.values() for trace in traces_of(text)
                   if trace in logged})


@pytest.fixture
def app_log() -> Iterator[io.StringIO]:
    """Logging set up as in production (what gunicorn and `flask run` get), at DEBUG, with
    the handler writing to a buffer; pytest's own handlers stay, so caplog still sees all."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    buffer = io.StringIO()
    real_stderr = sys.stderr
    sys.stderr = buffer  # the config's stream is ext://sys.stderr
    try:
        configure_logging("DEBUG")
    finally:
        sys.stderr = real_stderr
    for handler in saved_handlers:
        root.addHandler(handler)
    yield buffer
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


@pytest.mark.parametrize("layout", ["full", "handout", "wallet"])
def test_no_plan_text_reaches_the_log_in_any_script(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        caplog: pytest.LogCaptureFixture, app_log: io.StringIO, layout: str) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("recovery.export").warning("rendering a %s", "PDF")

    document = render(plan_in_many_scripts(make_draft), layout, "a4")

    assert TEXTS["Chinese"][:4] in document.text()  # the plan was really printed
    assert "rendering a PDF" in app_log.getvalue()  # and the handler was writing
    from_caplog = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.exc_info or ''}"
        for r in caplog.records)
    assert leaks(from_caplog) == []
    assert leaks(app_log.getvalue()) == []


def test_every_script_prints_as_text(render: Callable[..., PdfFile],
                                     make_draft: Callable[..., PlanDraft]) -> None:
    """With Debian's Noto fonts (scripts/debian-packages) every script has a font: the text
    comes back out of the PDF, not as empty boxes."""
    document = render(plan_in_many_scripts(make_draft), "full", "a4")

    text = document.text()
    for name, sample in TEXTS.items():
        if name == "Hindi":
            # pdftotext reads a vowel sign drawn before its consonant (ि) out of order; the
            # words without one come back as typed.
            assert "मैं अपने" in text and "स्वस्थ" in text and "चाहता हूँ" in text
        elif name != "private use":
            assert " ".join(sample.split()) in text, name
    fonts = document._run("pdffonts", str(document.path))
    assert "Noto-Sans-CJK" in fonts and "Noto-Sans-Devanagari" in fonts
    assert "Noto-Color-Emoji" in fonts


def test_the_filter_keeps_the_wording_and_drops_the_values() -> None:
    def filtered(name: str, msg: str, *args: object, exc: bool = False) -> logging.LogRecord:
        exc_info = None
        if exc:
            try:
                raise ValueError("quoting Хочу")
            except ValueError:
                exc_info = sys.exc_info()
        record = logging.LogRecord(name, logging.WARNING, __file__, 1, msg, args, exc_info)
        assert LibraryTextFilter().filter(record)
        return record

    record = filtered("weasyprint", "Ignored `%s: %s` at %d:%d, %s.", "content", "Хочу", 3, 4,
                      "unknown")
    assert record.getMessage() == (
        "Ignored `[hidden]: [hidden]` at [hidden]:[hidden], [hidden].")
    record = filtered("weasyprint", "Failed to load image at %r: %s", "x", "Хочу", exc=True)
    assert record.getMessage() == "Failed to load image at [hidden]: [hidden] (ValueError)"
    assert record.exc_info is None and record.exc_text is None
    assert filtered("weasyprint", "100%% sure").getMessage() == "100% sure"

    notdef = logging.LogRecord("weasyprint", logging.WARNING, __file__, 1,
                               '.notdef glyph rendered for Unicode string unsupported by '
                               'fonts: "%s" (U+%04X)', ("我", 0x6211), None)
    progress = logging.LogRecord("weasyprint.progress", logging.INFO, __file__, 1,
                                 "Step 5 - Creating layout - Page %d", (3,), None)
    assert not LibraryTextFilter().filter(notdef)
    assert not LibraryTextFilter().filter(progress)


def test_the_filter_is_on_both_weasyprint_loggers(app: object) -> None:
    from recovery.export import renderer  # noqa: F401  installs it

    for name in ("weasyprint", "weasyprint.progress"):
        filters = logging.getLogger(name).filters
        assert sum(isinstance(f, LibraryTextFilter) for f in filters) == 1, name


def test_the_check_notices_a_leak(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: without the filter, the private-use character is logged, quoted."""
    for name in ("weasyprint", "weasyprint.progress"):
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "filters", [
            f for f in logger.filters if not isinstance(f, LibraryTextFilter)])
    caplog.set_level(logging.DEBUG)

    render(dataclasses.replace(make_draft(), reasons=(Line(TEXTS["private use"]),)), "full")

    assert "U+10FFFD" in leaks("\n".join(r.getMessage() for r in caplog.records))
