"""Adapt a tumbling-window Faust table to the dedup policy's get/set store interface."""

from __future__ import annotations

from base64 import b64decode, b64encode
from typing import Any


class WindowedStore:
    """Reads the current window, then the previous one, so an entry lives one to two windows;
    Faust expires older windows (and their changelog keys) by itself, bounding the state."""

    def __init__(self, table: Any, window_seconds: float) -> None:
        self.table = table
        self.window = window_seconds

    def get(self, key: str, default: Any = None, /) -> Any:
        windows = self.table[key]
        for lookup in (windows.current, lambda: windows.delta(self.window)):
            try:
                value = lookup()
            except KeyError:
                continue
            if value is not None:
                return value
        return default

    def __setitem__(self, key: str, value: Any, /) -> None:
        self.table[key] = value


class BandStore:
    """The near index's bytes keys and values over a JSON table: keys as hex, values as base64.

    A raw-bytes value serializer would save the base64 third, but Faust's changelog recovery
    decodes windowed table values with the app's serializer, not the table's, so the table
    stays JSON like the others (tests/integration/test_dedup_partitions.py restarts from it)."""

    def __init__(self, store: WindowedStore) -> None:
        self.store = store

    def get(self, key: bytes, /) -> bytes | None:
        value = self.store.get(key.hex())
        return None if value is None else b64decode(value)

    def __setitem__(self, key: bytes, value: bytes, /) -> None:
        self.store[key.hex()] = b64encode(value).decode("ascii")
