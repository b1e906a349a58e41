"""Unguessable links: saved results, plans, server-side login sessions and invitations.

A token is handed out once and never stored: the database keeps only its SHA-256, so a leaked
copy of a table cannot be turned back into working links.
"""

import hashlib
import re
import secrets

TOKEN_BYTES = 32
# secrets.token_urlsafe(32): 32 bytes -> 43 characters of the URL-safe base64 alphabet, no padding.
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"
_TOKEN_RE = re.compile(TOKEN_PATTERN)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Hex SHA-256 of the token; a plain hash suffices because tokens carry 256 random bits."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_well_formed_token(token: object) -> bool:
    return isinstance(token, str) and _TOKEN_RE.fullmatch(token) is not None
