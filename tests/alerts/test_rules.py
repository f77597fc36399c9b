"""Rules file loading: the shipped file is valid, bad files name file, rule and line."""

from pathlib import Path

import pytest

from streams.alerts.rules import load_rules, parse_rules
from streams.errors import ConfigError
from streams.settings import DEFAULT_RULES_FILE

GOOD = """\
version: 1
concepts:
  a: {terms: [alpha]}
  b: {terms: [beta]}
rules:
  - id: first
    all: [a]
  - id: second
    all: [a, b]
    severity: high
"""


def test_shipped_rules_load_and_contain_reference_rule() -> None:
    ruleset = load_rules(DEFAULT_RULES_FILE)
    ids = [r.id for r in ruleset.rules]
    assert "ceasefire+idlib" in ids
    rule = next(r for r in ruleset.rules if r.id == "ceasefire+idlib")
    assert set(rule.all) == {"ceasefire", "idlib"}


def test_good_rules_parse_with_lines() -> None:
    ruleset = parse_rules(GOOD, "good.yaml")
    assert [(r.id, r.line) for r in ruleset.rules] == [("first", 6), ("second", 8)]
    assert ruleset.rules[1].severity == "high"


def test_unknown_concept_names_file_rule_and_line() -> None:
    text = GOOD.replace("all: [a, b]", "all: [a, c]")
    with pytest.raises(ConfigError, match=r"bad\.yaml:8: rule 'second': unknown concept 'c'"):
        parse_rules(text, "bad.yaml")


def test_schema_error_names_rule_and_line() -> None:
    text = GOOD.replace("severity: high", "severity: urgent")
    with pytest.raises(ConfigError, match=r"bad\.yaml:8: rule 'second' \(rules/1/severity\)"):
        parse_rules(text, "bad.yaml")


def test_yaml_syntax_error_names_line() -> None:
    with pytest.raises(ConfigError, match=r"bad\.yaml:3: not valid YAML"):
        parse_rules("version: 1\nconcepts:\n  a: [unclosed\n", "bad.yaml")


def test_duplicate_rule_id_rejected() -> None:
    text = GOOD.replace("id: second", "id: first")
    with pytest.raises(ConfigError, match="duplicate rule id"):
        parse_rules(text, "dup.yaml")


def test_missing_file_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read rules file"):
        load_rules(tmp_path / "nope.yaml")
