"""Unlisted places read after a cue word (بلدة، مخيم، حي): spans, guards, and the data file."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.tagging import Tagger
from streams.tagging.data import load_place_cues
from streams.text.matcher import phrase_key

# Made-up village names: no gazetteer lists them (checked below), so only the cue finds them.
VILLAGE = "زرزورة"
OTHER = "الفوار"


def places(tagger: Tagger, text: str) -> list[tuple[str, str | None]]:
    return [(m.text, m.country) for m in tagger.tag(text, "ar").mentions if m.kind == "place"]


def test_the_names_used_are_unlisted(tagger: Tagger) -> None:
    assert places(tagger, f"قال إن {VILLAGE} تعرضت للقصف") == []
    assert places(tagger, f"قال إن {OTHER} تعرضت للقصف") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"قصفت الطائرات بلدة {VILLAGE} أمس", VILLAGE),
        (f"وفي مخيم {OTHER} جنوبا", OTHER),
        (f"نزح السكان من قرية {VILLAGE}", VILLAGE),
        (f"اقتحمت القوات بلدتي {VILLAGE} و{OTHER}", VILLAGE),
        (f"اقتحمت القوات بلدتي {VILLAGE} و{OTHER}", OTHER),  # a dual names two places
        (f"بين مخيمي {VILLAGE} و {OTHER} جنوبا", OTHER),
        (f"وصلوا إلى ضاحية {VILLAGE} شمالا", VILLAGE),
        # with proclitics on the cue
        (f"انفجار بمدينة {VILLAGE} صباحا", VILLAGE),
        (f"سقطت قذائف على وقرية {VILLAGE}", VILLAGE),
        # two-word names after a name head
        ("دخلت القوات بلدة كفر زرزور فجرا", "كفر زرزور"),
        ("في قرية بني زرزور غربا", "بني زرزور"),
        # a neighbourhood is named with its cue word
        (f"اشتباكات في حي {OTHER} بالمدينة", f"حي {OTHER}"),
        (f"ولد في حارة {OTHER} القديمة", f"حارة {OTHER}"),
    ],
)
def test_unlisted_place_after_cue(tagger: Tagger, text: str, expected: str) -> None:
    found = places(tagger, text)
    assert (expected, None) in found
    mention = next(m for m in tagger.tag(text, "ar").mentions if m.text == expected)
    assert text[mention.start : mention.end] == expected
    assert mention.ref == phrase_key(expected)


@pytest.mark.parametrize(
    "text",
    [
        "دمرت الغارات مدينة ساحلية كبيرة",  # an indefinite nisba adjective
        "تقع قرية صغيرة قرب الحدود",  # an adjective of the list
        "زار مدينة في الشمال",  # a function word
        "بلدة، قالت المصادر",  # punctuation between the cue and the next word
        "مخيم للاجئين على الحدود",  # ل + the article: an object, not a name
        "بلدة 12 ألف نسمة",  # a number
        f"منطقة {VILLAGE} العازلة",  # منطقة is no cue (followed by common nouns as often)
        f"فازت بولاية {VILLAGE} ثانية",  # nor ولاية (a term of office as often)
        "دخلت القوات بلدة كفر",  # a name head alone
        "بلدة بلدة ومدينة",  # a cue word is no name
    ],
)
def test_no_place_without_a_name_after_the_cue(tagger: Tagger, text: str) -> None:
    assert places(tagger, text) == []


def test_a_pair_reads_its_second_name_only_when_it_is_one(tagger: Tagger) -> None:
    # A listed second name keeps its own reading; a function word after و is no name;
    # a single cue reads no second name.
    assert places(tagger, f"بلدتي {VILLAGE} وحلب") == [(VILLAGE, None), ("حلب", "SY")]
    assert places(tagger, f"بلدتي {VILLAGE} والتي") == [(VILLAGE, None)]
    assert places(tagger, f"بلدة {VILLAGE} و{OTHER}") == [(VILLAGE, None)]


def test_listed_names_keep_their_reading(tagger: Tagger) -> None:
    # The gazetteer read them already: one mention each, with its country.
    assert places(tagger, "قصف على مدينة حلب") == [("حلب", "SY")]
    assert places(tagger, "غارة على بمدينة صور") == [("صور", "LB")]  # stopped, but guarded
    # A name already covering the cue word (Sadr City) is not read again.
    assert len(places(tagger, "انفجار في مدينة الصدر ببغداد")) == 2


def test_marks_and_spacing_do_not_change_the_reading(tagger: Tagger) -> None:
    # Tashkeel and runs of spaces take the key off the text's offsets (the slow path).
    text = f"قصفت الطائرات بلدةِ  {VILLAGE}َ أمس"
    found = places(tagger, text)
    assert found == [(f"{VILLAGE}َ", None)]
    mention = tagger.tag(text, "ar").mentions[0]
    assert mention.ref == phrase_key(VILLAGE)


def test_english_text_has_no_cue_reading(tagger: Tagger) -> None:
    assert places(tagger, "Shelling hit the village of Zarzoura") == []


def test_data_file_loads_and_keeps_its_sections_apart() -> None:
    cues = load_place_cues()
    assert "بلدة" in cues.name_cues and "حي" in cues.whole_cues
    assert "بلدتي" in cues.pair_cues and "بلدة" not in cues.pair_cues
    assert not set(cues.name_cues) & set(cues.whole_cues)
    assert phrase_key("كفر") in cues.name_heads
    assert phrase_key("صغيرة") in cues.not_names


# Pieces that drive the cue, not_after, club and context paths, with marks, odd spacing and
# punctuation between them.
_PIECES = [
    "بلدة", "بلدتي", "حي", "مخيم", "بمدينة", "كفر", "و", "زرزورة", "الفوار", "حلب", "عمان",
    "الأردن", "مطار", "بنهر", "برشلونة", "الإسباني", "السعودية", "العاصمة", "ولاية", "أيوا",
    "صغيرة", "ِ", "ّ", "ـ", " ", "  ", "\n", "،", "-", '"', "(", "Lake", "Chad", "12",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map(" ".join))
def test_any_text_tags_with_spans_inside_it(tagger: Tagger, text: str) -> None:
    mentions = tagger.tag(text).mentions
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
    for one, other in pairwise(mentions):
        assert one.end <= other.start  # in order, never overlapping
