"""The counselor workspace: accounts, sign-in, server-side sessions, admin pages, audit log.

Later slices (clients, counselor-mode screenings, history) build on `auth.login_required`,
`auth.current_user` and `audit.record`.
"""
