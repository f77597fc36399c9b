"""Check Kafka reachability: free and busy ports, and waiting for an admin round trip to succeed."""

from __future__ import annotations

import errno
import socket
import time
from collections.abc import Mapping
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import KafkaConfigurationError, KafkaError

from streams.errors import BrokerError, ConfigError

PROBE_CLIENT_ID = "wirewatch-probe"


def wait_for_broker(
    bootstrap: str, timeout: float, *, client_config: Mapping[str, Any] | None = None
) -> None:
    """Return once a broker at `bootstrap` answers an admin request; BrokerError after `timeout` s.

    `client_config` adds kafka-python settings (TLS, SASL), e.g. Settings.kafka_python_config();
    its own bootstrap_servers entry is ignored in favour of `bootstrap`.
    """
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise BrokerError(f"no Kafka broker answered at {bootstrap} within {timeout:g} s: {last}")
        try:
            admin_round_trip(bootstrap, min(remaining, 10.0), client_config or {})
            return
        except KafkaConfigurationError as exc:
            raise ConfigError(f"invalid Kafka client settings: {exc}") from exc
        except (KafkaError, OSError) as exc:
            last = exc
        time.sleep(min(0.25, max(0.0, deadline - time.monotonic())))


def admin_round_trip(bootstrap: str, timeout: float, config: Mapping[str, Any]) -> None:
    """One DescribeCluster request; raises KafkaError or OSError if the broker does not answer."""
    addresses = parse_bootstrap(bootstrap)
    # kafka-python 3 starts an IO thread before bootstrapping and leaks it when bootstrap fails,
    # so only build a client once something accepts TCP connections.
    if not any(tcp_accepts(host, port, min(timeout, 1.0)) for host, port in addresses):
        raise ConnectionRefusedError(errno.ECONNREFUSED, f"nothing listens at {bootstrap}")
    ms = max(1000, int(timeout * 1000))
    settings = {k: v for k, v in config.items() if k != "bootstrap_servers"}
    admin = KafkaAdminClient(
        bootstrap_servers=[f"{host_literal(h)}:{p}" for h, p in addresses],
        client_id=PROBE_CLIENT_ID,
        bootstrap_timeout_ms=ms,
        request_timeout_ms=ms,
        **settings,
    )
    try:
        admin.describe_cluster()
    finally:
        admin.close()


def parse_bootstrap(bootstrap: str) -> list[tuple[str, int]]:
    """`"h1:9092,[::1]:9093"` -> `[("h1", 9092), ("::1", 9093)]`; ConfigError if malformed."""
    out = []
    for item in (part.strip() for part in bootstrap.split(",")):
        if not item:
            continue
        host, sep, port = item.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ConfigError(f"bootstrap address {item!r} is not host:port")
        out.append((host.strip("[]"), int(port)))
    if not out:
        raise ConfigError("no bootstrap address given")
    return out


def host_literal(host: str) -> str:
    """The host as it appears before `:port` (IPv6 addresses in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def tcp_accepts(host: str, port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_in_use(host: str, port: int) -> bool:
    """True if something already listens on host:port, so a broker could not bind it."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        # The JVM binds with SO_REUSEADDR, so a TIME_WAIT leftover does not count as in use.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise BrokerError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    return False


def free_port(host: str, avoid: int = 0) -> int:
    """A port the OS considers free now (another process may still take it before we bind)."""
    while True:
        with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port: int = sock.getsockname()[1]
        if port != avoid:
            return port


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
