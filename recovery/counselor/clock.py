"""The one place the counselor workspace asks for the time, so tests can move it.

Set `COUNSELOR_NOW` in the app's config to a zero-argument callable returning an aware datetime
(tests use it to cross idle, session and lockout limits without sleeping).
"""

from datetime import datetime

from flask import current_app, has_app_context

from recovery.models import utc_now


def now() -> datetime:
    """The current time, aware and in UTC."""
    if has_app_context():
        override = current_app.config.get("COUNSELOR_NOW")
        if override is not None:
            moment: datetime = override()
            return moment
    return utc_now()
