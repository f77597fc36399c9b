"""Exact-duplicate policy over a key-value store: new item, duplicate, or update of a story.

The store is a dict in tests and `annotate`, a windowed Faust table (with its changelog) in
the worker. Entries older than the window are treated as absent; the Faust window expires
them, `purge` does it for a dict, so state stays bounded.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any, Protocol


class Store(Protocol):
    """What the policy needs of its state: a dict, or the worker's windowed Faust table."""

    def get(self, key: str, default: Any = None, /) -> Any: ...

    def __setitem__(self, key: str, value: Any, /) -> None: ...


@dataclass(frozen=True)
class Decision:
    """What the policy decided for one item."""

    kind: str  # "new" | "duplicate" | "update"
    story_id: str
    duplicate_of: str | None = None
    reason: str | None = None  # "same_id" | "same_url" | "same_content"
    text_changed: bool = False

    @property
    def is_new(self) -> bool:
        return self.kind == "new"


class ExactDedup:
    """Same item id, canonical URL or normalised content within the window -> not new."""

    def __init__(self, store: Store, window_seconds: float) -> None:
        self.store = store
        self.window = window_seconds

    def _live(self, key: str, now: float) -> dict[str, Any] | None:
        entry = self.store.get(key)
        if entry is None or now - float(entry["seen"]) > self.window:
            return None
        return dict(entry)

    def decide(
        self,
        item_id: str,
        canonical_url: str | None,
        content_hash: str,
        now: float,
        source: str | None = None,
    ) -> Decision:
        """Decide and record. Keys: "id:<item id>", "url:<canonical>", "content:<hash>".

        An item that matches a remembered id, URL or content belongs to that story. It is a
        `duplicate` if the story has already been seen with this exact content (in any order:
        the original re-sent after an update is still a duplicate), else an `update`.

        `source` names the input record ("partition:offset" in the worker). A record the
        policy has already recorded — a replay after a crash, when the state reached the
        changelog but the stage's output may not have reached its topic — gets its first
        decision again, so the stage re-sends its output instead of losing it (at-least-once;
        downstream consumers see the same item id again and can drop it by key).
        """
        content_key = f"content:{content_hash}"
        if source is not None:
            version = self._live(content_key, now)
            if version is not None and version.get("src") == source:
                return self._replayed(version, item_id)
        keys = [("same_id", f"id:{item_id}")]
        if canonical_url:
            keys.append(("same_url", f"url:{canonical_url}"))
        keys.append(("same_content", content_key))

        for reason, key in keys:
            entry = self._live(key, now)
            if entry is None:
                continue
            story = entry["story_id"]
            version = self._live(content_key, now)
            changed = version is None or version["story_id"] != story
            if changed:
                # Remember this version of the story, so the same text again is a duplicate.
                self.store[content_key] = {
                    **entry,
                    "content_hash": content_hash,
                    "seen": now,
                    "src": source,
                    "reason": reason,
                }
            return Decision(
                kind="update" if changed else "duplicate",
                story_id=story,
                duplicate_of=entry["item_id"],
                reason=reason,
                text_changed=changed,
            )

        entry = {
            "item_id": item_id,
            "story_id": item_id,
            "content_hash": content_hash,
            "seen": now,
            "src": source,
        }
        for _, key in keys:
            self.store[key] = entry
        return Decision(kind="new", story_id=item_id)

    @staticmethod
    def _replayed(version: dict[str, Any], item_id: str) -> Decision:
        if version["item_id"] == item_id:  # this record started the story
            return Decision(kind="new", story_id=version["story_id"])
        return Decision(
            kind="update",
            story_id=version["story_id"],
            duplicate_of=version["item_id"],
            reason=version.get("reason") or "same_id",
            text_changed=True,
        )

    @staticmethod
    def purge(store: MutableMapping[str, Any], window: float, now: float) -> int:
        """Drop a dict store's entries older than the window (a Faust window expires its own)."""
        expired = [k for k, v in list(store.items()) if now - float(v["seen"]) > window]
        for key in expired:
            del store[key]
        return len(expired)
