"""Pure alerting: the rule file format, its loader and the rule engine."""

from streams.alerts.engine import RuleEngine, RuleHit
from streams.alerts.rules import Concept, Rule, RuleSet, load_rules, parse_rules

__all__ = ["Concept", "Rule", "RuleEngine", "RuleHit", "RuleSet", "load_rules", "parse_rules"]
