"""Derived alert topics: templates per rule and per region, filters, topic names."""

from __future__ import annotations

from typing import Any

import pytest

from streams.delivery.routes import Route, route_topics, slug
from streams.errors import ConfigError
from streams.settings import RouteConfig


def alert(rule: str = "ceasefire+idlib", severity: str = "high", **tags: Any) -> dict[str, Any]:
    return {
        "rule": rule,
        "severity": severity,
        "tags": {
            "countries": tags.get("countries", ["SY"]),
            "regions": tags.get("regions", ["Asia", "Western Asia"]),
        },
    }


def test_slug() -> None:
    assert slug("Western Asia") == "western-asia"
    assert slug("ceasefire+idlib") == "ceasefire-idlib"
    assert slug("Latin America and the Caribbean") == "latin-america-and-the-caribbean"


def test_per_region_and_per_rule_templates() -> None:
    routes = [
        Route.from_config(RouteConfig(topic="wire.alerts.region.{region}")),
        Route.from_config(RouteConfig(topic="wire.alerts.rule.{rule}", min_severity="high")),
    ]
    assert route_topics(routes, alert()) == [
        "wire.alerts.region.asia",
        "wire.alerts.region.western-asia",
        "wire.alerts.rule.ceasefire-idlib",
    ]
    assert route_topics(routes, alert(severity="low", regions=[])) == []


def test_static_route_with_filters() -> None:
    route = Route.from_config(RouteConfig(topic="alerts.syria", countries=("SY",), regions=("Western Asia",)))
    assert route.topics_for(alert()) == ["alerts.syria"]
    assert route.topics_for(alert(countries=["PS"])) == []
    assert route.topics_for(alert(regions=["Africa"])) == []


def test_region_template_limited_to_listed_regions() -> None:
    route = Route.from_config(RouteConfig(topic="r.{region}", regions=("Western Asia", "Northern Africa")))
    assert route.topics_for(alert()) == ["r.western-asia"]
    assert route.known_topics(["x"], ["Asia", "Europe"]) == ["r.northern-africa", "r.western-asia"]


def test_known_topics_for_rules() -> None:
    route = Route.from_config(RouteConfig(topic="rule.{rule}"))
    assert route.known_topics(["a+b", "c"], []) == ["rule.a-b", "rule.c"]


def test_bad_templates_rejected() -> None:
    with pytest.raises(ConfigError, match="at most one"):
        Route.from_config(RouteConfig(topic="x.{rule}.{region}"))
    with pytest.raises(ConfigError, match="at most one"):
        Route.from_config(RouteConfig(topic="x.{country}"))
