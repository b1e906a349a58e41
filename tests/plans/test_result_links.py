"""A saved result and the plan made from it lead to each other (ResultPlanLink), without either
token in the clear in the database; and each page shows its link as a QR code drawn inline."""

import re
import xml.etree.ElementTree as ElementTree

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from recovery import db, tokens
from recovery.qr import qr_svg
from tests.plans.helpers import LOW_RISK, RISKY, markup, set_answers, words


def saved_result(client: FlaskClient) -> str:
    set_answers(client, RISKY)
    return client.post("/screening/save").headers["Location"].rsplit("/", 1)[1]


def plan_from(client: FlaskClient, result_token: str) -> str:
    response = client.post(f"/r/{result_token}/plan")
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


def test_a_plan_from_a_saved_result_and_the_result_lead_to_each_other(
        client: FlaskClient) -> None:
    result_token = saved_result(client)
    plan_token = plan_from(client, result_token)

    plan_page = markup(client.get(f"/plans/{plan_token}"))
    assert f'href="/r/{result_token}">Open the result' in plan_page
    result_page = client.get(f"/r/{result_token}")
    assert f'class="button" href="/plans/{plan_token}">Open my plan' in markup(result_page)
    assert f'href="/plans/{plan_token}">Open the plan you made' in markup(result_page)
    assert "Make a new plan from this result" in words(result_page)


def test_the_newest_plan_is_the_one_linked(client: FlaskClient) -> None:
    result_token = saved_result(client)
    plan_from(client, result_token)
    newer = plan_from(client, result_token)

    assert f'href="/plans/{newer}">Open my plan' in markup(client.get(f"/r/{result_token}"))


def test_plans_not_made_from_a_saved_result_have_no_link(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK)
    plan_token = client.post("/plans/new").headers["Location"].rsplit("/", 1)[1]

    assert "Open the result" not in words(client.get(f"/plans/{plan_token}"))


def test_deleting_either_side_removes_the_link(app: Flask, client: FlaskClient) -> None:
    result_token = saved_result(client)
    plan_token = plan_from(client, result_token)
    client.post(f"/plans/{plan_token}/delete")
    result_page = client.get(f"/r/{result_token}")
    assert "Open my plan" not in words(result_page)
    assert "Make my relapse-prevention plan" in words(result_page)

    second = plan_from(client, result_token)
    client.post(f"/r/{result_token}/delete")
    assert "Open the result" not in words(client.get(f"/plans/{second}"))
    with db.get_engine(app).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM result_plan_link")).scalar() == 0


def test_neither_token_is_stored_in_the_clear(app: Flask, client: FlaskClient) -> None:
    result_token = saved_result(client)
    plan_token = plan_from(client, result_token)

    with db.get_engine(app).connect() as connection:
        row = connection.execute(text(
            "SELECT plan_link, result_link FROM result_plan_link")).one()
    stored = " ".join(row)
    for token in (result_token, plan_token):
        assert token not in stored and tokens.hash_token(token) not in stored
    # Each opens only with the other side's token.
    assert tokens.open_with(result_token, row.plan_link) == plan_token
    assert tokens.open_with(plan_token, row.result_link) == result_token
    assert tokens.open_with(plan_token, row.plan_link) is None
    assert tokens.open_with(tokens.new_token(), row.result_link) is None


def test_the_link_pages_explain_where_to_keep_it_and_draw_a_qr_code(
        client: FlaskClient) -> None:
    result_token = saved_result(client)
    plan_token = plan_from(client, result_token)

    for url, what in ((f"/r/{result_token}", "result"), (f"/plans/{plan_token}", "plan")):
        page = client.get(url)
        assert "Keep the link where only you can open it" in words(page)
        assert "password manager" in words(page)
        assert f"Open this {what} on another device, without typing" in words(page)
        svg = re.search(r"<svg[^>]*class=\"qr-code\".*?</svg>", markup(page), re.S)
        assert svg is not None
        assert f'aria-label="QR code of the link to this {what}"' in svg.group(0)
        assert "http" not in svg.group(0).split(">", 1)[1]  # drawn, not fetched from anywhere


def test_qr_svg_is_well_formed_and_named() -> None:
    svg = qr_svg("https://example.org/r/" + "A" * 43, 'QR code of "this" <link>')
    tree = ElementTree.fromstring(svg)
    assert tree.tag == "svg"
    assert tree.get("role") == "img"
    assert tree.get("aria-label") == 'QR code of "this" <link>'
    assert tree.get("viewBox") is not None and tree.get("width") is None  # sized by CSS
    assert tree.find("{*}path") is not None or tree.find(".//path") is not None
