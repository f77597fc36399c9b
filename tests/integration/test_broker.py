"""The local broker for real: provisioning, round trips, restarts, clean stops, clear failures."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError
from kafka.structs import TopicPartition

import streams.kafka.broker as broker_module
from streams.errors import BrokerError
from streams.kafka.broker import KAFKA_VERSION, LocalBroker, run_broker, wait_for_broker
from streams.kafka.probe import free_port
from streams.kafka.provision import MARKER_NAME, ensure_kafka_classpath, kafka_home
from streams.settings import Settings

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CACHE = Settings().cache_dir
TEST_BOOTSTRAP_ENV = "WIREWATCH_TEST_BOOTSTRAP"  # see tests/conftest.py
EXTERNAL = bool(os.environ.get(TEST_BOOTSTRAP_ENV, "").strip())
needs_own_broker = pytest.mark.skipif(EXTERNAL, reason=f"{TEST_BOOTSTRAP_ENV} names a broker")


def _jvm_pids(data_dir: Path) -> list[int]:
    """Live Kafka JVMs whose command line mentions `data_dir` (read from /proc, no mocks)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # exited while we looked
        if b"kafka.Kafka" in args and any(str(data_dir).encode() in arg for arg in args):
            pids.append(int(entry.name))
    return pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _path_with_only(tmp_path: Path, *tools: str) -> str:
    """A PATH holding just `tools` (symlinks to the real ones), to hide everything else."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        real = shutil.which(tool)
        assert real is not None, f"{tool} must be installed for this test"
        (bin_dir / tool).symlink_to(real)
    return str(bin_dir)


def _create_topic(bootstrap: str, name: str, partitions: int) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1)])
    finally:
        admin.close()


def _describe(bootstrap: str) -> tuple[str, dict[str, int]]:
    """(cluster id, {topic: partition count})."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        cluster_id = admin.describe_cluster()["cluster_id"]
        topics = admin.describe_topics()
    finally:
        admin.close()
    return cluster_id, {t["name"]: len(t["partitions"]) for t in topics if not t["is_internal"]}


def test_produce_consume_round_trip_with_consumer_group(kafka_bootstrap: str) -> None:
    topic = f"test.roundtrip.{uuid.uuid4().hex[:8]}"
    _create_topic(kafka_bootstrap, topic, partitions=2)
    sent = {f"key-{i}": f"خبر عاجل {i}" for i in range(20)}
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    for key, value in sent.items():
        producer.send(topic, key=key.encode(), value=value.encode())
    producer.flush(30)
    producer.close()

    # A group consumer needs __consumer_offsets, which hangs on one node unless its replication
    # factor is 1: this is the check that the broker's single-node settings took effect.
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=f"test-group-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    received: dict[str, str] = {}
    try:
        deadline = time.monotonic() + 60
        while len(received) < len(sent) and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                for record in batch:
                    received[record.key.decode()] = record.value.decode()
        consumer.commit()
        committed = [consumer.committed(TopicPartition(topic, p)) or 0 for p in (0, 1)]
    finally:
        consumer.close()
    assert received == sent
    assert sum(committed) == len(sent)


@needs_own_broker
def test_topics_are_not_auto_created(kafka_bootstrap: str) -> None:
    topic = f"test.undeclared.{uuid.uuid4().hex[:8]}"
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, max_block_ms=3000)
    try:
        with pytest.raises(KafkaError):
            producer.send(topic, b"lost").get(timeout=10)
    finally:
        producer.close(timeout=5)
    assert topic not in _describe(kafka_bootstrap)[1]


def test_restart_reuses_jar_cache_and_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ensure_kafka_classpath(CACHE)
    marker = kafka_home(CACHE) / MARKER_NAME
    provisioned_at = marker.stat().st_mtime_ns
    broker = LocalBroker(cache_dir=CACHE, data_dir=tmp_path / "broker", port=0, controller_port=0)
    with broker:
        _create_topic(broker.bootstrap, "persisted", partitions=3)
        cluster_id, _ = _describe(broker.bootstrap)

    # Without mvn on PATH a second download would fail, so this start must use the cache. The
    # ports are picked afresh, which also proves storage survives a controller port change.
    monkeypatch.setenv("PATH", _path_with_only(tmp_path, "java"))
    with broker:
        assert _describe(broker.bootstrap) == (cluster_id, {"persisted": 3})
        assert broker.startup_seconds is not None and broker.startup_seconds < 60
    assert marker.stat().st_mtime_ns == provisioned_at
    assert (tmp_path / "broker" / "broker.log.1").is_file()  # the first run's log is kept


