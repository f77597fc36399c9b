"""Faust codecs: orjson for values, UTF-8 for keys (both registered once by name)."""

from __future__ import annotations

from typing import Any

import orjson
from faust.serializers import codecs


class OrjsonCodec(codecs.Codec):
    """JSON values with orjson: fast, strict UTF-8, Arabic kept unescaped."""

    def _dumps(self, obj: Any) -> bytes:
        return orjson.dumps(obj)

    def _loads(self, s: bytes) -> Any:
        return orjson.loads(s)


class Utf8Codec(codecs.Codec):
    """Keys are plain UTF-8 strings on the wire (no JSON quoting), str in Python."""

    def _dumps(self, obj: Any) -> bytes:
        return obj.encode("utf-8") if isinstance(obj, str) else bytes(obj)

    def _loads(self, s: bytes) -> Any:
        return s.decode("utf-8")


def register() -> None:
    """Make "orjson" and "utf8" usable as key/value serializers (idempotent)."""
    codecs.register("orjson", OrjsonCodec())
    codecs.register("utf8", Utf8Codec())
