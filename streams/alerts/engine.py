"""Evaluate every rule against an item from one automaton pass over its text."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from streams.alerts.context import ItemContext
from streams.alerts.proximity import Positions, within
from streams.alerts.rules import Rule, RuleSet
from streams.records.models import Match
from streams.text.matcher import PhraseMatcher

_LATIN = re.compile(r"[A-Za-z]")
SNIPPET_CONTEXT = 80
MARK_OPEN, MARK_CLOSE = "⟦", "⟧"


def english_variants(term: str) -> set[str]:
    """Spelling variants of an English term: hyphen/space/closed compounds and a plural.

    "cease-fire" -> cease-fire, cease fire, ceasefire (+ plurals); "truce" -> truce, truces.
    """
    forms = {term}
    if "-" in term:
        forms |= {term.replace("-", " "), term.replace("-", "")}
    words = term.split()
    if len(words) == 2:
        forms |= {"".join(words), "-".join(words)}
    plurals = set()
    for form in forms:
        last = form.rsplit(" ", 1)[-1]
        suffix = "es" if last.endswith(("s", "x", "ch", "sh")) else "s"
        plurals.add(form + suffix)
    return forms | plurals


@dataclass(frozen=True)
class RuleHit:
    """A rule that fired, with the evidence for each of its concepts."""

    rule: Rule
    matches: tuple[Match, ...]


class RuleEngine:
    """All concept terms compiled into one matcher; rules evaluated from the set of concepts hit."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._matcher: PhraseMatcher[tuple[str, str]] = PhraseMatcher()
        used = {c for r in ruleset.rules for c in (*r.all, *r.any, *r.not_)}
        for name in sorted(used):
            for term in ruleset.concepts[name].terms:
                forms = english_variants(term) if _LATIN.search(term) else {term}
                for form in sorted(forms):
                    self._matcher.add(form, (name, term))
        self._matcher.build()
        # Rules indexed by the concepts that can make them fire, so an item only costs
        # the rules whose concepts it mentions, however many rules there are.
        # Rules indexed by a concept that must occur for them to fire, so an item costs only
        # the rules it can possibly fire, however many rules there are. A rule with `all`
        # concepts is filed once, under its rarest one (a place is rarer than "talks", which
        # a thousand rules may share); a rule with only `any` under each of those.
        usage: dict[str, int] = defaultdict(int)
        for rule in ruleset.rules:
            for name in {*rule.all, *rule.any}:
                usage[name] += 1
        self._order = {rule.id: i for i, rule in enumerate(ruleset.rules)}
        self._by_concept: dict[str, list[Rule]] = defaultdict(list)
        for rule in ruleset.rules:
            keys = [min(rule.all, key=lambda n: (usage[n], n))] if rule.all else sorted(set(rule.any))
            for name in keys:
                self._by_concept[name].append(rule)

    def find(self, text: str, title_end: int | None = None) -> dict[str, list[Match]]:
        """Every concept found in `text`, with its matches.

        `title_end` is where the title ends in text = title + "\\n" + summary; without it
        the field of every match is "text".
        """
        hits: dict[str, list[Match]] = defaultdict(list)
        for found in self._matcher.find(text):
            concept, term = found.payload
            if title_end is None:
                field = "text"
            else:
                field = "title" if found.start < title_end else "summary"
            hits[concept].append(
                Match(concept, term, field, found.start, found.end, text[found.start : found.end])
            )
        return hits

    def evaluate(
        self, text: str, title_end: int | None = None, context: ItemContext | None = None
    ) -> list[RuleHit]:
        """The rules that fire on `text`, in file order, each with its evidence.

        `context` carries the item's tags for rules with filters; without it, rules that
        have filters do not fire (an unknown item cannot prove it passes them).
        """
        hits = self.find(text, title_end)
        candidates = {r.id: r for name in hits for r in self._by_concept.get(name, ())}
        positions = Positions(text)
        fired: list[RuleHit] = []
        for rule in sorted(candidates.values(), key=lambda r: self._order[r.id]):
            if rule.filters and (context is None or not context.passes(rule.filters)):
                continue
            evidence = self._evidence(rule, hits, positions)
            if evidence:
                fired.append(RuleHit(rule, evidence))
        return fired

    @staticmethod
    def _evidence(rule: Rule, hits: dict[str, list[Match]], positions: Positions) -> tuple[Match, ...] | None:
        if rule.fields:
            # A text without a title ("text" input) counts as body, i.e. summary.
            scope = set(rule.fields) | ({"text"} if "summary" in rule.fields else set())
            hits = {c: [m for m in ms if m.field in scope] for c, ms in hits.items()}
            hits = {c: ms for c, ms in hits.items() if ms}
        if not all(c in hits for c in rule.all):
            return None
        if rule.any and not any(c in hits for c in rule.any):
            return None
        if any(c in hits for c in rule.not_):
            return None
        relevant = [m for c in (*rule.all, *rule.any) for m in hits.get(c, ())]
        if rule.near is not None:
            return within(relevant, rule.all, rule.any, rule.near, positions)
        return tuple(sorted(set(relevant), key=lambda m: (m.start, m.end)))


def snippet(text: str, matches: tuple[Match, ...], context: int = SNIPPET_CONTEXT) -> str:
    """Text around the first matches of each concept with every match in it marked ⟦like this⟧."""
    if not matches:
        return text[: 2 * context]
    firsts: dict[str, Match] = {}
    for m in matches:
        firsts.setdefault(m.concept, m)
    lo = max(0, min(m.start for m in firsts.values()) - context)
    hi = min(len(text), max(m.end for m in firsts.values()) + context)
    out: list[str] = []
    pos = lo
    for m in sorted(matches, key=lambda m: m.start):
        if m.start < pos or m.end > hi:
            continue  # overlapping or outside the window
        out += [text[pos : m.start], MARK_OPEN, text[m.start : m.end], MARK_CLOSE]
        pos = m.end
    out.append(text[pos:hi])
    prefix = "…" if lo > 0 else ""
    suffix = "…" if hi < len(text) else ""
    return prefix + " ".join("".join(out).split()) + suffix
