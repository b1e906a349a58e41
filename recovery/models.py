"""Database tables (SQLModel). Computed things live elsewhere: `ScreeningResult` and `PlanDraft`
are not tables.

The anonymous side (`Assessment`, `RelapsePlan`, `PlanRevision`, and `ResultPlanLink` between a
saved result and a plan made from it, and `SafetyPlan`) has no accounts. The counselor
workspace adds `User`, `UserSession` (server-side logins), `UnknownAddressAttempts` (sign-in
attempts for addresses without an account), `Invitation`, `AuditEvent`, and the caseload:
`Client`, `ClientShare`, `ClientScreening` and `ScreeningInProgress` (a counselor's screening
not yet saved); a client's plans are `RelapsePlan`s with a `client_id`.

No `from __future__ import annotations` here: SQLModel resolves field types at class creation and
string annotations break relationships (fastapi/sqlmodel#196).
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from recovery.sealed import SealedJSON, SealedText

# Named constraints let Alembic drop or alter them later, which SQLite batch mode requires.
# Set before any table class is defined: names are fixed when a constraint joins its table.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """Aware 'now'; a default_factory so every row gets its own timestamp."""
    return datetime.now(UTC)


class Assessment(SQLModel, table=True):
    """A saved anonymous screening, found again only through its public token.

    The token itself is never stored: only its SHA-256, so a copy of the database does not let
    anyone open the results pages.
    """

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    # The seeds VERSION the result was computed with, so old results can still be explained.
    content_version: str = Field(max_length=40)
    answers: dict[str, Any] = Field(sa_type=JSON)
    result: dict[str, Any] = Field(sa_type=JSON)
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime | None = Field(default=None)


class RelapsePlan(SQLModel, table=True):
    """A relapse-prevention plan, found again only through its public token (hashed, like
    `Assessment`). Its content lives in `PlanRevision` rows: every save adds one."""

    __tablename__ = "relapse_plan"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    # The newest revision's number. A save must name the revision it was based on; the store
    # refuses it if this has moved on since (two people editing at once).
    current_revision: int = Field(default=1)
    # Set for a plan made in the counselor workspace: then only counselors who may open the
    # client can open the plan (never through a private link), and it goes with the client.
    client_id: int | None = Field(
        default=None, foreign_key="client.id", ondelete="CASCADE", index=True)
    # What the person chose to leave out of the share-safe printouts, by layout: {"handout":
    # [item keys], "wallet": [...]} (recovery.export.printout.item_key). A key is a digest of
    # the entry's words, so it is sealed like the plan's text when ENCRYPTION_KEYS is set.
    print_choices: dict[str, Any] | None = Field(default=None, sa_type=SealedJSON)


class ResultPlanLink(SQLModel, table=True):
    """A plan made from a saved result, so that each page can link to the other. Neither token
    is stored in the clear: each is sealed with a key derived from the other one
    (`recovery.tokens.seal_with`), so the link is readable only by someone who holds one of the
    two links. Goes when either side is deleted (ON DELETE CASCADE)."""

    __tablename__ = "result_plan_link"

    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="assessment.id", ondelete="CASCADE", index=True)
    plan_id: int = Field(foreign_key="relapse_plan.id", ondelete="CASCADE", unique=True)
    plan_link: str = Field(max_length=255)  # the plan's token, sealed with the result's
    result_link: str = Field(max_length=255)  # the result's token, sealed with the plan's
    created_at: datetime = Field(default_factory=utc_now)


class PlanRevision(SQLModel, table=True):
    """One saved state of a plan: the whole `PlanDraft.to_dict()`, numbered 1, 2, 3... per plan."""

    __tablename__ = "plan_revision"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="relapse_plan.id", ondelete="CASCADE")
    number: int
    # Plan text, contacts included: encrypted at rest when ENCRYPTION_KEYS is set.
    draft: dict[str, Any] = Field(sa_type=SealedJSON)
    # The seeds VERSION the draft was built with (from the draft itself, so an uploaded plan
    # keeps the version of the install it came from).
    content_version: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utc_now)


class SafetyPlan(SQLModel, table=True):
    """A safety plan saved under its own private link (hashed, like `RelapsePlan`). The whole
    `SafetyPlanDraft.to_dict()` is one sealed value: every save replaces it."""

    __tablename__ = "safety_plan"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    # Steps, contacts and phone numbers: encrypted at rest when ENCRYPTION_KEYS is set.
    plan: dict[str, Any] = Field(sa_type=SealedJSON)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, index=True)


# --- Counselor workspace -----------------------------------------------------------------------

ROLES = ("admin", "counselor")


class User(SQLModel, table=True):
    """A counselor or admin account. `email` is stored lowercased (see recovery.counselor.users).

    Never deleted in normal use: disabling keeps the audit trail pointing at a real account.
    """

    # "user" is a reserved word in PostgreSQL.
    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint("role IN ('admin', 'counselor')", name="role"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=100)
    role: str = Field(max_length=20)
    # argon2id in PHC string format ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    # Failed sign-ins since the last success or the last lockout; see recovery.counselor.auth.
    failed_logins: int = Field(default=0)
    locked_until: datetime | None = Field(default=None)
    created_at: datetime = Field(default_factory=utc_now)
    last_login_at: datetime | None = Field(default=None)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class UnknownAddressAttempts(SQLModel, table=True):
    """Sign-in attempts for an email address that has no account, counted by the same rule and
    clock as an account's own `failed_logins` and `locked_until` (see
    recovery.counselor.attempts). The address itself is never stored, only a keyed HMAC of it.
    Rows whose window has ended are deleted by `flask purge-expired`."""

    __tablename__ = "unknown_address_attempts"

    address_hmac: str = Field(primary_key=True, max_length=64)
    attempts: int
    window_ends_at: datetime


class UserSession(SQLModel, table=True):
    """One sign-in. The browser's (encrypted) cookie holds a random token; only its SHA-256 is
    stored. Ending the row (logout, disabling, timeouts) signs that browser out at once, which a
    cookie alone could never do."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utc_now)
    last_seen_at: datetime = Field(default_factory=utc_now)
    ended_at: datetime | None = Field(default=None)
    # "logout", "idle", "expired", "disabled" or "replaced" (a new sign-in in the same browser).
    end_reason: str | None = Field(default=None, max_length=20)


