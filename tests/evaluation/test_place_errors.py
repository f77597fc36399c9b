"""The DEV error analysis groups place and Nation errors by cause."""

from __future__ import annotations

import pytest

from streams.evaluation.scoring import Doc
from streams.tagging import Tagger
from tests.evaluation.place_errors import analyse


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger.default()


def _doc(text: str, gold: list[tuple[tuple[int, int], str]]) -> Doc:
    offsets, pos = [], 0
    for word in text.split(" "):
        offsets.append((pos, pos + len(word)))
        pos += len(word) + 1
    return Doc(text, offsets, gold)


def test_errors_are_grouped_by_cause(tagger: Tagger) -> None:
    docs = [
        # a team labelled as such, a place left unlabelled, a missed village
        _doc("فازت فرنسا على ضيفتها", [((1, 2), "Sports")]),
        _doc("وصل الوفد الى دمشق", []),
        _doc("قصف في زرزورة امس", [((2, 3), "Population-Center")]),
        _doc("زار الوزير باريس", [((2, 3), "Nation")]),  # a city labelled a nation
    ]
    fp, fn, examples = analyse(tagger, docs)
    assert fp["gold:Sports"] == 1 and fp["NAT:Sports"] == 1
    assert fp["unlabelled"] == 1 and fp["NAT:none"] == 0  # Damascus is no nation
    assert fn["Population-Center/missed"] == 1
    assert fn["NAT:pred:place"] == 1
    assert examples["Population-Center/missed"] == ["قصف في [زرزورة] امس"]
