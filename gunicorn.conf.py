"""gunicorn settings for running the app in production, behind a reverse proxy (nginx, Caddy).

    ./scripts/serve                  # or: gunicorn -c gunicorn.conf.py 'recovery:create_app()'

Environment: RECOVERY_BIND (default 127.0.0.1:8000), RECOVERY_WORKERS (default 2 per CPU),
RECOVERY_WORKER_MAX_MEMORY_MB (default 512: a worker holding that much more than at its
start is replaced),
RECOVERY_LOG_LEVEL (default INFO); the app's own settings as in the README.
"""

import gc
import logging
import multiprocessing
import os
import sys
from typing import Any

from gunicorn.glogging import Logger

from recovery.logs import logging_config

# Only the reverse proxy on this machine talks to gunicorn; the proxy terminates TLS.
bind = os.environ.get("RECOVERY_BIND", "127.0.0.1:8000")
# Sync workers: the work is CPU-bound (templates, argon2 sign-ins, WeasyPrint PDFs), and a
# stuck request can't hold up others in the same process.
worker_class = "sync"
workers = int(os.environ.get("RECOVERY_WORKERS", 2 * multiprocessing.cpu_count()))
# The slowest request is the worst PDF a plan can ask for (about 1 s of CPU, a typical one 0.2 s;
# see recovery/export/budget.py); 30 s kills only something truly stuck.
timeout = 30
graceful_timeout = 30
keepalive = 2
# WeasyPrint holds on to memory: a process holds about 150 MB after start-up, 280 MB after its
# first PDFs and 360 MB after 600 of the largest (measured in one process). A worker is replaced
# after a request that leaves it holding RECOVERY_WORKER_MAX_MEMORY_MB more than when it
# started, and in any case after max_requests (jittered, so they don't all restart at once).
# Each replacement leaves a gap that the slowest requests of the moment fall into (README, load
# benchmark), so it happens when it is needed rather than every thousand requests.
worker_max_memory_mb = int(os.environ.get("RECOVERY_WORKER_MAX_MEMORY_MB", 512))
max_requests = 10000
max_requests_jitter = 1000
# Requests are small (the app refuses bodies over 64 KiB, plan files over 256 KB).
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
# X-Forwarded-* is the app's business (PROXY_FIX_* settings), not gunicorn's: one place
# decides which proxy to believe.
forwarded_allow_ips = ""
# Build the app once, in the master, and fork workers from it: a worker replaced after
# max_requests is ready at once instead of loading the content and compiling every template
# again. The cost: a code change needs a full restart, not a HUP.
preload_app = True


def when_ready(server: Any) -> None:
    """Compile the templates in the master, so every worker forked from it starts with them."""
    app = server.app.wsgi()
    for name in app.jinja_env.list_templates(extensions=("html",)):
        app.jinja_env.get_template(name)


def pre_fork(server: Any, worker: Any) -> None:
    """Move everything the master holds out of the garbage collector's sight before forking
    (Python's advice for pre-fork servers, see gc.freeze): a worker's collections then skip
    the app's long-lived objects instead of walking (and so copying) every page of them; a
    worker's life fell from ~0.5 s to ~0.1 s of CPU."""
    gc.freeze()


def post_fork(server: Any, worker: Any) -> None:
    """Note the memory the worker starts with (post_request compares with it), and give it a
    pool of its own: connections must never be shared between processes (the master opens
    none, but a pooled connection copied by fork would be used by two processes at once)."""
    worker.resident_mb_at_start = _resident_mb()
    engine = _app_engine(server)
    if engine is not None:
        engine.dispose(close=False)


def _app_engine(server: Any) -> Any:
    """The app's database engine, or None for an app that never loaded the database module
    (importing it just to look would cost every new worker about a second: the load
    benchmark's hello world)."""
    db = sys.modules.get("recovery.db")
    return None if db is None else server.app.wsgi().extensions.get(db.ENGINE_KEY)


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    """Replace a worker (after this request, as gunicorn does after max_requests) once it
    holds worker_max_memory_mb more than when it started. Counting from the start leaves out
    the pages shared with the master, so a large master can't make every worker look full."""
    if worker.alive and _resident_mb() - worker.resident_mb_at_start > worker_max_memory_mb:
        worker.log.info("Replacing worker: %d MB of memory more than at start",
                        worker_max_memory_mb)
        worker.alive = False


_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


def _resident_mb() -> float:
    """This process's resident memory; 0 where /proc is missing (not Linux): then only
    max_requests replaces workers."""
    try:
        with open("/proc/self/statm") as statm:
            resident_pages = int(statm.read().split()[1])
    except OSError:
        return 0.0
    return resident_pages * _PAGE_MB


def worker_exit(server: Any, worker: Any) -> None:
    """A worker that ends normally (replaced, or stopped) closes its database connections,
    flushes its logs and leaves at once, without the interpreter's teardown: that teardown
    touches every object the worker shares with the master, copying each page of them, and
    took about 70 ms of CPU, during which the worker's place stood empty (the load
    benchmark's p99, README). A worker that fails to boot, can't load the app or dies of an
    exception keeps its exit code and the usual exit: the master reads that code to stop
    instead of respawning it forever."""
    if worker.pid != os.getpid():  # the master also calls this, for a worker already gone
        return
    ending = sys.exc_info()[1]  # gunicorn calls this while the worker's SystemExit unwinds
    if not isinstance(ending, SystemExit) or ending.code not in (0, None):
        return
    engine = _app_engine(server)
    if engine is not None:
        engine.dispose()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class AppWritesAccessLog(Logger):
    """gunicorn's access line quotes every URL, and URLs carry private links: the app writes
    its own line with the route pattern (recovery/logs.py). Skipping gunicorn's also skips
    the per-request work of formatting a line nobody reads."""

    def access(self, *args: Any, **kwargs: Any) -> None:
        pass


logger_class = AppWritesAccessLog
accesslog = None
errorlog = "-"
logconfig_dict = logging_config(os.environ.get("RECOVERY_LOG_LEVEL", "INFO"))
# No control socket: it lives at one path per user, so a second gunicorn on the same machine
# (another app, a benchmark) would take it over; nothing here uses it.
control_socket_disable = True
