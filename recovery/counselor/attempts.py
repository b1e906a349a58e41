"""Counting sign-in attempts for email addresses that have no account.

A real account counts its attempts in its own row (`users.reserve_login_attempt`); an unknown
address has no row, so it is counted here, in the rate-limit storage (RATELIMIT_STORAGE_URI), so
that every worker process shares the count when that is Redis. Both follow the same rule (see
`auth.attempt_login`), so the answers never tell which addresses have accounts.

The address itself is never stored: the key holds an HMAC of it under a key derived from
SECRET_KEY (a plain hash of an address can be reversed by hashing a list of addresses).
"""

import hashlib
import hmac
import logging
import threading
import time
from typing import Any

from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string

log = logging.getLogger(__name__)
# While the shared storage is unreachable, try it again at most this often.
RECHECK_SECONDS = 10.0


class UnknownAddressCounter:
    """Atomic per-address counters (the storage's INCR) that start at the first attempt and
    vanish `window_seconds` later.

    If the shared storage goes away, counting carries on in this process's memory (as
    Flask-Limiter does with RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) until it answers again.
    """

    def __init__(self, *, storage_uri: str, storage_options: dict[str, Any], key_prefix: str,
                 secret: str | bytes, fallback: bool) -> None:
        # wrap_exceptions: every backend's failures arrive as one StorageError.
        storage = storage_from_string(storage_uri, wrap_exceptions=True, **storage_options)
        if not isinstance(storage, Storage):  # an async:// URI: this app is synchronous
            raise RuntimeError("RATELIMIT_STORAGE_URI must name a synchronous storage")
        self.storage = storage
        self.fallback = MemoryStorage() if fallback else None
        self.key_prefix = key_prefix
        raw = secret.encode() if isinstance(secret, str) else secret
        self.hmac_key = hmac.new(raw, b"recovery.counselor.unknown-address.v1",
                                 hashlib.sha256).digest()
        self.dead_since: float | None = None  # when the shared storage last failed
        self.lock = threading.Lock()

    def key(self, email: str) -> str:
        digest = hmac.new(self.hmac_key, email.encode(), hashlib.sha256).hexdigest()
        parts = [self.key_prefix, "counselor-login-unknown", digest]
        return "/".join(part for part in parts if part)

    def reserve(self, email: str, *, window_seconds: int) -> int:
        """Count one attempt for `email` (already normalized); its number in the window."""
        key = self.key(email)
        storage = self._current_storage()
        try:
            return storage.incr(key, window_seconds)
        except StorageError:
            if self.fallback is None or storage is self.fallback:
                raise
            log.warning("sign-in counter storage unreachable: counting in memory")
            with self.lock:
                self.dead_since = time.monotonic()
            return self.fallback.incr(key, window_seconds)

    def _current_storage(self) -> Storage:
        with self.lock:
            if self.dead_since is None or self.fallback is None:
                return self.storage
            if time.monotonic() - self.dead_since < RECHECK_SECONDS:
                return self.fallback
            if self.storage.check():
                log.info("sign-in counter storage is back")
                self.dead_since = None
                return self.storage
            self.dead_since = time.monotonic()
            return self.fallback
