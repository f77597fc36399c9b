"""`wirewatch up`, the README's main-job command: broker, poller and worker in one process tree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.support import (
    SEED_TITLE,
    SEED_URL,
    FeedItem,
    FeedServer,
    free_port,
    read_topic,
    rss,
    seed_text,
    wait_for,
)

pytestmark = pytest.mark.integration


def _java_processes_using(path: Path) -> list[str]:
    """Command lines of running Kafka brokers whose arguments mention `path` (read from /proc)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # the process ended while we looked
        if "kafka.Kafka" in args and str(path) in args:
            found.append(args)
    return found


def test_up_runs_the_pipeline_and_stops_cleanly(tmp_path: Path) -> None:
    port, controller, web = free_port(), free_port(), free_port()
    with FeedServer(rss([FeedItem(SEED_TITLE, SEED_URL, seed_text())])) as feed:
        env = {
            **os.environ,
            "WIREWATCH_BOOTSTRAP_SERVERS": "",  # no cluster configured: up provisions one
            "WIREWATCH_BROKER_PORT": str(port),
            "WIREWATCH_BROKER_CONTROLLER_PORT": str(controller),
            "WIREWATCH_WEB_PORT": str(web),
            "WIREWATCH_DATA_DIR": str(tmp_path),
            "WIREWATCH_TOPIC_PARTITIONS": "2",
            "WIREWATCH_ALLOW_PRIVATE_FEEDS": "true",
            "WIREWATCH_FEEDS": orjson.dumps([{"url": feed.url, "lang": "ar"}]).decode(),
        }
        log_path = tmp_path / "up.log"
        with open(log_path, "wb") as log:
            up = subprocess.Popen(
                [sys.executable, "-m", "streams", "up"], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        bootstrap = f"127.0.0.1:{port}"
        try:

            def alert() -> list[dict]:  # type: ignore[type-arg]
                assert up.poll() is None, log_path.read_text()[-3000:]
                try:
                    records = read_topic(bootstrap, "wire.alerts")
                except Exception:  # broker still starting
                    return []
                return [orjson.loads(r.value) for r in records]

            alerts = wait_for(alert, 180, interval=2, what="an alert from `wirewatch up`")
            assert alerts[0]["rule"] == "ceasefire+idlib"
            assert _java_processes_using(tmp_path), "up should run its own broker"
        finally:
            started = time.monotonic()
            up.send_signal(signal.SIGINT)
            code = up.wait(90)
        output = log_path.read_text()
        assert code == 0, output[-3000:]
        assert time.monotonic() - started < 60
        assert "up | stopped" in output
        assert not _java_processes_using(tmp_path), "broker left running after up stopped"
