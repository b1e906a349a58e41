"""Pages that belong to the whole site: the privacy notice, the quick exit and the icon."""

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, session
from werkzeug.wrappers import Response

from recovery.counselor import auth
from recovery.db import get_session
from recovery.security import csrf

bp = Blueprint("site", __name__)


@bp.get("/privacy")
def privacy() -> str:
    config = current_app.config
    return render_template(
        "site/privacy.html",
        retention_days=config["RESULT_RETENTION_DAYS"],
        plan_retention_days=config["PLAN_RETENTION_DAYS"],
        session_hours=int(config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 3600),
        idle_minutes=config["COUNSELOR_IDLE_MINUTES"],
        screening_keep_hours=config["COUNSELOR_SCREENING_KEEP_HOURS"],
    )


# A link as well as a form, and no CSRF check: leaving in a hurry must work from any page,
# including one whose form token has expired. The worst a forged exit does is clear a session.
@bp.route("/exit", methods=["GET", "POST"])
@csrf.exempt
def quick_exit() -> Response:
    """Forget everything this browser holds for the site and go somewhere neutral."""
    if session.get(auth.SESSION_KEY):
        # A counselor's sign-in ends on the server too, not only in this browser.
        db = get_session()
        auth.sign_out(db)
        db.commit()
    session.clear()
    response = redirect(current_app.config["QUICK_EXIT_URL"], code=303)
    # Also asks the browser to drop cached pages and any other storage for this site.
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico on their own; without it every visit logged a 404 (and a
    console error). The page head points at the same file under /static/."""
    static_folder = current_app.static_folder
    assert static_folder is not None
    return send_from_directory(static_folder, "favicon.ico", max_age=7 * 24 * 3600)
