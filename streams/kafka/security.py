"""TLS and SASL settings for every Kafka client we create: kafka-python, aiokafka and Faust.

One source (Settings: security_protocol, sasl_*, ssl_*) and three shapes: kafka-python takes
file paths, aiokafka and Faust take an SSLContext. The SASL password is read from the
environment (WIREWATCH_SASL_PASSWORD) or from `sasl_password_file` at the moment a client is
configured, and is handed over as `Redacted`, a str whose repr is a placeholder: kafka-python
logs its whole configuration at DEBUG (KafkaAdminClient does), and a dict's repr shows its
values' reprs, so the password never reaches a log line even with debug logging on.
"""

from __future__ import annotations

import logging
import ssl
from typing import TYPE_CHECKING, Any

from streams.errors import ConfigError

if TYPE_CHECKING:
    from streams.settings import Settings

SSL_PROTOCOLS = frozenset({"SSL", "SASL_SSL"})
# Loggers that print whole requests at DEBUG, SASL PLAIN's token (username and password) too.
WIRE_DUMP_LOGGERS = ("aiokafka.conn", "kafka.net", "kafka.protocol")


def quiet_wire_dumps() -> None:
    """Keep the Kafka clients' request dumps out of the logs even at --log-level debug."""
    for name in WIRE_DUMP_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(max(logging.INFO, logger.getEffectiveLevel()))


class Redacted(str):
    """A secret string that prints as a placeholder (repr and format), and works as a str."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'[redacted]'"

    def __str__(self) -> str:
        # str() of a str subclass returns a plain copy of the value; callers that need the
        # secret (SASL handshakes) use the object itself, logs format it via %s/%r.
        return "[redacted]"

    def __format__(self, spec: str) -> str:
        return "[redacted]"


def sasl_password(settings: Settings) -> Redacted | None:
    """The SASL password from the environment/TOML or from `sasl_password_file`."""
    if settings.sasl_password is not None:
        return Redacted(settings.sasl_password.get_secret_value())
    if settings.sasl_password_file is not None:
        try:
            text = settings.sasl_password_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"sasl_password_file {settings.sasl_password_file}: {exc.strerror}") from None
        return Redacted(text.rstrip("\r\n"))
    return None


def _protocol_and_sasl(settings: Settings) -> dict[str, Any]:
    """The keyword arguments kafka-python and aiokafka spell alike: protocol and SASL."""
    cfg: dict[str, Any] = {"security_protocol": settings.security_protocol}
    if settings.sasl_mechanism:
        cfg["sasl_mechanism"] = settings.sasl_mechanism
        cfg["sasl_plain_username"] = settings.sasl_username
        cfg["sasl_plain_password"] = sasl_password(settings)
    return cfg


def kafka_python_security(settings: Settings) -> dict[str, Any]:
    """kafka-python keyword arguments (file paths for TLS)."""
    cfg = _protocol_and_sasl(settings)
    if settings.security_protocol in SSL_PROTOCOLS:
        cfg["ssl_check_hostname"] = settings.ssl_check_hostname
    for name in ("ssl_cafile", "ssl_certfile", "ssl_keyfile"):
        value = getattr(settings, name)
        if value is not None:
            cfg[name] = str(value)
    return cfg


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    """The client SSLContext aiokafka and Faust use (None unless the protocol is SSL/SASL_SSL)."""
    if settings.security_protocol not in SSL_PROTOCOLS:
        return None
    context = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cafile=str(settings.ssl_cafile) if settings.ssl_cafile else None
    )
    if settings.ssl_certfile is not None and settings.ssl_keyfile is not None:
        context.load_cert_chain(str(settings.ssl_certfile), str(settings.ssl_keyfile))
    context.check_hostname = settings.ssl_check_hostname
    if not settings.ssl_check_hostname:
        # Hostname checks off is for test brokers with self-signed certs; the chain still counts.
        context.verify_mode = ssl.CERT_REQUIRED
    return context


def aiokafka_security(settings: Settings) -> dict[str, Any]:
    """aiokafka keyword arguments (an SSLContext for TLS)."""
    cfg = _protocol_and_sasl(settings)
    context = ssl_context(settings)
    if context is not None:
        cfg["ssl_context"] = context
    return cfg


def faust_credentials(settings: Settings) -> Any:
    """The `broker_credentials` of faust.App: None for PLAINTEXT, else SASL or SSL credentials
    (Faust hands them to aiokafka for the worker's consumer, producer and table changelogs)."""
    from faust.auth import SASLCredentials, SSLCredentials

    protocol = settings.security_protocol
    if protocol == "PLAINTEXT":
        return None
    context = ssl_context(settings)
    if protocol.startswith("SASL"):
        return SASLCredentials(
            username=settings.sasl_username,
            password=sasl_password(settings),
            ssl_context=context,  # given: SASL_SSL; None: SASL_PLAINTEXT
            mechanism=settings.sasl_mechanism,
        )
    return SSLCredentials(context)
