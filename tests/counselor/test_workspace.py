"""The workspace's parent blueprint: its guard and context processor, declared once, cover every
nested child (Flask runs a parent's hooks for its children since 2.0.1)."""

from flask import Blueprint, Flask, render_template_string

from recovery.counselor.workspace import parent_blueprint
from tests.counselor.conftest import Account, signed_in_client


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
