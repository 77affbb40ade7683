"""Jobs the app queues on a timer (the retention policy), whichever runner executes them.

A daemon thread of each app process queues the job every interval; the job is idempotent, so
several processes queueing it costs a little work, never a wrong result. Deployments that
prefer cron set the interval to 0 and run the matching ``flask coach`` command instead.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask

from coach.jobs.core import job_queue

log = logging.getLogger(__name__)


def every(app: Flask, kind: str, interval_s: float) -> threading.Event:
    """Queue a ``kind`` job every ``interval_s`` seconds; set the returned event to stop."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval_s):
            with app.app_context():
                try:
                    job_queue().enqueue(kind, {})
                except Exception:  # a database outage must not end the schedule
                    log.exception("could not queue the periodic %s job", kind)

    threading.Thread(target=loop, name=f"coach-every-{kind}", daemon=True).start()
    return stop
