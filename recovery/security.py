"""Privacy and security plumbing: an encrypted session cookie, CSRF, rate limits, the reverse
proxy, and response headers.

Answers in progress live only in the person's own session cookie, never in the database, until
they choose to save. Flask's default cookie is signed but readable, so here it is also
encrypted (Fernet: AES with an HMAC), with a key derived from SECRET_KEY.
"""

import base64
import hashlib
import io
import time
import zlib
from typing import IO, Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import (
    Blueprint,
    Flask,
    Request,
    Response,
    current_app,
    g,
    has_request_context,
    request,
)
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect, same_origin
from itsdangerous import BadSignature
from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import cached_property


class SameOriginCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF token check, plus a check that the post came from one of our own pages,
    read from the headers browsers send for that purpose (see `cross_origin_problem`).

    Flask-WTF's own origin check (WTF_CSRF_SSL_STRICT, off in config.py) wants a same-origin
    Referer on every HTTPS post. A browser may leave the Referer out (a privacy setting, an
    extension, a stricter referrer policy), and while our pages sent `no-referrer` every form
    over HTTPS was refused.
    """

    def protect(self, apply_exemptions: bool = False) -> None:
        super().protect(apply_exemptions)  # the token; sets g.csrf_valid when it was checked
        if g.get("csrf_valid"):
            problem = cross_origin_problem(request.headers, request.scheme, request.host)
            if problem is not None:
                self._error_response(problem)


def cross_origin_problem(headers: Headers, scheme: str, host: str) -> str | None:
    """Why a form post must be refused as coming from another site, or None.

    The first header the browser sent decides: Sec-Fetch-Site (every current browser sends it,
    and no page can forge it), then Origin, then Referer. Over HTTPS a post that carries none of
    them is refused, as Flask-WTF's strict mode did; over plain HTTP (a local run) the token
    alone decides, as before. "Same site" is not enough: a sibling subdomain is another origin.
    """
    fetch_site = headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        # "none": the person started the request themselves (never a page on another site).
        return None if fetch_site in ("same-origin", "none") else "The form came from another site."
    own_origin = f"{scheme}://{host}"
    origin = headers.get("Origin")
    if origin and origin != "null":
        return None if origin == own_origin else "The form came from another origin."
    referrer = headers.get("Referer")
    if referrer:
        return None if same_origin(referrer, own_origin + "/") else "The referrer is another site."
    if scheme == "https":
        return "The browser did not say which page the form came from."
    return None


csrf = SameOriginCSRFProtect()
# No default limits: only routes that ask for one are limited. The key is the client address as
# Werkzeug sees it; behind a reverse proxy set PROXY_FIX_X_FOR (config.py) or every visitor
# shares the proxy's address. Storage: RATELIMIT_STORAGE_URI, shared by all worker processes
# when it is Redis.
limiter = Limiter(key_func=get_remote_address)


def retry_after() -> dict[str, str]:
    """The Retry-After header for a 429: seconds until the breached limit's window ends.

    Only the 429 gets it (RATELIMIT_HEADERS_ENABLED is off, see config.py); a minute when the
    window can't be read, e.g. with the storage just gone.
    """
    try:
        breached = limiter.current_limit
        seconds = int(breached.reset_at - time.time()) if breached is not None else 60
    except Exception:  # the storage failed between the breach and this page: don't make a 500
        seconds = 60
    return {"Retry-After": str(max(seconds, 1))}


def _public_submission_limit() -> str:
    return str(current_app.config["PUBLIC_SUBMISSION_RATE_LIMIT"])


def _pdf_limit() -> str:
    return str(current_app.config["PDF_RATE_LIMIT"])


def _plan_creation_limit() -> str:
    return str(current_app.config["PLAN_CREATION_RATE_LIMIT"])


# Made once: the limiter keeps blueprint limits in a set, so applying these again for another
# app changes nothing.
public_submission_limit = limiter.shared_limit(
    _public_submission_limit, scope="public-submission", methods=["POST"])
pdf_limit = limiter.limit(_pdf_limit)
# On top of the submission budget (not instead of it): every new plan is kept for a year.
plan_creation_limit = limiter.shared_limit(
    _plan_creation_limit, scope="plan-creation", methods=["POST"], override_defaults=False)
MAX_SESSION_BYTES = 64 * 1024  # far more than any answer set; a cookie holds at most 4 KB
_NO_SESSION_COOKIE = "recovery_no_session_cookie"  # a flag on `g`

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

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure whenever the request came over HTTPS (as ProxyFix reports it behind a proxy),
        or always with SESSION_COOKIE_SECURE."""
        return bool(super().get_cookie_secure(app)
                    or (has_request_context() and request.is_secure))

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if g.get(_NO_SESSION_COOKIE, False):
            return False
        return super().should_set_cookie(app, session)


