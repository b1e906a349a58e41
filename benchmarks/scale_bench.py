"""Benchmark: the counselor workspace with 100,000 clients, 1,000,000 screenings and
1,000,000 audit events.

For each database (SQLite in a temporary file, PostgreSQL in a throw-away schema) and for two
sizes, a small one (a tenth of everything) and the full one, it:

  1. builds the schema with the app's own Alembic migrations;
  2. generates the data with bulk Core inserts: 1 admin and a counselor for every 500 clients
     (at least 20); the clients, spread evenly over the counselors (the measured counselor
     owns 500 and has about 20 more shared with them: a caseload far larger than most); the
     screenings (10 per client on average, 400 for the measured client), their answers and
     results computed once by the real engine from tests/data/low_risk_ketamine.json and a few
     variants; plans with revisions built by the real planner; past sign-in sessions; and the
     audit trail, events about clients by the counselors who own them, a thousandth of them
     about the measured client. PostgreSQL tables are then VACUUMed and ANALYZEd, as
     autovacuum would do in production (since PostgreSQL 13 it vacuums tables that only grow
     too, which marks their pages all-visible for index-only scans); SQLite gets no ANALYZE,
     as the app never runs one;
  3. signs the counselor and the admin in through the real login form (Flask test client:
     routing, auth, templates and audit writes all included) and requests each page in turn
     (the counselor's pages, the dashboard, the audit log and its filters), --repeat times after
     a warm-up, counting the SQL statements of every request with a `before_cursor_execute`
     listener on the app's engine.

It fails (exit 1, with FAIL lines) if a page's median at full size is 50 ms or more, if a
page's query count differs between the small and the full size (it must not grow with the
data), or if it varies between requests of the same page. Medians, because a request now and
then hits a garbage collection or another process on the machine.

Run from the repository root, with the virtualenv active:

    python benchmarks/scale_bench.py                    # both databases, full size, --repeat 30
    python benchmarks/scale_bench.py --clients 10000 --screenings 100000 --audit-events 100000
    python benchmarks/scale_bench.py --db sqlite --repeat 10
    python benchmarks/scale_bench.py --sql              # also print one request's statements
    python benchmarks/scale_bench.py --smoke --db sqlite   # seconds: does it still work?
    python benchmarks/scale_bench.py --encrypt          # with ENCRYPTION_KEYS: sealed rows
    python benchmarks/scale_bench.py --keep /var/tmp/scale   # build once, measure again later

With --keep DIR the databases outlive the run (SQLite files in DIR, PostgreSQL schemas named
`bench_kept_<sizes>`) with what generation made in DIR/<database>-<sizes>.json; a later run with
the same DIR and sizes measures them again without generating (and applies any new migration
first). Delete DIR's files and DROP SCHEMA ... CASCADE when done.
"""

import argparse
import dataclasses
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, Table, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from recovery import create_app, db, sealed
from recovery.content.model import Content
from recovery.counselor import passwords
from recovery.counselor.clients import CODE_ALPHABET, PAGE_SIZE
from recovery.counselor.screenings.operations import summary_of
from recovery.models import (
    AuditEvent,
    Client,
    ClientScreening,
    ClientShare,
    PlanRevision,
    RelapsePlan,
    User,
    UserSession,
)
from recovery.planning.build import build_draft
from recovery.screening.engine import screen
from recovery.seeds import current_content
from recovery.tokens import hash_token, new_token

REPO = Path(__file__).resolve().parents[1]
ANSWERS = REPO / "tests" / "data" / "low_risk_ketamine.json"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TARGET_MS = 50.0
WARM_UP_ROUNDS = 3
BATCH = 2_000
SEED = 20261121
COUNSELORS = 20  # at least; one more for every CASELOAD clients past 10,000
CASELOAD = 500  # the measured counselor's own clients at 10,000 clients and more
EMAIL = "measured@example.org"
ADMIN_EMAIL = "admin@example.org"
PASSWORD = "a long enough benchmark passphrase"
SEARCH = "ab"
SHARED_ONE_IN = 25  # one client in 25 is shared with one other counselor
PLAN_ONE_IN = 10  # one client in 10 has a plan
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
FIRST_NAMES = ("Abigail", "Gabriel", "Alex", "Sam", "Jordan", "Fabian", "Priya", "Tomasz",
               "Mabel", "Chen", "Olu", "Rabia", "Maria", "Noah", "Ines", "Kofi", "Lena", "Yusuf",
               "Tabitha", "Erin", "Dev", "Hana", "Luca", "Zoe")
