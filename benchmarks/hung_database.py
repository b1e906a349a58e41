"""How long a request waits for its 503 when PostgreSQL hangs, with this install's timeouts.

The app talks to PostgreSQL through a relay (tests/test_database_timeouts.Silent) that is frozen
once the app has pooled a connection: connections stay open and no byte passes, as with a
stopped server or a network that drops everything. Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/hung_database.py [postgresql://host:port/db]
    PYTHONPATH=. .venv/bin/python benchmarks/hung_database.py --smoke   # 1 s timeouts, checked

Settings come from the defaults (or RECOVERY_DATABASE_* in the environment). --smoke (which the
test suite runs) sets 1 s connect and statement timeouts and exits 1 unless both requests answer
503 within a few seconds.
"""

import argparse
import sys
import time

from sqlalchemy.engine import make_url

from recovery import create_app
from tests.test_database_timeouts import Silent

SAVED_RESULT = "/r/" + "A" * 43


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("url", nargs="?", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    target = make_url(args.url)
    relay = Silent((target.host or "127.0.0.1", target.port or 5432))
    url = target.set(drivername="postgresql+psycopg", host="127.0.0.1", port=relay.port)
    settings = {"TESTING": True, "SECRET_KEY": "benchmark-only-secret",
                "DATABASE_URL": url.render_as_string(hide_password=False)}
    if args.smoke:
        settings.update(DATABASE_CONNECT_TIMEOUT=1, DATABASE_STATEMENT_TIMEOUT=1)
    app = create_app(settings)
    waits = []
    try:
        print(f"connect {app.config['DATABASE_CONNECT_TIMEOUT']} s, statement "
              f"{app.config['DATABASE_STATEMENT_TIMEOUT']} s")
        print("before the hang: /healthz", app.test_client().get("/healthz").status_code)
        relay.frozen = True
        for label, page in (("pooled connection", "/healthz"), ("new connection", SAVED_RESULT)):
            started = time.monotonic()
            status = app.test_client().get(page).status_code
            waits.append((status, time.monotonic() - started))
            print(f"{label}: {status} after {waits[-1][1]:.1f} s")
    finally:
        relay.close()
    if args.smoke and not all(status == 503 and seconds < 6 for status, seconds in waits):
        print("FAILED: expected a 503 within 6 s for both")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
