"""Kept only for recovery/counselor/screening_views.py, which imports `me` from here: the
workspace's pages now live in its children (see workspace.py). Delete this module when the
screenings join the workspace as a child."""

from recovery.counselor.auth import me

__all__ = ["me"]
