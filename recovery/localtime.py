"""Times as people read them: in the install's time zone (`TIME_ZONE` in recovery/config.py),
with the zone named. The database keeps every time in UTC; only what is shown is converted,
here, in one place: the `local_time` template filter, and the same functions for Python code
(PDF dates, file names, the audit log's date filter, the caseload's re-screen dates).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

# "4 March 2026, 14:05 EST": day first, the month in words, so no reader mistakes the order.
DATE_TIME = "%-d %B %Y, %H:%M %Z"
DATE = "%-d %B %Y"


def zone() -> ZoneInfo:
    """The install's time zone (checked at start-up by recovery.config.check_time_zone)."""
    return ZoneInfo(current_app.config["TIME_ZONE"])


def to_local(moment: datetime) -> datetime:
    """`moment` in the install's zone; a naive time is taken to be UTC, as stored."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone())


def local_time(moment: datetime | None, fmt: str = DATE_TIME) -> str:
    """The template filter: `moment` in the install's zone, formatted with `fmt` (strftime;
    `%Z` names the zone, e.g. EST or EDT). None gives an empty string."""
    if moment is None:
        return ""
    return to_local(moment).strftime(fmt)


def today() -> date:
    """Today's date where the install is (PDFs, file names), not where the server's clock is."""
    return datetime.now(zone()).date()


def start_of_day(day: date) -> datetime:
    """The UTC moment the local `day` begins (its midnight, or the first hour that exists)."""
    return datetime.combine(day, time(), tzinfo=zone()).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """The UTC moment the local `day` ends: the start of the next day."""
    return start_of_day(day + timedelta(days=1))
