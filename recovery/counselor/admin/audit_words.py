"""The audit log in plain words: what each recorded action means to a person reading the log
("Shared the client with Sam Lee" rather than "update client 7; shared with user 5").

Events store ids and short fixed details (recovery.counselor.audit.record); this turns them into
a sentence with the people's names, for the log page and the CSV. Pure: the names come in as a
mapping, so it needs no database and no app.
"""

import re
from collections.abc import Mapping

# The action filter's choices: each stored action in words.
ACTION_LABELS = {
    "login": "Signed in",
    "login_failed": "Sign-in refused",
    "logout": "Signed out",
    "session_expired": "Signed out automatically",
    "user_created": "Account made on the command line",
    "user_invited": "Someone invited",
    "invitation_accepted": "Invitation accepted",
    "user_disabled": "Account switched off",
    "user_enabled": "Account switched on",
    "caseload_moved": "Caseload moved",
    "view": "Opened",
    "create": "Added or saved",
    "update": "Changed",
    "export": "Downloaded or printed",
    "delete": "Deleted",
}

# (action, object type) -> the sentence; {target} is the account the event is about.
SENTENCES = {
    ("login", "user"): "Signed in",
    ("login_failed", "user"): "Sign-in refused",
    ("logout", "user"): "Signed out",
    ("session_expired", "user"): "Signed out automatically",
    ("user_created", "user"): "Account made on the command line for {target}",
    ("user_invited", "invitation"): "Invited someone",
    ("invitation_accepted", "invitation"): "Accepted an invitation and made their account",
    ("user_disabled", "user"): "Switched off the account of {target}",
    ("user_enabled", "user"): "Switched on the account of {target}",
    ("caseload_moved", "user"): "Moved the caseload of {target}",
    ("view", "client"): "Opened the client's page",
    ("create", "client"): "Added the client",
    ("update", "client"): "Changed the client",
    ("delete", "client"): "Deleted the client and everything recorded about them",
    ("view", "screening"): "Opened a saved screening",
    ("create", "screening"): "Saved a screening",
    ("update", "screening"): "Changed a saved screening",
    ("delete", "screening"): "Deleted a screening",
    ("create", "plan"): "Made a plan from a screening",
    ("view", "plan"): "Opened a plan",
    ("update", "plan"): "Changed a plan",
    ("export", "plan"): "Downloaded a plan",
    ("delete", "plan"): "Deleted a plan with all its versions",
    ("export", "audit_log"): "Downloaded the audit log",
}

# Fixed details (after any leading "client <id>; " or "code <code>; ") -> words.
DETAILS = {
    "history": "the history",
    "delete confirmation": "the page that asks before deleting",
    "name changed": "the name",
    "notes changed": "the notes",
    "path chosen": "chose a path (which one is kept with the screening)",
    "path choice cleared": "went back to the suggested path",
    "idle": "no activity for too long",
    "admin account made on the command line": "as admin",
    "counselor account made on the command line": "as counselor",
    "expired": "the longest session allowed ended",
    "group handout": "in the meeting handouts",
    "show": "",
    "edit": "a section",
    "import_into": "from a plan file",
    "download": "as a plan file",
    "plan_pdf full": "the full PDF",
    "plan_pdf handout": "the meeting handout PDF",
    "plan_pdf wallet": "the wallet card PDF",
    "revisions": "its versions",
    "compare": "two versions compared",
    "delete": "the page that asks before deleting",
}
LEADING_IDS = re.compile(r"^(?:client \d+|code [A-Z0-9-]+)(?:; |$)")
USER_ID = re.compile(r"\buser (\d{1,18})\b")
ROLE = re.compile(r"^role (\w+)$")


def sentence(*, action: str, object_type: str, object_id: str, detail: str,
             names: Mapping[int, str]) -> str:
    """What happened, in words, with the names of the accounts it mentions."""
    target = name_of(object_id, names) if object_type == "user" else ""
    said = SENTENCES.get((action, object_type))
    if said is None:  # an action added later without words here: still readable
        said = f"{ACTION_LABELS.get(action, action)} ({object_type or 'nothing'})"
    said = said.format(target=target)
    extra = detail_words(detail, names)
    return f"{said}: {extra}" if extra else said


def detail_words(detail: str, names: Mapping[int, str]) -> str:
    """The part of a detail a reader needs, in words; ids of people become their names."""
    rest = LEADING_IDS.sub("", detail, count=1)
    while LEADING_IDS.match(rest):  # "client 7; code C-...; ..."
        rest = LEADING_IDS.sub("", rest, count=1)
    if rest in DETAILS:
        return DETAILS[rest]
    if role := ROLE.match(rest):
        return f"as {role.group(1)}"
    return USER_ID.sub(lambda m: name_of(m.group(1), names), rest)


def name_of(user_id: str, names: Mapping[int, str]) -> str:
    """An account's name and address, or what we know when it is gone."""
    if not (user_id.isascii() and user_id.isdigit()):
        return "an unknown account"
    return names.get(int(user_id), f"a removed account (number {user_id})")
