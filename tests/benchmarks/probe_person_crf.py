"""Research probe: how far a CRF trained here gets on NewsFANE persons, and what it costs.

Run from the repository root, with the research extra installed
(``pip install -e '.[research]'``: python-crfsuite and wordfreq):

    python -m tests.benchmarks.probe_person_crf [--c1 0.05] [--iterations 200]

It trains a linear-chain CRF (python-crfsuite) on the NewsFANE DEV split to mark person
names (the scorer's person classes, as B-PER/I-PER), tags the TEST split, and prints
entity-level precision, recall and F1 (exact token spans, as ``wirewatch eval newsfane``
scores) and the time per sentence of feature extraction plus tagging. Features per token:
the word and its stem with proclitics stripped, affixes, the words two either side, a
wordfreq Zipf bucket (how common the word is in Arabic), and the rule tagger's own label of
the token (place, demonym, actor type). The corpus is read through
``streams.evaluation.newsfane`` and never copied; the model is written to a temporary file.

This is the evidence for "not reachable with a model trained here": no pretrained Arabic
model or large name list is reachable from this machine (only PyPI, Maven, npm and Debian),
and this CRF reached P 0.71 / R 0.44 (F1 0.54) at about 340 µs of CPU per sentence when it
was written — far from both the person target (F1 0.75) and the tagger's speed budget
(50 µs per 400-character item).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path

try:
    import pycrfsuite
    import wordfreq
except ImportError:  # a research tool: say how to get its dependencies
    sys.exit("needs the research extra: pip install -e '.[research]' (python-crfsuite, wordfreq)")

from streams.evaluation.newsfane import DEFAULT_PATH, read_sentences, split_docs
from streams.evaluation.scoring import PERSON_CLASSES, Doc
from streams.tagging import Mention, Tagger

_PERSON = frozenset(PERSON_CLASSES)
# Hamza seats, alef maqsura and teh marbuta folded as the matcher's key folds them.
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_ARTICLE_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال")
_PROCLITICS = "وفبلك"
_ARABIC = re.compile(r"[\u0600-\u06ff]")


def labels(doc: Doc) -> list[str]:
    """B-PER / I-PER / O per token, from the gold spans of the person classes."""
    out = ["O"] * len(doc.tokens)
    for (lo, hi), cls in doc.gold:
        if cls in _PERSON:
            out[lo] = "B-PER"
            for i in range(lo + 1, hi):
                out[i] = "I-PER"
    return out


def entities(tags: Sequence[str]) -> set[tuple[int, int]]:
    """Token spans of the B-PER/I-PER runs (an I-PER without its B-PER starts one too)."""
    spans: set[tuple[int, int]] = set()
    start: int | None = None
    for i, tag in enumerate([*tags, "O"]):
        if tag != "I-PER" and start is not None:
            spans.add((start, i))
            start = None
        if tag == "B-PER" or (tag == "I-PER" and start is None):
            start = i
    return spans


def stem(word: str) -> tuple[str, str]:
    """The word folded, without its article or a proclitic, and what was stripped."""
    word = word.translate(_FOLD)
    for prefix in _ARTICLE_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix) :], prefix
    if word[:1] in _PROCLITICS and len(word) >= 5:
        return word[1:], word[0]
    return word, ""


@cache
def zipf_bucket(word: str) -> int:
    """How common a word is in Arabic, in half-Zipf steps (names are mostly rare)."""
    return int(wordfreq.zipf_frequency(word, "ar") * 2)


def tagger_labels(tagger: Tagger, doc: Doc) -> list[str]:
    """The rule tagger's label of each token: place, demonym, actor/<type> or empty."""
    out = [""] * len(doc.tokens)
    mentions: tuple[Mention, ...] = tagger.tag(doc.text, "ar").mentions
    for m in mentions:
        label = f"actor/{m.type}" if m.kind == "actor" else m.kind
        for i, (start, end) in enumerate(doc.tokens):
            if start < m.end and m.start < end:
                out[i] = label
    return out


def features(tagger: Tagger, doc: Doc) -> list[list[str]]:
    """CRF features of every token of `doc`."""
    words = [doc.text[s:e] for s, e in doc.tokens]
    stems = [stem(w) for w in words]
    tagged = tagger_labels(tagger, doc)
    n = len(words)
    out = []
    for i, word in enumerate(words):
        s, prefix = stems[i]
        f = [
            "bias",
            "w=" + word.translate(_FOLD),
            "s=" + s,
            "p=" + prefix,
            "s2=" + s[-2:],
            "s3=" + s[-3:],
            "p2=" + s[:2],
            "p3=" + s[:3],
            f"len={min(len(s), 8)}",
            f"z={zipf_bucket(s)}",
            "t=" + tagged[i],
        ]
        if not _ARABIC.search(word):
            f.append("nonarabic")
        for k in (-2, -1, 1, 2):
            j = i + k
            f.append(f"{k}:{stems[j][0]}" if 0 <= j < n else f"{k}:BOS")
        if i > 0:
            before = stems[i - 1][0]
            f += [f"-1|0={before}|{s}", "t-1=" + tagged[i - 1], f"z-1={zipf_bucket(before)}"]
        if i + 1 < n:
            after = stems[i + 1][0]
            f += [f"0|+1={s}|{after}", "t+1=" + tagged[i + 1], f"z+1={zipf_bucket(after)}"]
        out.append(f)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_PATH, help="NewsFANE Gold file")
    parser.add_argument("--c1", type=float, default=0.05, help="L1 regularisation")
    parser.add_argument("--c2", type=float, default=0.01, help="L2 regularisation")
    parser.add_argument("--iterations", type=int, default=200, help="training iterations")
    args = parser.parse_args()

    docs = read_sentences(args.corpus)
    dev, test = split_docs(docs, "dev"), split_docs(docs, "test")
    tagger = Tagger.default()

    trainer = pycrfsuite.Trainer(verbose=False)
    for doc in dev:
        trainer.append(features(tagger, doc), labels(doc))
    params = {"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations}
    trainer.set_params({**params, "feature.possible_transitions": True})
    with tempfile.TemporaryDirectory() as tmp:
        model = str(Path(tmp) / "person.crfsuite")
        start = time.perf_counter()
        trainer.train(model)
        trained = time.perf_counter() - start
        crf = pycrfsuite.Tagger()
        crf.open(model)
        for doc in test[:50]:  # warm the caches (wordfreq, tagger) before timing
            crf.tag(features(tagger, doc))
        tp = fp = fn = 0
        featurising = tagging = 0.0
        for doc in test:
            start = time.process_time()
            feats = features(tagger, doc)
            mid = time.process_time()
            predicted = crf.tag(feats)
            featurising += mid - start
            tagging += time.process_time() - mid
            gold, found = entities(labels(doc)), entities(predicted)
            tp += len(gold & found)
            fp += len(found - gold)
            fn += len(gold - found)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    per_sentence = (featurising + tagging) / len(test) * 1e6
    print(f"CRF trained on NewsFANE DEV ({len(dev)} sentences) in {trained:.0f} s; c1={args.c1} c2={args.c2}")
    print(
        f"person on TEST ({len(test)} sentences): P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  TP/FP/FN {tp}/{fp}/{fn}"
    )
    print(
        f"CPU per sentence: {per_sentence:.0f} µs (features incl. the rule tagger "
        f"{featurising / len(test) * 1e6:.0f} µs, CRF {tagging / len(test) * 1e6:.0f} µs)"
    )


if __name__ == "__main__":
    main()
