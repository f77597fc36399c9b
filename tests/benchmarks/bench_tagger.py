"""Benchmark the pure tagger on ~400-character headline+summary items, against a naive baseline.

Run from the repository root: ``python -m tests.benchmarks.bench_tagger [--reps 7]``.
``--against ../other-checkout`` instead times this checkout's tagger against another one's
(say, a worktree at the commit before a speed change): one process per checkout, passes over
the same items taken in turn, so both see the same load; it prints the ratio of their times.

Arabic items come from the seed article and NewsFANE sentences under ../shared/data (read at
run time, never copied); English items from `en_items.txt` next to this file. Times are
medians of several repetitions after a warm-up, in CPU time of this process (one thread, so
one core): other work on a shared machine then slows the figures far less than it would wall
time, though caches are still shared; compare the ratios printed in one run, not absolute
numbers across runs.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
SEED = SHARED / "seed" / "aljazeera-idlib-ceasefire.ar.txt"
NEWSFANE = SHARED / "newsfane" / "NewsFANE_Gold_2014_170K.txt"
EN_ITEMS = Path(__file__).with_name("en_items.txt")
ITEM_CHARS = 400
LOAD_SNIPPET = (
    "import time; t = time.process_time(); from streams.tagging import Tagger; "
    "Tagger.default(); print(time.process_time() - t)"
)


def _windows(text: str, size: int = ITEM_CHARS) -> Iterator[str]:
    """`text` cut into pieces of about `size` characters, at spaces."""
    text = " ".join(text.split(" "))
    pos = 0
    while len(text) - pos >= size // 2:
        cut = text.rfind(" ", pos + size // 2, pos + size)
        cut = cut if cut > pos and pos + size < len(text) else min(len(text), pos + size)
        yield text[pos:cut].strip()
        pos = cut


def _newsfane_sentences(limit: int) -> list[str]:
    """Sentences of the NewsFANE corpus, tokens joined by spaces (its per-token LRMs dropped)."""
    sentences: list[str] = []
    tokens: list[str] = []
    with NEWSFANE.open(encoding="utf-8-sig") as lines:
        for line in lines:
            token = line.rstrip("\r\n").split("\t")[0].replace("\u200e", "")
            if token.strip():
                tokens.append(token)
            elif tokens:
                sentences.append(" ".join(tokens))
                tokens = []
                if len(sentences) >= limit:
                    break
    return sentences


def arabic_items(sentences: int) -> list[str]:
    if not SEED.is_file() or not NEWSFANE.is_file():
        sys.exit(f"Arabic corpus not found under {SHARED} (need the seed article and NewsFANE)")
    seed = SEED.read_text(encoding="utf-8")
    items = list(_windows(seed.replace("\n", " ")))
    items += _windows(" ".join(_newsfane_sentences(sentences)))
    return items


def english_items() -> list[str]:
    entries = [line.strip() for line in EN_ITEMS.read_text(encoding="utf-8").splitlines() if line.strip()]
    # Each item: one headline+summary plus the start of the next, cut to about 400 characters.
    items = []
    for i, entry in enumerate(entries):
        following = entries[(i + 1) % len(entries)]
        items.append(next(_windows(f"{entry}\n{following}")))
    return items


def _median_rate(func: Callable[[str], object], items: list[str], reps: int) -> float:
    """Median CPU seconds per item over `reps` passes, after one warm-up pass."""
    for item in items:
        func(item)
    times = []
    for _ in range(reps):
        start = time.process_time()
        for item in items:
            func(item)
        times.append((time.process_time() - start) / len(items))
    return statistics.median(times)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _find_matcher(tagger: object, kind: type) -> Any:
    """The tagger's phrase matcher, found by type (read-only; field names may change)."""
    for value in vars(tagger).values():
        for candidate in (value, *getattr(value, "__dict__", {}).values()):
            if isinstance(candidate, kind):
                return candidate
        for name in getattr(type(value), "__slots__", ()):
            if isinstance(getattr(value, name, None), kind):
                return getattr(value, name)
    return None


