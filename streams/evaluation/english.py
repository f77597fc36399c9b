"""Score the tagger on our hand-annotated English headlines (streams/evaluation/data/)."""

from __future__ import annotations

import re
from importlib import resources
from typing import TextIO

from streams.errors import ConfigError
from streams.evaluation.scoring import GROUP_OF, UNSCORED_CLASSES, Doc, print_report, score
from streams.tagging import Tagger
from streams.tagging.gazetteer import build_gazetteer

DATA_FILE = "english_headlines.txt"
# Gold mentions are written [surface](Class), e.g. "[Jordan](Nation)'s King [Abdullah II](Politician)".
_MARK = re.compile(r"\[([^\]]+)\]\(([A-Za-z_-]+)\)")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def parse_line(line: str) -> Doc:
    """One annotated line -> its plain text, tokens and gold token spans."""
    text_parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = length = 0
    for mark in _MARK.finditer(line):
        before = line[pos : mark.start()]
        text_parts.append(before)
        length += len(before)
        surface, cls = mark.group(1), mark.group(2)
        if cls not in GROUP_OF and cls not in UNSCORED_CLASSES:
            raise ConfigError(f"english eval data: unknown class {cls!r} in {line!r}")
        spans.append((length, length + len(surface), cls))
        text_parts.append(surface)
        length += len(surface)
        pos = mark.end()
    text_parts.append(line[pos:])
    text = "".join(text_parts)
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    gold = []
    for start, end, cls in spans:
        first = next(i for i, (s, e) in enumerate(tokens) if e > start)
        last = next(i for i in range(len(tokens) - 1, -1, -1) if tokens[i][0] < end)
        gold.append(((first, last + 1), cls))
    return Doc(text, tokens, gold)


def load_docs() -> list[Doc]:
    """Every annotated line of the data file (blank lines and # comments skipped)."""
    raw = resources.files("streams.evaluation").joinpath("data", DATA_FILE).read_text("utf-8")
    return [parse_line(line) for line in raw.splitlines() if line.strip() and not line.startswith("#")]


def run_english_eval(out: TextIO, *, stoplist: bool = True) -> int:
    """Print the score table of the English set; 0 on success."""
    tagger = Tagger.default() if stoplist else Tagger(build_gazetteer(stoplist=False))
    label = "" if stoplist else ", without stop list"
    print_report(score(tagger, load_docs(), "en"), f"English headlines{label}", out)
    return 0
