"""The DEV error analysis groups place and Nation errors by cause."""

from __future__ import annotations

import pytest

from streams.tagging import Tagger
from tests.evaluation.docs import spaced_doc
from tests.evaluation.place_errors import analyse


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.default()


def test_errors_are_grouped_by_cause(tagger: Tagger) -> None:
    docs = [
        # a team labelled as such, a place left unlabelled, a missed village
        spaced_doc("فازت فرنسا على ضيفتها", [((1, 2), "Sports")]),
        spaced_doc("وصل الوفد الى دمشق", []),
        spaced_doc("قصف في زرزورة امس", [((2, 3), "Population-Center")]),
        spaced_doc("زار الوزير باريس", [((2, 3), "Nation")]),  # a city labelled a nation
    ]
    fp, fn, examples = analyse(tagger, docs)
    assert fp["gold:Sports"] == 1 and fp["NAT:Sports"] == 1
    assert fp["unlabelled"] == 1 and fp["NAT:none"] == 0  # Damascus is no nation
    assert fn["Population-Center/missed"] == 1
    assert fn["NAT:pred:place"] == 1
    assert examples["Population-Center/missed"] == ["قصف في [زرزورة] امس"]
