"""The WSGI entry for a production server: ``gunicorn coach.wsgi:app``.

Configuration comes from the instance folder and ``COACH_*`` environment variables, as for
``flask --app coach``. The start-up heap is frozen once the app is built (:mod:`coach.heap`).
"""

from __future__ import annotations

from coach import create_app
from coach.heap import freeze_startup_heap

app = create_app()
freeze_startup_heap()
