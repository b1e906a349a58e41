"""gunicorn settings for running the app in production, behind a reverse proxy (nginx, Caddy).

    ./scripts/serve                  # or: gunicorn -c gunicorn.conf.py 'recovery:create_app()'

Environment: RECOVERY_BIND (default 127.0.0.1:8000), RECOVERY_WORKERS (default 2 per CPU),
RECOVERY_LOG_LEVEL (default INFO); the app's own settings as in the README.
"""

import multiprocessing
import os

from recovery.logs import logging_config

# Only the reverse proxy on this machine talks to gunicorn; the proxy terminates TLS.
bind = os.environ.get("RECOVERY_BIND", "127.0.0.1:8000")
# Sync workers: the work is CPU-bound (templates, argon2 sign-ins, WeasyPrint PDFs), and a
# stuck request can't hold up others in the same process.
worker_class = "sync"
workers = int(os.environ.get("RECOVERY_WORKERS", 2 * multiprocessing.cpu_count()))
# The slowest request is a PDF (about 0.3 s of CPU); 30 s kills only something truly stuck.
timeout = 30
graceful_timeout = 30
keepalive = 2
# WeasyPrint holds on to memory; replace each worker after a while (jittered, so they don't
# all restart at once).
max_requests = 1000
max_requests_jitter = 100
# Requests are small (the app refuses bodies over 64 KiB, plan files over 256 KB).
limit_request_line = 4094
limit_request_fields = 60
limit_request_field_size = 8190
# X-Forwarded-* is the app's business (PROXY_FIX_* settings), not gunicorn's: one place
# decides which proxy to believe.
forwarded_allow_ips = ""
# gunicorn's access log quotes every URL, and URLs carry private links: the app writes its own
# access line with the route pattern instead (recovery/logs.py).
accesslog = None
errorlog = "-"
logconfig_dict = logging_config(os.environ.get("RECOVERY_LOG_LEVEL", "INFO"))
# No control socket: it lives at one path per user, so a second gunicorn on the same machine
# (another app, a benchmark) would take it over; nothing here uses it.
control_socket_disable = True
