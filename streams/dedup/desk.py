"""The story desk: each item's final story from exact and near-duplicate evidence, keyed by story.

Why a desk. Exact duplicates meet on the partition of their dedup key, near-duplicates on the
partitions of their LSH band keys; no single partition sees both, and a near-duplicate's
story is the story of the item it matched, which was decided on yet another partition. The
desk is a third keyed stage: every message about an item goes to the partition of its
*provisional* story (the desk key: the last 16 hex digits of the id, the same 8 bytes the near
index keeps per entry, so a band answer can name a partition), and the desk state for that key
says what the story finally is.

Messages (schemas/desk.schema.json), all keyed by a desk key:

- ``item``: the tagged item, the exact decision, and — for an item new to the exact policy,
  from the last band partition its probe visited — the best older near-duplicate (``match``,
  or null). An exact duplicate or update comes straight from the exact stage, keyed by its
  exact story, and waits here until that story is final, then carries the final story id.
- ``claim``: sent by the exact stage when an item starts its probe, before anything else about
  it can reach the desk, so an exact repeat of it that arrives while the probe is under way
  waits for the item's final story instead of passing with its provisional one.
- ``resolve``: an item that matched the item under this key asks for that item's story.
- ``resolved``: the reply, with the story id, the matched item's id, content hash and feed.

A `resolve` only ever goes to an item that came earlier in (seen, id) order (the band stage's
`older_only`), so waiting is acyclic and every item is decided once its older matches are.
Decisions: no accepted band match -> ``new`` (story = own id); a match -> the matched item's
final story, recorded in wire.duplicates as ``duplicate`` (another feed's copy, or the same
text) or ``update`` (the same feed re-published it with changed text), ``reason`` ``similar_text``.

Replays (at-least-once): the record keeps the input that made it final (``src``, the desk
record's "partition:offset") and what it needs to say it again, so a replay of that input after
a crash re-sends every output, and the same item arriving again (a replayed band stage) gets
the same outputs again; the publisher (streams/worker/publisher.py) drops the repeats. The
handler is pure: it reads and writes one store key and returns the outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from streams.dedup.near import ID_BYTES
from streams.records.models import Duplicate, Item, utcnow

KEY_CHARS = 2 * ID_BYTES  # hex digits of the id suffix the near index keeps
SIMILAR_TEXT = "similar_text"


def desk_key(item_id: str) -> str:
    """The desk key of an item or story id (its last ID_BYTES bytes in hex)."""
    return item_id[-KEY_CHARS:]


class Store(Protocol):
    """A dict, or the worker's windowed Faust table."""

    def get(self, key: str, default: Any = None, /) -> Any: ...

    def __setitem__(self, key: str, value: Any, /) -> None: ...


@dataclass(frozen=True, slots=True)
class Out:
    """One message to send: `target` is "items", "duplicates", "stories" or "desk"."""

    target: str
    key: str
    value: dict[str, Any]


def claim_message(item_id: str) -> dict[str, Any]:
    """The exact stage's notice that `item_id` is on its way to the desk (through the bands)."""
    return {"type": "claim", "item_id": item_id}


def item_message(
    item: dict[str, Any], exact: dict[str, Any], seen: float, match: dict[str, Any] | None
) -> dict[str, Any]:
    """The desk message for one item (`exact`: kind, story_id, duplicate_of, reason,
    text_changed; `match`: the best older near-duplicate, as `probes.match_json` gives it)."""
    return {"type": "item", "item": item, "exact": exact, "seen": seen, "match": match}


