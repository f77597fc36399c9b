"""Keys already published, remembered for a horizon: the publisher's "each record once" filter."""

from __future__ import annotations

from collections import OrderedDict


class OnceKeys:
    """Dedup keys with the time they were first published; older than `horizon` seconds are
    forgotten (duplicates come from replays after a crash, seconds to minutes later)."""

    def __init__(self, horizon_seconds: float) -> None:
        self.horizon = horizon_seconds
        self._first: OrderedDict[str, float] = OrderedDict()  # in publishing order

    def __len__(self) -> int:
        return len(self._first)

    def __contains__(self, key: str) -> bool:
        return key in self._first

    def add(self, key: str, at: float) -> bool:
        """Remember `key`; False if it was already there (the record is a repeat)."""
        if key in self._first:
            return False
        self._first[key] = at
        return True

    def discard(self, keys: list[str]) -> None:
        """Forget keys whose publication did not happen after all (an aborted transaction)."""
        for key in keys:
            self._first.pop(key, None)

    def trim(self, now: float) -> int:
        """Forget keys first published before `now - horizon`; returns how many."""
        cutoff = now - self.horizon
        removed = 0
        while self._first:
            key, at = next(iter(self._first.items()))
            if at >= cutoff:
                break
            del self._first[key]
            removed += 1
        return removed
