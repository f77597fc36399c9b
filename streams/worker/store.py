"""Adapt a tumbling-window Faust table to the dedup policy's get/set store interface."""

from __future__ import annotations

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


class HexKeyStore:
    """Bytes keys (the near index's band keys) over a table keyed by their hex strings."""

    def __init__(self, store: WindowedStore) -> None:
        self.store = store

    def get(self, key: bytes, /) -> Any:
        return self.store.get(key.hex())

    def __setitem__(self, key: bytes, value: bytes, /) -> None:
        self.store[key.hex()] = value
