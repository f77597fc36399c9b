"""The near-duplicate probe as a Kafka message (schemas/near_probe.schema.json) and its matches."""

from __future__ import annotations

from typing import cast

from streams.dedup.near import Match, Signature


def probe_chain(item_id: str, sig: Signature, seen: float) -> dict[str, object]:
    """The near-duplicate probe of one item (schemas/near_probe.schema.json without the item
    and exact decision the caller adds): every probe key of `sig`, whether to record the item
    under it (its band keys), and the signature a band partition compares with. It visits the
    partitions of its keys one after another (see `streams.pipeline.Pipeline.band_stage`)."""
    keys = list(dict.fromkeys(sig.probes))
    stored = set(sig.bands)
    return {
        "schema_version": 1,
        "item_id": item_id,
        "seen": seen,
        "keys": [key.hex() for key in keys],
        "record": [key in stored for key in keys],
        "body": f"{sig.body:x}",
        "title": f"{sig.title:x}" if sig.title else "",
        "numbers": sig.numbers,
        "places": sig.places,
        "others": sig.others,
        "best": None,
    }


def probe_signature(message: dict[str, object]) -> Signature:
    """The part of a signature a band partition needs, from a probe message."""
    body, title = str(message["body"]), str(message["title"])
    return Signature(
        int(body, 16) if body else 0,
        int(title, 16) if title else 0,
        int(cast(int, message["numbers"])),
        int(cast(int, message["places"])),
        int(cast(int, message["others"])),
        (),
        (),
    )


def match_json(match: Match | None) -> dict[str, object] | None:
    """A match as JSON (schemas/near_probe.schema.json, desk.schema.json)."""
    if match is None:
        return None
    return {"id": match.item_id, "seen": match.seen, "body": match.body, "title": match.title}


def better(a: dict[str, object] | None, b: dict[str, object] | None) -> dict[str, object] | None:
    """The better of two JSON matches: more similar, then more recent (as `best` ranks)."""
    if a is None or b is None:
        return a or b

    def rank(m: dict[str, object]) -> tuple[float, float]:
        return (float(cast(float, m["body"])) + float(cast(float, m["title"])), float(cast(float, m["seen"])))

    return a if rank(a) >= rank(b) else b
