"""Which alerts a subscriber wants: rules, countries and severities, shared by SSE and webhooks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from streams.errors import ConfigError

SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")


def at_least(min_severity: str) -> frozenset[str]:
    """The severities ranked `min_severity` or higher; ConfigError for an unknown name."""
    if min_severity not in SEVERITIES:
        raise ConfigError(f"unknown severity {min_severity!r}; expected one of {', '.join(SEVERITIES)}")
    return frozenset(SEVERITIES[SEVERITIES.index(min_severity) :])


@dataclass(frozen=True)
class AlertFilter:
    """Empty sets mean "any". Countries match if the alert is tagged with at least one of them."""

    rules: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls,
        rules: Iterable[str] = (),
        countries: Iterable[str] = (),
        severities: Iterable[str] = (),
    ) -> AlertFilter:
        sev = frozenset(s.strip().lower() for s in severities if s.strip())
        unknown = sev - set(SEVERITIES)
        if unknown:
            raise ConfigError(
                f"unknown severity {sorted(unknown)[0]!r}; expected one of {', '.join(SEVERITIES)}"
            )
        return cls(
            rules=frozenset(r.strip() for r in rules if r.strip()),
            # ISO 3166-1 alpha-2 codes are upper case in alerts; accept "sy" from a URL.
            countries=frozenset(c.strip().upper() for c in countries if c.strip()),
            severities=sev,
        )

    def matches(self, alert: Mapping[str, Any]) -> bool:
        if self.rules and alert.get("rule") not in self.rules:
            return False
        if self.severities and alert.get("severity") not in self.severities:
            return False
        if self.countries:
            tagged = alert.get("tags", {}).get("countries", ())
            return not self.countries.isdisjoint(tagged)
        return True
