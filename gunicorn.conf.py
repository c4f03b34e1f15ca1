"""gunicorn settings for `make serve` and production; every value can be set from the environment.

Sync workers by default: behind a buffering reverse proxy (the deployment the README describes)
a slow client never holds a worker, and a worker's memory stays its own. GUNICORN_THREADS > 1
switches to threaded workers (gthread), which also keep client connections alive.
"""

import multiprocessing
import os

from deffinum.environment import env_bool, env_int

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or 8000}"

# gunicorn's own advice, 2 × cores + 1, capped: past a dozen workers the database and the
# memory give out before the processor does.
workers = env_int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12))
threads = env_int("GUNICORN_THREADS", 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or ("gthread" if threads > 1 else "sync")

# The CSV export of every laureate streams for a while on a large database.
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5

# One line per request on standard output only when asked: a log line costs more than a
# cached page.
accesslog = "-" if env_bool("GUNICORN_ACCESS_LOG") else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL") or "info"

# Recycling workers now and then bounds any slow leak; off unless asked, so that the benchmark's
# soak test sees a real leak instead of hiding it.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10

# Recent gunicorn opens a control socket in the user's home by default: two servers on one machine
# (the benchmark beside `make serve`) would fight over it, and nothing here uses it.
control_socket_disable = True


def post_worker_init(worker):
    # Import every view (the URLconf, the API) when the worker starts, not during the first
    # visitor's request to it.
    from django.urls import reverse

    reverse("laureats:home")
