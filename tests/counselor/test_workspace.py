"""The workspace's parent blueprint: its guard and context processor, declared once, cover every
nested child (Flask runs a parent's hooks for its children since 2.0.1)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, render_template_string
from flask.testing import FlaskClient

from recovery import localtime
from recovery.counselor.workspace import parent_blueprint
from tests.counselor.conftest import Account, Clock, signed_in_client


def probe_child() -> Blueprint:
    child = Blueprint("probe", __name__, url_prefix="/child")

    @child.get("/page")
    def page() -> str:
        return render_template_string("signed in as {{ counselor_user().email }}")

    return child


def test_a_nested_child_is_behind_the_parents_guard(app: Flask, counselor: Account) -> None:
    app.register_blueprint(parent_blueprint([(probe_child(), {})], name="probe_workspace",
                                            url_prefix="/probe"))

    visitor = app.test_client().get("/probe/child/page")
    assert visitor.status_code == 302
    assert visitor.headers["Location"] == "/counselor/login?next=/probe/child/page"

    signed_in = signed_in_client(app, counselor).get("/probe/child/page")
    assert signed_in.status_code == 200
    assert signed_in.get_data(as_text=True) == "signed in as casey@example.org"


# --- Local time (issue 16 item 8) ------------------------------------------------------------


def test_pages_show_the_install_s_time_with_the_zone_named(app: Flask, casey: FlaskClient,
                                                           clock: Clock) -> None:
    """Stored in UTC (09:00 on 4 March 2030), shown in New York time (04:00 EST)."""
    app.config["TIME_ZONE"] = "America/New_York"
    body = casey.get("/counselor/").get_data(as_text=True)
    assert "2030-03-04 04:00 EST" in body and "UTC" not in body
    app.config["TIME_ZONE"] = "Asia/Kolkata"
    assert "2030-03-04 14:30 IST" in casey.get("/counselor/").get_data(as_text=True)


def test_the_local_time_filter_takes_naive_times_as_utc(app: Flask) -> None:
    app.config["TIME_ZONE"] = "Europe/London"
    with app.app_context():
        assert localtime.local_time(datetime(2030, 7, 1, 12, 0)) == "1 July 2030, 13:00 BST"
        assert localtime.local_time(None) == ""
        assert localtime.today() == datetime.now(ZoneInfo("Europe/London")).date()
        assert localtime.start_of_day(date(2030, 7, 1)) == datetime(2030, 6, 30, 23, 0,
                                                                    tzinfo=UTC)
