"""Other mentions of a person a pattern named, in the same text (streams/tagging/repeats.py)."""

from __future__ import annotations

import pytest

from streams.tagging import Tagger
from streams.tagging.repeats import name_keys
from streams.text.matcher import phrase_key


def _people(tagger: Tagger, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.ref) for m in tagger.tag(text).mentions if m.kind == "actor" and m.type == "person"]


def test_surname_and_full_name_repeat_with_proclitics(tagger: Tagger) -> None:
    text = (
        "قال وزير الخارجية الألماني بيكا هافيستو إن بلاده ستدعم الاتفاق، "
        "وأضاف هافيستو أن المحادثات ستستمر مع بيكا هافيستو ولهافيستو رأي."
    )
    people = _people(tagger, text)
    assert [name for name, _ in people] == ["بيكا هافيستو", "هافيستو", "بيكا هافيستو", "هافيستو"]
    assert {ref for _, ref in people} == {"byka-hafystw"}  # one person, not a second "hafystw"
    tags = tagger.tag(text)
    assert [a.id for a in tags.actors] == ["byka-hafystw"]
    assert {a.country for a in tags.actors} == {"DE"}  # from the nisba of the first mention


def test_surname_with_the_article_takes_the_lam_form(tagger: Tagger) -> None:
    text = "التقى الشيخ محمد العطية الوفد، وقال العطية إن الزيارة ناجحة وأشاد بالعطية وللعطية"
    assert [name for name, _ in _people(tagger, text)] == ["محمد العطية", "العطية", "العطية", "لعطية"]


def test_english_repeats_must_be_capitalised(tagger: Tagger) -> None:
    text = "Foreign Minister Pekka Haavisto said talks go on. Haavisto added: haavisto-style talks work."
    assert _people(tagger, text) == [("Pekka Haavisto", "pekka-haavisto"), ("Haavisto", "pekka-haavisto")]


def test_no_repeat_without_a_pattern_or_inside_a_word(tagger: Tagger) -> None:
    # هافيستو alone is no one's name here; and the surname inside a longer word is not it.
    assert _people(tagger, "وصل هافيستو") == []
    text = "قال وزير الخارجية الألماني بيكا هافيستو إن هافيستوية جديدة"
    assert [name for name, _ in _people(tagger, text)] == ["بيكا هافيستو"]


@pytest.mark.parametrize(
    ("surface", "keys"),
    [
        ("بيكا هافيستو", ["بيكا هافيستو", "هافيستو"]),
        ("بندكتوس السادس", ["بندكتوس السادس"]),  # a regnal number names no one alone
        ("حشر بن مكتوم آل مكتوم", ["حشر بن مكتوم ال مكتوم"]),  # مكتوم alone is the family
        ("Charles III", ["charles iii"]),
        ("Xi", ["xi"]),
    ],
)
def test_name_keys(tagger: Tagger, surface: str, keys: list[str]) -> None:
    stop = frozenset(phrase_key(w) for w in ("بن", "آل", "ال", "al"))
    assert list(name_keys(surface, stop)) == keys


def test_listed_people_are_not_repeated_inside_each_other(tagger: Tagger) -> None:
    # حسن, the surname of the second listed player, is inside the third one's name: no repeat.
    text = "وضمت التشكيلة الحارس قاسم برهان وعبد الله قاسم حسن، ويوسف حسن رستم. وتألق رستم"
    people = _people(tagger, text)
    assert [name for name, _ in people] == ["قاسم برهان", "عبد الله قاسم حسن", "يوسف حسن رستم", "رستم"]
    assert people[3][1] == people[2][1]  # the surname alone is the listed player
