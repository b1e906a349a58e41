"""Per-address limits on public submissions and PDFs, with a clear 429 page, counted in Redis
so that every worker process shares them."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import redis
from flask import Flask
from werkzeug.test import TestResponse

from tests.conftest import TEST_REDIS_URL

# A malformed link: the limit is checked (and counted) before the view answers 404, so these
# requests cost no database work and no PDF rendering.
PDF_URL = "/plans/" + "A" * 43 + "/pdf/full"  # well formed, unknown: a 404 from the view


def assert_too_many(response: TestResponse) -> None:
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "a lot of requests in a short time" in page
    assert "was not saved" in page
    assert "Quick exit" in page


def set_answers(client: Any, answers: dict[str, Any]) -> None:
    with client.session_transaction() as session:
        session["answers"] = answers


def test_saves_and_plan_changes_share_one_budget(make_app: Callable[..., Flask],
                                                 low_risk_answers: dict[str, Any]) -> None:
    client = make_app(PUBLIC_SUBMISSION_RATE_LIMIT="3 per minute").test_client()
    set_answers(client, low_risk_answers)

    assert client.post("/screening/save").status_code == 302
    plan_url = client.post("/plans/new").headers["Location"]
    assert client.post("/screening/save").status_code == 302

    assert_too_many(client.post("/screening/save"))
    assert_too_many(client.post("/plans/new"))
    assert_too_many(client.post(f"{plan_url}/delete"))
    # Reading is not limited, and nothing was lost: the plan is still there.
    for _ in range(5):
        assert client.get(plan_url).status_code == 200
        assert client.get("/screening/result").status_code == 200


def test_each_address_has_its_own_budget(make_app: Callable[..., Flask],
                                         low_risk_answers: dict[str, Any]) -> None:
    app = make_app(PUBLIC_SUBMISSION_RATE_LIMIT="1 per minute")
    first = app.test_client()
    second = app.test_client()
    second.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    for client in (first, second):
        set_answers(client, low_risk_answers)

    assert first.post("/screening/save").status_code == 302
    assert second.post("/screening/save").status_code == 302
    assert_too_many(first.post("/screening/save"))


def test_pdf_downloads_are_limited(make_app: Callable[..., Flask]) -> None:
    client = make_app(PDF_RATE_LIMIT="2 per minute").test_client()

    assert [client.get(PDF_URL).status_code for _ in range(2)] == [404, 404]
    response = client.get(PDF_URL)

    assert response.status_code == 429
    assert "a lot of requests in a short time" in response.get_data(as_text=True)


def test_limits_can_be_switched_off(make_app: Callable[..., Flask]) -> None:
    client = make_app(PDF_RATE_LIMIT="1 per minute", RATELIMIT_ENABLED=False).test_client()
    assert {client.get(PDF_URL).status_code for _ in range(3)} == {404}


# --- Shared between processes through Redis --------------------------------------------------




def requests_from_another_process(database_url: str, settings: dict[str, Any], count: int,
                                  ) -> list[int]:
    """Statuses of `count` GETs of PDF_URL made by a separate Python process (as another
    gunicorn worker would be), with settings passed as RECOVERY_* variables."""
    script = (
        "import sys\n"
        "from recovery import create_app\n"
        "client = create_app({'TESTING': True}).test_client()\n"
        f"print([client.get({PDF_URL!r}).status_code for _ in range({count})])\n"
    )
    env = {**os.environ, "RECOVERY_DATABASE_URL": database_url,
           **{f"RECOVERY_{k}": v if isinstance(v, str) else json.dumps(v)
              for k, v in settings.items()}}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    statuses: list[int] = json.loads(done.stdout.strip().splitlines()[-1])
    return statuses


def test_processes_sharing_redis_share_the_count(database_url: str, redis_prefix: str,
                                                 make_app: Callable[..., Flask]) -> None:
    settings = {"RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
                "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": redis_prefix},
                "PDF_RATE_LIMIT": "3 per minute"}

    assert requests_from_another_process(database_url, settings, 3) == [404, 404, 404]

    client = make_app(**settings).test_client()
    assert client.get(PDF_URL).status_code == 429
    keys = redis.Redis.from_url(TEST_REDIS_URL).keys(f"{redis_prefix}*")
    assert keys, "the count is not in Redis"


# --- Headers ----------------------------------------------------------------------------------

RATE_LIMIT_HEADERS = ("Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
                      "X-RateLimit-Reset")


def test_only_the_429_says_when_to_come_back(make_app: Callable[..., Flask],
                                             low_risk_answers: dict[str, Any]) -> None:
    app = make_app(PDF_RATE_LIMIT="2 per minute", COUNSELOR_LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    set_answers(client, low_risk_answers)
    # Answers of limited routes that were not limited: a 404, a 422, a redirect.
    answers = [client.get(PDF_URL),
               client.post("/counselor/login", data={"email": "n@example.org", "password": "x"}),
               client.post("/screening/save")]
    assert [r.status_code for r in answers] == [404, 422, 302]
    for response in answers:
        assert not set(RATE_LIMIT_HEADERS) & set(response.headers.keys()), response.headers

    client.get(PDF_URL)
    client.post("/counselor/login", data={"email": "n@example.org", "password": "x"})
    for limited in (client.get(PDF_URL),
                    client.post("/counselor/login", data={"email": "n@example.org"})):
        assert limited.status_code == 429
        assert 0 < int(limited.headers["Retry-After"]) <= 60
        assert not {h for h in RATE_LIMIT_HEADERS if h.startswith("X-")} & set(limited.headers)


def test_the_database_down_page_keeps_its_own_retry_after(
        make_app: Callable[..., Flask]) -> None:
    # Nothing listens on port 1: the sign-in (a limited route) can't reach its database.
    app = make_app(DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/none")
    response = app.test_client().post(
        "/counselor/login", data={"email": "n@example.org", "password": "wrong wrong wrong"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "X-RateLimit-Limit" not in response.headers