def skip_session_cookie() -> None:
    """Send no session cookie with this response (machine endpoints such as /healthz)."""
    setattr(g, _NO_SESSION_COOKIE, True)


# Files that are the same for everyone, which browsers may keep.
STATIC_ENDPOINTS = frozenset({"static", "site.favicon"})
# The only pages a search engine may list; every other page (a saved result or plan behind a
# private link, a step of someone's check, the counselor workspace) says noindex.
INDEXABLE_ENDPOINTS = frozenset({"questionnaire.index", "site.privacy"})


def is_indexable() -> bool:
    return request.endpoint in INDEXABLE_ENDPOINTS


# On every response, unless the view set its own.
EVERY_RESPONSE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Our own address goes only to ourselves (where the CSRF check reads it), never elsewhere.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    if not is_indexable():
        headers.setdefault("X-Robots-Tag", "noindex, nofollow")
    for name, value in EVERY_RESPONSE_HEADERS.items():
        headers.setdefault(name, value)
    if request.endpoint not in STATIC_ENDPOINTS:
        # Pages may show answers or results: never keep them in a shared browser's cache.
        headers["Cache-Control"] = "no-store"
    hsts_seconds = current_app.config["HSTS_SECONDS"]
    if request.is_secure and hsts_seconds:
        # Only over HTTPS: browsers ignore it on plain HTTP, and a local run must stay usable.
        headers.setdefault("Strict-Transport-Security",
                           f"max-age={int(hsts_seconds)}; includeSubDomains")
    return response


def trust_reverse_proxy(app: Flask) -> None:
    """Read the client's address and scheme from X-Forwarded-* when PROXY_FIX_* say how many
    proxies set them; otherwise those headers are ignored (anyone could forge them)."""
    counts = {name: int(app.config[f"PROXY_FIX_{name.upper()}"])
              for name in ("x_for", "x_proto", "x_host", "x_port", "x_prefix")}
    if any(counts.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, **counts)  # type: ignore[method-assign]


def limit_blueprints(*, submissions: Blueprint) -> None:
    """Per-address limits on blueprints whose views don't name a limit themselves. (PDF views
    carry `pdf_limit` themselves: they are served from more than one blueprint.)"""
    public_submission_limit(submissions)


class BoundedRequest(Request):
    """A request whose body over `max_content_length` is refused whole, chunked ones included.

    With a Content-Length, Werkzeug refuses too big a body before reading it. Without one
    (`Transfer-Encoding: chunked`, which gunicorn passes on) it stops reading at the limit and
    lets the request go on with the part it read: a form cut short, parsed as if complete.
    """

    @cached_property
    def stream(self) -> IO[bytes]:
        limit = self.max_content_length
        if (self.content_length is not None or limit is None
                or not self.environ.get("wsgi.input_terminated")):
            return super().stream
        # Read lazily, when the view first asks for the body: its limit is known by then.
        body = self.environ["wsgi.input"].read(limit + 1)
        if len(body) > limit:
            raise RequestEntityTooLarge()
        return io.BytesIO(body)


def init_app(app: Flask) -> None:
    app.request_class = BoundedRequest
    trust_reverse_proxy(app)
    app.session_interface = EncryptedCookieSessionInterface()
    # Before CSRF, so a flood is turned away without reading the form.
    limiter.init_app(app)
    csrf.init_app(app)
    app.after_request(add_security_headers)
    app.add_template_global(is_indexable)
