"""The pure core composed: raw item -> tagged item -> dedup decision -> alerts.

Stream agents and `wirewatch annotate` both call this module, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from streams.alerts.context import ItemContext
from streams.alerts.engine import RuleEngine, snippet
from streams.alerts.gate import UPDATE, AlertGate, alert_id
from streams.alerts.rules import load_rules
from streams.dedup.desk import Out, claim_message, desk_key, item_message
from streams.dedup.exact import Decision, ExactDedup, Store
from streams.dedup.identity import dedup_key
from streams.dedup.near import ID_BYTES, NearIndex, Signature
from streams.dedup.probes import better, match_json, probe_chain, probe_signature
from streams.dedup.signer import Signer
from streams.records.models import Alert, Item, RawItem, utcnow
from streams.tagging import Tagger


class Pipeline:
    """Holds the compiled tagger and rules; every method is pure given its inputs."""

    def __init__(self, rules_file: Path, tagger: Tagger | None = None) -> None:
        self.tagger = tagger or Tagger.default()
        self.rules_file = rules_file
        self.engine = RuleEngine(load_rules(rules_file))
        self.signer = Signer()  # holds a per-word hash cache: one per process

    def install_rules(self, engine: RuleEngine) -> None:
        """Swap in a compiled rule engine (hot reload); one attribute write, so an item is
        evaluated wholly by the old rules or wholly by the new."""
        self.engine = engine

    def tag(self, raw: RawItem, now: datetime | None = None) -> Item:
        """Language, places, countries, regions, actors and mentions of one raw item."""
        tags = self.tagger.tag(raw.text, raw.lang)
        return Item(
            raw=raw,
            detected_lang=tags.lang,
            countries=tuple(tags.countries),
            places=tuple(tags.places),
            regions=tuple(tags.regions),
            actors=tuple(a.to_json() for a in tags.actors),
            mentions=tuple(m.to_json() for m in tags.mentions),
            dedup_key=dedup_key(raw.id, raw.canonical_url),
            tagged=now or utcnow(),
        )

    @staticmethod
    def dedup(
        store: Store, window_seconds: float, item: Item, now: float, source: str | None = None
    ) -> Decision:
        """Decide whether the item is new, a duplicate or an update, recording it in `store`
        (`source`: the input record's "partition:offset", so a replay repeats its decision)."""
        policy = ExactDedup(store, window_seconds)
        raw = item.raw
        return policy.decide(raw.id, raw.canonical_url, raw.content_hash, now, source)

    def exact_stage(
        self, store: Store, window_seconds: float, item: Item, now: float, source: str | None = None
    ) -> list[Out]:
        """The first dedup stage (keyed by dedup key): the exact decision. An item new to the
        exact policy goes on as a near-duplicate probe (target "near", keyed by its first band
        key); a repeat of a known story goes to the story desk (target "desk") to wait for the
        story's final id. See streams/dedup/desk.py."""
        decision = self.dedup(store, window_seconds, item, now, source)
        story_item = item.with_story(decision.story_id).to_json()
        exact = {
            "kind": decision.kind,
            "story_id": decision.story_id,
            "duplicate_of": decision.duplicate_of,
            "reason": decision.reason,
            "text_changed": decision.text_changed,
        }
        if decision.is_new:
            probe = probe_chain(item.id, self.near_signature(item), now)
            keys = cast(list[str], probe["keys"])
            if keys:  # a text with words: the desk hears of it first, then the bands
                return [
                    Out("desk", desk_key(item.id), claim_message(item.id)),
                    Out("near", keys[0], {**probe, "item": story_item, "exact": exact}),
                ]
        return [Out("desk", desk_key(decision.story_id), item_message(story_item, exact, now, None))]

    @staticmethod
    def band_stage(index: NearIndex, partition_of: Callable[[str], int], probe: dict[str, Any]) -> Out:
        """The second dedup stage, on the partition of the probe's first key: look up (and
        record the item under) every key of the probe that lives on this partition, keep the
        best older near-duplicate, and pass the probe on to the next partition — or, after the
        last, hand the item and its best match to the story desk."""
        sig, seen, item_id = probe_signature(probe), float(probe["seen"]), str(probe["item_id"])
        keys, record = list(probe["keys"]), list(probe["record"])
        here = partition_of(keys[0])
        own = bytes.fromhex(item_id)[-ID_BYTES:]
        best = probe["best"]
        rest: list[tuple[str, bool]] = []
        for key, stored in zip(keys, record, strict=True):
            if partition_of(key) != here:
                rest.append((key, stored))
                continue
            entry = index.entry(item_id, sig, seen) if stored else None
            found = index.match_key(bytes.fromhex(key), own, sig, seen, entry, older_only=True)
            best = better(best, match_json(found))
        if rest:
            onward = {**probe, "keys": [k for k, _ in rest], "record": [r for _, r in rest], "best": best}
            return Out("near", rest[0][0], onward)
        return Out("desk", desk_key(item_id), item_message(probe["item"], probe["exact"], seen, best))

    def near_signature(self, item: Item) -> Signature:
        """The item's MinHash signature and band keys, with its tags as anchors."""
        raw = item.raw
        return self.signer.sign(
            raw.title,
            raw.summary,
            places=item.places,
            countries=item.countries,
            actors=[a["id"] for a in item.actors],
        )

    @staticmethod
    def context(item: Item) -> ItemContext:
        """The item's tags as rule filters see them."""
        raw = item.raw
        return ItemContext(
            countries=frozenset(item.countries),
            regions=frozenset(item.regions),
            actors=frozenset(a["id"] for a in item.actors),
            lang=item.detected_lang,
            feed_url=raw.feed.url,
            feed_name=raw.feed.name,
        )

    def alerts(
        self,
        item: Item,
        gate: AlertGate,
        now: float,
        alerted: datetime | None = None,
        source: str | None = None,
    ) -> list[Alert]:
        """The alerts this story version raises: one per rule and story within its cooldown,
        plus `update` alerts for rules that ask for them when new terms match."""
        text = item.raw.text
        story = item.story_id or item.id
        out = []
        for hit in self.engine.evaluate(text, title_end=len(item.raw.title), context=self.context(item)):
            terms = {m.term for m in hit.matches}
            kind = gate.decide(hit.rule, story, terms, now, source)
            if kind is None:
                continue
            out.append(
                Alert(
                    alert_id=alert_id(hit.rule.id, story, terms if kind == UPDATE else ()),
                    rule=hit.rule.id,
                    severity=hit.rule.severity,
                    kind=kind,
                    item=item,
                    matches=hit.matches,
                    snippet=snippet(text, hit.matches),
                    alerted=alerted or utcnow(),
                )
            )
        return out
