"""<plan>/print/<handout|wallet>: the preview before a share-safe printout downloads, on both
mounts of the plan pages. What the person leaves out is remembered for the plan."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from recovery.export.printout import item_key
from recovery.models import RelapsePlan
from recovery.planning.draft import Contact, Line, PlanDraft
from recovery.plans.store import create_plan, get_plan
from tests.export.conftest import PdfFile
from tests.plans.helpers import open_form

SECRET = "Meeting Tom behind the station"


@pytest.fixture
def saved_plan(db_session: Session, make_draft: Callable[..., PlanDraft]) -> str:
    token = create_plan(db_session, draft=make_draft(
        reasons=(Line("90 days clean from coke, molly and Xanax bars"), Line(SECRET)),
        contacts=(Contact("Sam Rivera", "sponsor", "555-0100"),)))
    db_session.commit()
    return token


def html(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


@pytest.mark.parametrize("layout", ["handout", "wallet"])
def test_the_preview_shows_what_will_print_with_the_masked_words_marked(
        client: FlaskClient, saved_plan: str, layout: str) -> None:
    page = client.get(f"/plans/{saved_plan}/print/{layout}?paper=letter")

    markup = html(page)
    assert page.status_code == 200
    assert "90 days clean from <mark>the substance</mark>" in markup or layout == "wallet"
    for name in ("coke", "molly", "Xanax", "ketamine"):
        assert name not in markup
    assert markup.count('type="checkbox"') >= 3
    assert "checked" in markup
    assert ("555-0100" in markup) == (layout == "wallet")  # the handout prints no numbers


def test_unticked_items_are_remembered_and_left_out_of_the_pdf(
        client: FlaskClient, saved_plan: str, db_session: Session,
        read_pdf: Callable[[bytes], PdfFile]) -> None:
    url = f"/plans/{saved_plan}/print/handout?paper=a4"
    action, data = open_form(client, url)
    secret_key = item_key("reasons", SECRET)
    assert secret_key in data["keep"]
    data["keep"] = [k for k in data["keep"] if k != secret_key]

    saved = client.post(action, data=data | {"action": ["preview"]})

    assert saved.status_code == 303 and saved.headers["Location"] == url
    plan = get_plan(db_session, token=saved_plan)
    assert plan is not None
    db_session.refresh(plan)
    assert plan.print_choices == {"handout": [secret_key]}
    again = html(client.get(url))
    assert f'value="{secret_key}" id="keep-{secret_key}">' in again  # unticked now
    download = client.post(action, data=data | {"action": ["download"]})
    assert download.status_code == 303
    assert download.headers["Location"] == f"/plans/{saved_plan}/pdf/handout?paper=a4"
    text = read_pdf(client.get(download.headers["Location"]).data).text()
    assert SECRET not in text and "90 days clean from the substance" in text
    # The wallet card has its own choices: nothing left out there.
    wallet = html(client.get(f"/plans/{saved_plan}/print/wallet"))
    assert wallet.count('type="checkbox"') == wallet.count(" checked>")


def test_a_forged_key_is_not_stored(client: FlaskClient, saved_plan: str,
                                    db_session: Session) -> None:
    action, data = open_form(client, f"/plans/{saved_plan}/print/wallet")

    client.post(action, data=data | {"keep": [*data["keep"], "x" * 5000]})

    plan = db_session.exec(select(RelapsePlan)).one()
    assert plan.print_choices == {"wallet": []}


def test_the_full_plan_has_no_preview(client: FlaskClient, saved_plan: str) -> None:
    assert client.get(f"/plans/{saved_plan}/print/full").status_code == 404
    assert client.get(f"/plans/{saved_plan}/print/handout?paper=a3").status_code == 400
