"""Configuration: defaults, then instance files, then environment variables, then test overrides.

Precedence, lowest first:

1. `Defaults` below.
2. `instance/secret_key` (written by `./scripts/run` or `flask --app recovery setup`).
3. `instance/config.py` (optional, not under version control).
4. The plain `DATABASE_URL` environment variable (the usual way hosts pick the database).
5. `RECOVERY_*` environment variables, e.g. `RECOVERY_SECRET_KEY`, `RECOVERY_DATABASE_URL`.
6. `test_config` passed to `create_app`.

Run `python -m recovery.config ensure-secret-key [INSTANCE_DIR]` to create a secret key before
the app can start (the app refuses to start without one outside debug and testing).
"""

import os
import secrets
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

from recovery import sealed
from recovery.content.loader import DEFAULT_COUNTRY

ENV_PREFIX = "RECOVERY"
SECRET_KEY_FILENAME = "secret_key"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_PATH = REPO_ROOT / "instance"

# Values that appear in tutorials and .env examples; a deployment using one has forgotten a step.
PLACEHOLDER_SECRET_KEYS = frozenset(
    {
        "dev",
        "development",
        "change-me",
        "changeme",
        "change_me",
        "secret",
        "secret-key",
        "your-secret-key",
        "replace-me",
        "test",
        "testing",
        "insecure",
    }
)
# Anything shorter can be brute-forced offline from one signed session cookie.
MIN_SECRET_KEY_LENGTH = 16


class Defaults:
    """Settings every deployment starts from; only UPPERCASE attributes become config keys."""

    # The screening only posts a few dozen short fields; small limits make floods cheap to refuse.
    MAX_CONTENT_LENGTH = 64 * 1024
    MAX_FORM_MEMORY_SIZE = 16 * 1024  # per non-file form field
    MAX_FORM_PARTS = 200

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Off so plain-HTTP local runs work; turn on behind TLS (RECOVERY_SESSION_COOKIE_SECURE=true).
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=2)

    SEEDS_DIR = REPO_ROOT / "seeds"
    # The default country, one of seeds/crisis.yaml's: its crisis lines show until a person
    # picks another country, and the whole site, its plans and PDFs read in its variety of
    # English (seeds/words.yaml: "GP" or "primary care doctor"). Checked at start-up
    # (recovery/seeds.py).
    CRISIS_LOCALE = DEFAULT_COUNTRY
    # The install's time zone (an IANA name): every time a page or PDF shows is in it, with the
    # zone named (recovery.templating.local_time). Times are stored in UTC whatever this says.
    TIME_ZONE = "America/New_York"

    # Counselor workspace (recovery/counselor/). Sessions end after this long without a request,
    # and in any case this long after signing in (HIPAA's "automatic logoff").
    COUNSELOR_IDLE_MINUTES = 15
    COUNSELOR_SESSION_HOURS = 8
    COUNSELOR_INVITATION_HOURS = 72
    # Per account (OWASP: count failures against the account, not the address).
    COUNSELOR_LOCKOUT_ATTEMPTS = 5
    COUNSELOR_LOCKOUT_MINUTES = 15
    # Per client address, on top of the lockout; Flask-Limiter syntax.
    COUNSELOR_LOGIN_RATE_LIMIT = "10 per minute"
    COUNSELOR_AUDIT_PAGE_SIZE = 50
    # A screening with a client not yet saved is kept on the server this long after its last
    # answer (recovery/counselor/screenings/progress.py), across sign-outs.
    COUNSELOR_SCREENING_KEEP_HOURS = 24
    # A client whose latest screening is older than this is due for a re-screen (the dashboard
    # and the caseload say so).
    COUNSELOR_RESCREEN_DAYS = 90
    # Keyword arguments for argon2.PasswordHasher; None means its defaults (argon2id, t=3,
    # m=64 MiB, p=4: RFC 9106's low-memory profile, above OWASP's t=2, m=19 MiB, p=1 minimum).
    COUNSELOR_ARGON2_PARAMETERS: dict[str, int] | None = None
    # A zero-argument callable returning an aware datetime, for tests; None means the real clock.
    COUNSELOR_NOW = None

    # Encryption at rest of notes and plan text (recovery/sealed.py): the first key encrypts,
    # all of them decrypt. Empty: stored as plain text.
    ENCRYPTION_KEYS: list[str] = []

    # Flask-Limiter. memory:// counts per process; with several worker processes point it at a
    # shared store, e.g. RECOVERY_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379. Set explicitly:
    # Flask-Limiter remembers the first app's value of RATELIMIT_ENABLED for later apps that
    # leave it unset.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "recovery"
    RATELIMIT_ENABLED = True
    # Off: Flask-Limiter would put X-RateLimit-* and Retry-After on every response of a limited
    # route (a 200, a 422, the 503 while the database is down). Only the 429 page says when to
    # come back (security.retry_after).
    RATELIMIT_HEADERS_ENABLED = False
    # If the shared store goes away, count in memory per process rather than refusing everyone.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Per client address. Saving a result, making, editing, importing or deleting a plan share
    # one budget; a clinic's visitors may all share one address, so leave room for a waiting
    # room full of people. PDFs cost about 0.2 s of CPU each (the worst a plan allows, about 1 s).
    PUBLIC_SUBMISSION_RATE_LIMIT = "60 per minute"
    PDF_RATE_LIMIT = "20 per minute"
    # New anonymous plans (made, made from a saved result, or imported) per address: each one is
    # kept for PLAN_RETENTION_DAYS, so this bounds the storage one address can take a day.
    PLAN_CREATION_RATE_LIMIT = "50 per day"

    # Saved anonymous results are deleted this many days after saving (`flask purge-expired`
    # from cron; expired ones are hidden before that).
    RESULT_RETENTION_DAYS = 90
    # Anonymous plans are deleted this many days after their last save (the same command; hidden
    # before that). A client's plan is kept with the client.
    PLAN_RETENTION_DAYS = 365

    # Behind a reverse proxy: how many proxies set each X-Forwarded-* header (Werkzeug's
    # ProxyFix). 0 trusts none, the only safe choice when clients reach the app directly.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PORT = 0
    PROXY_FIX_X_PREFIX = 0
    # Strict-Transport-Security on HTTPS responses; 0 leaves the header out.
    HSTS_SECONDS = 365 * 24 * 3600

    # Where "Quick exit" goes: an everyday site that raises no questions on a shared screen.
    QUICK_EXIT_URL = "https://www.google.com/"

    # Flask-WTF's strict mode refuses an HTTPS post without a same-origin Referer, which browsers
    # may leave out; security.SameOriginCSRFProtect checks Sec-Fetch-Site/Origin/Referer instead.
    WTF_CSRF_SSL_STRICT = False

    # Level of the app's redacted log (recovery/logs.py), which never holds health data.
    LOG_LEVEL = "INFO"

    # PostgreSQL: give up connecting after this many seconds, so a database that is down turns
    # into a quick 503 instead of a request that hangs until the worker is killed.
    DATABASE_CONNECT_TIMEOUT = 5
    # PostgreSQL, seconds (0: none). A request's statement is cancelled after this long, and a
    # connection silent for a second longer is dropped as hung: a 503 well before gunicorn's
    # 30 s timeout. Our slowest request statement takes milliseconds.
    DATABASE_STATEMENT_TIMEOUT = 5
    # A transaction left open this long (a worker stuck between statements) is ended by the
    # server, so it can't hold locks or block VACUUM.
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT = 30
    # Migrations, purge-expired and reseal may rightly take longer; 0 means no limit.
    DATABASE_MAINTENANCE_STATEMENT_TIMEOUT = 0


