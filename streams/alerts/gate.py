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

    def decide(
        self, rule: Rule, story_id: str, terms: Iterable[str], now: float, source: str | None = None
    ) -> str | None:
        """Record and return "new", "update" or None (already alerted within the cooldown).

        `source` names the input record ("partition:offset" in the worker): a record that
        already fired this rule (a replay after a crash, when the state was saved but the alert
        may not have been sent) fires again with the same kind, so the alert — which has the
        same id — is re-sent rather than lost.
        """
        key = f"{rule.id}|{story_id}"
        matched = set(terms)
        entry = self.store.get(key)
        if entry is not None and source is not None and source in entry.get("sources", {}):
            return str(entry["sources"][source])
        cooldown = rule.cooldown if rule.cooldown is not None else self.default_cooldown
        if entry is None or now - float(entry["fired"]) > cooldown:
            self.store[key] = {
                "fired": now,
                "terms": sorted(matched),
                "seen": now,
                **_sources({}, source, NEW),
            }
            return NEW
        known = set(entry["terms"])
        if rule.updates and not matched <= known:
            self.store[key] = {
                **entry,
                "terms": sorted(known | matched),
                "seen": now,
                **_sources(entry.get("sources", {}), source, UPDATE),
            }
            return UPDATE
        return None


# A story fires a rule a handful of times at most; keep that many firing records per entry.
_MAX_SOURCES = 8


def _sources(previous: dict[str, str], source: str | None, kind: str) -> dict[str, dict[str, str]]:
    if source is None:
        return {"sources": dict(previous)} if previous else {}
    kept = dict(list(previous.items())[-(_MAX_SOURCES - 1) :])
    kept[source] = kind
    return {"sources": kept}
