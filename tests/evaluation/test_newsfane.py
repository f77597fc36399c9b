"""NewsFANE Gold (read from ../shared, never copied here): parsing, the fixed split, score floors.

The floors are the entity-level F1 the tagger reached when they were set (rounded down);
a change that scores lower fails here. Raise them when the tagger improves.
"""

from __future__ import annotations

import io

import pytest

from streams.evaluation.newsfane import DEFAULT_PATH, read_sentences, run_newsfane_eval, split_docs
from streams.evaluation.scoring import Doc, Report, score
from streams.tagging import Tagger

# split -> group -> minimum entity-level F1 ("Nation": country mentions vs gold Nation).
FLOORS = {
    "dev": {"place": 0.89, "person": 0.44, "organisation": 0.74, "Nation": 0.90},
    "test": {"place": 0.85, "person": 0.35, "organisation": 0.71, "Nation": 0.94},
}

pytestmark = pytest.mark.skipif(not DEFAULT_PATH.is_file(), reason=f"NewsFANE not at {DEFAULT_PATH}")


@pytest.fixture(scope="module")
def docs() -> list[Doc]:
    return read_sentences(DEFAULT_PATH)


@pytest.fixture(scope="module")
def reports(docs: list[Doc]) -> dict[str, Report]:
    tagger = Tagger.default()
    return {part: score(tagger, split_docs(docs, part), "ar") for part in ("dev", "test")}


def test_corpus_reads_and_splits_fixed(docs: list[Doc]) -> None:
    assert len(docs) == 4760
    dev, test = split_docs(docs, "dev"), split_docs(docs, "test")
    assert (len(dev), len(test)) == (3332, 1428)
    assert dev[0].text.startswith("فرانكفورت ( د ب ا )")
    assert split_docs(docs, "all") == docs
    for doc in docs[:200]:
        assert "\u200e" not in doc.text
        for (lo, hi), _cls in doc.gold:
            assert 0 <= lo < hi <= len(doc.tokens)
        assert " ".join(doc.text[s:e] for s, e in doc.tokens) == doc.text


def test_first_sentence_gold(docs: list[Doc]) -> None:
    doc = docs[0]
    found = {(doc.text[doc.tokens[lo][0] : doc.tokens[hi - 1][1]], cls) for (lo, hi), cls in doc.gold}
    assert ("المانيا", "Nation") in found
    assert ("اتحاد صناعة السيارات", "Government") in found


@pytest.mark.parametrize("part", ["dev", "test"])
def test_scores_stay_above_floors(reports: dict[str, Report], part: str) -> None:
    report = reports[part]
    for group, floor in FLOORS[part].items():
        assert report.f1(group) >= floor, f"{part} {group}: F1 {report.f1(group):.3f} < floor {floor}"


def test_run_prints_both_parts() -> None:
    out = io.StringIO()
    assert run_newsfane_eval(None, "all", out) == 0
    text = out.getvalue()
    assert "NewsFANE Gold DEV" in text and "NewsFANE Gold TEST" in text
    assert "Nation (countries)" in text
