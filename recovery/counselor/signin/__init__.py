"""The sign-in child of the counselor workspace (`counselor.signin.*`): signing in (with the
per-address rate limit and the lockout in `auth`), signing out, and accepting an invitation.

routes.py the views; forms.py their forms. Signing in and accepting an invitation are the
workspace's only public views (`workspace.PUBLIC_VIEWS`).
"""
