"""JSON bytes <-> Python values with orjson; decode failures become DecodeError."""

from __future__ import annotations

from typing import Any

import orjson

from streams.errors import DecodeError


def dumps(value: Any) -> bytes:
    """Serialise to compact UTF-8 JSON (non-ASCII kept as is: Arabic stays readable)."""
    return orjson.dumps(value)


def loads(data: bytes | str) -> Any:
    """Parse JSON; anything that is not valid UTF-8 JSON raises DecodeError."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DecodeError(f"not valid JSON: {exc}") from exc
