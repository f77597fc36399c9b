"""Our hand-annotated English headlines: score floors (see streams/evaluation/data/)."""

from __future__ import annotations

import io

import pytest

from streams.evaluation.english import load_docs, run_english_eval
from streams.evaluation.scoring import Report, score
from streams.tagging import Tagger

# A small set written by the people who curate the lists: a regression guard, not a test
# of generalisation (NewsFANE TEST is that).
FLOORS = {"place": 0.95, "person": 0.95, "organisation": 0.95, "Nation": 0.98}


@pytest.fixture(scope="module")
def report() -> Report:
    return score(Tagger.default(), load_docs(), "en")


@pytest.mark.parametrize("group", sorted(FLOORS))
def test_scores_stay_above_floors(report: Report, group: str) -> None:
    assert report.f1(group) >= FLOORS[group], f"{group}: F1 {report.f1(group):.3f}"


def test_run_prints_table() -> None:
    out = io.StringIO()
    assert run_english_eval(out) == 0
    assert out.getvalue().startswith("English headlines (")
