"""How long a request waits for its 503 when PostgreSQL hangs, with this install's timeouts.

The app talks to PostgreSQL through a relay (tests/test_database_timeouts.Silent) that is frozen
once the app has pooled a connection: connections stay open and no byte passes, as with a
stopped server or a network that drops everything. Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/hung_database.py [postgresql://host:port/db]

Settings come from the defaults (or RECOVERY_DATABASE_* in the environment).
"""

import sys
import time

from sqlalchemy.engine import make_url

from recovery import create_app
from tests.test_database_timeouts import Silent

SAVED_RESULT = "/r/" + "A" * 43


def main(argv: list[str]) -> int:
    target = make_url(argv[0] if argv else "postgresql://postgres@127.0.0.1:5432/test")
    relay = Silent((target.host or "127.0.0.1", target.port or 5432))
    url = target.set(drivername="postgresql+psycopg", host="127.0.0.1", port=relay.port)
    app = create_app({"TESTING": True, "SECRET_KEY": "benchmark-only-secret",
                      "DATABASE_URL": url.render_as_string(hide_password=False)})
    try:
        print(f"connect {app.config['DATABASE_CONNECT_TIMEOUT']} s, statement "
              f"{app.config['DATABASE_STATEMENT_TIMEOUT']} s")
        print("before the hang: /healthz", app.test_client().get("/healthz").status_code)
        relay.frozen = True
        for label, page in (("pooled connection", "/healthz"), ("new connection", SAVED_RESULT)):
            started = time.monotonic()
            status = app.test_client().get(page).status_code
            print(f"{label}: {status} after {time.monotonic() - started:.1f} s")
    finally:
        relay.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
