"""The counselor workspace: accounts, sign-in, server-side sessions, admin pages, audit log,
and the caseload (clients, with sharing and one access check: `clients.client_or_404`).

Later slices (clients, counselor-mode screenings, history) build on `auth.login_required`,
`auth.current_user` and `audit.record`.
"""
