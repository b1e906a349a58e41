"""The counselor workspace: accounts, sign-in, server-side sessions, the caseload (clients, with
sharing and one access check: `clients.client_or_404`), admin pages, audit log, and meeting
handouts.

One vocabulary, as in indico. The web part is a parent blueprint (`workspace.py`: `counselor`
at /counselor, with the sign-in guard and the `counselor_user` context processor declared once)
whose children are subpackages with the same file names, each only those it needs:

    <child>/routes.py      the views (`bp`, nested in the parent: `counselor.<child>.<view>`)
    <child>/forms.py       its forms
    <child>/queries.py     what it reads
    <child>/operations.py  what it writes (never commits: the view commits once, with the audit)
    <child>/mount.py       what differs when a blueprint shared with the public side (the
                           questionnaire flow, the plan pages) is nested here

Children: signin/, caseload/, admin/, handouts/, screenings/ (a saved screening; the
questionnaire flow's counselor mount) and plans/ (the plan pages' counselor mount): the flow
and the plan pages are blueprints shared with the public side, nested here a second time with
`mount=` (see workspace.py). Shared mechanics are plain modules here:
auth (who is signed in, sign-in with lockout, the guard), users (accounts, sign-in sessions,
invitations), clients (who may open a client and do what; client field rules), attempts
(sign-in counts for unknown addresses), passwords (argon2id, zxcvbn), audit (recording
events), clock (the time, movable in tests), forms (what every child's forms share), commands
(create-user).
"""
