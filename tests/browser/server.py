"""The app under test, started the way a person starts it: `flask --app recovery run`.

The server is a real subprocess on 127.0.0.1. It listens on a port the kernel picks (`--port
0`): reading the port back from the server's own log line means two test runs on one machine
can never race for the same port. Its settings come from RECOVERY_* environment variables, as
in production, and its database is one the tests made for it alone.
"""

import datetime
import http.client
import ipaddress
import os
import re
import secrets
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import Engine

from recovery import db

STARTUP_SECONDS = 30
# werkzeug prints " * Running on http://127.0.0.1:PORT" (in colour on some terminals).
RUNNING_ON = re.compile(r"Running on (http://127\.0\.0\.1:\d+)")
REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL = "ada@example.org"
ADMIN_NAME = "Ada Admin"
ADMIN_PASSWORD = "a long enough passphrase for the browser tests"
# Set explicitly, so a developer's instance/config.py cannot change what the journeys expect.
IDLE_MINUTES = 15
SESSION_HOURS = 8


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    name: str


@dataclass(frozen=True)
class LiveServer:
    """A running app: its address, its database and its log (for failure messages)."""

    url: str
    database_url: str
    log_path: Path
    process: subprocess.Popen[bytes]
    admin: Account
    # Whatever else runs in front of the app (a TLS proxy), stopped after it.
    also_stop: tuple[Callable[[], None], ...] = ()

    def engine(self) -> Engine:
        """An engine on the server's database, to arrange what a test cannot do in the browser
        (such as letting 16 minutes pass). Dispose of it after use."""
        return db.make_engine(self.database_url)

    def log_tail(self) -> str:
        return log_tail(self.log_path)

    def stop(self) -> None:
        for stop in self.also_stop:
            stop()
        stop_process(self.process)