def gazetteer_phrases() -> list[str]:
    """Every alias the gazetteer is built from, read through the tagging package's loaders."""
    from streams.tagging import data, sources

    places = data.load_places()
    aliases = [
        *sources.country_aliases(data.load_countries()),
        *sources.place_aliases(places),
        *sources.actor_aliases(),
        *sources.city_aliases(places),
    ]
    return sorted({alias.phrase for alias in aliases})


def naive_tagger(phrases: list[str]) -> Callable[[str], object]:
    """One compiled regex per alias, all tried on every text (case-insensitive, whole words)."""
    patterns = [re.compile(rf"(?<!\w){re.escape(p)}(?!\w)", re.IGNORECASE) for p in phrases]

    def tag(text: str) -> list[tuple[int, int]]:
        return [m.span() for pattern in patterns for m in pattern.finditer(text)]

    return tag


def _automaton_rows(keys: list[str], patterns: list[str], reps: int) -> list[tuple[str, float]]:
    """Raw overlapping search over the same keys: pyahocorasick vs ahocorasick-rs, if installed."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for pattern in patterns:
        automaton.add_word(pattern, len(pattern))
    automaton.make_automaton()
    rows = [("pyahocorasick iter()", _median_rate(lambda k: list(automaton.iter(k)), keys, reps))]
    try:
        import ahocorasick_rs  # type: ignore[import-not-found]
    except ImportError:
        print("ahocorasick-rs not installed: pip install ahocorasick-rs to compare")
        return rows
    rs = ahocorasick_rs.AhoCorasick(patterns)
    rows.append(
        (
            "ahocorasick-rs overlapping",
            _median_rate(lambda k: rs.find_matches_as_indexes(k, overlapping=True), keys, reps),
        )
    )
    return rows


# One process per checkout for --against: reads the items, then times one pass per request.
AB_WORKER = """
import json, sys, time
from streams.tagging import Tagger
corpora = json.loads(sys.stdin.readline())
tagger = Tagger.default()
for items in corpora.values():
    for item in items:
        tagger.tag(item)
print("ready", flush=True)
for line in sys.stdin:
    items = corpora[line.strip()]
    start = time.process_time()
    for item in items:
        tagger.tag(item)
    print((time.process_time() - start) / len(items), flush=True)
