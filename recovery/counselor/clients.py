"""Who may open a client, and what they may do to it: the one access rule of the workspace,
shared by every child that touches a client (caseload, screenings, plans, handouts). Also the
rules for what a client's fields may hold (name, note, the clinic's record number), and their
pseudonymous codes.

Access is decided in one place, `client_or_404`: a counselor sees their own clients and those
shared with them, and nothing else; everyone else gets a 404, so a guessed id reveals nothing,
not even that the client exists. Admins get no special access. What may be done to a client
once it is open is decided here too (`can_delete`, `can_share`): see "Access" below.

The caseload's reads and writes are in `caseload/queries.py` and `caseload/operations.py`.
"""

import re
import secrets
from functools import partial

from flask import abort
from sqlalchemy import ColumnElement, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from werkzeug.exceptions import UnprocessableEntity

from recovery.models import Client, ClientShare, User
from recovery.text import text_problem

# No 0/O, 1/I/L, U: codes are read aloud and copied by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4
MAX_NAME_LENGTH = 80
MAX_NOTE_LENGTH = 200
MAX_QUERY_LENGTH = 80
MAX_RECORD_NUMBER_LENGTH = 30
# A clinic's record number: letters and digits, with spaces, dots, slashes and dashes between.
RECORD_NUMBER = re.compile(r"[A-Za-z0-9]([A-Za-z0-9 ./-]*[A-Za-z0-9])?")
PAGE_SIZE = 25


class ClientError(UnprocessableEntity):
    """A change to a client we turn down. Raised, it is a 422 with these words on the error
    page, like any `abort`; a view that shows its form again catches it and shows `message`
    there instead."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)
        self.message = message


# --- Checking input ------------------------------------------------------------------------
# The one rule for typed text (recovery.text), with each field's limit and name, so the forms
# and the functions that store a client hold it to the same words.

name_problem = partial(text_problem, limit=MAX_NAME_LENGTH, what="the name", one_line=True)
note_problem = partial(text_problem, limit=MAX_NOTE_LENGTH, what="the note", one_line=True)
query_problem = partial(text_problem, limit=MAX_QUERY_LENGTH, what="the search", one_line=True)


def record_number_problem(text: str) -> str | None:
    """What is wrong with a clinic record number (empty is fine: it is optional)."""
    number = text.strip()
    if len(number) > MAX_RECORD_NUMBER_LENGTH:
        return (f"Please keep the record number to {MAX_RECORD_NUMBER_LENGTH} characters or "
                "fewer.")
    if number and not RECORD_NUMBER.fullmatch(number):
        return ("A record number may hold only letters A to Z, digits, and spaces, dots, "
                "slashes or dashes between them.")
    return None


def new_code() -> str:
    """A random code like C-7KQ4-M2XD (about 49 bits): never derived from anything about the
    person, so it can be written on paper without identifying them."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
              for _ in range(CODE_GROUPS))
    return "C-" + "-".join(groups)


# --- Access --------------------------------------------------------------------------------


def visible_clients(user: User) -> type[Client]:
    """The clients `user` may open, as a table to select from (an alias of Client): their own
    and those shared with them, each half read through its own index.

    Lists of clients select from this: PostgreSQL reads the rows straight from the two halves
    (3 ms for 520 of 100,000 clients). Looking the visible ids up in the client table instead
    (`Client.id IN (own ids UNION shared ids)`) it chose a hash join with the whole table (20 ms
    at 100,000), and with `counselor_id = u OR id IN (shares)` it read every client and, guessing
    half of them matched, compiled the dashboard's query (JIT, 360 ms)."""
    own = select(Client).where(col(Client.counselor_id) == user.id)
    # The owner is never in client_share; the condition makes sure no client is listed twice.
    shared = (select(Client).join(ClientShare, col(ClientShare.client_id) == col(Client.id))
              .where(col(ClientShare.user_id) == user.id, col(Client.counselor_id) != user.id))
    return aliased(Client, union_all(own, shared).subquery("visible"))


def visible_to(user: User) -> ColumnElement[bool]:
    """The condition for a client row (one client, or clients joined to other rows) that
    `user` may open: the same rule as `visible_clients`."""
    return col(Client.id).in_(select(visible_clients(user).id))


def client_or_404(session: Session, user: User, client_id: int) -> Client:
    """The client if `user` may open it, else a 404 (also when it doesn't exist): every client
    view goes through here, so there is one rule to check."""
    found = session.exec(select(Client).where(col(Client.id) == client_id,
                                              visible_to(user))).first()
    if found is None:
        abort(404)
    return found


def is_owner(user: User, client: Client) -> bool:
    return client.counselor_id == user.id


# Everyone a client is shared with works on them: screenings, notes, plans, the name. Erasing
# anything (the client, a screening, a plan with all its versions) and deciding who else may
# open the client stay with the owner, who answers for the record: a colleague can't take away
# what they were lent. Views refuse with a 403 and OWNER_ONLY, and templates ask the same
# functions whether to show the button.
OWNER_ONLY = ("Only the counselor who added this client can {what}. Please ask them if it "
              "needs doing. Nothing changed.")


def can_delete(user: User, client: Client) -> bool:
    """Whether `user` may erase `client` or anything recorded about them."""
    return is_owner(user, client)


def can_share(user: User, client: Client) -> bool:
    """Whether `user` may share `client` with a colleague, or stop sharing."""
    return is_owner(user, client)


