"""Run the single-node KRaft Kafka broker as a child JVM: start, readiness, stop, `wirewatch broker`.

Storage: a persistent data dir (what `wirewatch broker` uses) is formatted once and reused, so
topics and offsets survive restarts. Its cluster id is whatever its `meta.properties` records (the
broker reads it from there; there is no second copy to disagree with). Storage formatted for
another node id, or a non-empty log dir without `meta.properties`, is refused with a message
saying what to move: the launcher never deletes data it did not create. An ephemeral broker
(tests) formats fresh temporary storage and deletes it at stop.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Self

from kafka.errors import KafkaError

from streams.errors import BrokerError, ConfigError
from streams.kafka.probe import admin_round_trip, free_port, host_literal, port_in_use, wait_for_broker
from streams.kafka.provision import (
    JAVA_HINT,
    KAFKA_VERSION,
    classpath,
    ensure_formatted,
    ensure_kafka_classpath,
    is_provisioned,
    jvm_logging_flags,
    require_tool,
    server_properties,
)
from streams.settings import Settings

__all__ = ["KAFKA_VERSION", "LocalBroker", "ensure_kafka_classpath", "run_broker", "wait_for_broker"]

READY_LINE = b"Kafka Server started"
LOG_NAME = "broker.log"
DEFAULT_START_TIMEOUT_S = 120.0
DEFAULT_STOP_TIMEOUT_S = 30.0
CLUSTER_CHECK_TIMEOUT_S = 15.0
_HEAP_RE = re.compile(r"^[1-9][0-9]*[kKmMgG]?$")
_PORT_PICK_ATTEMPTS = 3


class LocalBroker:
    """A single-node KRaft broker (broker and controller in one JVM) run as a child process.

    Use as a context manager, or call start() and stop(). Port 0 picks a free port at each start;
    `data_dir=None` makes the broker ephemeral (fresh temporary storage, deleted at stop).
    """

    def __init__(
        self,
        *,
        cache_dir: Path,
        data_dir: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 9092,
        controller_port: int = 9093,
        heap: str = "512m",
    ) -> None:
        if not _HEAP_RE.match(heap):
            raise ConfigError(f"broker heap {heap!r} is not a JVM size such as 512m or 1g")
        for name, value in (("port", port), ("controller port", controller_port)):
            if not 0 <= value <= 65535:
                raise ConfigError(f"broker {name} {value} is outside 0-65535")
        if port and port == controller_port:
            raise ConfigError(f"the broker port and controller port are both {port}")
        self._cache_dir = cache_dir
        self._persistent_dir = data_dir
        self._data_dir = data_dir
        self._host = host
        self._wanted = (port, controller_port)
        self._port, self._controller_port = port, controller_port
        self._heap = heap
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None
        self.startup_seconds: float | None = None
        """Seconds from launching the JVM to the first successful admin round trip."""

    @classmethod
    def ephemeral(cls, cache_dir: Path, *, host: str = "127.0.0.1", heap: str = "512m") -> Self:
        """A broker on free ports with throwaway storage: what tests want."""
        return cls(cache_dir=cache_dir, host=host, port=0, controller_port=0, heap=heap)

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        """The persistent broker `wirewatch broker` runs, with data under `<data_dir>/broker`."""
        return cls(
            cache_dir=settings.cache_dir,
            data_dir=settings.data_dir / "broker",
            host=settings.broker_host,
            port=settings.broker_port,
            controller_port=settings.broker_controller_port,
            heap=settings.broker_heap,
        )

    @property
    def port(self) -> int:
        """The client port (once started, the one picked if 0 was asked for)."""
        return self._port

    @property
    def controller_port(self) -> int:
        return self._controller_port

    @property
    def bootstrap(self) -> str:
        """`host:port` for clients."""
        if self._port == 0:
            raise BrokerError("this broker picks its port at start(), and it has not started")
        return f"{host_literal(self._host)}:{self._port}"

    @property
    def data_dir(self) -> Path | None:
        """Storage, server.properties and broker.log (None before an ephemeral broker starts)."""
        return self._data_dir

    @property
    def log_path(self) -> Path | None:
        return None if self._data_dir is None else self._data_dir / LOG_NAME

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    @property
    def exit_code(self) -> int | None:
        """The JVM's exit status if it ended by itself; None while it runs or before start."""
        return None if self._proc is None else self._proc.poll()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = DEFAULT_START_TIMEOUT_S) -> None:
        """Provision jars and format storage if needed, launch the JVM, wait until it serves.

        Raises BrokerError (with the tail of broker.log) if it exits or is not ready in time.
        """
        if self._proc is not None:
            raise BrokerError("the broker is already started")
        java = require_tool("java", JAVA_HINT)
        libs = ensure_kafka_classpath(self._cache_dir)
        deadline = time.monotonic() + timeout
        auto_ports = 0 in self._wanted
        try:
            if self._persistent_dir is None:
                self._data_dir = Path(tempfile.mkdtemp(prefix="wirewatch-kafka-"))
            data = self._data()
            data.mkdir(parents=True, exist_ok=True)
            for attempt in range(1, _PORT_PICK_ATTEMPTS + 1 if auto_ports else 2):
                self._choose_ports()
                log_dir = ensure_formatted(java, libs, data, self._host, self._port, self._controller_port)
                props = data / "server.properties"
                text = server_properties(self._host, self._port, self._controller_port, log_dir)
                props.write_text(text, encoding="utf-8")
                launched = time.monotonic()
                self._launch(java, libs, data, props)
                try:
                    self._await_ready(deadline, timeout)
                except _PortTaken:
                    # Another process took a picked port between our check and the JVM's bind.
                    self._terminate(5.0)
                    if attempt == _PORT_PICK_ATTEMPTS:
                        raise BrokerError(f"could not bind free ports:\n{self.log_tail()}") from None
                    continue
                self.startup_seconds = time.monotonic() - launched
                return
        except BaseException:
            self.stop(timeout=5.0)
            raise

    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT_S) -> None:
        """SIGTERM (controlled shutdown), SIGKILL after `timeout` s; delete ephemeral storage."""
        self._terminate(timeout)
        if self._persistent_dir is None and self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None
        self._port, self._controller_port = self._wanted

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of this run's broker.log, for error messages."""
        path = self.log_path
        if path is None or not path.is_file():
            return "(no broker log)"
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 64 * 1024))
            text = fh.read().decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> Self:
        if self._proc is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- internals -----------------------------------------------------------------------

    def _data(self) -> Path:
        assert self._data_dir is not None
        return self._data_dir

    def _choose_ports(self) -> None:
        port, controller_port = self._wanted
        self._port = port or free_port(self._host)
        self._controller_port = controller_port or free_port(self._host, avoid=self._port)
        for name, value in (("Kafka", self._port), ("controller", self._controller_port)):
            if port_in_use(self._host, value):
                where = f"{host_literal(self._host)}:{value}"
                raise BrokerError(f"{where} ({name} port) is already in use")

    def _launch(self, java: str, libs: Path, data: Path, props: Path) -> None:
        log_path = data / LOG_NAME
        if log_path.exists():
            log_path.replace(data / f"{LOG_NAME}.1")  # keep the previous run's log, one deep
        self._log_file = log_path.open("wb")
        cmd = [
            java,
            f"-Xms{self._heap}",
            f"-Xmx{self._heap}",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-Djava.awt.headless=true",
            *jvm_logging_flags(data),
            "-cp",
            classpath(libs),
            "kafka.Kafka",
            str(props),
        ]
        # If this Python process dies without stop() (e.g. a killed test run), the kernel sends
        # the JVM SIGTERM, so no broker is left behind. PDEATHSIG fires when the forking *thread*
        # exits, hence only when starting from the main thread.
        setpriv = shutil.which("setpriv")
        if setpriv and threading.current_thread() is threading.main_thread():
            cmd = [setpriv, "--pdeathsig", "TERM", "--", *cmd]
        self._proc = subprocess.Popen(
            cmd,
            cwd=data,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            # Own process group: Ctrl-C in a terminal reaches only Python, which then stops the
            # broker in order instead of the JVM dying mid-write.
            start_new_session=True,
        )

    def _await_ready(self, deadline: float, timeout: float) -> None:
        assert self._proc is not None
        log_path = self._data() / LOG_NAME
        seen = b""
        started = False
        last: BaseException | None = None
        with log_path.open("rb") as log:
            while True:
                if not started:
                    seen = seen[-len(READY_LINE) :] + log.read()
                    started = READY_LINE in seen
                code = self._proc.poll()
                if code is not None:
                    if 0 in self._wanted and "Address already in use" in self.log_tail(400):
                        raise _PortTaken
                    raise BrokerError(
                        f"the Kafka broker exited with status {code} during start-up; "
                        f"last lines of {log_path}:\n{self.log_tail()}"
                    )
                if started:
                    try:
                        remaining = max(1.0, deadline - time.monotonic())
                        admin_round_trip(self.bootstrap, min(remaining, 10.0), {})
                        return
                    except (KafkaError, OSError) as exc:
                        last = exc
                if time.monotonic() > deadline:
                    why = f"last admin error: {last}" if started else "no 'Kafka Server started'"
                    raise BrokerError(
                        f"the Kafka broker was not ready within {timeout:g} s ({why}); "
                        f"last lines of {log_path}:\n{self.log_tail()}"
                    )
                time.sleep(0.1)

    def _terminate(self, timeout: float) -> None:
        proc = self._proc
        if proc is not None:
            if proc.poll() is None:
                _signal_group(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    _signal_group(proc.pid, signal.SIGKILL)
                    proc.wait(10.0)
            self._proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


class _PortTaken(Exception):
    """The JVM could not bind a port picked for it; pick again."""


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # The group id is the pid (start_new_session=True); the group may already be gone.
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        return


# --- `wirewatch broker` ------------------------------------------------------------------


class _Shutdown(BaseException):
    """Raised from the SIGINT/SIGTERM handler to unwind into an orderly stop."""


def _raise_shutdown(signum: int, frame: FrameType | None) -> None:
    raise _Shutdown(signum)


def run_broker(settings: Settings) -> int:
    """`wirewatch broker`: run the local broker until SIGINT/SIGTERM. Exit status 0 or 1."""
    if not settings.local_broker:
        return _check_cluster(settings)
    for name, port, env in (
        ("Kafka", settings.broker_port, "WIREWATCH_BROKER_PORT"),
        ("controller", settings.broker_controller_port, "WIREWATCH_BROKER_CONTROLLER_PORT"),
    ):
        try:
            busy = port_in_use(settings.broker_host, port)
        except BrokerError as exc:
            return _fail(f"{exc} (check WIREWATCH_BROKER_HOST)")
        if busy:
            return _fail(_busy_message(settings.broker_host, port, name, env))
    broker = LocalBroker.from_settings(settings)
    previous = {}
    if threading.current_thread() is threading.main_thread():  # else signal() would raise
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, _raise_shutdown)
    try:
        if not is_provisioned(settings.cache_dir):
            print(f"Downloading Kafka {KAFKA_VERSION} from Maven Central (first run only)...")
        began = time.monotonic()
        try:
            broker.start()
        except BrokerError as exc:
            return _fail(str(exc))
        took = time.monotonic() - began  # what the user waited: download, format and JVM start
        print(f"Kafka {KAFKA_VERSION} ready at {broker.bootstrap} (started in {took:.1f} s)")
        print(f"data: {broker.data_dir}  log: {broker.log_path}  (Ctrl-C stops it)", flush=True)
        while (code := broker.exit_code) is None:
            time.sleep(0.5)
        return _fail(f"the Kafka broker exited with status {code}:\n{broker.log_tail()}")
    except _Shutdown:
        _ignore(previous)  # a second Ctrl-C must not cut the controlled shutdown short
        print("Stopping the Kafka broker...", flush=True)
        broker.stop()
        print("Kafka broker stopped.", flush=True)
        return 0
    finally:
        _ignore(previous)
        broker.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _ignore(signals: Iterable[signal.Signals]) -> None:
    for sig in signals:
        signal.signal(sig, signal.SIG_IGN)


def _fail(message: str) -> int:
    print(f"wirewatch broker: {message}", file=sys.stderr, flush=True)
    return 1


def _busy_message(host: str, port: int, name: str, env: str) -> str:
    where = f"{host_literal(host)}:{port}"
    if name == "Kafka":
        try:
            wait_for_broker(where, 3.0)
        except (BrokerError, ConfigError):
            pass
        else:
            return (
                f"a Kafka broker already answers at {where} (is `wirewatch broker` already "
                "running?): use it, or stop it first"
            )
    return f"{where} ({name} port) is already in use by another program: stop it or set {env}"


def _check_cluster(settings: Settings) -> int:
    print(f"A Kafka cluster is configured ({settings.bootstrap}): nothing to provision.")
    try:
        config = settings.kafka_python_config()
        wait_for_broker(settings.bootstrap, CLUSTER_CHECK_TIMEOUT_S, client_config=config)
    except (BrokerError, ConfigError) as exc:
        return _fail(str(exc))
    print(f"The cluster at {settings.bootstrap} is reachable.")
    return 0