"""


def against(other: Path, corpora: dict[str, list[str]], rounds: int) -> None:
    """Time passes of this checkout's tagger and `other`'s in turn; print their ratios."""
    checkouts = {"this": ROOT, "other": other.resolve()}
    workers = {
        name: subprocess.Popen(
            [sys.executable, "-c", AB_WORKER],
            cwd=path,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for name, path in checkouts.items()
    }
    times: dict[tuple[str, str], list[float]] = {}
    try:
        for worker in workers.values():
            assert worker.stdin is not None and worker.stdout is not None
            worker.stdin.write(json.dumps(corpora) + "\n")
            worker.stdin.flush()
        for worker in workers.values():
            assert worker.stdout is not None
            if worker.stdout.readline().strip() != "ready":
                sys.exit("a worker failed to start")
        for i in range(rounds):
            order = list(workers.items()) if i % 2 == 0 else list(workers.items())[::-1]
            for lang in corpora:
                for name, worker in order:
                    assert worker.stdin is not None and worker.stdout is not None
                    worker.stdin.write(lang + "\n")
                    worker.stdin.flush()
                    times.setdefault((name, lang), []).append(float(worker.stdout.readline()))
    finally:
        for worker in workers.values():
            if worker.stdin is not None:
                worker.stdin.close()
            worker.wait()
    print(f"\nthis: {ROOT}\nother: {checkouts['other']}\n{rounds} rounds, passes taken in turn, CPU time")
    print(f"{'':4}{'this/s':>9}{'other/s':>9}  other time / this time: median (min-max) of the rounds")
    for lang in corpora:
        mine, theirs = times["this", lang], times["other", lang]
        ratios = sorted(t / m for m, t in zip(mine, theirs, strict=True))
        print(
            f"{lang:4}{1 / statistics.median(mine):>9,.0f}{1 / statistics.median(theirs):>9,.0f}"
            f"  {statistics.median(ratios):.3f} ({ratios[0]:.3f}-{ratios[-1]:.3f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7, help="timed passes per measurement")
    parser.add_argument("--sentences", type=int, default=2000, help="NewsFANE sentences to read")
    parser.add_argument("--naive-items", type=int, default=12, help="items per language for the baseline")
    parser.add_argument("--no-aho-compare", action="store_true", help="skip the automaton comparison")
    parser.add_argument("--against", type=Path, help="another checkout to time this one against")
    parser.add_argument("--rounds", type=int, default=15, help="passes per checkout with --against")
    args = parser.parse_args()
    if args.against is not None:
        against(args.against, {"ar": arabic_items(args.sentences), "en": english_items() * 10}, args.rounds)
        return

    load = subprocess.run(
        [sys.executable, "-c", LOAD_SNIPPET], cwd=ROOT, capture_output=True, text=True, check=True
    )
    cold_load = float(load.stdout.strip().splitlines()[-1])

    from streams.tagging import Tagger

    start = time.process_time()
    tagger = Tagger.default()
    warm_load = time.process_time() - start
    corpora = {"ar": arabic_items(args.sentences), "en": english_items()}
    from streams.text.lang import detect_language
    from streams.text.matcher import PhraseMatcher

    matcher = _find_matcher(tagger, PhraseMatcher)
    rows = []
    for lang, items in corpora.items():
        per_item = _median_rate(tagger.tag, items, args.reps)
        text_core = _median_rate(detect_language, items, args.reps)
        if matcher is not None:
            text_core += _median_rate(matcher.find, items, args.reps)
        chars = sum(map(len, items)) / len(items)
        mentions = sum(len(tagger.tag(item).mentions) for item in items) / len(items)
        rows.append((lang, items, per_item, text_core, chars, mentions))
    rss_tagger = _rss_mb()

    naive = naive_tagger(gazetteer_phrases())
    print(f"\nTagger.default() over the full gazetteer; {args.reps} reps, median, one core")
    print(
        f"{'':4}{'items':>6}{'chars':>7}{'ments':>7}{'items/s':>10}{'MB/s':>7}{'µs/item':>9}"
        f"{'text µs':>9}{'naive/s':>9}{'speed-up':>10}"
    )
    for lang, items, per_item, text_core, chars, mentions in rows:
        subset = items[: args.naive_items]
        fast = _median_rate(tagger.tag, subset, args.reps)
        slow = _median_rate(naive, subset, max(1, args.reps // 3))
        mb_s = sum(len(i.encode()) for i in items) / len(items) / per_item / 1e6
        print(
            f"{lang:4}{len(items):>6}{chars:>7.0f}{mentions:>7.1f}{1 / per_item:>10,.0f}{mb_s:>7.2f}"
            f"{per_item * 1e6:>9.1f}{text_core * 1e6:>9.1f}{1 / slow:>9,.0f}{slow / fast:>9.0f}x"
        )
    print("  ments = mentions per item; MB/s counts UTF-8 bytes; text µs = streams.text's share")
    print("  (matcher.find + detect_language); speed-up = naive / tagger time on the same first items")
    print(f"gazetteer load, CPU: cold {cold_load:.2f} s (new interpreter + build), here {warm_load:.2f} s")
    print(f"peak RSS: {rss_tagger:.0f} MB with the tagger; {_rss_mb():.0f} MB after the naive baseline too")

    if not args.no_aho_compare:
        from streams.text.clitics import clitic_forms, has_article
        from streams.text.matcher import phrase_key

        patterns: set[str] = set()
        for phrase in gazetteer_phrases():
            key = phrase_key(phrase)
            if key and "\u0621" <= key[0] <= "\u064a":
                patterns.update(form for form, _ in clitic_forms(key, definite=has_article(phrase)))
            elif key:
                patterns.add(key)
        keys = [phrase_key(i) for i in corpora["ar"] + corpora["en"]]
        print(f"\nraw automaton search, {len(patterns):,} patterns, {len(keys)} keys")
        for name, per_key in _automaton_rows(keys, sorted(patterns), args.reps):
            print(f"  {name:28}{1 / per_key:>10,.0f} keys/s")


if __name__ == "__main__":
    main()
