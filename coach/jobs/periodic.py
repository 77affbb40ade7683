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


class Periodic:
    """A daemon thread that queues a ``kind`` job every ``interval_s`` seconds until stopped."""

    def __init__(self, app: Flask, kind: str, interval_s: float) -> None:
        self.app, self.kind, self.interval_s = app, kind, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"coach-{kind}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the schedule and wait for a job being queued to finish."""
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            with self.app.app_context():
                try:
                    job_queue().enqueue(self.kind, {})
                except Exception:  # a database outage must not end the schedule
                    log.exception("could not queue the periodic %s job", self.kind)
