"""Kafka TLS/SASL settings: validation at start, one source for every client, secrets never shown."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

import pydantic
import pytest

from streams.delivery.aio import aiokafka_config
from streams.errors import ConfigError
from streams.kafka.security import Redacted, faust_credentials, kafka_python_security, ssl_context
from streams.settings import Settings

SECRET = "n0t-in-any-log-7f3a"


def sasl(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "bootstrap_servers": "kafka:9093",
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_username": "wirewatch",
        "sasl_password": SECRET,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"sasl_mechanism": None}, "sasl_mechanism"),
        ({"sasl_username": None}, "sasl_username"),
        ({"sasl_password": None}, "sasl_password or sasl_password_file"),
        ({"sasl_password_file": "/etc/x"}, "not both"),
        ({"security_protocol": "SASL_SSL", "ssl_certfile": "/c.pem"}, "go together"),
        ({"sasl_mechanism": "GSSAPI"}, "sasl_mechanism"),
        ({"security_protocol": "sasl"}, "security_protocol"),
    ],
)
def test_incomplete_or_unknown_security_settings_fail_at_start(
    overrides: dict[str, object], named: str
) -> None:
    with pytest.raises(pydantic.ValidationError, match=named):
        sasl(**overrides)


def test_password_file_is_read_without_its_trailing_newline(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    cfg = kafka_python_security(sasl(sasl_password=None, sasl_password_file=secret))
    assert cfg["sasl_plain_password"].encode() == SECRET.encode()
    assert (cfg["sasl_mechanism"], cfg["sasl_plain_username"]) == ("SCRAM-SHA-512", "wirewatch")


def test_a_missing_password_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sasl_password_file"):
        kafka_python_security(sasl(sasl_password=None, sasl_password_file=tmp_path / "absent"))


def test_every_client_gets_the_same_credentials_and_none_shows_the_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = sasl()
    kp = settings.kafka_python_config()
    aio = aiokafka_config(settings)
    creds = faust_credentials(settings)
    assert kp["security_protocol"] == aio["security_protocol"] == creds.protocol.value == "SASL_PLAINTEXT"
    assert kp["sasl_mechanism"] == aio["sasl_mechanism"] == creds.mechanism.value == "SCRAM-SHA-512"
    assert kp["sasl_plain_password"] == aio["sasl_plain_password"] == creds.password == SECRET
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("t").debug("%s %r %s %s %r", kp, kp, aio, settings, creds)
        logging.getLogger("t").debug(f"{kp['sasl_plain_password']} {creds.password}")
    assert SECRET not in caplog.text
    assert SECRET not in repr(settings) + str(settings) + settings.model_dump_json()


def test_redacted_is_the_secret_to_code_and_a_placeholder_to_people() -> None:
    secret = Redacted(SECRET)
    assert (
        secret == SECRET and secret.encode() == SECRET.encode() and "\0".join(["u", secret]) == "u\0" + SECRET
    )
    shown = (str(secret), repr(secret), f"{secret}", f"{secret!s}", f"{secret!r}")
    assert shown == ("[redacted]", "'[redacted]'", "[redacted]", "[redacted]", "'[redacted]'")


def test_plaintext_needs_no_credentials_and_tls_builds_a_verifying_context() -> None:
    plain = Settings(bootstrap_servers="kafka:9092")
    assert faust_credentials(plain) is None and ssl_context(plain) is None
    assert "sasl_plain_password" not in plain.kafka_python_config()
    tls = Settings(bootstrap_servers="kafka:9093", security_protocol="SSL", ssl_check_hostname=False)
    context = ssl_context(tls)
    assert context is not None and context.verify_mode == ssl.CERT_REQUIRED and not context.check_hostname
    assert tls.kafka_python_config()["ssl_check_hostname"] is False
    creds = faust_credentials(tls)
    assert creds.protocol.value == "SSL" and creds.context.verify_mode == ssl.CERT_REQUIRED
