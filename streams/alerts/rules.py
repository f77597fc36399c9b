"""Load and validate the YAML rules file; every error names the file, the rule and the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from streams.errors import ConfigError
from streams.records.schema import validator


@dataclass(frozen=True)
class Concept:
    """A named list of terms, in any language, that stand for one idea."""

    name: str
    terms: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Filters:
    """Tag conditions an item must meet; an empty tuple means "any value"."""

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.countries, self.regions, self.actors, self.lang, self.feeds))


SENTENCE = "sentence"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rule:
    """Fires when all `all` concepts, one of `any` (if given) and none of `not` occur,
    within the proximity `near` (a sentence, or N words) if given, in the `fields` given,
    on items whose tags pass `filters`."""

    id: str
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    not_: tuple[str, ...] = ()
    severity: str = "medium"
    description: str = ""
    near: str | int | None = None  # "sentence" or a number of words
    fields: tuple[str, ...] = ()
    filters: Filters = Filters()
    cooldown: float | None = None  # seconds; None = the dedup window
    updates: bool = False
    line: int = 0


def parse_duration(text: str) -> float:
    """'90s', '30m', '6h', '2d' -> seconds (the schema has already checked the shape)."""
    return float(text[:-1]) * _UNITS[text[-1]]


@dataclass(frozen=True)
class RuleSet:
    """A validated rules file."""

    concepts: dict[str, Concept]
    rules: tuple[Rule, ...]
    source: str


def _line_of(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def _rule_nodes(root: yaml.Node) -> list[yaml.Node]:
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            is_rules = isinstance(key, yaml.ScalarNode) and key.value == "rules"
            if is_rules and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    return []


def parse_rules(text: str, source: str = "<rules>") -> RuleSet:
    """Parse and validate rules from YAML text; raise ConfigError naming source, rule and line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct began (an unclosed "["), which
        # is the line to fix; the problem mark can be the end of the file.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        reason = " ".join(str(p) for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p)
        raise ConfigError(f"{source}{where}: not valid YAML: {reason or exc}") from None
    if root is None or not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping with 'version', 'concepts' and 'rules'")
    rule_nodes = _rule_nodes(root)

    error = validator("rules").first_error(data)
    if error is not None:
        path = list(error.path)
        where, line = "/".join(map(str, path)) or "<root>", _line_of(root)
        if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
            node = rule_nodes[path[1]] if path[1] < len(rule_nodes) else None
            rule_id = data["rules"][path[1]].get("id", f"#{path[1] + 1}")
            where, line = f"rule {rule_id!r} ({where})", _line_of(node)
        raise ConfigError(f"{source}:{line}: {where}: {error.message}")

    concepts = {
        name: Concept(name, tuple(body["terms"]), body.get("description", ""))
        for name, body in data["concepts"].items()
    }
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, body in enumerate(data["rules"]):
        line = _line_of(rule_nodes[index]) if index < len(rule_nodes) else 0
        rule_id = body["id"]
        if rule_id in seen:
            raise ConfigError(f"{source}:{line}: rule {rule_id!r}: duplicate rule id")
        seen.add(rule_id)
        for key in ("all", "any", "not"):
            for name in body.get(key, ()):
                if name not in concepts:
                    raise ConfigError(
                        f"{source}:{line}: rule {rule_id!r}: unknown concept {name!r} in {key!r}"
                    )
        if not body.get("enabled", True):
            continue
        near = body.get("near")
        filters = body.get("filters", {})
        rules.append(
            Rule(
                id=rule_id,
                all=tuple(body.get("all", ())),
                any=tuple(body.get("any", ())),
                not_=tuple(body.get("not", ())),
                severity=body.get("severity", "medium"),
                description=body.get("description", ""),
                near=near["words"] if isinstance(near, dict) else near,
                # "body" is the text after the title, which the analysed text calls summary.
                fields=tuple(sorted({"summary" if f == "body" else f for f in body.get("fields", ())})),
                filters=Filters(**{key: tuple(values) for key, values in filters.items()}),
                cooldown=parse_duration(body["cooldown"]) if "cooldown" in body else None,
                updates=bool(body.get("updates", False)),
                line=line,
            )
        )
    return RuleSet(concepts=concepts, rules=tuple(rules), source=source)


def load_rules(path: Path) -> RuleSet:
    """Read and validate a rules file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read rules file: {exc.strerror}") from None
    return parse_rules(text, source=str(path))
