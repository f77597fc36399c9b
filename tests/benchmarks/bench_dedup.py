"""Benchmark the pure near-duplicate path: items/s, bytes of state per item, precision/recall.

Run from the repository root: ``python -m tests.benchmarks.bench_dedup [--items 1000000]``.

- Throughput: sign + `NearIndex.decide` (lookup and record every band) per item, single core,
  with a dict store pre-filled to the window size (default 1,000,000 items).
- State: bytes of the raw keys and values the store holds (what a Faust table with raw
  serializers writes to its compacted changelog) per item, and tracemalloc's count of the
  in-memory dict per item on a 100,000-item sample.
- Quality: pairwise precision/recall on tests/dedup/data/labelled.jsonl (+ the seed article)
  at the chosen config, and a sweep over shingle size, proclitic stripping and thresholds.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import time
import tracemalloc

from streams.dedup.near import NearConfig, NearIndex, Signer
from tests.dedup.make_labelled_set import EN, load

WINDOW = 7 * 86400.0


def evaluate(config: NearConfig) -> tuple[float, float, list[str]]:
    """Pairwise precision, recall and the mislabelled pair kinds under `config`."""
    items, pairs = load()
    signer = Signer(config)
    sigs = {i.id: signer.sign(i.title, i.summary) for i in items}
    tp = fp = fn = 0
    errors: list[str] = []
    for pair in pairs:
        index = NearIndex({}, WINDOW, config)
        index.decide(pair.a, sigs[pair.a], 0.0)
        merged = index.decide(pair.b, sigs[pair.b], 1.0, record=False).kind == "near_duplicate"
        if merged and pair.label:
            tp += 1
        elif merged:
            fp += 1
            errors.append(f"FP {pair.kind}")
        elif pair.label:
            fn += 1
            errors.append(f"FN {pair.kind}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    return precision, tp / (tp + fn), errors


def _synthetic(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """~400-character English items from the labelled set's sentences, shuffled and renumbered."""
    sentences = [s for _, body in EN.values() for s in body]
    titles = [t for ts, _ in EN.values() for t in ts]
    words = ["Khan Younis", "Rafah", "Idlib", "Aleppo", "Taiz", "Sanaa", "Mosul", "Jenin"]
    out = []
    for i in range(n):
        slots = {
            "p": rng.choice(words),
            "q": rng.choice(words),
            "n": str(i),
            "m": str(rng.randint(2, 999)),
            "d": "Monday",
            "a": f"official {i % 9973}",
        }
        body = " ".join(rng.sample(sentences, 4)).format(**slots)
        # Three random "words" per item so signatures and band keys are as distinct as real news.
        extra = " ".join(f"w{rng.getrandbits(24):x}" for _ in range(3))
        out.append((rng.choice(titles).format(**slots) + f" {i}", f"{body} {extra}"))
    return out


def throughput(config: NearConfig, window: int) -> tuple[float, float, float]:
    rng = random.Random(1)
    signer = Signer(config)
    store: dict[bytes, bytes] = {}
    index = NearIndex(store, 1e9, config)
    fill = 50_000
    texts = _synthetic(fill, rng)
    t0 = time.perf_counter()
    for i in range(window):
        title, body = texts[i % fill]
        # Fill with distinct signatures: the title number changes the bands of every item.
        sig = signer.sign(f"{title} {i}", body) if i >= fill else signer.sign(title, body)
        index.decide(f"{i:032x}", sig, float(i))
    fill_rate = window / (time.perf_counter() - t0)
    state = sum(len(k) + len(v) for k, v in store.items()) / window
    # Measured rate over a fresh batch against the full window.
    probe = _synthetic(20_000, random.Random(2))
    t0 = time.perf_counter()
    for j, (title, body) in enumerate(probe):
        index.decide(f"{window + j:032x}", signer.sign(title, body), float(window + j))
    rate = len(probe) / (time.perf_counter() - t0)
    return rate, fill_rate, state


def memory(config: NearConfig, n: int = 100_000) -> float:
    signer = Signer(config)
    sigs = [signer.sign(t, b) for t, b in _synthetic(n, random.Random(3))]
    tracemalloc.start()
    store: dict[bytes, bytes] = {}
    index = NearIndex(store, 1e9, config)
    for i, sig in enumerate(sigs):
        index.decide(f"{i:032x}", sig, float(i))
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000, help="window size in items")
    parser.add_argument("--no-sweep", action="store_true")
    args = parser.parse_args()
    config = NearConfig()
    print(f"config: {config}")
    p, r, errors = evaluate(config)
    items, pairs = load()
    print(f"labelled set: {len(items)} items, {len(pairs)} pairs ({sum(x.label for x in pairs)} positive)")
    print(f"chosen config: precision {p:.4f}  recall {r:.4f}  errors {sorted(errors)}")
    if not args.no_sweep:
        print("\nsweep (pairwise P / R on the labelled set)")
        print(
            f"{'shingle':>7} {'procl':>5} {'bits':>4} {'bands':>5} {'rows':>4} {'body_min':>8} "
            f"{'title_min':>9} "
            f"{'body_only':>9} {'P':>7} {'R':>7}"
        )
        grid = []
        for shingle in (1, 2, 3):
            for procl in (True, False):
                grid.append(dataclasses.replace(config, shingle=shingle, proclitics=procl))
        for bands, rows in ((2, 1), (3, 1), (4, 1), (4, 2)):
            grid.append(dataclasses.replace(config, bands=bands, rows=rows))
        for bits in (1, 2, 4):
            grid.append(dataclasses.replace(config, bits=bits))
        for body_min in (0.3, 0.4, 0.45, 0.5, 0.6):
            for title_min in (0.0, 0.2, 0.3, 0.4, 0.5):
                grid.append(dataclasses.replace(config, body_min=body_min, title_min=title_min))
        for body_only in (0.6, 0.7, 0.8, 0.9, 1.01):
            grid.append(dataclasses.replace(config, body_only=body_only))
        for c in grid:
            sp, sr, _ = evaluate(c)
            mark = " <- chosen" if c == config else ""
            print(
                f"{c.shingle:>7} {c.proclitics!s:>5} {c.bits:>4} {c.bands:>5} {c.rows:>4} {c.body_min:>8} "
                f"{c.title_min:>9} {c.body_only:>9} {sp:>7.4f} {sr:>7.4f}{mark}"
            )
    print(f"\nthroughput with a window of {args.items:,} items in a dict store ...", flush=True)
    rate, fill_rate, state = throughput(config, args.items)
    print(f"items/s (sign + decide, full window): {rate:,.0f}   (while filling: {fill_rate:,.0f})")
    print(
        f"state: {state:.1f} bytes/item of raw keys+values (changelog payload); "
        f"entry {config.entry_size} B + 8 B key per band, {config.bands} bands"
    )
    print(f"tracemalloc, in-memory dict: {memory(config):.1f} bytes/item (100,000 items)")


if __name__ == "__main__":
    main()
