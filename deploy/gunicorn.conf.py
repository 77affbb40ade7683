"""gunicorn settings for Coach: ``gunicorn -c deploy/gunicorn.conf.py coach.wsgi:app``.

Two processes per core of two threads each (``WEB_CONCURRENCY`` and ``WEB_THREADS``).
Threads absorb requests that wait (the database, a spoken reply's Whisper run), but Python
runs one thread of a process at a time, and a kept-alive connection stays with the process
that accepted it: under load, requests queued inside a busy process while another idled
(docs/deployment.md, "Capacity"; the trainee dashboard's p95 under the load test fell when
one process per core of four threads became two of two). Each process holds its own
content and text models (about 1 GB once role-play is used), so memory, not CPU, bounds
``WEB_CONCURRENCY`` on a big machine.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from gunicorn.arbiter import Arbiter
from gunicorn.workers.base import Worker

bind = ["127.0.0.1:8000"]  # a container passes --bind 0.0.0.0:8000
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS") or 2)
# An upload of a long call is streamed to disk within one request; a worker is only
# declared dead after this long without a sign of life.
timeout = 120
graceful_timeout = 30
# Idle keep-alive connections are parked in the worker's poller, not holding a thread. Kept
# longer than a proxy's or client's idle timeout (commonly 60 s) so that they, not gunicorn,
# close idle connections: otherwise a request sent just as gunicorn closes one is lost (seen
# once in 5,382 requests of the load test with a 5-s keep-alive and 2-8 s think times).
keepalive = 75
# gunicorn's access log would carry client addresses and full paths with their query
# strings; Coach writes its own access lines without them (coach/observability/logs.py).
accesslog = None
errorlog = "-"
# gunicorn's own lines in Coach's format, without paths, query strings or client addresses;
# named, not imported: the class loads Coach after PROMETHEUS_MULTIPROC_DIR is set below.
logger_class = "coach.observability.gunicorn_logs.CoachLogger"
# gunicorn's control socket sits at one path per user: a second server on the machine would
# take it over; Coach is run by its process manager and signals, not by gunicornc.
control_socket_disable = True

# Each worker counts its requests into files here, and a scrape of any one of them adds
# them all up (coach/observability/metrics.py). It must be set before a worker imports
# prometheus_client, that is here, in the arbiter, before the fork.
_OWN_METRICS_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="coach-metrics-")


def on_starting(server: Arbiter) -> None:
    """Start counting from zero: figures left by an earlier run would be added in."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.unlink(os.path.join(folder, name))


def child_exit(server: Arbiter, worker: Worker) -> None:
    """A worker that exits stops being counted among the live ones (its totals stay)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Arbiter) -> None:
    if _OWN_METRICS_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
