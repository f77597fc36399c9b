"""Entity- and token-level precision/recall/F1 of tagger mentions against gold token spans."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TextIO

import yaml

from streams.errors import ConfigError
from streams.tagging import Mention, Tagger

# Gold classes (NewsFANE's fine-grained taxonomy; the English set uses the same names) and
# the group of tagger output each is scored against. Classes not listed are not scored: a
# prediction on one of them is a false positive like any other.
PLACE_CLASSES = (
    "Nation",
    "Population-Center",
    "State-or-Province",
    "County-or-District",
    "Continent",
    "GPE-Cluster",
)
PERSON_CLASSES = (
    "Politician",
    "Other_PER",
    "Athlete",
    "Artist",
    "Religious_PER",
    "Scientist",
    "Businessperson",
    "Police",
    "Lawyer",
    "Engineer",
)
ORGANISATION_CLASSES = ("Government", "Non-Governmental")
GROUP_OF: dict[str, str] = {
    **dict.fromkeys(PLACE_CLASSES, "place"),
    **dict.fromkeys(PERSON_CLASSES, "person"),
    **dict.fromkeys(ORGANISATION_CLASSES, "organisation"),
}
GROUPS = ("place", "person", "organisation")
# Classes hand-annotated data may use without scoring them (see newsfane.py's docstring).
UNSCORED_CLASSES = frozenset({"Group", "Building-Grounds", "Media", "Commercial", "Sports", "Water-Body"})
# Predictions that exactly cover a gold entity of these classes are neutral (neither right
# nor wrong): the tagger deliberately reads the Kremlin or the White House as the
# institution (metonymy) where the corpus annotates the building.
NEUTRAL: frozenset[tuple[str, str]] = frozenset({("organisation", "Building-Grounds")})

Span = tuple[int, int]  # token indices [start, end)


def _nation_data() -> tuple[frozenset[str], frozenset[str]]:
    """ISO 3166-1 codes of entries that are not sovereign states, and the refs of places that
    are nations with no such code (both in data/territories.yaml)."""
    raw = resources.files("streams.evaluation").joinpath("data", "territories.yaml").read_text("utf-8")
    data = yaml.safe_load(raw)
    codes = data.get("territories")
    if not isinstance(codes, list) or not all(isinstance(c, str) and len(c) == 2 for c in codes):
        raise ConfigError("evaluation data territories.yaml: expected a list of ISO 3166-1 codes")
    nations = data.get("nations")
    if not isinstance(nations, list) or not all(isinstance(n, str) and n for n in nations):
        raise ConfigError("evaluation data territories.yaml: expected `nations`, a list of place refs")
    return frozenset(codes), frozenset(nations)


# Places with an ISO code that score as places but not as Nation (Hong Kong, Puerto Rico), and
# places without one that score as Nation too (England, the Soviet Union).
TERRITORIES, NATIONS = _nation_data()


@dataclass(frozen=True, slots=True)
class Doc:
    """One text with its tokens' character offsets and its gold entities as token spans."""

    text: str
    tokens: Sequence[Span]  # character offsets of each token, in order
    gold: Sequence[tuple[Span, str]]  # (token span, gold class)


def predicted_group(mention: Mention) -> str | None:
    """The group a mention counts for (demonyms count for none)."""
    if mention.kind == "place":
        return "place"
    if mention.kind == "actor":
        return "person" if mention.type == "person" else "organisation"
    return None


def is_nation(mention: Mention) -> bool:
    """A place mention naming a nation: a state's ISO code (not a territory's), or one of the
    nations without one (England, the Soviet Union)."""
    if mention.kind != "place":
        return False
    ref = mention.ref
    return (ref == mention.country and ref not in TERRITORIES) or ref in NATIONS


def token_span(doc: Doc, start: int, end: int) -> Span:
    """The tokens a character span overlaps (a mention inside a clitic token takes it all)."""
    ends = [e for _, e in doc.tokens]
    starts = [s for s, _ in doc.tokens]
    return bisect_right(ends, start), bisect_left(starts, end)