class StoryDesk:
    """Applies desk messages to the desk state and says what to send."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self._clock = clock  # stamps duplicate records' `detected`

    def handle(self, key: str, message: dict[str, Any], src: str | None = None) -> list[Out]:
        """Apply one message for desk key `key` (`src`: the input record, for replays)."""
        rec = self.store.get(key)
        if rec is not None and rec.get("state") == "final" and src is not None and rec.get("src") == src:
            return self._final_outputs(rec)  # a replay of the input that decided: say it again
        kind = message["type"]
        if kind == "item":
            return self._item(key, rec, message, src)
        if kind == "claim":
            if rec is None or rec.get("state") == "final":  # final: a new item reusing the key
                self.store[key] = {"state": "waiting"}
            return []
        if kind == "resolve":
            return self._resolve(key, rec, message)
        if kind == "resolved":
            return self._resolved(key, rec, message, src)
        raise ValueError(f"unknown desk message type {kind!r}")

    # -- message handlers ------------------------------------------------------------------

    def _item(self, key: str, rec: dict[str, Any] | None, msg: dict[str, Any], src: str | None) -> list[Out]:
        exact = msg["exact"]
        if exact["kind"] != "new":
            if rec is None or rec.get("state") == "final":
                # The story is final (or older than the window): pass the item on with it.
                story = rec["story_id"] if rec else exact["story_id"]
                return self._exact_repeat(msg, story)
            rec.setdefault("queued", []).append(msg)  # decided once the story is
            self.store[key] = rec
            return []
        same = rec is not None and rec.get("item", {}).get("id") == msg["item"]["id"]
        if same and rec is not None and rec.get("state") == "final":
            return self._final_outputs(rec)  # the same item again (a replayed band stage)
        if same and rec is not None and rec.get("state") == "resolving":
            return []  # ... while it waits for its match's story: that is asked already
        waiting = rec or {}
        rec = {
            "state": "pending",
            "item": msg["item"],
            "seen": msg["seen"],
            "waiters": list(waiting.get("waiters", [])),
            "queued": list(waiting.get("queued", [])),
        }
        best = msg["match"]
        if best is None:
            return self._finish(key, rec, None, src)
        rec["state"] = "resolving"
        rec["best"] = best
        self.store[key] = rec
        return [Out("desk", best["id"], {"type": "resolve", "asker": rec["item"]["id"], "of": best["id"]})]

    def _resolve(self, key: str, rec: dict[str, Any] | None, msg: dict[str, Any]) -> list[Out]:
        if rec is not None and rec.get("state") == "final":
            return [self._reply(rec, msg["asker"])]
        # Not decided yet, or its own item message has not arrived: answer when it is final.
        rec = rec or {"state": "waiting"}
        waiters = rec.setdefault("waiters", [])
        if msg["asker"] not in waiters:
            waiters.append(msg["asker"])
        self.store[key] = rec
        return []

    def _resolved(
        self, key: str, rec: dict[str, Any] | None, msg: dict[str, Any], src: str | None
    ) -> list[Out]:
        if rec is None or rec.get("state") != "resolving" or rec["item"]["id"] != msg["asker"]:
            return []
        return self._finish(key, rec, msg, src)

    # -- decisions -------------------------------------------------------------------------

    def _finish(
        self, key: str, rec: dict[str, Any], match: dict[str, Any] | None, src: str | None
    ) -> list[Out]:
        item = rec["item"]
        if match is None:
            final = {"story_id": item["id"], "kind": "new"}
        else:
            same_text = match["content_hash"] == item["content_hash"]
            same_feed = match["feed"] == item["feed"]["url"]
            final = {
                "story_id": match["story_id"],
                "kind": "duplicate" if same_text or not same_feed else "update",
                "duplicate_of": match["item_id"],
                "text_changed": not same_text,
            }
        done = {
            "state": "final",
            "src": src,
            "item": item,
            "final": final,
            "story_id": final["story_id"],
            "waiters": rec.get("waiters", []),
            "queued": rec.get("queued", []),
        }
        self.store[key] = done
        return self._final_outputs(done)

    def _final_outputs(self, rec: dict[str, Any]) -> list[Out]:
        """Everything a final decision sends: the item's own outputs, then the replies to the
        items that waited for this story and the repeats that were queued behind it."""
        item, final = rec["item"], rec["final"]
        story = final["story_id"]
        story_item = {**item, "story_id": story}
        outs: list[Out]
        if final["kind"] == "new":
            outs = [
                Out("items", item["id"], story_item),
                Out("stories", story, {"schema_version": 1, "kind": "new", "item": story_item}),
            ]
        else:
            dup = self._duplicate(story_item, final, SIMILAR_TEXT)
            outs = [Out("duplicates", item["id"], dup)]
            if final["text_changed"]:
                outs.append(
                    Out("stories", story, {"schema_version": 1, "kind": "update", "item": story_item})
                )
        outs += [self._reply(rec, asker) for asker in rec.get("waiters", [])]
        for queued in rec.get("queued", []):
            outs += self._exact_repeat(queued, story)
        return outs

    def _exact_repeat(self, msg: dict[str, Any], story: str) -> list[Out]:
        """An exact duplicate or update, with its story's final id."""
        exact = msg["exact"]
        story_item = {**msg["item"], "story_id": story}
        outs = [Out("duplicates", story_item["id"], self._duplicate(story_item, exact, exact["reason"]))]
        if exact["text_changed"]:
            outs.append(Out("stories", story, {"schema_version": 1, "kind": "update", "item": story_item}))
        return outs

    @staticmethod
    def _reply(rec: dict[str, Any], asker: str) -> Out:
        item = rec["item"]
        return Out(
            "desk",
            desk_key(asker),
            {
                "type": "resolved",
                "asker": asker,
                "story_id": rec["story_id"],
                "item_id": item["id"],
                "content_hash": item["content_hash"],
                "feed": item["feed"]["url"],
            },
        )

    def _duplicate(self, story_item: dict[str, Any], decision: dict[str, Any], reason: str) -> dict[str, Any]:
        item = Item.from_json(story_item)
        raw = item.raw
        return Duplicate(
            id=raw.id,
            duplicate_of=decision["duplicate_of"],
            story_id=story_item["story_id"],
            kind=decision["kind"],
            reason=reason,
            text_changed=bool(decision["text_changed"]),
            feed=raw.feed,
            url=raw.url,
            title=raw.title,
            fetched=raw.fetched,
            detected=self._clock(),
        ).to_json()
