"""Content-Encoding decoding (gzip, deflate, br) that never expands past a byte budget."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import brotli

from streams.errors import FeedError

# What we ask servers for; each one is decoded below with a bound on its output.
ACCEPT_ENCODING = "gzip, deflate, br"


class BodyTooLarge(FeedError):
    """The (decoded) body grew past max_body_bytes."""


class UnsupportedEncoding(FeedError):
    """A Content-Encoding we did not ask for and cannot decode."""


class BoundedDecoder:
    """Feed it raw chunks; it returns decoded bytes and raises BodyTooLarge past `limit`.

    httpx's own decoders expand each network chunk completely: one 64 KiB chunk of a gzip
    bomb is ~64 MB, of a brotli bomb far more. Here every decompress call is told how much
    output it may produce, so memory stays within `limit` plus one chunk.
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self.limit = limit
        self.size = 0
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise UnsupportedEncoding(f"stacked content encodings {content_encoding!r}")
        self._step: Callable[[bytes], bytes] = self._identity
        self._zlib: Any = None  # zlib's decompressobj type is not importable by name
        if codings:
            coding = codings[0]
            if coding in ("gzip", "x-gzip"):
                self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._step = self._inflate
            elif coding == "deflate":
                self._pending = b""
                self._step = self._deflate
            elif coding == "br":
                self._brotli = brotli.Decompressor()
                self._step = self._unbrotli
            else:
                raise UnsupportedEncoding(f"content encoding {coding!r} not supported")

    def feed(self, chunk: bytes) -> bytes:
        try:
            out = self._step(chunk)
        except (zlib.error, brotli.error) as exc:
            raise FeedError(f"corrupt compressed body: {exc}") from exc
        return out

    def _account(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            raise BodyTooLarge(f"body too large: more than {self.limit} bytes")
        return data

    def _room(self) -> int:
        # One byte past the limit is enough to know the limit was crossed.
        return self.limit - self.size + 1

    def _identity(self, chunk: bytes) -> bytes:
        return self._account(chunk)

    def _inflate(self, chunk: bytes) -> bytes:
        # decompress() stops at max_length and keeps the rest in unconsumed_tail; it only
        # stops there when the output reached the room left, i.e. crossed the limit, which
        # _account reports, so no tail is ever dropped silently.
        return self._account(self._zlib.decompress(chunk, self._room()))

    def _deflate(self, chunk: bytes) -> bytes:
        # "deflate" is zlib-wrapped by the RFC, but many servers send raw deflate: the first
        # two bytes tell (a zlib header is CM=8 and a multiple of 31).
        if self._zlib is None:
            chunk, self._pending = self._pending + chunk, b""
            if len(chunk) < 2:
                self._pending = chunk
                return b""
            wrapped = chunk[0] & 0x0F == 8 and (chunk[0] << 8 | chunk[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return self._inflate(chunk)

    def _unbrotli(self, chunk: bytes) -> bytes:
        out = self._account(self._brotli.process(chunk, output_buffer_limit=self._room()))
        while not self._brotli.can_accept_more_data():
            out += self._account(self._brotli.process(b"", output_buffer_limit=self._room()))
        return out