@dataclass(slots=True)
class Counts:
    """True/false positives and false negatives, entity- and token-level."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    ttp: int = 0
    tfp: int = 0
    tfn: int = 0

    @staticmethod
    def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def entity(self) -> tuple[float, float, float]:
        return self.prf(self.tp, self.fp, self.fn)

    @property
    def token(self) -> tuple[float, float, float]:
        return self.prf(self.ttp, self.tfp, self.tfn)


@dataclass(slots=True)
class Report:
    """Counts per group, for the Nation class, and recall per gold class."""

    groups: dict[str, Counts] = field(default_factory=lambda: {g: Counts() for g in GROUPS})
    nation: Counts = field(default_factory=Counts)
    gold_per_class: Counter[str] = field(default_factory=Counter)
    found_per_class: Counter[str] = field(default_factory=Counter)
    gold_tokens_per_class: Counter[str] = field(default_factory=Counter)
    found_tokens_per_class: Counter[str] = field(default_factory=Counter)
    neutral: int = 0
    docs: int = 0

    def f1(self, group: str) -> float:
        """Entity-level F1 of a group, or of "Nation"."""
        counts = self.nation if group == "Nation" else self.groups[group]
        return counts.entity[2]


def score(tagger: Tagger, docs: Iterable[Doc], lang: str | None = None) -> Report:
    """Tag every doc and compare its mentions with the gold entities."""
    report = Report()
    for doc in docs:
        report.docs += 1
        score_doc(report, doc, tagger.tag(doc.text, lang).mentions)
    return report


def score_doc(report: Report, doc: Doc, mentions: Sequence[Mention]) -> None:
    """Add one doc's counts to `report` (exact token spans; demonyms count for no group)."""
    gold = {span: cls for span, cls in doc.gold}
    gold_tokens: dict[int, str] = {}
    for (lo, hi), cls in doc.gold:
        for i in range(lo, hi):
            gold_tokens[i] = cls
    predicted: dict[Span, str] = {}
    nations: set[Span] = set()
    for mention in mentions:
        group = predicted_group(mention)
        if group is None:
            continue
        span = token_span(doc, mention.start, mention.end)
        if (group, gold.get(span, "")) in NEUTRAL:
            report.neutral += 1
            continue
        predicted[span] = group
        if is_nation(mention):
            nations.add(span)
    pred_tokens = {i: g for (lo, hi), g in predicted.items() for i in range(lo, hi)}
    for span, group in predicted.items():
        counts = report.groups[group]
        if GROUP_OF.get(gold.get(span, "")) == group:
            counts.tp += 1
        else:
            counts.fp += 1
    for span, cls in gold.items():
        report.gold_per_class[cls] += 1
        group = GROUP_OF.get(cls)
        if group is None:
            continue
        if predicted.get(span) == group:
            report.found_per_class[cls] += 1
        else:
            report.groups[group].fn += 1
    for span in nations:
        if gold.get(span) == "Nation":
            report.nation.tp += 1
        else:
            report.nation.fp += 1
    report.nation.fn += sum(1 for s, c in gold.items() if c == "Nation" and s not in nations)
    for i, group in pred_tokens.items():
        ok = GROUP_OF.get(gold_tokens.get(i, "")) == group
        report.groups[group].ttp += ok
        report.groups[group].tfp += not ok
    for i, cls in gold_tokens.items():
        report.gold_tokens_per_class[cls] += 1
        group = GROUP_OF.get(cls)
        if group is None:
            continue
        if pred_tokens.get(i) == group:
            report.found_tokens_per_class[cls] += 1
        else:
            report.groups[group].tfn += 1
    nation_tokens = {i for lo, hi in nations for i in range(lo, hi)}
    for i in nation_tokens:
        ok = gold_tokens.get(i) == "Nation"
        report.nation.ttp += ok
        report.nation.tfp += not ok
    report.nation.tfn += sum(1 for i, c in gold_tokens.items() if c == "Nation" and i not in nation_tokens)


def print_report(report: Report, title: str, out: TextIO) -> None:
    """A table: P/R/F1 per group and for Nation, then gold count and recall per gold class."""
    out.write(f"{title} ({report.docs} texts)\n")
    out.write(
        f"{'':<20}{'entity P':>9}{'R':>7}{'F1':>7}   {'token P':>8}{'R':>7}{'F1':>7}   {'TP/FP/FN':>16}\n"
    )
    rows = [*((g, report.groups[g]) for g in GROUPS), ("Nation (countries)", report.nation)]
    for name, counts in rows:
        (p, r, f), (tp_, tr, tf) = counts.entity, counts.token
        tally = f"{counts.tp}/{counts.fp}/{counts.fn}"
        out.write(f"{name:<20}{p:>9.3f}{r:>7.3f}{f:>7.3f}   {tp_:>8.3f}{tr:>7.3f}{tf:>7.3f}   {tally:>16}\n")
    out.write(f"{'gold class':<20}{'group':>13}{'gold':>6}{'entity R':>10}{'token R':>9}\n")
    for cls, n in sorted(report.gold_per_class.items(), key=lambda kv: (GROUP_OF.get(kv[0], "~"), -kv[1])):
        group = GROUP_OF.get(cls)
        if group is None:
            continue
        recall = report.found_per_class[cls] / n
        tokens = report.gold_tokens_per_class[cls]
        trecall = report.found_tokens_per_class[cls] / tokens if tokens else 0.0
        out.write(f"{cls:<20}{group:>13}{n:>6}{recall:>10.3f}{trecall:>9.3f}\n")
    if report.neutral:
        out.write(f"neutral (organisation on Building-Grounds): {report.neutral}\n")
    out.write("\n")
