"""The plan as a file (plans/files.py, pages.py, views.py): download, upload, bad files."""

import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recovery.planning.draft import Line
from recovery.plans.files import plan_to_json
from tests.plans.helpers import (
    RISKY,
    counts,
    latest,
    latest_draft_for,
    make_plan,
    markup,
    nearly_full_plan,
    post_forms,
    revision_numbers,
    upload,
    words,
)

# --- The plan as a file ----------------------------------------------------------------------


def test_download_is_the_plan_as_an_attachment(client: FlaskClient, app: Flask,
                                               plan: str) -> None:
    response = client.get(f"/plans/{plan}/plan.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="recovery-plan-{date.today().isoformat()}.json"')
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.data) == latest(app, plan).to_dict()
    assert response.data.decode("utf-8") == plan_to_json(latest(app, plan))


def test_uploading_into_a_plan_makes_the_file_the_next_version(
        client: FlaskClient, app: Flask, plan: str) -> None:
    file = json.loads(client.get(f"/plans/{plan}/plan.json").data)
    file["display_name"] = "From the file"
    file["reasons"] = [{"text": "Written elsewhere", "because": ""}]

    response = upload(client, f"/plans/{plan}/import", json.dumps(file).encode(),
                      base_revision="1")

    assert response.status_code == 302
    assert revision_numbers(app, plan) == [1, 2]
    assert latest(app, plan).to_dict() == file
    again = upload(client, f"/plans/{plan}/import", json.dumps(file).encode(), base_revision="2")
    assert again.status_code == 302
    assert revision_numbers(app, plan) == [1, 2]  # the same plan again is not a new version


def test_an_uploaded_phone_number_ending_in_a_newline_is_refused(
        client: FlaskClient, app: Flask, plan: str) -> None:
    file = json.loads(client.get(f"/plans/{plan}/plan.json").data)
    file["contacts"] = [{"name": "Sam", "role": "sister", "phone": "555 0100\n"}]

    response = upload(client, f"/plans/{plan}/import", json.dumps(file).encode(),
                      base_revision="1")

    assert response.status_code == 422
    assert "must be a single line" in words(response)
    assert revision_numbers(app, plan) == [1]


def test_the_upload_pages_explain_themselves(client: FlaskClient, plan: str) -> None:
    new = client.get("/plans/import")
    assert new.status_code == 200
    assert "Only people who have the link can see or change it" in words(new)
    into = client.get(f"/plans/{plan}/import")
    assert "becomes the newest version of this plan" in words(into)
    form = post_forms(into)[0]
    assert form.enctype == "multipart/form-data"
    assert form.values()["base_revision"] == ["1"]


def valid_file(client: FlaskClient) -> dict[str, Any]:
    token = make_plan(client, RISKY)
    result: dict[str, Any] = json.loads(client.get(f"/plans/{token}/plan.json").data)
    return result


def with_changes(file: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**file, **changes}).encode()


BAD_FILES: list[tuple[str, Callable[[dict[str, Any]], bytes], str]] = [
    ("empty", lambda f: b"", "This file is empty"),
    ("not-utf8", lambda f: json.dumps(f).encode("utf-16"), "isn't UTF-8"),
    ("latin1", lambda f: json.dumps({**f, "display_name": "Zoë"}, ensure_ascii=False).encode()
     .replace("Zoë".encode(), "Zoë".encode("latin-1")), "isn't UTF-8"),
    ("not-json", lambda f: b"<html>hello</html>", "isn't valid JSON"),
    ("truncated", lambda f: json.dumps(f).encode()[:-20], "isn't valid JSON"),
    ("deep-nesting", lambda f: b"[" * 100_000 + b"]" * 100_000, "nested far too deeply"),
    ("deep-inside", lambda f: json.dumps({**f, "reasons": "X"}).encode().replace(
        b'"X"', b"[" * 50_000 + b"]" * 50_000), "nested far too deeply"),
    ("huge-integer", lambda f: json.dumps(f).encode().replace(
        b'"delay_minutes": 20', b'"delay_minutes": ' + b"9" * 5000), "isn't valid JSON"),
    ("big-integer", lambda f: with_changes(f, urge_plan={**f["urge_plan"],
                                                         "delay_minutes": 10 ** 300}),
     "between 1 and 240"),
    ("infinity", lambda f: json.dumps(f).encode().replace(
        b'"delay_minutes": 20', b'"delay_minutes": Infinity'), "isn't valid JSON"),
    ("float", lambda f: with_changes(f, urge_plan={**f["urge_plan"], "delay_minutes": 1e308}),
     "whole number"),
    ("nan", lambda f: json.dumps(f).encode().replace(
        b'"delay_minutes": 20', b'"delay_minutes": NaN'), "isn't valid JSON"),
    ("duplicate-key", lambda f: json.dumps(f).encode().replace(
        b'"goal":', b'"goal": "stop", "goal":'), "appears twice"),
    ("control-chars", lambda f: with_changes(f, display_name="Sam\u0000"), "control characters"),
    ("escape-sequence", lambda f: with_changes(f, display_name="\u001b[2J"),
     "control characters"),
    ("lone-surrogate", lambda f: json.dumps(f).encode().replace(
        b'"display_name": ""', b'"display_name": "\\ud800"'), "text"),
    ("unknown-field", lambda f: with_changes(f, is_admin=True), "unknown field 'is_admin'"),
    ("missing-field", lambda f: json.dumps({k: v for k, v in f.items() if k != "goal"}).encode(),
     "missing field 'goal'"),
    ("wrong-type", lambda f: with_changes(f, reasons="my health"), "expected a list"),
    ("wrong-schema", lambda f: with_changes(f, schema="something-else"), "not a plan file"),
    ("wrong-version", lambda f: with_changes(f, schema_version=2), "unsupported version"),
    ("bool-version", lambda f: with_changes(f, schema_version=True), "unsupported version"),
    ("too-long", lambda f: with_changes(f, display_name="x" * 41), "longer than 40"),
    ("too-many", lambda f: with_changes(f, reasons=[{"text": "r", "because": ""}] * 51),
     "at most 50"),
    ("bad-rank", lambda f: with_changes(f, triggers=[{**f["triggers"][0], "rank": "huge"}]),
     "My triggers and what I will do (triggers[0].rank)"),
    ("bad-date", lambda f: with_changes(f, review_date="2026-02-30"), "a date such as"),
    ("a-list", lambda f: b"[]", "expected an object"),
    ("a-string", lambda f: b'"plan"', "expected an object"),
    ("null", lambda f: b"null", "expected an object"),
]


