"""The scorer: token spans from character spans, entity and token counts, the table."""

from __future__ import annotations

import io

from streams.evaluation.english import load_docs, parse_line
from streams.evaluation.scoring import (
    NATIONS,
    TERRITORIES,
    Doc,
    Report,
    is_nation,
    print_report,
    score_doc,
    token_span,
)
from streams.tagging import Mention, Tagger
from streams.tagging.data import load_places
from tests.evaluation.docs import spaced_doc


def _doc() -> Doc:
    # "و قال الرئيس بوش في واشنطن ان الجيش الاسرائيلي انسحب"
    text = "و قال الرئيس جورج بوش في واشنطن ان الجيش الاسرائيلي انسحب"
    return spaced_doc(text, [((3, 5), "Politician"), ((6, 7), "Population-Center"), ((8, 10), "Government")])


def _mention(doc: Doc, words: str, kind: str, ref: str, **extra: str | None) -> Mention:
    start = doc.text.index(words)
    return Mention(start, start + len(words), words, kind, ref, **extra)  # type: ignore[arg-type]


def test_token_span_covers_overlapped_tokens() -> None:
    doc = _doc()
    start = doc.text.index("واشنطن")
    assert token_span(doc, start, start + 6) == (6, 7)
    assert token_span(doc, start + 1, start + 3) == (6, 7)  # inside one token
    assert token_span(doc, doc.text.index("جورج"), doc.text.index("بوش") + 3) == (3, 5)


def test_counts_exact_spans_and_tokens() -> None:
    doc = _doc()
    report = Report()
    mentions = [
        _mention(doc, "بوش", "actor", "bush", type="person"),  # partial: FP + FN, 1 token right
        _mention(doc, "واشنطن", "place", "Washington", country="US"),
        _mention(doc, "الجيش الاسرائيلي", "actor", "il-army", country="IL", type="government"),
        _mention(doc, "الاسرائيلي", "demonym", "IL", country="IL"),  # counts for no group
    ]
    score_doc(report, doc, mentions)
    person, place, org = report.groups["person"], report.groups["place"], report.groups["organisation"]
    assert (person.tp, person.fp, person.fn) == (0, 1, 1)
    assert (person.ttp, person.tfp, person.tfn) == (1, 0, 1)
    assert (place.tp, place.fp, place.fn) == (1, 0, 0)
    assert (org.tp, org.fp, org.fn) == (1, 0, 0)
    assert report.nation.tp == 0 and report.nation.fp == 0  # Washington is no country
    out = io.StringIO()
    print_report(report, "unit", out)
    assert "organisation" in out.getvalue() and "Politician" in out.getvalue()


def test_english_markup() -> None:
    doc = parse_line("[Jordan](Nation)'s King [Abdullah II](Politician) meets press")
    assert doc.text == "Jordan's King Abdullah II meets press"
    spans = [(doc.text[doc.tokens[a][0] : doc.tokens[b - 1][1]], cls) for (a, b), cls in doc.gold]
    assert spans == [("Jordan", "Nation"), ("Abdullah II", "Politician")]


def test_english_data_loads() -> None:
    docs = load_docs()
    assert len(docs) >= 60
    assert sum(len(d.gold) for d in docs) > 120


def test_territories_score_as_places_but_not_as_nations() -> None:
    # NewsFANE labels Hong Kong a Population-Center: an ISO code alone makes no nation state.
    doc = spaced_doc("زار هونج كونج و فرنسا", [((1, 3), "Population-Center"), ((4, 5), "Nation")])
    report = Report()
    mentions = [
        _mention(doc, "هونج كونج", "place", "HK", country="HK"),
        _mention(doc, "فرنسا", "place", "FR", country="FR"),
    ]
    score_doc(report, doc, mentions)
    place = report.groups["place"]
    assert (place.tp, place.fp, place.fn) == (2, 0, 0)
    assert (report.nation.tp, report.nation.fp, report.nation.fn) == (1, 0, 0)
    assert not is_nation(mentions[0]) and is_nation(mentions[1])


def test_territory_list_keeps_contested_states_as_nations() -> None:
    assert {"HK", "MO", "PR", "GL"} <= TERRITORIES
    assert not {"PS", "TW", "EH", "FR", "SG"} & TERRITORIES


def test_nations_without_an_iso_code_score_as_nations() -> None:
    # NewsFANE labels England and the Soviet Union Nation, as it does France; the tagger gives
    # them a place's English name as ref and no ISO code of their own.
    tagger = Tagger.default()
    tags = tagger.tag("فازت إنجلترا على فرنسا بعد انهيار الاتحاد السوفيتي وتفكك يوغسلافيا", "ar")
    nations = [m.ref for m in tags.mentions if is_nation(m)]
    assert nations == ["England", "FR", "Soviet Union", "Yugoslavia"]
    london = tagger.tag("وصل إلى لندن", "ar").mentions
    assert [m.ref for m in london] == ["London"] and not is_nation(london[0])


def test_every_listed_nation_is_a_place_the_gazetteer_holds() -> None:
    # A name that no longer matches the tagger's ref would silently score nothing.
    assert {p.name for p in load_places()} >= NATIONS
    assert not {"FR", "HK", "Ancient Egypt"} & NATIONS