def test_interrupted_download_is_redone(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    leftover = kafka_home(cache) / "libs"
    leftover.mkdir(parents=True)
    (leftover / "half-written.jar").write_bytes(b"PK")  # no marker: an interrupted download

    libs = ensure_kafka_classpath(cache)

    names = {p.name for p in libs.iterdir()}
    assert f"kafka_2.13-{KAFKA_VERSION}.jar" in names
    assert "log4j-slf4j-impl-2.25.5.jar" in names
    assert "half-written.jar" not in names
    assert (kafka_home(cache) / MARKER_NAME).is_file()
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # staging dir removed


def test_stop_leaves_no_java_process() -> None:
    broker = LocalBroker.ephemeral(CACHE)
    broker.start()
    pid, data = broker.pid, broker.data_dir
    assert pid is not None and data is not None
    assert _jvm_pids(data) == [pid]  # the check below can see a running broker

    broker.stop()

    assert not _alive(pid)
    assert _jvm_pids(data) == []
    assert not data.exists()  # ephemeral storage is deleted


def test_stop_kills_a_broker_that_ignores_sigterm() -> None:
    broker = LocalBroker.ephemeral(CACHE)
    broker.start()
    pid = broker.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # a stopped JVM cannot run its shutdown hook
    started = time.monotonic()

    broker.stop(timeout=1.0)

    assert not _alive(pid)
    assert time.monotonic() - started < 15


def test_missing_java_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _path_with_only(tmp_path))
    broker = LocalBroker.ephemeral(CACHE)
    with pytest.raises(BrokerError, match=r"^java not found: install a Java 17\+ runtime"):
        broker.start()
    assert broker.pid is None


def test_missing_maven_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _path_with_only(tmp_path, "java"))
    with pytest.raises(BrokerError, match=r"^mvn not found: install Apache Maven"):
        ensure_kafka_classpath(tmp_path / "empty-cache")


def test_foreign_storage_is_refused_not_deleted(tmp_path: Path) -> None:
    log_dir = tmp_path / "broker" / "kraft-combined-logs"
    log_dir.mkdir(parents=True)
    (log_dir / "meta.properties").write_text("version=1\nnode.id=7\ncluster.id=abc\n")
    broker = LocalBroker(cache_dir=CACHE, data_dir=tmp_path / "broker", port=0, controller_port=0)
    with pytest.raises(BrokerError, match="formatted for Kafka node 7"):
        broker.start()
    assert (log_dir / "meta.properties").is_file()


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_busy_port_is_reported(tmp_path: Path, busy_port: int) -> None:
    broker = LocalBroker(cache_dir=CACHE, data_dir=tmp_path, port=busy_port, controller_port=0)
    with pytest.raises(BrokerError, match=rf"127\.0\.0\.1:{busy_port} \(Kafka port\) is already"):
        broker.start()


def test_broker_command_names_a_busy_port(
    tmp_path: Path, busy_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        bootstrap_servers="",
        broker_port=free_port("127.0.0.1"),
        broker_controller_port=busy_port,
        data_dir=tmp_path,
        cache_dir=CACHE,
    )
    assert run_broker(settings) == 1
    err = capsys.readouterr().err
    assert f"127.0.0.1:{busy_port} (controller port) is already in use by another program" in err
    assert "WIREWATCH_BROKER_CONTROLLER_PORT" in err


@needs_own_broker
def test_broker_command_recognises_a_running_broker(
    kafka_bootstrap: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host, port = kafka_bootstrap.rsplit(":", 1)
    settings = Settings(bootstrap_servers="", broker_host=host, broker_port=int(port), data_dir=tmp_path)
    assert run_broker(settings) == 1
    assert f"a Kafka broker already answers at {kafka_bootstrap}" in capsys.readouterr().err


def test_broker_command_with_a_configured_cluster_only_checks_it(
    kafka_bootstrap: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(bootstrap_servers=kafka_bootstrap, data_dir=tmp_path)
    assert run_broker(settings) == 0
    out = capsys.readouterr().out
    assert "nothing to provision" in out
    assert f"The cluster at {kafka_bootstrap} is reachable." in out
    assert list(tmp_path.iterdir()) == []


def test_broker_command_reports_an_unreachable_cluster(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(broker_module, "CLUSTER_CHECK_TIMEOUT_S", 1.0)
    nowhere = f"127.0.0.1:{free_port('127.0.0.1')}"
    assert run_broker(Settings(bootstrap_servers=nowhere)) == 1
    assert f"no Kafka broker answered at {nowhere}" in capsys.readouterr().err


_BROKER_COMMAND = (
    "import sys; from streams.kafka.broker import run_broker; "
    "from streams.settings import Settings; sys.exit(run_broker(Settings()))"
)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_broker_command_serves_until_signalled(tmp_path: Path, stop_signal: signal.Signals) -> None:
    port, controller_port = free_port("127.0.0.1"), free_port("127.0.0.1")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIREWATCH_")}
    env.update(
        PYTHONPATH=str(REPO),
        WIREWATCH_BROKER_PORT=str(port),
        WIREWATCH_BROKER_CONTROLLER_PORT=str(controller_port),
        WIREWATCH_DATA_DIR=str(tmp_path),
        WIREWATCH_CACHE_DIR=str(CACHE),
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", _BROKER_COMMAND],
        cwd=tmp_path,  # away from any wirewatch.toml
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    stdout = proc.stdout
    assert stdout is not None

    def pump() -> None:
        for line in stdout:
            lines.put(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        ready = lines.get(timeout=120)
        assert re.fullmatch(
            rf"Kafka {re.escape(KAFKA_VERSION)} ready at 127\.0\.0\.1:{port} "
            r"\(started in \d+\.\d s\)\n",
            ready,
        ), ready
        wait_for_broker(f"127.0.0.1:{port}", 10.0)
        assert len(_jvm_pids(tmp_path / "broker")) == 1

        proc.send_signal(stop_signal)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=5)
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    assert "Kafka broker stopped.\n" in rest
    assert _jvm_pids(tmp_path / "broker") == []
