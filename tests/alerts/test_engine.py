"""Rule evaluation: Arabic clitics and spellings, English variants, all/any/not, evidence offsets."""

from __future__ import annotations

import pytest

from streams.alerts.engine import MARK_CLOSE, MARK_OPEN, RuleEngine, english_variants, snippet
from streams.alerts.rules import load_rules, parse_rules
from streams.settings import DEFAULT_RULES_FILE
from tests.support import seed_text


@pytest.fixture(scope="module")
def engine() -> RuleEngine:
    return RuleEngine(load_rules(DEFAULT_RULES_FILE))


def fired(engine: RuleEngine, text: str) -> set[str]:
    return {hit.rule.id for hit in engine.evaluate(text)}


@pytest.mark.parametrize(
    "text",
    [
        "دعا غوتيريش لوقف إطلاق النار في إدلب",
        "وقف اطلاق النار في ادلب",  # no hamza
        "وَقْفُ إِطْلَاقِ النَّارِ فِي إِدْلِبَ",  # full diacritics
        "وقـــف إطلاق النار بإدلب",  # tatweel and a clitic on the place
        "الهدنة صامدة بريف إدلب",
        "هدنة جديدة وبإدلب قصف",
        "Russia and Turkey agree a ceasefire in Idlib",
        "CEASE-FIRE holds in Idleb province",
        "Ceasefires in Syria's Idlib keep collapsing",
        "A truce for Idlib?",
        "Talks on a cease fire\nin Idlib resumed",
    ],
)
def test_ceasefire_idlib_variants_fire(engine: RuleEngine, text: str) -> None:
    assert "ceasefire+idlib" in fired(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        "وقف إطلاق النار في غزة",  # no Idlib
        "قصف على إدلب",  # no ceasefire
        "Ceasefire talks in Gaza",
        "Idlibi refugees",  # not the word Idlib
        "The ceasefireless week in Idlib",  # 'ceasefireless' is not the term
        "وقفة احتجاجية في إدلب",  # وقفة is not وقف إطلاق النار
    ],
)
def test_ceasefire_idlib_does_not_fire(engine: RuleEngine, text: str) -> None:
    assert "ceasefire+idlib" not in fired(engine, text)


def test_not_concept_blocks_rule(engine: RuleEngine) -> None:
    assert "idlib-airstrikes" in fired(engine, "غارات روسية على إدلب")
    assert "idlib-airstrikes" not in fired(engine, "غارات روسية على إدلب رغم الهدنة")


def test_evidence_offsets_and_fields(engine: RuleEngine) -> None:
    title = "تكثيف التشاور للتوصل لوقف إطلاق النار"
    summary = "في محافظة إدلب السورية"
    text = f"{title}\n{summary}"
    [hit] = [h for h in engine.evaluate(text, title_end=len(title)) if h.rule.id == "ceasefire+idlib"]
    for match in hit.matches:
        assert text[match.start : match.end] == match.text
    by_concept = {m.concept: m for m in hit.matches}
    assert by_concept["ceasefire"].field == "title" and by_concept["ceasefire"].text == "وقف إطلاق النار"
    assert by_concept["idlib"].field == "summary" and by_concept["idlib"].text == "إدلب"


def test_seed_article_fires_with_clitic_free_spans(engine: RuleEngine) -> None:
    text = seed_text()
    [hit] = [h for h in engine.evaluate(text) if h.rule.id == "ceasefire+idlib"]
    texts = {m.text for m in hit.matches}
    assert "إدلب" in texts and "وقف إطلاق النار" in texts
    assert not any(t.startswith(("ل", "ب")) for t in texts)


def test_snippet_marks_evidence(engine: RuleEngine) -> None:
    text = "x " * 100 + "ceasefire in Idlib" + " y" * 100
    [hit] = [h for h in engine.evaluate(text) if h.rule.id == "ceasefire+idlib"]
    out = snippet(text, hit.matches)
    assert f"{MARK_OPEN}ceasefire{MARK_CLOSE}" in out and f"{MARK_OPEN}Idlib{MARK_CLOSE}" in out
    assert out.startswith("…") and out.endswith("…") and len(out) < len(text)


def test_english_variants() -> None:
    assert {"cease-fire", "cease fire", "ceasefire", "ceasefires"} <= english_variants("cease-fire")
    assert "truces" in english_variants("truce")


def test_any_rule() -> None:
    rules = parse_rules(
        "version: 1\nconcepts:\n  a: {terms: [alpha]}\n  b: {terms: [beta]}\n"
        "rules:\n  - id: either\n    any: [a, b]\n"
    )
    engine = RuleEngine(rules)
    assert fired(engine, "Beta test") == {"either"}
    assert fired(engine, "gamma") == set()
