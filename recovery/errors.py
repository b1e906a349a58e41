"""Friendly error pages: a clear message and the right status, never a traceback.

One way to refuse a request: `abort(status, description="What to tell the person.")`. The
description is shown on the one error page (templates/error.html); a bare `abort(404)` shows
the friendly default for its status from MESSAGES.
"""

import logging

from flask import Flask, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, default_exceptions

from recovery.db import UNAVAILABLE_ERRORS
from recovery.logs import route_pattern
from recovery.security import retry_after

log = logging.getLogger(__name__)
# Long enough for a database restart, short enough that nobody gives up.
RETRY_AFTER_SECONDS = 30
DATABASE_DOWN = ("We can't reach our records just now, so this page can't be shown or saved. "
                 "Nothing was half-saved, and answers in progress are still in this browser. "
                 "Please try again in a minute.")

MESSAGES = {
    400: "Something in that request didn't make sense to us. Please go back and try again.",
    403: "This page is only for admins. If you need it, please ask an admin of this service.",
    404: "We couldn't find that page. If you followed a saved link, the result may have been "
         "deleted.",
    405: "That page can't be used that way. Please use the buttons on the page.",
    409: "Please answer all the questions before saving. Nothing has been saved.",
    413: "That was more data than we accept. Please try again with less.",
    429: "That was a lot of requests in a short time, so we are pausing for a moment. What you "
         "sent just now was not saved. Please wait a minute, then try again.",
}


# The page's title, so a tab or a screen reader says what happened, not just a number.
TITLES = {
    400: "That didn't work",
    403: "Only for admins",
    404: "Page not found",
    405: "That didn't work",
    409: "Not saved yet",
    422: "Please check and try again",
    413: "Too much data",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Our records are unavailable",
}


def render_error(status: int, message: str) -> tuple[str, int]:
    title = f"{TITLES.get(status, 'Something went wrong')} ({status})"
    return render_template("error.html", status=status, title=title, message=message), status


def handle_csrf(error: CSRFError) -> tuple[str, int]:
    return render_error(400, "This form has expired or was sent from somewhere else. "
                             "Please go back, reload the page and try again.")


def message_for(error: HTTPException) -> str:
    """The description a view gave to `abort`, else our default for the status (Werkzeug's
    own descriptions are written for developers, not for the person reading the page)."""
    werkzeug_default = default_exceptions.get(error.code or 500, type(error)).description
    # A rate limit without words of its own describes itself by the limit ("60 per 1 minute").
    unworded_limit = isinstance(error, RateLimitExceeded) and not error.limit.error_message
    if error.description and error.description != werkzeug_default and not unworded_limit:
        return error.description
    return MESSAGES.get(error.code or 500, "Something went wrong.")


# The error page with its headers, or a redirect's exception passed through.
HandledHTTP = tuple[str, int, list[tuple[str, str]]] | HTTPException


def handle_http(error: HTTPException) -> HandledHTTP:
    status = error.code or 500
    if status < 400:
        return error  # redirects and the like pass through untouched
    body, status = render_error(status, message_for(error))
    # Keep headers such as Allow on a 405; our page sets its own content type.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if status == 429:
        headers.extend(retry_after().items())
    return body, status, headers


def handle_unexpected(error: Exception) -> tuple[str, int]:
    # Logged by Flask with the traceback; the person sees a plain page without details.
    return render_error(500, "Something went wrong on our side. Your answers have not been saved. "
                             "Please try again in a moment.")


def handle_database_down(error: Exception) -> tuple[str, int, dict[str, str]]:
    # The error's type only: its text may quote the server's address or the failed statement.
    log.error("database unavailable during %s %s: %s", request.method, route_pattern(),
              type(error).__name__)
    body, status = render_error(503, DATABASE_DOWN)
    return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_app(app: Flask) -> None:
    for error_class in UNAVAILABLE_ERRORS:
        app.register_error_handler(error_class, handle_database_down)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(InternalServerError, handle_unexpected)
