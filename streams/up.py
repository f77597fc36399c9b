"""`wirewatch up`: the whole stack on one machine — local broker, poller, worker — in one command."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from types import FrameType

from streams.settings import Settings

log = logging.getLogger("wirewatch.up")

RESTART_BACKOFF_MAX = 30.0


@dataclass
class Child:
    """One supervised process: restarted with backoff if it dies while the stack runs."""

    name: str
    argv: list[str]
    env: dict[str, str]
    proc: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started: float = 0.0
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our signal handler decides when children stop
        )
        self.started = time.monotonic()
        pump = threading.Thread(target=self._pump, daemon=True)
        pump.start()
        self.threads = [pump]

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip()
            print(f"{self.name:>6} | {line}", flush=True)

    def stop(self, timeout: float = 20.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %.0f s; killing it", self.name, timeout)
            self.proc.kill()
            self.proc.wait()


def run_up(settings: Settings) -> int:
    """Start everything, supervise it, and stop it all cleanly on Ctrl-C or SIGTERM."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    broker = None
    env = dict(os.environ)
    if settings.local_broker:
        from streams.kafka.broker import LocalBroker

        broker = LocalBroker.from_settings(settings)
        started = time.monotonic()
        broker.start()
        print(
            f"    up | Kafka ready at {broker.bootstrap} ({time.monotonic() - started:.1f} s)",
            flush=True,
        )
        env["WIREWATCH_BOOTSTRAP_SERVERS"] = broker.bootstrap
    else:
        print(f"    up | using the configured cluster {settings.bootstrap}", flush=True)

    python = [sys.executable, "-m", "streams"]
    children = [
        Child("worker", [*python, "worker"], env),
        Child("poller", [*python, "poll"], env),
    ]
    try:
        for child in children:
            child.start()
        print(
            f"    up | worker web server on http://{settings.web_host}:{settings.web_port}/health;"
            " Ctrl-C stops everything",
            flush=True,
        )
        while not stop.wait(1.0):
            for child in children:
                assert child.proc is not None
                code = child.proc.poll()
                if code is None:
                    continue
                # A crashed child is restarted; the backoff grows unless it had run a while.
                ran = time.monotonic() - child.started
                child.restarts = 0 if ran > 60 else child.restarts + 1
                delay = min(RESTART_BACKOFF_MAX, 2.0**child.restarts)
                print(f"    up | {child.name} exited ({code}); restarting in {delay:.0f} s")
                if stop.wait(delay):
                    break
                child.start()
    finally:
        print("    up | stopping", flush=True)
        for child in reversed(children):
            child.stop()
        if broker is not None:
            broker.stop()
        print("    up | stopped", flush=True)
    return 0
