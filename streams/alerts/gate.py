"""One alert per rule and story: a cooldown per story, and optional `update` alerts.

The store is a dict offline and a windowed Faust table (keyed by story, co-partitioned with
the stories topic) in the worker, as for the dedup policy.
"""

from __future__ import annotations

from collections.abc import Iterable

from streams.alerts.rules import Rule
from streams.dedup.exact import Store
from streams.dedup.identity import digest

NEW, UPDATE = "new", "update"


def alert_id(rule_id: str, story_id: str, terms: Iterable[str] = ()) -> str:
    """Stable id: the same rule firing on the same story (and new terms) always has one id,
    so a replayed alert is recognisable downstream."""
    return digest("alert", rule_id, story_id, *sorted(terms))


class AlertGate:
    """Decides whether a rule that fired on a story version is a new alert, an update, or quiet."""

    def __init__(self, store: Store, default_cooldown: float) -> None:
        self.store = store
        self.default_cooldown = default_cooldown

    def decide(self, rule: Rule, story_id: str, terms: Iterable[str], now: float) -> str | None:
        """Record and return "new", "update" or None (already alerted within the cooldown)."""
        key = f"{rule.id}|{story_id}"
        matched = set(terms)
        entry = self.store.get(key)
        cooldown = rule.cooldown if rule.cooldown is not None else self.default_cooldown
        if entry is None or now - float(entry["fired"]) > cooldown:
            self.store[key] = {"fired": now, "terms": sorted(matched), "seen": now}
            return NEW
        known = set(entry["terms"])
        if rule.updates and not matched <= known:
            self.store[key] = {**entry, "terms": sorted(known | matched), "seen": now}
            return UPDATE
        return None
