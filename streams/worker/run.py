"""`wirewatch worker`: create topics, then run the Faust app until a signal stops it."""

from __future__ import annotations

import logging

from streams.kafka.admin import ensure_topics
from streams.settings import Settings
from streams.topics import TopicSpec

log = logging.getLogger(__name__)


def known_route_specs(settings: Settings) -> list[TopicSpec]:
    """Derived alert topics that can be named now: per route, per known rule or M49 region."""
    from streams.alerts.rules import load_rules
    from streams.delivery.routes import Route, route_spec
    from streams.tagging.data import load_m49

    rules = [r.id for r in load_rules(settings.rules_file).rules]
    regions = list(load_m49().regions.values())
    names = {
        name
        for config in settings.alert_routes
        for name in Route.from_config(config).known_topics(rules, regions)
    }
    return [route_spec(name) for name in sorted(names)]


def run_worker(settings: Settings, loglevel: str = "info") -> int:
    """Run the worker in the foreground; returns the exit code."""
    import faust

    from streams.worker.app import create_app

    ensure_topics(settings)
    ensure_topics(settings, known_route_specs(settings))
    # The table store (RocksDB) creates its own directory but not missing parents.
    (settings.data_dir / "worker").mkdir(parents=True, exist_ok=True)
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