@pytest.mark.parametrize(("make_file", "message"), [(m, msg) for _n, m, msg in BAD_FILES],
                         ids=[n for n, _m, _msg in BAD_FILES])
@pytest.mark.parametrize("into_plan", [False, True], ids=["new-plan", "into-plan"])
def test_a_bad_file_is_refused_with_a_message_and_changes_nothing(
        client: FlaskClient, app: Flask, make_file: Callable[[dict[str, Any]], bytes],
        message: str, into_plan: bool) -> None:
    file = valid_file(client)
    token = make_plan(client)
    before = counts(app)
    url = f"/plans/{token}/import" if into_plan else "/plans/import"

    response = upload(client, url, make_file(file), **({"base_revision": "1"} if into_plan
                                                       else {}))

    assert response.status_code == 422, words(response)[:400]
    text = words(response)
    assert message in text
    assert "Nothing was changed." in text
    assert 'id="error-summary"' in markup(response)
    assert counts(app) == before


def multipart(file: bytes, **fields: str) -> tuple[bytes, str]:
    """A multipart body built by hand: the test client spools big bodies to a temporary file
    that it never closes, which pytest (rightly) reports."""
    boundary = "----plan-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             .encode() for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="plan_file"; '
                 f'filename="plan.json"\r\nContent-Type: application/json\r\n\r\n'.encode()
                 + file + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("size", [256 * 1024 + 1, 270 * 1024, 300 * 1024, 2 * 1024 * 1024])
def test_an_oversized_file_is_413(client: FlaskClient, app: Flask, size: int) -> None:
    token = make_plan(client)

    for url, fields in (("/plans/import", {}), (f"/plans/{token}/import",
                                                {"base_revision": "1"})):
        body, content_type = multipart(b" " * size, **fields)
        response = client.post(url, data=body, content_type=content_type)
        assert response.status_code == 413
        assert "256 KB" in words(response) and "Nothing was changed." in words(response)
    assert counts(app) == (1, 1)


def test_a_file_just_under_the_limit_is_read(client: FlaskClient, app: Flask) -> None:
    file = valid_file(client)
    body = plan_to_json_bytes(file)
    padded = body + b" " * (256 * 1024 - len(body))

    response = upload(client, "/plans/import", padded)

    assert response.status_code == 302
    assert counts(app) == (2, 2)


def plan_to_json_bytes(file: dict[str, Any]) -> bytes:
    return json.dumps(file, ensure_ascii=False, indent=2).encode() + b"\n"


def test_a_compact_file_that_would_outgrow_the_limit_is_refused(
        client: FlaskClient, app: Flask) -> None:
    # Fits as uploaded, but not as we write it out again (indented): its download could never
    # be uploaded again, so it is refused now.
    draft = nearly_full_plan(latest_draft_for(client, app))
    draft = replace(draft, reasons=tuple(Line("z" * 500) for _ in range(6)))
    compact = json.dumps(draft.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()
    assert len(compact) <= 256 * 1024 < len(plan_to_json(draft).encode())

    response = upload(client, "/plans/import", compact)

    assert response.status_code == 422
    assert "longer than 256 KB" in words(response)
    assert counts(app) == (1, 1)


@pytest.mark.parametrize("fields", [
    {}, {"plan_file": (io.BytesIO(b""), "")},
    {"plan_file": (io.BytesIO(b"{}"), "plan.json"), "extra": "1"},
    {"plan_file": [(io.BytesIO(b"{}"), "a.json"), (io.BytesIO(b"{}"), "b.json")]},
    {"plan_file": (io.BytesIO(b"{}"), "plan.json"), "other_file": (io.BytesIO(b"{}"), "x")},
])
def test_an_upload_without_exactly_one_file_is_refused(client: FlaskClient, app: Flask,
                                                       fields: dict[str, Any]) -> None:
    response = client.post("/plans/import", data=fields, content_type="multipart/form-data")

    assert response.status_code in (400, 422)
    assert "Nothing was changed" in words(response) or "Please choose your plan file" in words(
        response)
    assert counts(app) == (0, 0)


def test_an_upload_that_is_not_multipart_asks_for_a_file(client: FlaskClient, app: Flask) -> None:
    response = client.post("/plans/import", data={})

    assert response.status_code == 422
    assert "Please choose your plan file" in words(response)
    assert counts(app) == (0, 0)