LAST_NAMES = ("Abbott", "Smith", "Nowak", "Cabrera", "Okafor", "Lee", "Garcia", "Khan", "Brown",
              "Rossi", "Silva", "Murphy", "Tanaka", "Dubois", "Singh", "Jensen")
# How often each of answer_variants() is drawn: mostly low and moderate, a few at risk.
SAMPLE_WEIGHTS = (12, 9, 3, 1, 3, 2)
NOTES = ("", "", "", "Came with their sister; talked about the weekend.",
         "Says the cravings are worse in the evening. Follow up next week.")


# --- Sizes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Size:
    """How much data to generate; the measured counselor and client scale with the rest."""

    label: str
    clients: int
    screenings: int
    audit_events: int

    @property
    def counselors(self) -> int:
        """20, or enough that each owns about CASELOAD clients (a large caseload; most
        counselors hold 30 to 100): a clinic grows by hiring, not by caseloads of 5,000."""
        return max(COUNSELORS, self.clients // CASELOAD)

    @property
    def focus_screenings(self) -> int:
        """The measured client's screenings: 4 of 10,000, 40 of 100,000 and more (a client
        screened every month for over three years)."""
        return min(40, max(2, self.screenings * 4 // 10_000))

    @property
    def focus_plans(self) -> int:
        """The measured client's plans: 4 at full size, 1 at the small size."""
        return max(1, self.focus_screenings // 10)

    @property
    def focus_revisions(self) -> int:
        return max(2, self.focus_plans - 1)


@dataclass(frozen=True)
class Facts:
    """What generation made that the measurement needs to know."""

    focus_client_id: int
    focus_code: str
    audit_events: int
    visible_clients: int  # own and shared with the measured counselor
    search_matches: int
    rows: dict[str, int]
    seconds: float


# --- Generation ----------------------------------------------------------------------------


class RawJSON(str):
    """JSON text serialized once and inserted as it is (100,000 results, a few distinct ones)."""


def json_serializer(value: object) -> str:
    return value if isinstance(value, RawJSON) else json.dumps(value)


# Values as the sealed column types store them (run in the app's context: with --encrypt it
# has a key, and these seal like the app does; without one they change nothing). Generation
# inserts outside any app context, where the column types pass values through as they are.
def stored_json(value: Any) -> Any:
    return {sealed.JSON_KEY: sealed.seal(json.dumps(value))} if sealed.current_keys() else value


def stored_text(value: str) -> str:
    return sealed.seal(value)


@dataclass(frozen=True)
class Sample:
    answers: RawJSON
    result: RawJSON
    summary: dict[str, Any]


def answer_variants() -> list[dict[str, Any]]:
    """The shared low-risk answers and variants from light to risky, all valid answer sets."""
    base: dict[str, Any] = json.loads(ANSWERS.read_text(encoding="utf-8"))
    moderate = base | {"frequency": "weekly", "amount": "moderate", "c_craving": "yes",
                       "c_more_than_meant": "yes", "c_cut_down": "yes", "m_down": "several_days",
                       "a_nervous": "several_days", "a_worry": "most_days"}
    heavy = moderate | {"last_use": "past_week", "frequency": "daily", "amount": "heavy",
                        "duration": "years_1_3", "c_time_spent": "yes", "c_duties": "yes",
                        "c_tolerance": "yes", "c_withdrawal": "yes", "c_despite_harm": "yes",
                        "m_interest": "most_days", "m_down": "nearly_every_day",
                        "a_nervous": "nearly_every_day", "relapsed": "yes",
                        "people_using": "yes", "readiness": "unsure"}
    at_risk = heavy | {"s_wish_dead": "yes", "s_better_off": "yes", "s_now": "no",
                       "housing": "unstable", "support_person": "no"}
    alcohol = moderate | {"substance": "alcohol", "route": ["swallow"], "depressant_daily": "no"}
    alcohol.pop("prescribed")
    long_ago = {k: v for k, v in base.items()
                if k in {"substance", "last_use", "w_alone_secret", "w_mood_memory"}
                or k.startswith(("m_", "a_", "t_", "s_"))
                or k in {"readiness", "past_treatment", "relapsed", "housing", "people_using",
                         "support_person", "co_use", "medicines", "symptoms", "seizures"}}
    long_ago["last_use"] = "over_year"
    return [base, moderate, heavy, at_risk, alcohol, long_ago]


def screening_samples(content: Content) -> list[Sample]:
    samples = []
    for answers in answer_variants():
        result = screen(answers, content)
        samples.append(Sample(RawJSON(json.dumps(stored_json(answers))),
                              RawJSON(json.dumps(stored_json(result.to_dict()))),
                              stored_json(summary_of(result))))
    return samples


def plan_drafts(content: Content) -> list[RawJSON]:
    today = date.today()
    drafts = [build_draft(answers, content, today=today) for answers in answer_variants()]
    return [RawJSON(json.dumps(stored_json(draft.to_dict()))) for draft in drafts]


def insert_rows(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert `rows` in batches with one Core executemany each; returns how many."""
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            conn.execute(insert(table), batch)
            count, batch = count + len(batch), []
    if batch:
        conn.execute(insert(table), batch)
        count += len(batch)
    return count


def table_of(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, Table)
    return table


def generate(app: Flask, url: str, size: Size) -> Facts:
    """Fill the (migrated, empty) database at `url`; the measured counselor is user 2."""
    rng = random.Random(SEED)
    with app.app_context():
        content = current_content()
        samples = screening_samples(content)
        drafts = plan_drafts(content)
        password_hash = passwords.hash_password(PASSWORD)
        notes = [stored_text(note) for note in NOTES]
        path_ids = [stored_text(path.id) for path in content.paths]
        reason = stored_text("The client prefers a group")
        consent = stored_text("Verbal consent, leaflet given")
    weights = SAMPLE_WEIGHTS
    now = datetime.now(UTC)
    three_years = 3 * 365 * 24 * 3600

    def before(moment: datetime, seconds: float) -> datetime:
        return moment - timedelta(seconds=seconds)

    started = time.perf_counter()
    rows: dict[str, int] = {}
    engine = db.make_engine(url, json_serializer=json_serializer, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            # Accounts: the admin is 1, the measured counselor 2, the other counselors 3-21.
            counselor_ids = list(range(2, 2 + size.counselors))
            measured = counselor_ids[0]
            accounts = [{"id": 1, "email": ADMIN_EMAIL, "display_name": "Ada Admin",
                         "role": "admin"}]
            accounts += [{"id": uid, "email": EMAIL if uid == measured
                          else f"counselor{uid}@example.org",
                          "display_name": f"Counselor {uid}", "role": "counselor"}
                         for uid in counselor_ids]
            rows["user_account"] = insert_rows(conn, table_of(User), (
                a | {"password_hash": password_hash, "is_active": True, "failed_logins": 0,
                     "created_at": before(now, three_years + 86400)} for a in accounts))

            # Clients, round robin over the counselors, codes unique like the app's.
            clients: list[dict[str, Any]] = []
            codes: set[str] = set()
            for client_id in range(1, size.clients + 1):
                code = ""
                while not code or code in codes:
                    code = "C-" + "-".join("".join(rng.choices(CODE_ALPHABET, k=4))
                                           for _ in range(2))
                codes.add(code)
                created = before(now, rng.uniform(3600, three_years))
                name = (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                        if rng.random() < 0.7 else None)
                clients.append({
                    "id": client_id,
                    "counselor_id": counselor_ids[client_id % size.counselors],
                    "code": code, "name": name, "consent_given_at": created,
                    "consent_note": consent if rng.random() < 0.3 else "",
                    "created_at": created, "updated_at": created})
            rows["client"] = insert_rows(conn, table_of(Client), clients)
            created_at = {c["id"]: c["created_at"] for c in clients}
            owner = {c["id"]: c["counselor_id"] for c in clients}
            own = [c["id"] for c in clients if c["counselor_id"] == measured]
            focus = own[len(own) // 2]

            shares = []
            for client_id in range(1, size.clients + 1, SHARED_ONE_IN):
                other = rng.choice([u for u in counselor_ids if u != owner[client_id]])
                shares.append({"client_id": client_id, "user_id": other,
                               "created_at": created_at[client_id] + timedelta(days=1)})
            rows["client_share"] = insert_rows(conn, table_of(ClientShare), shares)
            visible = set(own) | {s["client_id"] for s in shares
                                          if s["user_id"] == measured}

            # Screenings: the focus client's, then the rest spread at random over the others.
            others = [c for c in range(1, size.clients + 1) if c != focus]
            targets = [focus] * size.focus_screenings + rng.choices(
                others, k=size.screenings - size.focus_screenings)

            def screening(client_id: int) -> dict[str, Any]:
                sample = rng.choices(samples, weights)[0]
                start = created_at[client_id]
                taken = start + (now - start) * rng.random()
                overridden = rng.random() < 0.05
                return {
                    "client_id": client_id, "counselor_id": owner[client_id], "taken_at": taken,
                    "content_version": content.version, "answers": sample.answers,
                    "result": sample.result, "notes": rng.choice(notes),
                    "summary": sample.summary,
                    "override_path": rng.choice(path_ids) if overridden else None,
                    "override_reason": reason if overridden else "",
                    "override_by": owner[client_id] if overridden else None,
                    "override_at": taken + timedelta(minutes=20) if overridden else None}

            rows["client_screening"] = insert_rows(
                conn, table_of(ClientScreening), (screening(c) for c in targets))

            # Plans: the focus client's, then one for every tenth client, 1-3 revisions each.
            plan_counts = [(focus, size.focus_revisions)] * size.focus_plans + [
                (c, rng.randint(1, 3)) for c in range(1, size.clients + 1, PLAN_ONE_IN)
                if c != focus]
            plans, revisions = [], []
            for plan_id, (client_id, count) in enumerate(plan_counts, start=1):
                start = created_at[client_id] + timedelta(hours=1)
                moments = sorted(start + (now - start) * rng.random() for _ in range(count))
                plans.append({"id": plan_id, "token_hash": hash_token(new_token()),
                              "created_at": moments[0], "updated_at": moments[-1],
                              "current_revision": count, "client_id": client_id})
                revisions += [{"plan_id": plan_id, "number": number, "draft": rng.choice(drafts),
                               "content_version": content.version, "created_at": moment}
                              for number, moment in enumerate(moments, start=1)]
            rows["relapse_plan"] = insert_rows(conn, table_of(RelapsePlan), plans)
            rows["plan_revision"] = insert_rows(conn, table_of(PlanRevision), revisions)

            # Past sign-ins, all ended.
            def past_session(_: int) -> dict[str, Any]:
                start = before(now, rng.uniform(86400, three_years))
                return {"token_hash": hash_token(new_token()), "user_id": rng.choice(counselor_ids),
                        "created_at": start, "last_seen_at": start + timedelta(minutes=40),
                        "ended_at": start + timedelta(minutes=55), "end_reason": "idle"}

            rows["user_session"] = insert_rows(conn, table_of(UserSession),
                                               map(past_session, range(size.clients // 5)))

            # The audit trail: what counselors do all day, each event about a client they
            # may open (the measured client's own among them), and some sign-ins.
            kinds = (("view", "client", ""), ("view", "client", "history"),
                     ("view", "screening", "x"), ("create", "screening", "x"),
                     ("update", "screening", "notes changed"), ("view", "plan", "show"),
                     ("export", "plan", "plan_pdf full"), ("update", "client", "name changed"),
                     ("login", "user", ""), ("logout", "user", ""))

            def audit_event(number: int) -> dict[str, Any]:
                action, object_type, detail = rng.choice(kinds)
                client_id = focus if number % 1000 == 0 else rng.randint(1, size.clients)
                user_id = owner[client_id]
                event = {"at": before(now, rng.uniform(60, three_years)), "user_id": user_id,
                         "action": action, "object_type": object_type, "client_id": client_id,
                         "object_id": str(rng.randint(1, size.screenings)),
                         "detail": f"client {client_id}" + (f"; {detail}" if detail else "")}
                if object_type == "user":
                    event |= {"object_id": str(user_id), "detail": "", "client_id": None}
                elif object_type == "client":
                    event |= {"object_id": str(client_id), "detail": detail}
                return event

            rows["audit_event"] = insert_rows(conn, table_of(AuditEvent),
                                              map(audit_event, range(size.audit_events)))

            if conn.dialect.name == "postgresql":
                # Explicit ids leave the sequences behind; then statistics, as autovacuum would.
                for table in ("user_account", "client", "relapse_plan"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT max(id) FROM {table}))"))
        if engine.dialect.name == "postgresql":
            # VACUUM can't run in a transaction.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                schema = conn.execute(text("SELECT current_schema()")).scalar_one()
                for table in rows:
                    conn.execute(text(f'VACUUM (ANALYZE) "{schema}"."{table}"'))
    finally:
        engine.dispose()

    matches = sum(1 for c in clients if c["id"] in visible
                  and (SEARCH in c["code"].lower() or SEARCH in (c["name"] or "").lower()))
    return Facts(focus_client_id=focus, focus_code=next(c["code"] for c in clients
                                                        if c["id"] == focus),
                 audit_events=size.audit_events, visible_clients=len(visible),
                 search_matches=matches,
                 rows=rows, seconds=time.perf_counter() - started)


# --- Databases -----------------------------------------------------------------------------


@contextmanager
def sqlite_database(kept: Path | None, *, fresh: bool) -> Iterator[str]:
    """A database file in a temporary directory, or `kept` (emptied first if `fresh`)."""
    if kept is not None:
        if fresh:
            kept.unlink(missing_ok=True)
        yield f"sqlite:///{kept}"
        return
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"


@contextmanager
def postgres_database(base_url: str, kept: str | None, *, fresh: bool) -> Iterator[str]:
    """A new schema `bench_<random>` (every connection's search_path), dropped afterwards; or
    the schema `kept`, made if missing (again if `fresh`) and kept."""
    schema = kept or f"bench_{uuid.uuid4().hex[:8]}"
    admin = db.make_engine(base_url, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            if fresh:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        url = make_url(db.normalize_database_url(base_url)).update_query_dict(
            {"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        if kept is None:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


# --- Measuring -----------------------------------------------------------------------------


@dataclass
class StatementLog:
    """Counts the SQL statements sent through an engine, and times them and the commits.

    A commit is timed from the engine's `commit` event (just before the driver's COMMIT) to the
    ORM session's `after_commit`; on SQLite that is mostly the fsync of the database file.
    """

    statements: list[str] = field(default_factory=list)
    seconds: float = 0.0
    commit_seconds: float = 0.0
    _started: float = 0.0
    _commit_started: float | None = None

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        event.listen(engine, "commit", self._before_commit)
        event.listen(OrmSession, "after_commit", self._after_commit)

    def detach(self, engine: Engine) -> None:
        event.remove(engine, "before_cursor_execute", self._before)
        event.remove(engine, "after_cursor_execute", self._after)
        event.remove(engine, "commit", self._before_commit)
        event.remove(OrmSession, "after_commit", self._after_commit)

    def reset(self) -> None:
        self.statements, self.seconds, self.commit_seconds = [], 0.0, 0.0

    def _before(self, conn: Connection, cursor: object, statement: str, parameters: object,
                context: object, executemany: bool) -> None:
        self.statements.append(statement)
        self._started = time.perf_counter()

    def _after(self, conn: Connection, cursor: object, statement: str, parameters: object,
               context: object, executemany: bool) -> None:
        self.seconds += time.perf_counter() - self._started

    def _before_commit(self, conn: Connection) -> None:
        self._commit_started = time.perf_counter()

    def _after_commit(self, session: OrmSession) -> None:
        if self._commit_started is not None:
            self.commit_seconds += time.perf_counter() - self._commit_started
            self._commit_started = None


@dataclass(frozen=True)
class Page:
    name: str
    short: str  # for the one-line summary
    path: str
    expect: str  # text the page must contain, to be sure it shows the data we think
    admin: bool = False  # requested by the admin (the audit log), else the measured counselor


@dataclass
class Timing:
    page: Page
    seconds: list[float] = field(default_factory=list)
    sql_seconds: list[float] = field(default_factory=list)
    commit_seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p90_ms(self) -> float:
        return statistics.quantiles(self.seconds, n=10)[-1] * 1000

    @property
    def sql_ms(self) -> float:
        return statistics.median(self.sql_seconds) * 1000

    @property
    def commit_ms(self) -> float:
        return statistics.median(self.commit_seconds) * 1000

    @property
    def query_counts(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


def pages_for(facts: Facts) -> list[Page]:
    pages_total = max(1, -(-facts.visible_clients // PAGE_SIZE))
    middle = (pages_total + 1) // 2
    client = f"/counselor/clients/{facts.focus_client_id}"
    audit = "/counselor/admin/audit"
    a_year_ago = date.today() - timedelta(days=365)
    days = f"since={a_year_ago - timedelta(days=30)}&until={a_year_ago}"
    return [
        Page("dashboard", "dashboard", "/counselor/", "Due for a re-screen ("),
        Page("caseload, page 1", "caseload", "/counselor/clients", f"of {facts.visible_clients},"),
        Page("caseload, middle page", "middle page", f"/counselor/clients?page={middle}",
             f"Page {middle} of {pages_total}<"),
        Page("caseload, due first", "due first", "/counselor/clients?sort=due",
             "longest since a screening first<"),
        Page(f"search q={SEARCH}", "search", f"/counselor/clients?q={SEARCH}",
             f"of {facts.search_matches} matching" if facts.search_matches
             else f"No client's code, name or record number contains “{SEARCH}”"),
        Page("client page", "client", client, "The latest screenings"),
        Page("history chart", "history", f"{client}/history", "<svg"),
        Page("audit log", "audit", audit, "on this page<", admin=True),
        Page("audit, older page", "audit older", f"{audit}?before={facts.audit_events // 2}",
             "on this page<", admin=True),
        Page("audit by person", "by person", f"{audit}?person=2", "on this page<", admin=True),
        Page("audit by client", "by client", f"{audit}?client={facts.focus_code}",
             "on this page<", admin=True),
        Page("audit by action", "by action", f"{audit}?action=login", "on this page<",
             admin=True),
        Page("audit by 30 days", "by days", f"{audit}?{days}", "on this page<", admin=True),
        # A handful at full size; none, maybe, at the smoke size: the heading is enough there.
        Page("audit person + days", "person+days", f"{audit}?person=2&{days}", "Newest first;",
             admin=True),
    ]


def make_app(url: str, *, encrypt: bool) -> Flask:
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "scale-benchmark-" + uuid.uuid4().hex,
        "WTF_CSRF_ENABLED": False,
        "DATABASE_URL": url,
        "COUNSELOR_ARGON2_PARAMETERS": CHEAP_ARGON2,
        "ENCRYPTION_KEYS": [sealed.new_key()] if encrypt else [],
    })


def sign_in(app: Flask, email: str = EMAIL) -> FlaskClient:
    browser = app.test_client()
    response = browser.post("/counselor/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed with HTTP {response.status_code}")
    return browser


def measure(app: Flask, facts: Facts, repeat: int) -> list[Timing]:
    """Request every page in turn (round robin, so drift favours none), after a warm-up."""
    engine = db.get_engine(app)
    log = StatementLog()
    log.attach(engine)
    try:
        # After generation: the idle timeout starts now.
        browsers = {False: sign_in(app), True: sign_in(app, ADMIN_EMAIL)}
        timings = [Timing(page) for page in pages_for(facts)]
        for round_number in range(WARM_UP_ROUNDS + repeat):
            for timing in timings:
                log.reset()
                started = time.perf_counter()
                response = browsers[timing.page.admin].get(timing.page.path)
                elapsed = time.perf_counter() - started
                body = response.get_data(as_text=True)
                if response.status_code != 200 or timing.page.expect not in body:
                    raise RuntimeError(f"GET {timing.page.path}: HTTP {response.status_code}, "
                                       f"expected {timing.page.expect!r} on the page")
                if round_number < WARM_UP_ROUNDS:
                    timing.statements = list(log.statements)
                    continue
                timing.seconds.append(elapsed)
                timing.sql_seconds.append(log.seconds)
                timing.commit_seconds.append(log.commit_seconds)
                timing.queries.append(len(log.statements))
    finally:
        log.detach(engine)
    return timings


@dataclass
class Run:
    size: Size
    facts: Facts
    timings: list[Timing]


def run_size(url: str, size: Size, repeat: int, *, encrypt: bool,
             facts_file: Path | None = None) -> Run:
    """Generate (or, with a `facts_file` from an earlier run, reuse) the data and measure."""
    app = make_app(url, encrypt=encrypt)
    engine = db.get_engine(app)
    try:
        db.upgrade_engine(engine)
        if facts_file is not None and facts_file.exists():
            facts = Facts(**json.loads(facts_file.read_text(encoding="utf-8")))
            print(f"  {size.label}: reusing the data in {facts_file.name}", flush=True)
        else:
            facts = generate(app, url, size)
            rows = ", ".join(f"{n:,} {t}" for t, n in facts.rows.items())
            print(f"  {size.label}: generated in {facts.seconds:.1f} s: {rows}", flush=True)
            if facts_file is not None:
                facts_file.write_text(json.dumps(dataclasses.asdict(facts)), encoding="utf-8")
        timings = measure(app, facts, repeat)
    finally:
        engine.dispose()
    return Run(size, facts, timings)


# --- Reporting -----------------------------------------------------------------------------


def report(backend: str, small: Run, full: Run, *, show_sql: bool) -> list[str]:
    """Print the table; returns the failures."""
    failures = []
    name_width = max(len(t.page.name) for t in full.timings)
    path_width = max(len(t.page.path) for t in full.timings)
    print(f"  {'page':<{name_width}}  {'path (full size)':<{path_width}}  {'median':>6}  "
          f"{'p90':>6}  {'sql':>5}  {'commit':>6}  {'small':>6}  {'queries':>7}")
    print(f"  {'':<{name_width}}  {'':<{path_width}}  {'ms':>6}  {'ms':>6}  {'ms':>5}  "
          f"{'ms':>6}  {'median':>6}  {'sm/full':>7}")
    for s, f in zip(small.timings, full.timings, strict=True):
        marks = []
        if f.median_ms >= TARGET_MS:
            marks.append(f"over {TARGET_MS:.0f} ms")
            failures.append(f"{backend}: {f.page.name}: median {f.median_ms:.1f} ms, not under "
                            f"{TARGET_MS:.0f} ms")
        if "-" in s.query_counts or "-" in f.query_counts:
            marks.append("query count varies")
            failures.append(f"{backend}: {f.page.name}: query count varies between requests "
                            f"({s.query_counts} small, {f.query_counts} full)")
        elif s.query_counts != f.query_counts:
            marks.append("query count grows with the data")
            failures.append(f"{backend}: {f.page.name}: {s.query_counts} queries at small size "
                            f"but {f.query_counts} at full size")
        print(f"  {f.page.name:<{name_width}}  {f.page.path:<{path_width}}  {f.median_ms:>6.1f}  "
              f"{f.p90_ms:>6.1f}  {f.sql_ms:>5.1f}  {f.commit_ms:>6.1f}  {s.median_ms:>6.1f}  "
              f"{s.query_counts + '/' + f.query_counts:>7}"
              + ("  <- " + "; ".join(marks) if marks else ""))
    print("  (sql: time inside cursor.execute, medians; commit: inside COMMIT; "
          "small: the page's median at the small size)")
    if show_sql:
        for timing in full.timings:
            print(f"  -- {timing.page.name}: {len(timing.statements)} statements")
            for statement in timing.statements:
                print("     " + " ".join(statement.split())[:150])
    return failures


def one_line(backend: str, small: Run, full: Run, failures: list[str]) -> str:
    slowest = max(full.timings, key=lambda t: t.median_ms)
    verdict = "FAIL" if failures else "PASS"
    queries = ", ".join(f"{s.page.short} {s.query_counts}/{f.query_counts}"
                        for s, f in zip(small.timings, full.timings, strict=True))
    return (f"{backend}: {verdict}: {full.size.clients:,} clients, "
            f"{full.size.screenings:,} screenings, {full.size.audit_events:,} audit events "
            f"(generated in {full.facts.seconds:.0f} s); "
            f"slowest median {slowest.median_ms:.1f} ms ({slowest.page.name}); "
            f"queries small/full: {queries}")


def run_on(backend: str, size: Size, args: argparse.Namespace) -> Run:
    """One size on one database: a throw-away one, or with --keep one kept for later runs."""
    sizes = f"{size.clients}_{size.screenings}_{size.audit_events}"
    keep: Path | None = args.keep
    facts_file = keep / f"{backend.lower()}-{sizes}.json" if keep else None
    fresh = facts_file is not None and not facts_file.exists()
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    database = (sqlite_database(keep / f"{sizes}.sqlite3" if keep else None, fresh=fresh)
                if backend == "SQLite" else
                postgres_database(args.postgres_url, f"bench_kept_{sizes}" if keep else None,
                                  fresh=fresh))
    with database as url:
        return run_size(url, size, args.repeat, encrypt=args.encrypt, facts_file=facts_file)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--screenings", type=int, default=1_000_000)
    parser.add_argument("--audit-events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL,
                        help=f"an existing database; a schema is made and dropped in it "
                             f"(default {DEFAULT_POSTGRES_URL})")
    parser.add_argument("--encrypt", action="store_true",
                        help="set ENCRYPTION_KEYS and store notes, screenings and plans sealed")
    parser.add_argument("--sql", action="store_true",
                        help="print the statements of one request of each page (full size)")
    parser.add_argument("--smoke", action="store_true",
                        help="the smallest sizes and 2 requests a page, sealed: every step and "
                             "check runs in seconds (the test suite runs this)")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the databases (SQLite files in DIR, PostgreSQL schemas "
                             "bench_kept_<sizes>) and reuse them in later runs with the same DIR")
    args = parser.parse_args()
    if args.smoke:
        args.clients = args.screenings = args.audit_events = 20 * COUNSELORS
        args.repeat, args.encrypt = 2, True
    if args.keep and args.encrypt:
        parser.error("--keep can't be used with --encrypt (or --smoke): each run has a new key")
    if args.clients < 20 * COUNSELORS or args.screenings < args.clients or args.repeat < 2:
        parser.error(f"need --clients >= {20 * COUNSELORS}, --screenings >= --clients and "
                     "--repeat >= 2")

    full = Size("full", args.clients, args.screenings, args.audit_events)
    small = Size("small", args.clients // 10, args.screenings // 10, args.audit_events // 10)
    chosen = ["SQLite", "PostgreSQL"] if args.db == "both" else [
        {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[args.db]]

    started = time.perf_counter()
    summaries, all_failures = [], []
    for backend in chosen:
        print(f"{backend}: {args.repeat} timed requests per page after {WARM_UP_ROUNDS} "
              f"warm-up rounds; small = {small.clients:,} clients / {small.screenings:,} "
              f"screenings / {small.audit_events:,} audit events, full = {full.clients:,} / "
              f"{full.screenings:,} / {full.audit_events:,}"
              + ("; ENCRYPTION_KEYS set, every sealed column sealed" if args.encrypt else ""),
              flush=True)
        runs: dict[str, Run] = {}
        try:
            for size in (small, full):
                runs[size.label] = run_on(backend, size, args)
        except Exception as error:  # report and go on with the next database
            reason = (str(error).splitlines() or [""])[0]
            all_failures.append(f"{backend}: could not run: {type(error).__name__}: {reason}")
            summaries.append(f"{backend}: FAIL: could not run")
            print()
            continue
        failures = report(backend, runs["small"], runs["full"], show_sql=args.sql)
        all_failures += failures
        summaries.append(one_line(backend, runs["small"], runs["full"], failures))
        print()

    print(f"Total time {time.perf_counter() - started:.0f} s. Medians under {TARGET_MS:.0f} ms "
          f"and query counts equal at both sizes required.")
    for line in summaries:
        print(line)
    for failure in all_failures:
        print(f"FAIL {failure}")
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
