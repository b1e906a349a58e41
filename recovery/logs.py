"""Logs that help run the service and never hold health data.

What is logged: one access line per request with the method, the route *pattern*
(`/r/<token>`, never the URL: private links are the only keys to saved results and plans, and a
query string can hold a client's name), the status and the time taken; warnings and errors with
tracebacks. What is never logged: request bodies, answers, plan text, names, addresses of
visitors, or the values bound into SQL statements (`db.make_engine` hides them).

`RedactingFormatter` is a last line of defence for other libraries' messages: it blanks
anything shaped like a private link, any query string, PostgreSQL's DETAIL lines (which
quote the values of a failing row) and the address in gunicorn's "Invalid request from ip=".
"""

import logging
import logging.config
import re
import time
from types import TracebackType
from typing import Any

from flask import Flask, g, request
from werkzeug.wrappers import Response

from recovery.tokens import TOKEN_PATTERN

ACCESS_LOGGER = "recovery.access"
_STARTED_AT = "recovery_request_started_at"
# Load balancers ask every few seconds; a line each time would bury everything else.
QUIET_ENDPOINTS = frozenset({"health.healthz", "static"})

_TOKEN_RE = re.compile(rf"(?<![A-Za-z0-9_-]){TOKEN_PATTERN}(?![A-Za-z0-9_-])")
# A path followed by a query string, e.g. in werkzeug's "GET /x?q=Sam HTTP/1.1".
_QUERY_RE = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
# PostgreSQL's error details quote values: "Key (email)=(...)", "Failing row contains (...)".
_DETAIL_RE = re.compile(r"^(\s*DETAIL:).*$", re.MULTILINE)
# gunicorn's "Invalid request from ip=203.0.113.9: ...".
_IP_RE = re.compile(r"\bip=[0-9A-Fa-f:.]*[0-9A-Fa-f]")


class RecoveryFlask(Flask):
    """Flask, but an unhandled error is logged with the route pattern instead of the path."""

    def log_exception(
        self,
        exc_info: tuple[type, BaseException, TracebackType]
        | tuple[None, None, None],
    ) -> None:
        self.logger.error("Exception on %s %s", request.method, route_pattern(),
                          exc_info=exc_info)


class RedactingFormatter(logging.Formatter):
    """A formatter that blanks private links and query strings in the finished line."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def redact(text: str) -> str:
    text = _IP_RE.sub("ip=[address]", _DETAIL_RE.sub(r"\1 [hidden]", text))
    return _TOKEN_RE.sub("[link]", _QUERY_RE.sub(r"\1?[query]", text))


# A %-style placeholder in a log message's format string: "%s", "%r", "%04X", "%(name)s".
_PLACEHOLDER_RE = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z%]")
WEASYPRINT_LOGGERS = ("weasyprint", "weasyprint.progress")


class LibraryTextFilter(logging.Filter):
    """For WeasyPrint's loggers: keep the wording of a message, never the values in it.

    WeasyPrint quotes the document it renders. Its .notdef warning names every character the
    fonts lack, one line per character: a plan in a script without a font was spelled out
    letter by letter (10.9 MB of log for one PDF). Its CSS, HTML and URL warnings quote what
    they could not read. So: the .notdef warnings and the progress steps ("Step 5 - Creating
    layout - Page 3", one line per page) are dropped; every other message keeps its format
    string with each value replaced by "[hidden]", and no traceback (an exception's message
    can quote the document too), only the exception's type.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if record.name == "weasyprint.progress" or message.startswith(".notdef glyph"):
            return False
        record.msg = _PLACEHOLDER_RE.sub(
            lambda m: "%" if m.group() == "%%" else "[hidden]", message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.msg += f" ({record.exc_info[0].__name__})"
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def quiet_weasyprint() -> None:
    """Put LibraryTextFilter on WeasyPrint's loggers, once. A logger's filters see only its own
    records, not its children's, hence both loggers."""
    for name in WEASYPRINT_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, LibraryTextFilter) for f in logger.filters):
            logger.addFilter(LibraryTextFilter())


def route_pattern() -> str:
    """The matched route with its placeholders (`/plans/<token:token>`), or `(no route)`."""
    rule = request.url_rule
    return rule.rule if rule is not None else "(no route)"


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A `logging.config.dictConfig` for the app and gunicorn: one stream, redacted."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "redacted": {
                "()": RedactingFormatter,
                "format": "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s",
            },
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "redacted",
                "stream": "ext://sys.stderr",
            },
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # gunicorn's own access line quotes the whole URL: the app logs requests instead.
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
            # Its INFO line for a breached limit names the visitor's address.
            "flask-limiter": {"level": "WARNING"},
        },
    }


def configure_logging(level: str = "INFO") -> None:
    logging.config.dictConfig(logging_config(level))


def start_timer() -> None:
    setattr(g, _STARTED_AT, time.perf_counter())


def log_request(response: Response) -> Response:
    if request.endpoint in QUIET_ENDPOINTS and response.status_code < 400:
        return response
    started = g.get(_STARTED_AT)
    elapsed_ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    logging.getLogger(ACCESS_LOGGER).info(
        "%s %s %d %.1fms", request.method, route_pattern(), response.status_code, elapsed_ms)
    return response


def init_app(app: Flask) -> None:
    """Log each request; outside tests, set up redacted logging unless a server (gunicorn with
    gunicorn.conf.py) has configured it already."""
    if not app.testing and not logging.getLogger().handlers:
        configure_logging(str(app.config["LOG_LEVEL"]))
    app.before_request(start_timer)
    app.after_request(log_request)
