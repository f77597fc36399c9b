"""Score the tagger against NewsFANE Gold (Arabic newswire, fine-grained named entities).

Corpus: F. Alotaibi and M. Lee, "A Hybrid Approach to Features Representation for
Fine-grained Arabic Named Entity Recognition", COLING 2014; CC BY-SA 3.0. It is read from
``../shared/data/newsfane/`` beside the repository (or a path given) and never copied into
the repository: neither it nor text derived from it may ship under our licence.

Format: one ``token<TAB>BIO-tag`` per line (CRLF), tokens prefixed with U+200E, a line
holding only a tab between sentences. The text is already normalised (no hamza seats,
ي for ى) and clitic-segmented (و، ب، ل، ه stand apart), so each sentence is rebuilt by
joining its tokens with single spaces, recording each token's offsets.

Units and split: the file marks no document boundaries, so the unit is the sentence block.
DEV is the first 70% of blocks (look at it, tune on it); TEST is the last 30% (report
only). The split is by position and never changes.

Class mapping (see ``streams.evaluation.scoring``):

- place: Nation, Population-Center, State-or-Province, County-or-District, Continent and
  GPE-Cluster (الشرق الأوسط، شمال أفريقيا) — any tagger place mention; "Nation" is also
  scored on its own against place mentions that name a nation: a country's ISO code, not
  that of a dependent territory or special administrative region, which the corpus labels
  by what it is (Hong Kong is a Population-Center), or a nation with no ISO code that the
  corpus labels Nation (England, the Soviet Union; see data/territories.yaml).
- person: Politician, Other_PER, Athlete, Artist, Religious_PER, Scientist,
  Businessperson, Police (a PER class here: رامسفيلد، حالوتس), Lawyer, Engineer — actor
  mentions of type person.
- organisation: Government and Non-Governmental — actor mentions of type organization,
  government or armed_group. The other ORG classes (Sports, Media, Commercial,
  Educational, Entertainment, Medical-Science, Religious_ORG: football clubs, newspapers,
  companies) are outside what the tagger is for and are not scored; a prediction on one
  is a false positive.
- not scored: Group, which in this taxonomy is a *person* group (العرب، المسلمين،
  الإسرائيليين) — the tagger's demonyms, which count for no group; facilities, water
  bodies, products and works. An organisation mention on a Building-Grounds entity
  (الكرملين، البيت الأبيض) is neutral: the tagger reads it as the institution.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from streams.errors import ConfigError
from streams.evaluation.scoring import Doc, print_report, score
from streams.tagging import Tagger
from streams.tagging.gazetteer import build_gazetteer

CORPUS_NAME = "NewsFANE_Gold_2014_170K.txt"
DEFAULT_PATH = Path(__file__).resolve().parents[3] / "shared/data/newsfane" / CORPUS_NAME
DEV_FRACTION = 0.7
SPLITS = ("dev", "test", "all")
_LRM = "\u200e"


def read_sentences(path: Path) -> list[Doc]:
    """Every sentence block of the corpus, rebuilt as text with gold token spans."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"NewsFANE corpus not readable at {path}: {exc}") from exc
    return list(_sentences(raw))


def _sentences(raw: str) -> Iterator[Doc]:
    rows: list[tuple[str, str]] = []
    for line in [*raw.splitlines(), ""]:
        token, _, tag = line.partition("\t")
        token = token.replace(_LRM, "").strip()
        if token:
            rows.append((token, tag.strip()))
        elif rows:
            yield _doc(rows)
            rows = []


def _doc(rows: list[tuple[str, str]]) -> Doc:
    offsets: list[tuple[int, int]] = []
    pos = 0
    for token, _ in rows:
        offsets.append((pos, pos + len(token)))
        pos += len(token) + 1
    gold: list[tuple[tuple[int, int], str]] = []
    start, cls = -1, ""
    for i, (_, tag) in enumerate([*rows, ("", "O")]):
        inside = tag.startswith("I-") and tag[2:] == cls and start >= 0
        if inside:
            continue
        if start >= 0:
            gold.append(((start, i), cls))
            start, cls = -1, ""
        if tag.startswith(("B-", "I-")):  # an I- without its B- starts an entity too
            start, cls = i, tag[2:]
    return Doc(" ".join(t for t, _ in rows), offsets, gold)


def split_docs(docs: list[Doc], name: str) -> list[Doc]:
    """The fixed DEV (first 70%), TEST (last 30%) or ALL part."""
    cut = int(len(docs) * DEV_FRACTION)
    if name == "dev":
        return docs[:cut]
    if name == "test":
        return docs[cut:]
    if name == "all":
        return docs
    raise ConfigError(f"unknown NewsFANE split {name!r}; expected one of {', '.join(SPLITS)}")


def run_newsfane_eval(path: Path | None, split: str, out: TextIO, *, stoplist: bool = True) -> int:
    """Print the score tables for `split` ("dev", "test", "all": both parts); 0 on success.

    `stoplist=False` scores a tagger compiled without the stop list, to show what it buys.
    """
    docs = read_sentences(path or DEFAULT_PATH)
    tagger = Tagger.default() if stoplist else Tagger(build_gazetteer(stoplist=False))
    parts = ("dev", "test") if split == "all" else (split,)
    label = "" if stoplist else ", without stop list"
    for part in parts:
        report = score(tagger, split_docs(docs, part), "ar")
        print_report(report, f"NewsFANE Gold {part.upper()}{label}", out)
    return 0
