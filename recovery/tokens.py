"""Unguessable links: saved results, plans, server-side login sessions and invitations; and one
link kept sealed by another (`seal_with`, `open_with`).

A token is handed out once and never stored: the database keeps only its SHA-256, so a leaked
copy of a table cannot be turned back into working links.
"""

import base64
import hashlib
import re
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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


# --- One link keeping another -------------------------------------------------------------------
# A plan made from a saved result links to it and back. Each side's token is stored encrypted
# with a key derived from the other side's token, so only someone holding one link can read
# the other: a copy of the database alone still opens nothing.


def _key_from(holder: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"recovery: a link kept by another link").derive(holder.encode("ascii"))
    return Fernet(base64.urlsafe_b64encode(derived))


def seal_with(holder: str, token: str) -> str:
    """`token`, encrypted so that only `holder` (another token) opens it."""
    return _key_from(holder).encrypt(token.encode("ascii")).decode("ascii")


def open_with(holder: str, sealed: str) -> str | None:
    """The token sealed with `holder`, or None if `holder` doesn't open it."""
    try:
        token = _key_from(holder).decrypt(sealed.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        return None
    return token if is_well_formed_token(token) else None
