"""GET /healthz for load balancers and monitoring: is this worker up, and can it reach the
database? No session cookie, never cached, no rate limit."""

from flask import Blueprint, Response, jsonify

from recovery.db import UNAVAILABLE_ERRORS, get_engine, ping
from recovery.security import skip_session_cookie

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    skip_session_cookie()
    try:
        ping(get_engine())
    except UNAVAILABLE_ERRORS:
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok"), 200
