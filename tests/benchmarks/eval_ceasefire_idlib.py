"""Precision and recall of the shipped `ceasefire+idlib` rule on a labelled set of texts.

Run: python -m tests.benchmarks.eval_ceasefire_idlib

The set (tests/alerts/data/ceasefire_idlib.tsv) holds Arabic and English headline-style texts
written for this project: spelling variants (ادلب، Idleb, cease-fire), clitics (لوقف، بإدلب،
ولإدلب), diacritics and tatweel, quotes between words, line breaks; and hard negatives
(ceasefires elsewhere, Idlib without a ceasefire, وقفة / إطلاق سراح / إطلاق النار على).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from streams.alerts.engine import RuleEngine
from streams.alerts.rules import load_rules
from streams.settings import DEFAULT_RULES_FILE

DATA = Path(__file__).resolve().parent.parent / "alerts" / "data" / "ceasefire_idlib.tsv"
RULE = "ceasefire+idlib"


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int
    tn: int
    false_positives: tuple[str, ...]
    false_negatives: tuple[str, ...]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def labelled() -> list[tuple[bool, str]]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label == "1", text.replace("\\n", "\n")))
    return rows


def score(lang: str | None = None) -> Score:
    engine = RuleEngine(load_rules(DEFAULT_RULES_FILE))
    tp = fp = fn = tn = 0
    fps, fns = [], []
    for expected, text in labelled():
        is_arabic = any("\u0600" <= ch <= "\u06ff" for ch in text)
        if lang is not None and (lang == "ar") != is_arabic:
            continue
        fired = any(h.rule.id == RULE for h in engine.evaluate(text))
        if fired and expected:
            tp += 1
        elif fired:
            fp += 1
            fps.append(text)
        elif expected:
            fn += 1
            fns.append(text)
        else:
            tn += 1
    return Score(tp, fp, fn, tn, tuple(fps), tuple(fns))


def main() -> None:
    print(f"{RULE} on {DATA.name}")
    print(f"{'texts':<8} {'n':>4} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}")
    for name, lang in (("Arabic", "ar"), ("English", "en"), ("all", None)):
        s = score(lang)
        n = s.tp + s.fp + s.fn + s.tn
        print(f"{name:<8} {n:>4} {s.tp:>4} {s.fp:>4} {s.fn:>4} {s.precision:>9.3f} {s.recall:>7.3f}")
    s = score()
    for text in s.false_positives:
        print(f"  false positive: {text}")
    for text in s.false_negatives:
        print(f"  missed: {text}")


if __name__ == "__main__":
    main()
