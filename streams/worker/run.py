"""`wirewatch worker`: create topics, then run the Faust app until a signal stops it."""

from __future__ import annotations

import logging

from streams.kafka.admin import ensure_topics
from streams.settings import Settings

log = logging.getLogger(__name__)


def run_worker(settings: Settings, loglevel: str = "info") -> int:
    """Run the worker in the foreground; returns the exit code."""
    import faust

    from streams.worker.app import create_app

    ensure_topics(settings)
    app = create_app(settings)
    worker = faust.Worker(
        app,
        loglevel=loglevel,
        # Faust's own banner/console tricks assume a TTY; keep logs plain.
        quiet=True,
        redirect_stdouts=False,
    )
    try:
        worker.execute_from_commandline()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