class Invitation(SQLModel, table=True):
    """A one-time link an admin hands to a new counselor; only the token's SHA-256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    email: str = Field(max_length=254)
    role: str = Field(max_length=20)
    # SET NULL: an invitation's history must not stop an account from ever being removed.
    created_by: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    used_at: datetime | None = Field(default=None)


class AuditEvent(SQLModel, table=True):
    """Who did what to which object, and when (UTC). Written only through
    `recovery.counselor.audit.record`; never holds health data, names or answers.

    The admins' filters (person, client, action, date range) each have an index ending in
    (at, id), the log's newest-first order (migration 0013)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_at_id", "at", "id"),
        Index("ix_audit_event_user_id_at", "user_id", "at", "id"),
        Index("ix_audit_event_action_at", "action", "at", "id"),
        Index("ix_audit_event_client_id_at", "client_id", "at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now)
    # SET NULL keeps the event if the account is ever removed.
    user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL")
    action: str = Field(max_length=40)
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=200)
    # The client the event is about (a client, or their screening or plan), for the client
    # filter. No foreign key: the event outlives the client.
    client_id: int | None = Field(default=None)


class Client(SQLModel, table=True):
    """A person on a counselor's caseload, known by a random pseudonymous `code` (never derived
    from the name); the name and the clinic's record number are optional. Later tables
    (screenings, plans, notes) hang off `client.id` with ON DELETE CASCADE, so deleting a
    client erases everything about them."""

    id: int | None = Field(default=None, primary_key=True)
    # The owner. RESTRICT (the default): accounts are disabled, not deleted, so a caseload is
    # never silently orphaned or erased with an account.
    counselor_id: int = Field(foreign_key="user_account.id", index=True)
    code: str = Field(max_length=20, unique=True, index=True)
    name: str | None = Field(default=None, max_length=80)
    # The clinic's own record number, optional (clients.record_number_problem says what it may
    # hold). In clear like the name and the code: the caseload search reads all three, and a
    # sealed value could only be found by an exact match on a keyed hash. The PDF summary and
    # anything else that shows it read `client.record_number` (None when not given).
    record_number: str | None = Field(default=None, max_length=30, index=True)
    consent_given_at: datetime
    # Sealed like the screening notes; its length is checked on the plain text (note_problem).
    consent_note: str = Field(default="", sa_type=SealedText)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class ClientShare(SQLModel, table=True):
    """Another counselor who may open a client; goes with the client or the account."""

    __tablename__ = "client_share"
    __table_args__ = (UniqueConstraint("client_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utc_now)


class ClientScreening(SQLModel, table=True):
    """A screening a counselor filled out with a client: the same answers and computed result
    as a saved `Assessment`, plus the counselor's notes and, if they chose a different path
    than the engine, their choice and reason (stored beside, never instead of, the result).

    Everything clinical is sealed when ENCRYPTION_KEYS is set (it sits beside the client's
    name): answers, result, notes, the chosen path and its reason, and `summary`, the severity
    count, mood and anxiety scores and flags copied out of `result` so lists and the history
    chart open a few small numbers instead of every result. Only ids, times and the content
    version stay plain: nothing queries the clinical values, so nothing needs them in clear.
    """

    __tablename__ = "client_screening"
    # A client's screenings in order, and the latest first, ties broken by id (0015).
    __table_args__ = (Index("ix_client_screening_client_id_taken_at_id", "client_id", "taken_at",
                            "id"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", ondelete="CASCADE")
    # Who recorded it. SET NULL keeps the screening if the account is ever removed.
    counselor_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL")
    taken_at: datetime = Field(default_factory=utc_now)
    content_version: str = Field(max_length=40)
    answers: dict[str, Any] = Field(sa_type=SealedJSON)
    result: dict[str, Any] = Field(sa_type=SealedJSON)
    # Free text, encrypted at rest when ENCRYPTION_KEYS is set (recovery.sealed).
    notes: str = Field(default="", sa_type=SealedText)
    # recovery.counselor.screenings.operations.summary_of(result); read through the properties
    # below.
    summary: dict[str, Any] = Field(sa_type=SealedJSON)
    # A path id is clinical too ("dual_diagnosis"), so it is sealed like the reason: TEXT
    # (0007), as the ciphertext is longer than any id; ids are checked against the content.
    override_path: str | None = Field(default=None, sa_type=SealedText)
    override_reason: str = Field(default="", sa_type=SealedText)
    override_by: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL")
    override_at: datetime | None = Field(default=None)

    # The summary's numbers, as the templates and tests read them.
    @property
    def severity_score(self) -> int | None:  # None: the checklist did not apply
        return self.summary["severity_score"]

    @property
    def severity_max(self) -> int:
        return self.summary["severity_max"]

    @property
    def mood_score(self) -> int | None:
        return self.summary["mood_score"]

    @property
    def anxiety_score(self) -> int | None:
        return self.summary["anxiety_score"]

    @property
    def flag_count(self) -> int:
        return self.summary["flag_count"]

    @property
    def is_at_risk(self) -> bool:
        return self.summary["is_at_risk"]

    @property
    def has_urgent_medical(self) -> bool:
        """A medical flag for care today or now (summaries saved before this was kept: no)."""
        return bool(self.summary.get("urgent_medical", False))


class ScreeningInProgress(SQLModel, table=True):
    """The answers a counselor has recorded so far in a screening of a client, before **Save**:
    kept on the server so a sign-out (the idle limit during a long safety conversation) loses
    nothing. One per counselor and client; only that counselor sees it, and only while they may
    open the client. Gone when the screening is saved or discarded, with the client (CASCADE),
    and `COUNSELOR_SCREENING_KEEP_HOURS` after its last change (hidden at once, deleted by
    `flask purge-expired`). The answers are sealed like a saved screening's."""

    __tablename__ = "screening_in_progress"
    __table_args__ = (UniqueConstraint("counselor_id", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    counselor_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    client_id: int = Field(foreign_key="client.id", ondelete="CASCADE", index=True)
    # The seeds VERSION the answers were recorded with: other content prunes them on reading.
    content_version: str = Field(max_length=40)
    answers: dict[str, Any] = Field(sa_type=SealedJSON)
    started_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now, index=True)
