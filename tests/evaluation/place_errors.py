"""Group the tagger's place and Nation errors on NewsFANE DEV by cause (a script, not a test).

Run from the repository root: ``python -m tests.evaluation.place_errors [--show CAUSE ...]``.
It prints how many false positives and false negatives each cause has, and with ``--show``
every error of the causes named, in context. DEV only: TEST is for reporting, never for
reading errors one by one (there is deliberately no option for it). The corpus is read from
``../shared`` at run time; nothing of it is stored.

Causes of a false place: the gold class of the same span (``gold:Sports``: a team named
after its country or city), a gold entity overlapping it (``overlap:…``: a boundary
disagreement or a name inside another name), or nothing (``unlabelled``). Of a missed
place: ``missed`` (no mention there), ``overlap:place`` (a mention with other bounds),
``as:…`` (the span read as an actor or demonym). Nation errors are keyed by the gold class
of the span (``NAT:Sports``) or by what the tagger made of a gold Nation (``NAT:pred:…``).
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from streams.evaluation.newsfane import DEFAULT_PATH, read_sentences, split_docs
from streams.evaluation.scoring import GROUP_OF, Doc, Span, is_nation, predicted_group, token_span
from streams.tagging import Tagger

_CONTEXT = 4  # tokens shown on each side


def _context(tokens: list[str], span: Span) -> str:
    lo, hi = span
    before = " ".join(tokens[max(0, lo - _CONTEXT) : lo])
    return f"{before} [{' '.join(tokens[lo:hi])}] {' '.join(tokens[hi : hi + _CONTEXT])}"


def _overlapping(spans: dict[Span, str], span: Span) -> list[str]:
    return [label for s, label in spans.items() if s != span and s[0] < span[1] and span[0] < s[1]]


def analyse(tagger: Tagger, docs: list[Doc]) -> tuple[Counter[str], Counter[str], dict[str, list[str]]]:
    """(false positives by cause, false negatives by cause, examples by cause)."""
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for doc in docs:
        tokens = [doc.text[s:e] for s, e in doc.tokens]
        gold = dict(((span, cls) for span, cls in doc.gold))
        predicted: dict[Span, str] = {}
        nations: set[Span] = set()
        for mention in tagger.tag(doc.text, "ar").mentions:
            span = token_span(doc, mention.start, mention.end)
            predicted[span] = predicted_group(mention) or mention.kind
            if is_nation(mention):
                nations.add(span)
        for span, group in predicted.items():
            cls = gold.get(span, "")
            if group != "place" or GROUP_OF.get(cls) == "place":
                continue
            over = _overlapping(gold, span)
            cause = f"gold:{cls}" if cls else (f"overlap:{','.join(over)}" if over else "unlabelled")
            fp[cause] += 1
            examples[cause].append(_context(tokens, span))
        for span, cls in gold.items():
            if GROUP_OF.get(cls) != "place" or predicted.get(span) == "place":
                continue
            over = _overlapping(predicted, span)
            how = f"as:{predicted[span]}" if span in predicted else ("overlap:place" if over else "missed")
            cause = f"{cls}/{how}"
            fn[cause] += 1
            examples[cause].append(_context(tokens, span))
        for span in nations:
            if gold.get(span) != "Nation":
                cause = f"NAT:{gold.get(span) or 'none'}"
                fp[cause] += 1
                examples[cause].append(_context(tokens, span))
        for span, cls in gold.items():
            if cls == "Nation" and span not in nations:
                cause = f"NAT:pred:{predicted.get(span, 'none')}"
                fn[cause] += 1
                examples[cause].append(_context(tokens, span))
    return fp, fn, examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", nargs="*", default=[], metavar="CAUSE", help="print these causes' errors")
    args = parser.parse_args()
    docs = split_docs(read_sentences(DEFAULT_PATH), "dev")
    fp, fn, examples = analyse(Tagger.default(), docs)
    for title, counts in (("false positives", fp), ("false negatives", fn)):
        place = sum(n for cause, n in counts.items() if not cause.startswith("NAT:"))
        nation = sum(n for cause, n in counts.items() if cause.startswith("NAT:"))
        print(f"\n{title}: place {place}, Nation {nation}")
        for cause, n in counts.most_common():
            print(f"{n:6}  {cause}")
    for cause in args.show:
        print(f"\n--- {cause} ({len(examples.get(cause, []))})")
        for line in examples.get(cause, []):
            print(line)


if __name__ == "__main__":
    main()
