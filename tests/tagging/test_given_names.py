"""Names opened by a given name (given_names.yaml, streams.tagging.given)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.tagging import Tagger
from streams.tagging.data import everyday_forms, load_patterns
from streams.tagging.given import _title_case_line
from streams.text.matcher import phrase_key


def _people(tagger: Tagger, text: str) -> list[str]:
    return [m.text for m in tagger.tag(text).mentions if m.kind == "actor" and m.type == "person"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a given name and a surname, Arabic or foreign, with no title or speech verb
        ("وتوج الإسباني رافائيل نادال بلقب البطولة", ["رافائيل نادال"]),
        ("وحضر فرناندو ألونسو السباق", ["فرناندو ألونسو"]),  # ألونسو: no article
        # a third word only where a name may end after it
        ("التقى الوفد محمد حسن علوان، ثم غادر", ["محمد حسن علوان"]),
        ("وسجل مايكل شوماخر أسرع زمن في التجارب", ["مايكل شوماخر"]),
        # an ال-word: the surname after a given name, an apposition after two words …
        ("وأعلن محمود الخطيب للصحفيين", ["محمود الخطيب"]),
        ("وفاز مايكل شوماخر البطل السابق", ["مايكل شوماخر"]),
        # … unless it is a family name in nisba form
        ("وحضر محمد مقلد المريخي الاجتماع", ["محمد مقلد المريخي"]),
        # connectors join the next word in; أبو and عبد open names
        ("وغادر خالد بن وليد الفندق", ["خالد بن وليد"]),
        ("واستقبل أبو جميل زيان الوفد", ["أبو جميل زيان"]),
        ("وانضم عبد الله قاسم إلى الفريق", ["عبد الله قاسم"]),
        # with a proclitic (running text writes و and ل onto the name)
        ("وصل إلى الحلبة ومايكل شوماخر", ["مايكل شوماخر"]),
        # an everyday word with a preposition or in the accusative ends the name (data.everyday_forms)
        ("وحل الفنلندي كاري تيانين ثالثا في السباق", ["كاري تيانين"]),
        ("وقال عماد ناصر لتدريبات الفريق", ["عماد ناصر"]),
        ("قدم الفنان عزت أبو عوف برنامجا جديدا", ["عزت أبو عوف"]),
        # common names Faker's lists lack (tests/tools/given_names.py SUPPLEMENT)
        ("وشارك هشام جعفر وعائشة حمود في الندوة", ["هشام جعفر", "عائشة حمود"]),
    ],
)
def test_a_given_name_opens_a_name(tagger: Tagger, text: str, names: list[str]) -> None:
    assert _people(tagger, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "وصل أحمد إلى المطار",  # a given name alone
        "بدأ الوليد بن طلال حياته في التجارة",  # طلال continues a name after بن
        "توفي عن عمر يناهز الثمانين",  # عمر "age": left out of the list
        "صوت المجلس لصالح القرار",  # صالح in لصالح "in favour of": left out
        "كتب محمد 12 مقالا",  # a number is no name
        # an everyday word after a given name is the sentence going on (common_words.yaml)
        "وعانى بليك كثيرا قبل أن يفوز",
        "انتزع شقيقه رالف سائق فريق وليامز",
    ],
)
def test_no_name_from_a_given_name_alone(tagger: Tagger, text: str) -> None:
    assert _people(tagger, text) == []


def test_a_listed_actor_wins_over_a_given_name(tagger: Tagger) -> None:
    tags = tagger.tag("ورحب ولي العهد الأمير محمد بن سلمان بالضيوف")
    actors = [(m.text, m.ref) for m in tags.mentions if m.kind == "actor"]
    assert actors == [("محمد بن سلمان", "mohammed-bin-salman")]


@pytest.mark.parametrize(
    "text", ["وقال الرئيس المصري محمد حسني مبارك إن", "ومحمد حسني مبارك", "التقى محمد حسني مبارك الوفد"]
)
def test_a_given_name_joins_the_listed_person_after_it(tagger: Tagger, text: str) -> None:
    actors = [(m.text, m.ref) for m in tagger.tag(text).mentions if m.kind == "actor"]
    assert actors == [("محمد حسني مبارك", "hosni-mubarak")]


def test_given_name_finds_repeat_by_surname(tagger: Tagger) -> None:
    tags = tagger.tag("فاز رافائيل نادال بالمباراة. وقال نادال إن الملعب كان صعبا")
    people = [(m.text, m.ref) for m in tags.mentions if m.type == "person"]
    assert [name for name, _ in people] == ["رافائيل نادال", "نادال"]
    assert people[0][1] == people[1][1]


def test_given_names_are_words_the_patterns_can_read() -> None:
    """No given name is a word that ends a name (it would open none) or a title."""
    patterns = load_patterns()
    given = [phrase for phrase, trigger in patterns.triggers if trigger.role == "given"]
    assert len(given) > 1000
    stops = patterns.not_names | patterns.speech_ends | patterns.titles
    assert sorted(g for g in given if phrase_key(g) in stops) == []
    # each is written in one script: Arabic letters (for Arabic text) or Latin ones (English)
    arabic = [g for g in given if all("\u0600" <= ch <= "\u06ff" or ch == " " for ch in g)]
    latin = [g for g in given if g.isascii() or all(ch.isalpha() and ch < "\u0250" for ch in g)]
    assert len(arabic) > 1000 and len(latin) > 1000
    assert sorted(set(given) - set(arabic) - set(latin)) == []
    assert all(g[0].isupper() for g in latin)  # matched only when written with a capital


def test_common_words_are_no_names() -> None:
    """The everyday words that end a name hold no given name and no ال-word (surnames)."""
    patterns = load_patterns()
    given = {phrase_key(p) for p, trigger in patterns.triggers if trigger.role == "given"}
    assert len(patterns.common) > 1000
    assert sorted(patterns.common & given) == []
    assert [w for w in patterns.common if w.startswith("ال")] == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("وقال الوزير سائق الحافلة إن", []),  # after a title too, an everyday word is no name
        ("وتحدث الرئيس حديثا مطولا", []),
        ("وقال الرئيس الفرنسي فرانك ريبيري إن", ["فرانك ريبيري"]),  # فرانك: a name word still
    ],
)
def test_everyday_words_end_titled_names(tagger: Tagger, text: str, names: list[str]) -> None:
    assert _people(tagger, text) == names


# Pieces that exercise the reader's edges: given names and openers, connectors, ال-words,
# everyday words, clitics, numbers, marks, punctuation and odd spacing.
_PIECES = [
    "محمد", "فرناندو", "أبو", "عبد", "الله", "بن", "آل", "دا", "ومحمد", "لمحمد", "الخطيب",
    "المريخي", "سائق", "كثيرا", "إن", "و", "،", ".", "12", "ـ", "\u064e", "\u200f", "-", " ", "\n",
    "ألونسو", "شوماخر", "علي", "على", "الوليد", "قال", "الرئيس", "Michael", "(", "«",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map(" ".join))
def test_any_text_tags_without_error_and_spans_hold(text: str) -> None:
    tags = Tagger.default().tag(text)
    for m in tags.mentions:
        assert text[m.start : m.end] == m.text and m.text.strip() == m.text


def test_everyday_forms_take_prepositions_and_the_accusative_but_never_a_given_name() -> None:
    forms = everyday_forms(frozenset({"دور", "ثالث", "مدينة", "سوري", "من"}))
    assert {"بدور", "لدور", "ثالثا", "بمدينة", "لسوري"} <= forms
    assert "مدينةا" not in forms and "سوريا" not in forms  # no accusative ا after ة or ي
    assert "بمن" not in forms  # stems of two letters make names (بدر، لبيب) as often
    common = load_patterns().common
    assert {"بدور", "ثالثا"} <= common
    # given names first: لاري is ل + اري "I see", بروك ب + روك, جوليانا جوليان + the accusative ا
    names = {"لاري", "بروك", "جوليانا"}
    assert names <= everyday_forms(frozenset({"اري", "روك", "جوليان"}))
    assert not names & common


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a given name in Latin letters and one or two Capitalised words: the English name
        ("Mohammed Deif, the head of the armed wing, was killed, the army said.", ["Mohammed Deif"]),
        ("Sarah Khatib, a teacher from Jabalia, said she fled four times.", ["Sarah Khatib"]),
        ("Witnesses said Ahmed Hassan Ali, 52, was shot near the gate.", ["Ahmed Hassan Ali"]),
        ("Hamas official Osama Hamdan told reporters the group had the proposal.", ["Osama Hamdan"]),
        # particles in between go in; a possessive stays out
        ("Delegates met Tamim bin Hamad Al Thani in the capital.", ["Tamim bin Hamad Al Thani"]),
        ("Sarah Khatib's house was destroyed in the strike.", ["Sarah Khatib"]),
        ("Maria Corina Machado won the Nobel Peace Prize.", ["Maria Corina Machado"]),
    ],
)
def test_an_english_given_name_opens_a_capitalised_name(tagger: Tagger, text: str, names: list[str]) -> None:
    assert _people(tagger, text) == names


@pytest.mark.parametrize(
    "text",
    [
        "According to Sarah, the talks failed.",  # a given name alone
        "Hamid said the talks failed.",  # a lower-case word after it
        "Analysts told Omar NATO would not act.",  # an acronym is no surname
        "Jordan River levels fall to a record low.",  # a country's name is no given name …
        "Leaders Mark Anniversary Of Attack On Embassy",  # … and Title Case is no evidence
        "The Christian Democrats and the Rose Garden crowd cheered.",  # word-like names left out
        "Protesters marched from Harvard University to Boston Common.",
        "He met Ahmed at the Nobel Prize ceremony.",
        # a name before a facility noun is the facility's (patterns.yaml facilities)
        "Staff at Kamal Adwan Hospital said the generators stopped.",
        "Omar Mukhtar Street was shelled overnight.",
        "Flights resumed at Ben Gurion Airport on Monday.",
    ],
)
def test_no_english_name_without_a_capitalised_surname(tagger: Tagger, text: str) -> None:
    assert _people(tagger, text) == []


def test_title_case_is_told_by_the_line_of_the_name() -> None:
    # A Title Case headline line, then a summary in sentence case: only the summary's names read.
    assert _title_case_line("Leaders Mark Anniversary Of Attack\nMark Carney spoke.", 0)
    assert not _title_case_line("Leaders Mark Anniversary Of Attack\nMark Carney spoke at the event.", 36)
    assert not _title_case_line("Maria Corina Machado won the Nobel Peace Prize.", 0)  # "won" is lower case
