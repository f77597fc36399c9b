"""Dump the tagger's full output on every evaluation text, to prove a speed change changed nothing.

Run from the repository root, before and after a change that must not alter tagging:

    python -m tests.tagging.snapshot write /tmp/before.jsonl
    python -m tests.tagging.snapshot compare /tmp/before.jsonl

The texts: every NewsFANE Gold sentence (both splits), the English evaluation set, the seed
article (whole, and line by line), and the benchmark's Arabic and English items. Each line of
the snapshot is one text's `Tags.to_json()`; `compare` reports the first differences and
exits non-zero if any text tags differently.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from streams.evaluation.english import load_docs
from streams.evaluation.newsfane import DEFAULT_PATH, read_sentences
from streams.tagging import Tagger
from tests.benchmarks.bench_tagger import SEED, arabic_items, english_items

_SHOWN = 5


def texts() -> Iterator[tuple[str, str, str | None]]:
    """(label, text, declared language) for every text the snapshot covers."""
    for i, doc in enumerate(read_sentences(DEFAULT_PATH)):
        yield f"newsfane:{i}", doc.text, "ar"
    for i, doc in enumerate(load_docs()):
        yield f"english:{i}", doc.text, "en"
    seed = SEED.read_text(encoding="utf-8")
    yield "seed", seed, None
    for i, line in enumerate(seed.splitlines()):
        if line.strip():
            yield f"seed:{i}", line, None
    for i, item in enumerate(arabic_items(2000)):
        yield f"bench-ar:{i}", item, None
    for i, item in enumerate(english_items()):
        yield f"bench-en:{i}", item, None


def snapshot() -> Iterator[str]:
    """One JSON line per text: its label and its tags."""
    tagger = Tagger.default()
    for label, text, lang in texts():
        tags = tagger.tag(text, lang).to_json()
        yield json.dumps({"label": label, "tags": tags}, ensure_ascii=False, sort_keys=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("write", "compare"))
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    if args.action == "write":
        lines = list(snapshot())
        args.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines)} texts written to {args.path}")
        return 0
    before = args.path.read_text(encoding="utf-8").splitlines()
    after = list(snapshot())
    differ = [(b, a) for b, a in zip(before, after, strict=False) if b != a]
    for b, a in differ[:_SHOWN]:
        print(f"- {b}\n+ {a}\n")
    if len(before) != len(after):
        print(f"text count differs: {len(before)} before, {len(after)} now")
        return 1
    print(f"{len(after)} texts compared, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
