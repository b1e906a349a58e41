"""Privacy and security plumbing: an encrypted session cookie, CSRF, rate limits, and response
headers.

Answers in progress live only in the person's own session cookie, never in the database, until
they choose to save. Flask's default cookie is signed but readable, so here it is also
encrypted (Fernet: AES with an HMAC), with a key derived from SECRET_KEY.
"""

import base64
import hashlib
import zlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from itsdangerous import BadSignature

csrf = CSRFProtect()
# No default limits: only routes that ask for one are limited (the counselor login). The key is
# the client address as Werkzeug sees it; behind a reverse proxy, wrap the app in ProxyFix or
# every visitor shares the proxy's address. Storage: RATELIMIT_STORAGE_URI (config.py).
limiter = Limiter(key_func=get_remote_address)
MAX_SESSION_BYTES = 64 * 1024  # far more than any answer set; a cookie holds at most 4 KB

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def fernet_for(secret: str | bytes) -> Fernet:
    raw = secret.encode() if isinstance(secret, str) else secret
    digest = hashlib.sha256(b"recovery.session.v1:" + raw).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class EncryptedSerializer:
    """Same interface as itsdangerous' serializer, as Flask's cookie session expects."""

    def __init__(self, app: Flask, json: Any) -> None:
        keys = [app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or [])]
        self.fernet = MultiFernet([fernet_for(k) for k in keys if k])
        self.json = json

    def dumps(self, value: dict[str, Any]) -> str:
        packed = zlib.compress(self.json.dumps(value).encode())
        return self.fernet.encrypt(packed).decode()

    def loads(self, value: str, max_age: int | None = None) -> dict[str, Any]:
        try:
            packed = self.fernet.decrypt(value.encode(), ttl=max_age)
            inflater = zlib.decompressobj()
            plain = inflater.decompress(packed, MAX_SESSION_BYTES)
            if inflater.unconsumed_tail:
                raise ValueError("session data is too large")
            data = self.json.loads(plain.decode())
        except (InvalidToken, zlib.error, ValueError, RecursionError) as exc:
            raise BadSignature("session cookie could not be read") from exc
        if not isinstance(data, dict):
            raise BadSignature("session cookie is not an object")
        return data


class EncryptedCookieSessionInterface(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: Flask) -> EncryptedSerializer | None:  # type: ignore[override]
        if not app.secret_key:
            return None
        return EncryptedSerializer(app, self.serializer)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint != "static":
        # Pages may show answers or results: never keep them in a shared browser's cache.
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.session_interface = EncryptedCookieSessionInterface()
    # Before CSRF, so a flood is turned away without reading the form.
    limiter.init_app(app)
    csrf.init_app(app)
    app.after_request(add_security_headers)