def server_environment(database_url: str) -> dict[str, str]:
    """The environment of a clean production-like start: no debug, a real secret key, our
    database, and none of the developer's own RECOVERY_*/FLASK_* settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RECOVERY_", "FLASK_")) and k != "DATABASE_URL"}
    env.update({
        "RECOVERY_DATABASE_URL": database_url,
        "RECOVERY_SECRET_KEY": secrets.token_hex(32),
        # Plain HTTP on 127.0.0.1: a Secure cookie would never be sent back.
        "RECOVERY_SESSION_COOKIE_SECURE": "false",
        "RECOVERY_COUNSELOR_IDLE_MINUTES": str(IDLE_MINUTES),
        "RECOVERY_COUNSELOR_SESSION_HOURS": str(SESSION_HOURS),
        "RECOVERY_CRISIS_LOCALE": "US",  # the crisis lines the journeys expect (988)
        # The journeys sign in a dozen times a minute from 127.0.0.1; the per-address limit has
        # tests of its own (tests/test_rate_limits.py, tests/counselor/signin/).
        "RECOVERY_COUNSELOR_LOGIN_RATE_LIMIT": "1000 per minute",
        "FLASK_SKIP_DOTENV": "1",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def flask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "recovery", *args]


def migrate(database_url: str) -> None:
    engine = db.make_engine(database_url)
    try:
        db.upgrade_engine(engine)  # what `flask --app recovery init-db` does
    finally:
        engine.dispose()


def create_admin(env: dict[str, str]) -> Account:
    """The documented way to make the first admin: `create-user --password-stdin`."""
    admin = Account(ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_NAME)
    created = subprocess.run(
        flask_command("create-user", "--email", admin.email, "--role", "admin",
                      "--name", admin.name, "--password-stdin"),
        env=env, input=admin.password + "\n", capture_output=True, text=True,
        timeout=STARTUP_SECONDS)
    if created.returncode != 0:
        raise RuntimeError(f"create-user failed: {created.stdout}{created.stderr}")
    return admin


def start_server(database_url: str, log_path: Path) -> LiveServer:
    """Migrate the database, start the server, and make the first admin with the real CLI."""
    migrate(database_url)
    env = server_environment(database_url)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            flask_command("run", "--host", "127.0.0.1", "--port", "0"),
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        admin = create_admin(env)  # while the server starts up
        url = wait_until_ready(process, log_path)
    except BaseException:
        stop_process(process)
        raise
    return LiveServer(url, database_url, log_path, process, admin)


# --- HTTPS, as a clinic serves it -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away certificate for 127.0.0.1, valid for a day: (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def start_gunicorn(database_url: str, folder: Path, *, tls: bool,
                   settings: dict[str, str] | None = None) -> LiveServer:
    """The production command (gunicorn with gunicorn.conf.py, as ./scripts/serve runs it) on
    127.0.0.1; with `tls`, gunicorn itself serves HTTPS with a throw-away certificate. The
    session cookie keeps its production default (Secure over HTTPS)."""
    migrate(database_url)
    port = free_port()
    env = server_environment(database_url)
    del env["RECOVERY_SESSION_COOKIE_SECURE"]
    env.update({"RECOVERY_BIND": f"127.0.0.1:{port}", "RECOVERY_WORKERS": "2",
                **(settings or {})})
    tls_args: list[str] = []
    if tls:
        cert, key = self_signed_certificate(folder)
        tls_args = ["--certfile", str(cert), "--keyfile", str(key)]
    log_path = folder / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *tls_args,
             "recovery:create_app()"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
    url = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    try:
        admin = create_admin(env)
        wait_for_health(process, log_path, url)
    except BaseException:
        stop_process(process)
        raise
    return LiveServer(url, database_url, log_path, process, admin)


def behind_tls_proxy(app_server: LiveServer, folder: Path) -> LiveServer:
    """`app_server` (plain HTTP) behind a TLS-terminating reverse proxy on another port, which
    sets X-Forwarded-Proto and X-Forwarded-For as nginx or Caddy would."""
    cert, key = self_signed_certificate(folder)
    proxy = TLSProxy(app_server.url, cert, key)
    return LiveServer(proxy.url, app_server.database_url, app_server.log_path,
                      app_server.process, app_server.admin, also_stop=(proxy.stop,))


class TLSProxy:
    """A minimal stand-in for nginx in front of gunicorn: terminates TLS, forwards each request
    over plain HTTP/1.1 with the client's Host, `X-Forwarded-Proto: https` and
    `X-Forwarded-For`, and passes the answer back (every Set-Cookie kept)."""

    HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
                  "proxy-connection", "content-length"}

    def __init__(self, upstream: str, cert: Path, key: Path) -> None:
        upstream_host, upstream_port = upstream.removeprefix("http://").split(":")
        hop_by_hop = self.HOP_BY_HOP

        class Forward(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                # Like nginx's proxy_set_header: the client's own X-Forwarded-* never pass.
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in hop_by_hop
                           and not k.lower().startswith("x-forwarded-")}
                headers.update({"X-Forwarded-Proto": "https",
                                "X-Forwarded-For": self.client_address[0]})
                if body is not None:
                    headers["Content-Length"] = str(len(body))
                connection = http.client.HTTPConnection(upstream_host, int(upstream_port),
                                                        timeout=60)
                try:
                    connection.request(self.command, self.path, body=body, headers=headers)
                    answer = connection.getresponse()
                    payload = answer.read()
                finally:
                    connection.close()
                self.send_response(answer.status, answer.reason)
                for name, value in answer.getheaders():
                    if name.lower() not in hop_by_hop:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_HEAD = forward

            def log_message(self, format: str, *args: object) -> None:
                pass  # the app logs its own (redacted) line

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def wait_for_health(process: subprocess.Popen[bytes], log_path: Path, url: str) -> None:
    """Wait until `url`/healthz answers 200 (any certificate accepted: ours is throw-away)."""
    unverified = ssl._create_unverified_context()
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The app server exited with code {process.returncode}:\n"
                               f"{log_tail(log_path)}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5,
                                        context=unverified) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"The app server did not answer within {STARTUP_SECONDS} s:\n"
                       f"{log_tail(log_path)}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def log_tail(log_path: Path, lines: int = 30) -> str:
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def wait_until_ready(process: subprocess.Popen[bytes], log_path: Path) -> str:
    """The server's base URL once its start page answers 200."""
    deadline = time.monotonic() + STARTUP_SECONDS
    url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The app server exited with code {process.returncode}:\n"
                               f"{log_tail(log_path)}")
        if url is None:
            found = RUNNING_ON.search(log_path.read_text(errors="replace"))
            url = found.group(1) if found else None
        if url is not None:
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as response:
                    if response.status == 200:
                        return url
            except (urllib.error.URLError, ConnectionError):
                pass
        time.sleep(0.1)
    raise RuntimeError(f"The app server did not answer within {STARTUP_SECONDS} s:\n"
                       f"{log_tail(log_path)}")
