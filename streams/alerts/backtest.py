"""`wirewatch rules test`: run a rules file over past items and report what would have fired."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from streams.alerts.context import ItemContext
from streams.alerts.engine import RuleEngine, snippet
from streams.alerts.gate import AlertGate
from streams.alerts.rules import RuleSet
from streams.dedup.exact import ExactDedup
from streams.dedup.identity import content_hash, digest
from streams.dedup.urls import canonical_url
from streams.errors import InputError
from streams.records.inputs import analysed_text
from streams.tagging import Tagger

SAMPLES_PER_RULE = 3
_FOREVER = float("inf")


@dataclass
class Report:
    """Counts per rule: items it matched, alerts it would have sent (one per story), samples."""

    items: int = 0
    skipped: int = 0
    matched: Counter[str] = field(default_factory=Counter)
    alerts: Counter[str] = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


class Backtest:
    """Evaluates items one at a time, with the live stage's one-alert-per-story gate."""

    def __init__(self, ruleset: RuleSet, tagger: Tagger | None = None) -> None:
        self.engine = RuleEngine(ruleset)
        self.tagger = tagger
        self.gate = AlertGate({}, default_cooldown=_FOREVER)
        self.stories = ExactDedup({}, _FOREVER)
        self.report = Report()

    def _context(self, obj: dict[str, Any], text: str) -> ItemContext:
        feed: dict[str, Any] = obj["feed"] if isinstance(obj.get("feed"), dict) else {}
        if "countries" in obj and "detected_lang" in obj:  # a wire.items record: tags known
            actors = frozenset(a["id"] for a in obj.get("actors", ()) if isinstance(a, dict))
            countries, regions = obj["countries"], obj.get("regions", ())
            lang = obj["detected_lang"]
        else:  # a bare text: tag it with the same tagger the worker uses
            self.tagger = self.tagger or Tagger.default()
            tags = self.tagger.tag(text, obj.get("lang") if isinstance(obj.get("lang"), str) else None)
            actors = frozenset(a.id for a in tags.actors)
            countries, regions, lang = tags.countries, tags.regions, tags.lang
        return ItemContext(
            countries=frozenset(countries),
            regions=frozenset(regions),
            actors=actors,
            lang=lang,
            feed_url=feed.get("url"),
            feed_name=feed.get("name"),
        )

    def add(self, obj: Any) -> None:
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), str | int):
            raise InputError("each item must be a JSON object with an 'id'")
        text, title_end = analysed_text(obj)
        self.report.items += 1
        story = obj.get("story_id")
        if not isinstance(story, str):
            # Bare texts: group re-sent copies into stories as the dedup stage would.
            url = obj.get("url") if isinstance(obj.get("url"), str) else None
            decision = self.stories.decide(
                digest("line", str(obj["id"])), canonical_url(url), content_hash(text, ""), 0.0
            )
            story = decision.story_id
        for hit in self.engine.evaluate(text, title_end, self._context(obj, text)):
            rule = hit.rule.id
            self.report.matched[rule] += 1
            if self.gate.decide(hit.rule, story, {m.term for m in hit.matches}, now=0.0) is None:
                continue
            self.report.alerts[rule] += 1
            samples = self.report.samples[rule]
            if len(samples) < SAMPLES_PER_RULE:
                samples.append(f"[{obj['id']}] {snippet(text, hit.matches)}")

    def run(self, objects: Iterable[tuple[str, Any]], err: TextIO) -> Report:
        """Evaluate (where, object) pairs; a bad one is reported on `err` and skipped."""
        for where, obj in objects:
            try:
                if isinstance(obj, InputError):
                    raise obj  # a record that could not even be decoded
                self.add(obj)
            except InputError as exc:
                self.report.skipped += 1
                print(f"{where}: skipped: {exc}", file=err)
        return self.report


def print_report(report: Report, ruleset: RuleSet, out: TextIO) -> None:
    print(f"{report.items} items evaluated ({report.skipped} skipped) against {ruleset.source}", file=out)
    width = max([len(r.id) for r in ruleset.rules] + [4])
    print(f"{'rule':<{width}}  {'severity':<8}  {'matched':>7}  {'alerts':>6}", file=out)
    for rule in ruleset.rules:
        matched, alerts = report.matched[rule.id], report.alerts[rule.id]
        print(f"{rule.id:<{width}}  {rule.severity:<8}  {matched:>7}  {alerts:>6}", file=out)
        for sample in report.samples.get(rule.id, ()):
            print(f"    {sample}", file=out)
