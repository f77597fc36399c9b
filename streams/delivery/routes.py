"""Derived alert topics: which extra topics an alert is written to, per the settings' routes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from streams.delivery.filters import AlertFilter, at_least
from streams.errors import ConfigError
from streams.settings import RouteConfig
from streams.topics import ALERTS, TopicSpec

_SLUG = re.compile(r"[^a-z0-9]+")
PLACEHOLDERS = ("{rule}", "{region}")


def slug(value: str) -> str:
    """A topic-safe name: "Western Asia" -> "western-asia", "ceasefire+idlib" -> "ceasefire-idlib"."""
    return _SLUG.sub("-", value.lower()).strip("-") or "none"


@dataclass(frozen=True)
class Route:
    """One configured route: a topic (or topic template) and the alerts it takes."""

    template: str
    filter: AlertFilter
    regions: frozenset[str]

    @classmethod
    def from_config(cls, config: RouteConfig) -> Route:
        placeholders = [p for p in PLACEHOLDERS if p in config.topic]
        if len(placeholders) > 1 or ("{" in config.topic and not placeholders):
            raise ConfigError(f"alert route {config.topic!r}: use at most one of {', '.join(PLACEHOLDERS)}")
        return cls(
            template=config.topic,
            filter=AlertFilter.build(config.rules, config.countries, at_least(config.min_severity)),
            regions=frozenset(config.regions),
        )

    def topics_for(self, alert: Mapping[str, Any]) -> list[str]:
        """The topics this route writes `alert` to (none if the alert does not match)."""
        if not self.filter.matches(alert):
            return []
        tagged = alert.get("tags", {}).get("regions", ())
        if self.regions and self.regions.isdisjoint(tagged):
            return []
        if "{rule}" in self.template:
            return [self.template.replace("{rule}", slug(alert["rule"]))]
        if "{region}" in self.template:
            chosen = [r for r in tagged if not self.regions or r in self.regions]
            return [self.template.replace("{region}", slug(r)) for r in sorted(chosen)]
        return [self.template]

    def known_topics(self, rules: Iterable[str], regions: Iterable[str]) -> list[str]:
        """Every topic this route can write to, given the rules and regions known now."""
        if "{rule}" in self.template:
            allowed = self.filter.rules or set(rules)
            return sorted({self.template.replace("{rule}", slug(r)) for r in allowed})
        if "{region}" in self.template:
            allowed = self.regions or set(regions)
            return sorted({self.template.replace("{region}", slug(r)) for r in allowed})
        return [self.template]


def route_topics(routes: Iterable[Route], alert: Mapping[str, Any]) -> list[str]:
    """All derived topics (bare names, before the settings' prefix) for one alert, each once."""
    return sorted({topic for route in routes for topic in route.topics_for(alert)})


def route_spec(name: str) -> TopicSpec:
    """The declaration of a derived topic: the alert schema and key, like wire.alerts."""
    return replace(ALERTS, name=name, description=f"Derived alert topic ({name}).")
