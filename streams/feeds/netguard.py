"""An httpx transport that connects only to public IP addresses (SSRF guard for feed URLs).

The check happens where the socket is opened, on the address actually dialled: every
redirect hop is covered, and a hostname cannot pass a check with one DNS answer and then
connect with another (DNS rebinding), because the checked address is the one connected to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable, Sequence
from typing import Any

import httpcore
import httpx

from streams.errors import FeedError

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


class PrivateAddressError(FeedError):
    """A feed URL resolved to a loopback, private, link-local or otherwise non-public address."""


def is_public(address: str) -> bool:
    """True for globally routable unicast addresses only."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    # is_global already excludes private, loopback, link-local, shared (100.64/10), reserved
    # and unspecified ranges; multicast is never a web server either.
    return ip.is_global and not ip.is_multicast


def public_addresses(host: str, port: int) -> list[str]:
    """Resolve `host`; raise PrivateAddressError if any answer is not public.

    Refusing when even one answer is private closes the trick of publishing a public and a
    private record side by side and hoping the client picks the private one.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    return _only_public(host, infos)


async def public_addresses_async(host: str, port: int) -> list[str]:
    """public_addresses() without blocking the event loop (the loop resolves in a thread)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
    return _only_public(host, infos)


def _only_public(host: str, infos: Sequence[tuple[Any, ...]]) -> list[str]:
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    blocked = [a for a in addresses if not is_public(a)]
    if blocked:
        raise PrivateAddressError(
            f"{host} resolves to non-public address {blocked[0]} "
            "(set allow_private_feeds to poll feeds on private networks)"
        )
    return addresses


class _PublicOnlyAsyncBackend(httpcore.AsyncNetworkBackend):
    """httpcore's asyncio backend, dialling only the addresses public_addresses_async() approved."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        options = list(socket_options or ())
        last_error: Exception | None = None
        for address in await public_addresses_async(host, port):
            try:
                # TLS still verifies the certificate against `host`: httpcore passes the
                # origin's hostname as server_hostname, not the address dialled here.
                return await self._inner.connect_tcp(address, port, timeout, local_address, options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc  # try the next A/AAAA record, as create_connection would
        assert last_error is not None  # getaddrinfo never returns an empty list
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise PrivateAddressError("unix sockets are not feed sources")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def async_transport(*, allow_private: bool, limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    """The poller's transport: connection pool sized by `limits`, public addresses only unless
    `allow_private` (tests and private deployments)."""
    transport = httpx.AsyncHTTPTransport(trust_env=False, limits=limits)
    if not allow_private:
        # httpx exposes no network_backend argument, so the pool is rebuilt with one; the
        # guard's own tests fail loudly if a future httpx renames this attribute.
        transport._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_PublicOnlyAsyncBackend(),
        )
    return transport