class ConfigError(RuntimeError):
    """The settings can't be used; the message says what to change (recovery.startup shows it
    without a traceback)."""


def load_config(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Fill `app.config` in precedence order and refuse to run with an unusable secret key."""
    os.makedirs(app.instance_path, exist_ok=True)
    read_instance_settings(app)
    read_environment(app)
    if test_config is not None:
        app.config.from_mapping(test_config)
    check_settings(app)


def read_instance_settings(app: Flask) -> None:
    """The defaults, then instance/secret_key, then instance/config.py."""
    app.config.from_object(Defaults)
    app.config["DATABASE_URL"] = default_database_url(app.instance_path)

    secret = read_secret_key(app.instance_path)
    if secret:
        app.config["SECRET_KEY"] = secret

    app.config.from_pyfile("config.py", silent=True)


def read_environment(app: Flask) -> None:
    """DATABASE_URL, then every RECOVERY_* variable (over the instance's settings)."""
    if os.environ.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]

    app.config.from_prefixed_env(ENV_PREFIX)
    # from_prefixed_env json-decodes values, so an all-digit key would become an int: keep it raw.
    raw_secret = os.environ.get(f"{ENV_PREFIX}_SECRET_KEY")
    if raw_secret is not None:
        app.config["SECRET_KEY"] = raw_secret


def check_settings(app: Flask) -> None:
    """Raise ConfigError, saying what to change, for the first setting that can't be used."""
    check_secret_key(app)
    check_retention_days(app)
    check_time_zone(app)
    problem = sealed.key_problem(app.config.get(sealed.CONFIG_KEY))
    if problem is not None:
        raise ConfigError(f"Refusing to start: {problem}.")


def default_database_url(instance_path: str | os.PathLike[str]) -> str:
    """SQLite file inside the instance folder, so a fresh checkout works with no set-up."""
    return f"sqlite:///{Path(instance_path) / 'recovery.sqlite3'}"


def secret_key_path(instance_path: str | os.PathLike[str]) -> Path:
    return Path(instance_path) / SECRET_KEY_FILENAME


def read_secret_key(instance_path: str | os.PathLike[str]) -> str | None:
    """The stripped contents of instance/secret_key, or None when absent or empty."""
    try:
        secret = secret_key_path(instance_path).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return secret or None


def ensure_secret_key(instance_path: str | os.PathLike[str]) -> bool:
    """Write a random key to instance/secret_key (mode 0600) unless one exists; True if written."""
    path = secret_key_path(instance_path)
    os.makedirs(path.parent, exist_ok=True)
    try:
        # O_EXCL: never overwrite an existing key (that would log every user out), even in a race.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    # The umask cannot widen 0600, but an unusual umask could narrow it: set it explicitly.
    os.chmod(path, 0o600)
    return True


def secret_key_problem(secret: object) -> str | None:
    """Why `secret` is unusable as SECRET_KEY, or None if it is acceptable."""
    if secret is None or secret == "" or secret == b"":
        return "SECRET_KEY is not set"
    if not isinstance(secret, str | bytes):
        return f"SECRET_KEY must be a string, not {type(secret).__name__}"
    text = secret.decode("utf-8", "replace") if isinstance(secret, bytes) else secret
    if text.strip().lower() in PLACEHOLDER_SECRET_KEYS:
        return f"SECRET_KEY is a known placeholder ({text.strip()!r})"
    if len(text.strip()) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    return None


def check_secret_key(app: Flask) -> None:
    """Raise RuntimeError with a fix when the key is unusable, except in debug or testing."""
    if app.testing or app.debug:
        return
    problem = secret_key_problem(app.config.get("SECRET_KEY"))
    if problem is None:
        return
    raise ConfigError(
        f"Refusing to start: {problem}. Sessions and CSRF tokens would be forgeable.\n"
        + secret_key_fixes(app.instance_path)
    )


def secret_key_fixes(instance_path: str) -> str:
    """The ways to give the app a usable secret key, for the message that refuses to start."""
    return (
        "Fix it in one of these ways:\n"
        "  - run ./scripts/run (creates instance/secret_key on first start), or\n"
        "  - run `python -m recovery.config ensure-secret-key` then"
        " `flask --app recovery setup`, or\n"
        f"  - set {ENV_PREFIX}_SECRET_KEY to a long random value, e.g. the output of\n"
        "    python -c 'import secrets; print(secrets.token_hex(32))'\n"
        f"(instance folder: {instance_path})"
    )


def check_retention_days(app: Flask) -> None:
    """Refuse a retention or re-screen interval that is not a whole number of days (or hours),
    at least one."""
    for key, unit in (("RESULT_RETENTION_DAYS", "days"), ("PLAN_RETENTION_DAYS", "days"),
                      ("COUNSELOR_SCREENING_KEEP_HOURS", "hours"),
                      ("COUNSELOR_RESCREEN_DAYS", "days")):
        value = app.config[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(
                f"{key} must be a whole number of {unit}, at least 1 (got {value!r})."
            )


def check_time_zone(app: Flask) -> None:
    """Refuse a TIME_ZONE that the time zone database doesn't know."""
    name = app.config["TIME_ZONE"]
    try:
        if not isinstance(name, str) or not name:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TIME_ZONE must be a time zone name such as 'America/New_York' or 'Europe/London' "
            f"(got {name!r}); the names are those in /usr/share/zoneinfo (Debian's tzdata)."
        ) from None


def main(argv: list[str]) -> int:
    """Tiny CLI so shell scripts can create the secret key before the app can start."""
    usage = "usage: python -m recovery.config ensure-secret-key [INSTANCE_DIR]"
    if not argv or argv[0] != "ensure-secret-key" or len(argv) > 2:
        print(usage, file=sys.stderr)
        return 2
    instance_dir = Path(argv[1]) if len(argv) == 2 else DEFAULT_INSTANCE_PATH
    path = secret_key_path(instance_dir)
    if ensure_secret_key(instance_dir):
        print(f"Wrote a new secret key to {path}")
    else:
        print(f"Secret key already present at {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
