"""The WSGI entry for a production server: ``gunicorn coach.wsgi:app``.

Configuration comes from the instance folder and ``COACH_*`` environment variables, as for
``flask --app coach``. The text models a web process needs for role-play turns (the
encoder, the scoring heads and the intent heads) are loaded before the process serves, not
by the first trainee's reply (2.6 s under load on the reference machine, docs/benchmarks.md),
and then the start-up heap, models included, is frozen (:mod:`coach.heap`).
"""

from __future__ import annotations

import logging

from flask import Flask

from coach import create_app
from coach.engines import engines_of
from coach.heap import freeze_startup_heap

log = logging.getLogger(__name__)


def load_text_models(application: Flask) -> bool:
    """Load the role-play turn's models now; False (logged) when they cannot be, in which
    case the process still serves and ``flask coach doctor`` says what is wrong."""
    engines = engines_of(application)
    try:
        engines.prepare()
        engines.intent_heads()
    except Exception as error:  # the engines' own checks explain it to the operator
        log.warning(
            "text models not loaded at start-up (%s); loading on first use", type(error).__name__
        )
        return False
    return True


app = create_app()
load_text_models(app)
freeze_startup_heap()
