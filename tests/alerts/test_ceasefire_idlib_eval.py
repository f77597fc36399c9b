"""The reference rule meets its targets on the labelled set: precision 1.0, recall >= 0.98."""

from __future__ import annotations

import pytest

from tests.benchmarks.eval_ceasefire_idlib import labelled, score


def test_labelled_set_is_balanced_and_bilingual() -> None:
    rows = labelled()
    positives = [text for label, text in rows if label]
    assert len(positives) >= 50 and len(rows) - len(positives) >= 35
    assert any("إدلب" in t for t in positives) and any("Idlib" in t for t in positives)


@pytest.mark.parametrize("lang", ["ar", "en", None])
def test_precision_and_recall(lang: str | None) -> None:
    result = score(lang)
    assert result.precision == 1.0, result.false_positives
    assert result.recall >= 0.98, result.false_negatives
