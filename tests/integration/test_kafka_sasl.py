"""TLS/SASL settings reach every client: kafka-python, aiokafka and the Faust worker, against a SASL broker.

A broker of its own (other tests keep their PLAINTEXT broker): the same local KRaft broker with
a second listener, SASL_PLAINTEXT, accepting PLAIN (users from its JAAS config) and
SCRAM-SHA-256/512 (users created through the admin API). Its PLAINTEXT listener stays for the
launcher's readiness probe and for creating SCRAM users.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from kafka import KafkaAdminClient
from kafka.admin import UserScramCredentialUpsertion
from kafka.errors import KafkaError

import streams.kafka.broker as broker_module
from streams.delivery.aio import aiokafka_config
from streams.kafka.admin import ensure_topics
from streams.kafka.broker import LocalBroker
from streams.kafka.clients import make_consumer, make_producer
from streams.kafka.security import WIRE_DUMP_LOGGERS, faust_credentials
from streams.settings import Settings
from streams.topics import ITEMS, RAW
from tests.support import free_port, make_raw, wait_for, wait_healthy

pytestmark = pytest.mark.integration

PASSWORD = "pl41n-" + uuid.uuid4().hex  # unique, so finding it in a log means a leak
SCRAM_PASSWORD = "scr4m-" + uuid.uuid4().hex
ADMIN_PASSWORD = "admin-" + uuid.uuid4().hex


class SaslBroker:
    def __init__(self, broker: LocalBroker, sasl_port: int) -> None:
        self.broker, self.sasl_port = broker, sasl_port

    @property
    def sasl_bootstrap(self) -> str:
        return f"127.0.0.1:{self.sasl_port}"


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SaslBroker]:
    sasl_port = free_port()
    plain_properties = broker_module.server_properties

    def with_sasl_listener(host: str, port: int, controller_port: int, log_dir: Path) -> str:
        text = plain_properties(host, port, controller_port, log_dir)
        text = text.replace(
            f"listeners=PLAINTEXT://{host}:{port},",
            f"listeners=PLAINTEXT://{host}:{port},SASL_PLAINTEXT://{host}:{sasl_port},",
        )
        text = text.replace(
            f"advertised.listeners=PLAINTEXT://{host}:{port}",
            f"advertised.listeners=PLAINTEXT://{host}:{port},SASL_PLAINTEXT://{host}:{sasl_port}",
        )
        text = text.replace(
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
        )
        jaas = (
            "org.apache.kafka.common.security.plain.PlainLoginModule required "
            f'username="admin" password="{ADMIN_PASSWORD}" '
            f'user_admin="{ADMIN_PASSWORD}" user_wirewatch="{PASSWORD}";'
        )
        scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        return text + (
            "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512\n"
            f"listener.name.sasl_plaintext.plain.sasl.jaas.config={jaas}\n"
            f"listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config={scram}\n"
            f"listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config={scram}\n"
        )

    broker = LocalBroker(
        cache_dir=Settings().cache_dir,
        data_dir=tmp_path_factory.mktemp("sasl-broker"),
        port=free_port(),
        controller_port=free_port(),
    )
    patch = pytest.MonkeyPatch()
    patch.setattr(broker_module, "server_properties", with_sasl_listener)
    try:
        broker.start()
    finally:
        patch.undo()
    try:
        yield SaslBroker(broker, sasl_port)
    finally:
        broker.stop()


def sasl_settings(sasl_broker: SaslBroker, tmp_path: Path, **overrides: object) -> Settings:
    secret = tmp_path / "kafka.password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")  # files end with a newline
    values: dict[str, object] = {
        "bootstrap_servers": sasl_broker.sasl_bootstrap,
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "PLAIN",
        "sasl_username": "wirewatch",
        "sasl_password_file": secret,
        "topic_prefix": f"sasl{uuid.uuid4().hex[:6]}.",
        "topic_partitions": 1,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def round_trip(settings: Settings) -> list[bytes]:
    """Create topics, produce one record and read it back, all through our client factories."""
    ensure_topics(settings, (RAW,), timeout=20)
    topic = RAW.full_name(settings)
    producer = make_producer(settings)
    producer.send(topic, key="k", value=b"over sasl").get(timeout=30)
    producer.close()
    consumer = make_consumer(settings, topic, group_id=f"g-{uuid.uuid4().hex[:6]}")
    try:
        got: list[bytes] = []
        wait_for(lambda: got.extend(r.value for rs in consumer.poll(500).values() for r in rs) or got, 30)
        return got
    finally:
        consumer.close()


def test_plain_round_trip_with_password_from_a_file(sasl_broker: SaslBroker, tmp_path: Path) -> None:
    assert round_trip(sasl_settings(sasl_broker, tmp_path)) == [b"over sasl"]


def test_wrong_password_is_refused(sasl_broker: SaslBroker, tmp_path: Path) -> None:
    settings = sasl_settings(sasl_broker, tmp_path, sasl_password="wrong", sasl_password_file=None)
    with pytest.raises(KafkaError):
        KafkaAdminClient(request_timeout_ms=5000, **settings.kafka_python_config()).list_topics()


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_scram_round_trip(sasl_broker: SaslBroker, tmp_path: Path, mechanism: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=sasl_broker.broker.bootstrap)
    user = f"scram-{mechanism[-3:]}"
    try:
        errors = admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(user, mechanism, SCRAM_PASSWORD)]
        )
        assert errors == {user: None}
    finally:
        admin.close()
    settings = sasl_settings(
        sasl_broker, tmp_path, sasl_mechanism=mechanism, sasl_username=user,
        sasl_password=SCRAM_PASSWORD, sasl_password_file=None,
    )  # fmt: skip
    assert round_trip(settings) == [b"over sasl"]


def test_aiokafka_clients_authenticate(sasl_broker: SaslBroker, tmp_path: Path) -> None:
    from aiokafka import AIOKafkaProducer

    settings = sasl_settings(sasl_broker, tmp_path)
    ensure_topics(settings, (RAW,), timeout=20)

    async def send() -> int:
        producer = AIOKafkaProducer(**aiokafka_config(settings))
        await producer.start()
        try:
            meta = await producer.send_and_wait(RAW.full_name(settings), b"from aiokafka")
            return int(meta.offset)
        finally:
            await producer.stop()

    assert asyncio.run(send()) == 0


# The clients' wire-level DEBUG loggers print request bytes, SASL PLAIN's token included;
# `wirewatch` keeps them at INFO or above whatever --log-level says (quiet_wire_dumps), and
# the worker test below runs the real command at --log-level debug and reads its log.
PROTOCOL_DUMPS = WIRE_DUMP_LOGGERS


def test_the_secret_is_never_logged_or_printed(
    sasl_broker: SaslBroker, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = sasl_settings(sasl_broker, tmp_path, sasl_password=PASSWORD, sasl_password_file=None)
    test_log = logging.getLogger("wirewatch.test")
    with caplog.at_level(logging.DEBUG):
        round_trip(settings)  # kafka-python's admin client logs its whole configuration at DEBUG
        test_log.info("settings %s %r", settings, settings)
        test_log.info("config %s %r", settings.kafka_python_config(), settings.kafka_python_config())
        test_log.info("aiokafka %s", aiokafka_config(settings))
        test_log.info("faust %r", faust_credentials(settings))
    config_dumps = [r.getMessage() for r in caplog.records if "with configuration" in r.getMessage()]
    assert config_dumps and all("'sasl_plain_password': '[redacted]'" in m for m in config_dumps)
    kept = [r.getMessage() for r in caplog.records if not r.name.startswith(PROTOCOL_DUMPS)]
    assert not [m for m in kept if PASSWORD in m]
    for shown in (repr(settings), str(settings), settings.model_dump_json()):
        assert PASSWORD not in shown
    password = settings.kafka_python_config()["sasl_plain_password"]
    assert (f"{password}", str(password), repr(password)) == ("[redacted]", "[redacted]", "'[redacted]'")
    assert password.encode() == PASSWORD.encode()  # what the SASL handshake sends


def test_worker_runs_over_sasl_and_does_not_log_the_secret(sasl_broker: SaslBroker, tmp_path: Path) -> None:
    settings = sasl_settings(sasl_broker, tmp_path, topic_partitions=2, app_id=f"sasl-{uuid.uuid4().hex[:6]}")
    web = free_port()
    assert settings.sasl_password_file is not None
    env = {
        **os.environ,
        "WIREWATCH_BOOTSTRAP_SERVERS": settings.bootstrap,
        "WIREWATCH_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
        "WIREWATCH_SASL_MECHANISM": "PLAIN",
        "WIREWATCH_SASL_USERNAME": "wirewatch",
        "WIREWATCH_SASL_PASSWORD_FILE": str(settings.sasl_password_file),
        "WIREWATCH_TOPIC_PREFIX": settings.topic_prefix,
        "WIREWATCH_TOPIC_PARTITIONS": "2",
        "WIREWATCH_APP_ID": settings.app_id,
        "WIREWATCH_WEB_PORT": str(web),
        "WIREWATCH_DATA_DIR": str(tmp_path),
    }
    log = tmp_path / "worker.log"
    with open(log, "ab") as handle:
        worker = subprocess.Popen(
            [sys.executable, "-m", "streams", "--log-level", "debug", "worker"],
            env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_healthy(worker, web, log)
        producer = make_producer(settings)
        raw = make_raw(uuid.uuid4().hex)
        producer.send(RAW.full_name(settings), key=raw.id, value=orjson.dumps(raw.to_json())).get(30)
        producer.close()
        consumer = make_consumer(settings, ITEMS.full_name(settings), group_id=f"g-{uuid.uuid4().hex[:6]}")
        try:
            seen: list[str] = []

            def arrived() -> bool:
                for records in consumer.poll(500).values():
                    seen.extend(orjson.loads(r.value)["id"] for r in records)
                return raw.id in seen

            wait_for(arrived, 60, interval=0.1, what="the item on wire.items via the SASL worker")
        finally:
            consumer.close()
    finally:
        worker.terminate()
        worker.wait(30)
    assert PASSWORD not in log.read_text(encoding="utf-8", errors="replace")
