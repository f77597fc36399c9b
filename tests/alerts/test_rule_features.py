"""Proximity, field scope, tag filters, cooldown and update alerts."""

from __future__ import annotations

from typing import Any

import pytest

from streams.alerts.context import ItemContext
from streams.alerts.engine import RuleEngine
from streams.alerts.gate import NEW, UPDATE, AlertGate, alert_id
from streams.alerts.rules import parse_rules
from streams.errors import ConfigError

HEAD = """\
version: 1
concepts:
  ceasefire: {terms: [وقف إطلاق النار, هدنة, ceasefire, truce]}
  idlib: {terms: [إدلب, Idlib]}
  gaza: {terms: [غزة, Gaza]}
  talks: {terms: [talks, مفاوضات]}
rules:
"""


def engine(rules: str) -> RuleEngine:
    return RuleEngine(parse_rules(HEAD + rules, "test.yaml"))


def fired(e: RuleEngine, text: str, title_end: int | None = None, ctx: ItemContext | None = None) -> set[str]:
    return {h.rule.id for h in e.evaluate(text, title_end, ctx)}


def test_same_sentence() -> None:
    e = engine("  - {id: r, all: [ceasefire, idlib], near: sentence}\n")
    assert fired(e, "A ceasefire was agreed for Idlib on Monday.") == {"r"}
    assert fired(e, "A ceasefire was agreed. Shelling hit Idlib.") == set()
    assert fired(e, "هدنة جديدة. قصف في إدلب؟") == set()
    assert fired(e, "هدنة جديدة في إدلب؟ قصف.") == {"r"}
    assert fired(e, "Ceasefire talks\nIdlib shelled") == set()  # a line break ends a headline


@pytest.mark.parametrize(("gap", "expected"), [(3, {"r"}), (4, {"r"}), (6, set())])
def test_within_words(gap: int, expected: set[str]) -> None:
    e = engine("  - {id: r, all: [ceasefire, idlib], near: {words: 4}}\n")
    filler = " ".join(["x"] * (gap - 1))
    assert fired(e, f"ceasefire {filler} Idlib") == expected


def test_within_words_uses_the_closest_pair() -> None:
    e = engine("  - {id: r, all: [ceasefire, idlib], near: {words: 3}}\n")
    text = "ceasefire " + "x " * 20 + "Idlib and a truce there"
    [hit] = e.evaluate(text)
    assert [m.text for m in hit.matches] == ["Idlib", "truce"]


def test_near_with_any_group() -> None:
    e = engine("  - {id: r, all: [ceasefire], any: [idlib, gaza], near: {words: 3}}\n")
    assert fired(e, "truce in Gaza") == {"r"}
    assert fired(e, "truce " + "y " * 10 + "Gaza") == set()


def test_field_scope() -> None:
    e = engine("  - {id: r, all: [ceasefire, idlib], fields: [title]}\n")
    title = "Ceasefire in Idlib"
    assert fired(e, f"{title}\nmore", len(title)) == {"r"}
    title = "Ceasefire news"
    assert fired(e, f"{title}\nFighting in Idlib", len(title)) == set()
    body = engine("  - {id: b, all: [ceasefire, idlib], fields: [body]}\n")
    assert fired(body, f"{title}\nTruce in Idlib", len(title)) == {"b"}
    assert fired(body, "Idlib truce\nnothing", len("Idlib truce")) == set()


def test_tag_filters() -> None:
    e = engine("  - id: r\n    all: [ceasefire]\n    filters: {countries: [SY], lang: [ar, en]}\n")
    syria = ItemContext(countries=frozenset({"SY", "TR"}), lang="en")
    assert fired(e, "truce", ctx=syria) == {"r"}
    assert fired(e, "truce", ctx=ItemContext(countries=frozenset({"PS"}), lang="en")) == set()
    assert fired(e, "truce", ctx=ItemContext(countries=frozenset({"SY"}), lang="fr")) == set()
    assert fired(e, "truce") == set()  # no tags known: a filtered rule cannot be proven to pass


def test_feed_filter_by_url_or_name() -> None:
    e = engine("  - id: r\n    all: [ceasefire]\n    filters: {feeds: [Al Jazeera Arabic]}\n")
    assert fired(e, "هدنة", ctx=ItemContext(feed_name="Al Jazeera Arabic")) == {"r"}
    assert fired(e, "هدنة", ctx=ItemContext(feed_name="Other")) == set()


def test_bad_proximity_is_rejected_with_line() -> None:
    with pytest.raises(ConfigError, match=r"test\.yaml:8: rule 'r' \(rules/0/near\)"):
        engine("  - {id: r, all: [ceasefire], near: {words: 0}}\n")
    with pytest.raises(ConfigError, match="cooldown"):
        engine("  - {id: r, all: [ceasefire], cooldown: soon}\n")


def rule_of(text: str) -> Any:
    return parse_rules(HEAD + text, "t.yaml").rules[0]


def test_gate_one_alert_per_story_within_cooldown() -> None:
    rule = rule_of("  - {id: r, all: [ceasefire], cooldown: 1h}\n")
    gate = AlertGate({}, default_cooldown=86400)
    assert gate.decide(rule, "s1", {"ceasefire"}, now=0) == NEW
    assert gate.decide(rule, "s1", {"ceasefire", "truce"}, now=60) is None  # no updates wanted
    assert gate.decide(rule, "s2", {"ceasefire"}, now=60) == NEW  # another story
    assert gate.decide(rule, "s1", {"ceasefire"}, now=3601) == NEW  # cooldown over


def test_gate_update_alert_only_for_new_terms() -> None:
    rule = rule_of("  - {id: r, all: [ceasefire], updates: true}\n")
    gate = AlertGate({}, default_cooldown=86400)
    assert gate.decide(rule, "s", {"هدنة"}, now=0) == NEW
    assert gate.decide(rule, "s", {"هدنة"}, now=1) is None
    assert gate.decide(rule, "s", {"هدنة", "وقف إطلاق النار"}, now=2) == UPDATE
    assert gate.decide(rule, "s", {"وقف إطلاق النار"}, now=3) is None


def test_alert_ids_are_stable() -> None:
    assert alert_id("r", "s") == alert_id("r", "s")
    assert alert_id("r", "s", ["b", "a"]) == alert_id("r", "s", ["a", "b"]) != alert_id("r", "s")


def test_gate_replay_of_the_same_record_fires_again() -> None:
    rule = rule_of("  - {id: r, all: [ceasefire], updates: true}\n")
    gate = AlertGate({}, default_cooldown=86400)
    assert gate.decide(rule, "s", {"هدنة"}, now=0, source="1:5") == NEW
    assert gate.decide(rule, "s", {"هدنة"}, now=1, source="1:5") == NEW  # replay: re-send
    assert gate.decide(rule, "s", {"هدنة"}, now=2, source="1:6") is None  # another record
    assert gate.decide(rule, "s", {"هدنة", "ceasefire"}, now=3, source="1:7") == UPDATE
    assert gate.decide(rule, "s", {"هدنة", "ceasefire"}, now=4, source="1:7") == UPDATE
    assert gate.decide(rule, "s", {"هدنة"}, now=5, source="1:5") == NEW  # still remembered
