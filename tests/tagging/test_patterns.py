"""Patterns around trigger words: titled names, state bodies, organisation heads."""

from __future__ import annotations

import pytest

from streams.tagging import Tagger
from streams.tagging.gazetteer import build_gazetteer
from streams.tagging.pattern_text import slug


def _actors(tagger: Tagger, text: str) -> list[tuple[str, str, str, str | None]]:
    tags = tagger.tag(text)
    return [(m.text, m.ref, m.type or "", m.country) for m in tags.mentions if m.kind == "actor"]


@pytest.mark.parametrize(
    ("text", "name", "country"),
    [
        ("وقال وزير الخارجية التركي مولود جاويش أوغلو إن أنقرة", "مولود جاويش أوغلو", "TR"),
        ("أكد رئيس الوزراء البريطاني كير ستارمر", "كير ستارمر", "GB"),  # listed
        ("قال المتحدث باسم وزارة الخارجية الأمريكية ماثيو ميلر إن", "ماثيو ميلر", "US"),
        ("وصرح وزير خارجية قطر محمد بن عبد الرحمن آل ثاني", "محمد بن عبد الرحمن آل ثاني", "QA"),
        ("Foreign Minister Ayman Safadi said", "Ayman Safadi", "JO"),  # listed
        ("junta leader Colonel Assimi Goita names a cabinet", "Assimi Goita", None),
        ("Spokesman Matthew Miller said on Monday", "Matthew Miller", None),
    ],
)
def test_titled_names(tagger: Tagger, text: str, name: str, country: str | None) -> None:
    people = [a for a in _actors(tagger, text) if a[2] == "person"]
    assert [(p[0], p[3]) for p in people] == [(name, country)]


@pytest.mark.parametrize(
    "text",
    [
        "وحض الرئيس التركي نظيره الروسي على كبح",
        "وقال الرئيس إن الحل يكمن في العودة",
        "قال الرئيس الفرنسي في مؤتمر صحفي",
        # one word after a title must end as a name does: here it is a verb or a noun
        "وواصل الملك سيره نحو المدينة",
        "وأشاد وزير الزراعة الياباني بالجهود التي تبذلها",  # ب with the article opens no name
        "وعقد رئيس الوزراء اجتماعا أمس بكبار القادة",
        "the president said on Monday",  # lower case: no title
        "President said it was over",
    ],
)
def test_no_name_after_title(tagger: Tagger, text: str) -> None:
    assert [a for a in _actors(tagger, text) if a[2] == "person"] == []


def test_found_person_ids_are_stable_slugs(tagger: Tagger) -> None:
    (first,) = _actors(tagger, "قال الرئيس الفرنسي إيمانويل ماكرون وصرح الوزير برونو روتايو")[1:]
    assert first[1] == slug("برونو روتايو") == "brwnw-rwtayw"  # not listed: a slug of the name
    assert slug("Assimi Goïta") == "assimi-goita"


def test_state_bodies_and_org_heads(tagger: Tagger) -> None:
    found = _actors(tagger, "وأعلن الجيش الإسرائيلي وحركة تحرير السودان وحزب الليكود، وحركة المرور")
    assert found == [
        ("الجيش الإسرائيلي", "il-army", "government", "IL"),
        ("حركة تحرير السودان", "sudan-liberation-movement", "armed_group", "SD"),
        ("حزب الليكود", "likud", "organization", "IL"),
    ]
    tags = tagger.tag("أعلن الجيش الإسرائيلي")
    assert tags.countries == ("IL",)  # a state body names its state
    assert tagger.tag("حركة المرور في منظمة إرهابية").actors == ()


def test_org_head_pattern_finds_unlisted_bodies(tagger: Tagger) -> None:
    (found,) = _actors(tagger, "وقالت وزارة الطاقة الأمريكية إن")
    assert found[0] == "وزارة الطاقة الأمريكية"
    assert found[2:] == ("government", "US")


def test_world_regions_are_places(tagger: Tagger) -> None:
    tags = tagger.tag("التوتر في الشرق الأوسط وشمال أفريقيا وأمريكا اللاتينية وأوروبا")
    assert tags.places == ("Europe", "Latin America", "Middle East", "North Africa")
    assert tags.countries == ()


def test_ambiguous_english_names(tagger: Tagger) -> None:
    assert tagger.tag("Chad Smith and Michael Jordan; nice day; Jordan River").countries == ()
    assert tagger.tag("Chad and Jordan sign a deal").countries == ("JO", "TD")


def test_gazetteer_without_stop_list_is_noisier() -> None:
    plain = Tagger(build_gazetteer(stoplist=False))
    text = "صور من الباب الخلفي في إطار دعم مالي"
    assert [m for m in plain.tag(text).mentions if m.kind == "place"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("وقال المالكي إن الحكومة ستجتمع", ["المالكي"]),  # a family name in nisba form
        ("وقال المالكي، وهو يغادر", ["المالكي"]),
        ("وقال العسكري.", []),  # "the soldier said": nothing follows the word
        ("وقال المسؤول إن الوضع مستقر", []),
        ("وقال نبيل فرحات المدير التنفيذي للشركة إن الأرباح زادت", ["نبيل فرحات"]),  # apposition
        ("وتوقع يان إيغلاند أن تستمر الأزمة", ["يان إيغلاند"]),
        ("وأشار بيتر كينيون إلى أن السوق تتحسن", ["بيتر كينيون"]),
    ],
)
def test_names_after_speech_verbs(tagger: Tagger, text: str, names: list[str]) -> None:
    assert [a[0] for a in _actors(tagger, text) if a[2] == "person"] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a chain of بن/آل runs past the three-word limit of a name
        ("وصرح سمو الشيخ راشد بن محمد بن راشد آل مكتوم اليوم", ["راشد بن محمد بن راشد آل مكتوم"]),
        # ل with the article (للجزيرة) ends a name; فالتر, كالمي and the like open names
        ("وقال النقيب فرانك باسكوال للجزيرة إن", ["فرانك باسكوال"]),
        ("وقال وزير الخارجية فرانك فالتر شتاينماير إن", ["فرانك فالتر شتاينماير"]),
        # roles news introduces people by
        ("وقال الخبير الاقتصادي سعيد ليلاز إن الأسعار", ["سعيد ليلاز"]),
        ("وقال القيادي في حماس إسماعيل رضوان إن", ["إسماعيل رضوان"]),
        ("مرر الكرة إلى زميله سام هيبيا ثم عاد", ["سام هيبيا"]),
        # more speech verbs, with the same strict ending (punctuation or إن …)
        ("واستبعد بيتر كينيون أن تتحسن السوق", ["بيتر كينيون"]),
        ("وانتقد مصطفى ضيائي، المستشار السياسي، القرار", ["مصطفى ضيائي"]),
        ("وذكرت صحيفة هآرتس أن", []),  # a newspaper, not a speaker: ذكرت is no trigger
        ("وقالت صحيفة ديلي تلغراف إن", []),  # nor after قالت: صحيفة is no name
        # what follows a speaker's name ends it; a family name with the article is checked too
        ("وقال تريشيه لصحيفة لوموند إن", ["تريشيه"]),
        # after a speech verb a name ending with an ال-word is not taken: mostly a noun phrase
        ("وأشار توزيع الأدوية إلى أن البرنامج", []),
        # … unless it opens with a given name (given_names.yaml)
        ("وأشار حسين الفردان إلى أن البرنامج", ["حسين الفردان"]),
        ("وقال جيش الاحتلال في بيان إن", []),
        ("وقال الرئيس حسين الفردان إلى", ["حسين الفردان"]),  # after a title it is
        # words that follow a name end it (apposition, participles, adverbs)
        ("وقال النجم محمد زيدان المحترف في بريمن إن", ["محمد زيدان"]),
        ("وأكد الأمير مولاي رشيد شقيق العاهل المغربي", ["مولاي رشيد"]),
        # علي as written (with ي) is a name inside a name; على (alef maqsura) is "on"
        ("وقال الرئيس زين العابدين بن علي إن", ["زين العابدين بن علي"]),
        ("وقال العقيد أحمد علي حسن إن", ["أحمد علي حسن"]),
        ("وحصل الكاتب محمد على جائزة", ["محمد"]),
        # a name with the article when a lineage follows it
        ("وقال الأمير الوليد بن طلال في الرياض", ["الوليد بن طلال"]),
        ("وعاد الدكتور محمد إلى الوليد بن طلال", ["محمد"]),
        ("وقدّم د. صالح العجيري التقويم", ["صالح العجيري"]),
        # a listed body between a title and the name (after باسم, a skip word or ل "of")
        ("وقال الناطق باسم حركة فتح أحمد عبد الرحمن إن", ["أحمد عبد الرحمن"]),
        ("وقال الأمين العام لحزب الله حسن نصر الله إن", ["حسن نصر الله"]),
        ("وقال الناطق الرسمي باسم المحاكم عبد الرحيم علي إن", ["عبد الرحيم علي"]),
        ("قال الرئيس بوتين إن", ["بوتين"]),  # listed: the gazetteer's mention
        # a title that is also a common noun must head a construct and name two words
        ("وقال ممثل الأمم المتحدة يان كوبيتش إن", ["يان كوبيتش"]),
        ("وقال ممثل بارع جدا", []),
        # one word after a title, ending as a name does
        ("والتقى الرئيس مبارك في القاهرة", ["مبارك"]),
        ("وتصدى الحارس كاسياس الذي تألق", ["كاسياس"]),
        ("وحيا الرئيس مبارك وأعضاء الوفد", ["مبارك"]),
        # a regnal number from 11th to 19th; أل/إل open names, the article is ال
        ("وقال البابا بنديكت السادس عشر إن", ["بنديكت السادس عشر"]),
        ("وقال الملك ألفونسو الثالث عشر ملك إسبانيا", ["ألفونسو الثالث عشر"]),
        ("وقالت الفنانة إلهام شاهين إن", ["إلهام شاهين"]),
        ("ورفض نشر قوة دولية في الإقليم", []),  # رفض is also "refusal": no speech verb
        # credits in arts news
        ("الفيلم من إخراج يوسف شاهين وتأليف", ["يوسف شاهين"]),
    ],
)
def test_name_readings(tagger: Tagger, text: str, names: list[str]) -> None:
    assert [a[0] for a in _actors(tagger, text) if a[2] == "person"] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a list after a titled name: و apart (segmented text) or attached, with commas
        (
            "وشارك العداء محمد بوفلوسن وكوستا الشرقاوي في النهائي",
            ["محمد بوفلوسن"],  # كوستا الشرقاوي runs on into في: no list end
        ),
        (
            "وشارك العداء محمد بوفلوسن ومحسن الشرقاوي في النهائي",
            ["محمد بوفلوسن", "محسن الشرقاوي"],  # not listed, but محسن is a given name
        ),
        (
            "وضمت التشكيلة الحارس قاسم برهان وحمد محمد، وناصر مسعود راشد.",
            ["قاسم برهان", "حمد محمد", "ناصر مسعود راشد"],
        ),
        (
            "ومثل فيه الممثل نور الشريف و رجاء الجداوي و توفيق عبد الحميد .",
            ["نور الشريف", "رجاء الجداوي", "توفيق عبد الحميد"],
        ),
        # no list: a title, an ال-word, a single word, a known name, a verb after the name
        ("قال الرئيس محمد مرسي ووزير الخارجية سامح شكري", ["محمد مرسي", "سامح شكري"]),
        ("وقال الرئيس محمد مرسي والحكومة.", ["محمد مرسي"]),
        ("وقال الرئيس محمد مرسي وهو يغادر.", ["محمد مرسي"]),
        ("وقال الرئيس محمد مرسي وحضر اللقاء وزراء.", ["محمد مرسي"]),
        ("وقال الرئيس محمد مرسي وبشار الأسد.", ["محمد مرسي", "بشار الأسد"]),  # listed actor
    ],
)
def test_people_listed_after_a_name(tagger: Tagger, text: str, names: list[str]) -> None:
    assert [a[0] for a in _actors(tagger, text) if a[2] == "person"] == names


def test_listed_people_share_the_country_and_repeat(tagger: Tagger) -> None:
    text = "أشاد المدرب القطري فهد ثاني وخلف سالم. وقال سالم إن الفريق جاهز"
    people = [a for a in _actors(tagger, text) if a[2] == "person"]
    assert [(p[0], p[3]) for p in people] == [("فهد ثاني", "QA"), ("خلف سالم", "QA"), ("سالم", "QA")]
    assert people[1][1] == people[2][1]  # the surname is the listed person


def test_a_one_word_body_after_a_definite_noun_is_an_adjective(tagger: Tagger) -> None:
    # الداخلية "interior" qualifies الجبهة "the front" here: no interior ministry
    assert _actors(tagger, "ما يعزز الجبهة الداخلية الفلسطينية") == []
    assert _actors(tagger, "وأعلنت الداخلية السعودية") == [
        ("الداخلية السعودية", "sa-interior-ministry", "government", "SA")
    ]
    # with a preposition it is the ministry again, and القوات البحرية is the navy
    assert [a[1] for a in _actors(tagger, "القوة التابعة للداخلية الفلسطينية")] == ["ps-interior-ministry"]
    assert [a[1] for a in _actors(tagger, "وقالت القوات البحرية الأمريكية")] == ["us-navy"]


def test_given_names_that_are_also_stopped_place_names_still_open_names(tagger: Tagger) -> None:
    # جمال and فارس are towns as well (stop-listed as places); as given names they trigger …
    assert [a[0] for a in _actors(tagger, "وشارك جمال حمزة في المباراة")] == ["جمال حمزة"]
    assert [a[0] for a in _actors(tagger, "وقال فارس الخوري إن")] == ["فارس الخوري"]  # a nisba
    # … but as everyday nouns ("beauty", "gardens", "knight") before a plain ال-word they are the noun
    for text in ("افتتاح رياض الأطفال في المدينة", "استمتع الزوار بجمال الطبيعة", "فارس الأحلام"):
        assert _actors(tagger, text) == [], text


def test_a_ministry_named_without_its_country_is_a_government_body(tagger: Tagger) -> None:
    # as وزارة الصحة is read; NewsFANE labels these Government
    assert _actors(tagger, "عن طريق وزارة الخارجية .") == [
        ("وزارة الخارجية", "wzarh-alkharjyh", "government", None)
    ]
    # with its demonym it is that country's (us-state-department is listed)
    assert [a[1] for a in _actors(tagger, "قالت وزارة الخارجية الأمريكية")] == ["us-state-department"]
    # with a demonym further on, read as an organisation head reads it (و joins, then the
    # demonym); a demonym of another name's (والجيش الإسرائيلي) leaves the ministry bare
    assert _actors(tagger, "أعلنت وزارة الخارجية والمغتربين السورية أن") == [
        ("وزارة الخارجية والمغتربين السورية", "wzarh-alkharjyh-walmghtrbyn-alswryh", "government", "SY")
    ]
    assert [a[:2] for a in _actors(tagger, "أعلنت وزارة الدفاع والجيش الإسرائيلي")] == [
        ("وزارة الدفاع", "wzarh-aldfaa"),
        ("الجيش الإسرائيلي", "il-army"),
    ]
    # a one-word body alone stays unread: الخارجية is also "foreign", الداخلية "internal"
    assert _actors(tagger, "وأعلنت الخارجية أن") == []


def test_a_body_named_between_a_title_and_the_name_is_an_actor_too(tagger: Tagger) -> None:
    # the ministry and its spokesman are both actors of the story
    assert _actors(tagger, "وقال المتحدث باسم وزارة الداخلية زماراي بشاري إن") == [
        ("وزارة الداخلية", "wzarh-aldakhlyh", "government", None),
        ("زماراي بشاري", "zmaray-bshary", "person", None),
    ]
    found = _actors(tagger, "وقال المتحدث باسم المجلس الأعلى الإسلامي في الصومال محمد إبراهيم إن")
    assert [a[:3] for a in found][:1] == [("المجلس الأعلى الإسلامي", "almjls-alaaly-alaslamy", "government")]
    assert found[-1][0] == "محمد إبراهيم"
    # a state body in the title's own words is the title's adjective: only the minister is Turkish
    people = _actors(tagger, "وقال وزير الخارجية التركي مولود جاويش أوغلو إن")
    assert [(a[0], a[2]) for a in people] == [("مولود جاويش أوغلو", "person")]


def test_a_title_that_names_no_one_may_end_in_a_body(tagger: Tagger) -> None:
    found = _actors(tagger, "أكد نبيه بري رئيس مجلس النواب أن تجريد المقاومة")
    assert [(a[0], a[2]) for a in found] == [("نبيه بري", "person"), ("مجلس النواب", "government")]
    assert [a[0] for a in _actors(tagger, "و رئيس المجلس التشريعي أيضا")] == ["المجلس التشريعي"]
    found = _actors(tagger, "وقال رئيس مجلس النواب العراقي محمد الحلبوسي إن")
    assert [(a[0], a[2], a[3]) for a in found] == [
        ("مجلس النواب العراقي", "government", "IQ"),
        ("محمد الحلبوسي", "person", "IQ"),
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a whole construct goes on with adjectives only, never with the noun after it
        ("قرر مجلس الوزراء تأجيل الانتخابات", "مجلس الوزراء"),
        ("وأكد رئيس مجلس الوزراء التزام لبنان بالقرار", "مجلس الوزراء"),  # ال-letters, no article
        ("أقر مجلس الأمة قانونا جديدا", "مجلس الأمة"),
        ("وافق مجلس الشيوخ الأمريكي بالإجماع", "مجلس الشيوخ الأمريكي"),  # a demonym goes on
        ("قرر المجلس الأعلى للقضاء", "المجلس الأعلى للقضاء"),  # an elative, then لل
        ("أعلن المجلس العسكري الانتقالي", "المجلس العسكري الانتقالي"),
        ("قالت المحكمة العليا اليوم", "المحكمة العليا"),
    ],
)
def test_a_body_whose_head_is_a_whole_construct(tagger: Tagger, text: str, name: str) -> None:
    assert [a[0] for a in _actors(tagger, text) if a[2] != "person"] == [name]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("قال حزب العدالة والتنمية الحاكم في تركيا", "حزب العدالة والتنمية"),
        ("حذرت منظمة الأغذية والزراعة من مجاعة", "منظمة الأغذية والزراعة"),
        ("وقالت وزارة الطاقة و المعادن إن", "وزارة الطاقة و المعادن"),  # segmented text
        ("وقالت وزارة الطاقة والمعادن المغربية", "وزارة الطاقة والمعادن المغربية"),
        # و opens another body, a known name or a clause: the name ends before it
        ("قال مجلس النواب والحكومة إن", "مجلس النواب"),
        ("وقالت وزارة الطاقة والولايات المتحدة", "وزارة الطاقة"),
        ("بيان وزارة المالية والذي صدر أمس", "وزارة المالية"),
        ("وزارة الاقتصاد والتجارة ألقى كلمة", "وزارة الاقتصاد والتجارة"),  # ألقى: no article
        ("أعلنت كتائب ثورة العشرين", "كتائب ثورة العشرين"),  # a construct of its own
    ],
)
def test_a_body_named_with_and(tagger: Tagger, text: str, name: str) -> None:
    assert [a[0] for a in _actors(tagger, text) if a[2] != "person"] == [name]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # علي written with ي opens a name after a title when a name word follows it
        ("وقال رئيس الوزراء الصومالي علي محمد جيدي إن الحكومة", "علي محمد جيدي"),
        # a speech verb is never a word of the name before it
        ("وقال الناطق باسم الحركة أحمد عبد الرحمن نفى أن", "أحمد عبد الرحمن"),
        # بال + an everyday word ends a name (بالمرتبة "in the rank"); بالاك would not
        ("واكتفى العداء المغربي ربيع دكانة بالمرتبة الخامسة", "ربيع دكانة"),
        ("وقال الدكتور علي جمعة مفتي الديار المصرية إن", "علي جمعة"),
    ],
)
def test_where_a_titled_name_starts_and_ends(tagger: Tagger, text: str, name: str) -> None:
    assert [a[0] for a in _actors(tagger, text) if a[2] == "person"] == [name]


def test_no_name_opens_with_the_preposition_ala(tagger: Tagger) -> None:
    # على "on" (with ى) after a title, and علي before an everyday word
    for text in ("وحث الرئيس الصومالي على ضرورة الحوار", "وشدد الرئيس علي ضرورة الحوار"):
        assert [a for a in _actors(tagger, text) if a[2] == "person"] == [], text


def test_a_title_ends_a_list_of_names(tagger: Tagger) -> None:
    # و إخراج X opens a reading of its own: إخراج is no part of a listed name
    found = _actors(tagger, "من تأليف علي عبد القوي وإخراج خيري بشارة .")
    assert [a[0] for a in found] == ["علي عبد القوي", "خيري بشارة"]


@pytest.mark.parametrize(
    "text",
    [
        "وقالت منظمة الصحة العالمية إن مستشفى كمال عدوان خرج عن الخدمة",
        "عبر المسافرون جسر الملك حسين إلى الأردن",
        "احتشدوا في شارع صلاح الدين وسط غزة",
        "نقل المصابون بمستشفى الملك فيصل التخصصي",
        "ألقى محاضرة بقاعة الشيخ عبدالله بن زيد آل محمود",  # a title between: the hall's name
        # a title, then given names: all of them the hospital's
        "نقل الجرحى إلى مستشفى الشهيد محمد يوسف النجار في رفح",
        # a listed person's name there (after a given name, or at once) is the airport's
        "وصل إلى مطار حيدر علييف الدولي في باكو",
        "استؤنفت الرحلات في مطار رفيق الحريري الدولي",
    ],
)
def test_a_name_after_a_facility_noun_is_the_facility_s(tagger: Tagger, text: str) -> None:
    assert [a for a in _actors(tagger, text) if a[2] == "person"] == []


def test_a_facility_s_name_ends_at_punctuation(tagger: Tagger) -> None:
    # after the comma the name is a person's again, and so is a listed one after a facility
    # named by a place
    found = _actors(tagger, "وصلوا إلى مستشفى ناصر، ومحمد صلاح هناك، ثم إلى مطار دمشق ورفيق الحريري")
    assert [a[0] for a in found if a[2] == "person"] == ["محمد صلاح", "رفيق الحريري"]


def test_a_facility_noun_does_not_hide_a_person_elsewhere(tagger: Tagger) -> None:
    # عن طريق "by way of" is no road: the scorer is named
    found = _actors(tagger, "هز الشباك مرتين عن طريق مروان الشماخ")
    assert [a[0] for a in found] == ["مروان الشماخ"]


@pytest.mark.parametrize(
    ("text", "bodies"),
    [
        # a body in construct with its country: the actor on the body's words, the country's own
        ("رحبت حكومة السودان بالمبادرة", [("حكومة", "sd-government", "SD")]),
        ("انتشر جيش لبنان في الجنوب", [("جيش", "lb-army", "LB")]),
        ("قالت وزارة خارجية قطر إن الوساطة مستمرة", [("وزارة خارجية", "qa-foreign-ministry", "QA")]),
        # a title's complement (the minister of Qatar's foreign affairs), a region's parliament
        ("وقال وزير خارجية قطر إن الوساطة مستمرة", []),
        ("صوت برلمان كردستان على القانون", []),
    ],
)
def test_a_state_body_in_construct_with_its_country(
    tagger: Tagger, text: str, bodies: list[tuple[str, str, str]]
) -> None:
    tags = tagger.tag(text)
    found = [(m.text, m.ref, m.country) for m in tags.mentions if m.kind == "actor"]
    assert found == bodies
    assert all(any(m.kind == "place" and m.ref == c for m in tags.mentions) for _, _, c in bodies)


@pytest.mark.parametrize(
    ("text", "people"),
    [
        # a nisba standing as a noun: the person of that country named after it
        ("من جهة أخرى تأهل السويسري روجيه فيدرر المصنف أول", [("روجيه فيدرر", "CH")]),
        ("مقابل هدف للصربي بوسكو يانكوفيتش في الدقيقة 57", [("بوسكو يانكوفيتش", "RS")]),
        ("وفازت الروسية سفتلانا كوزنتسوفا على منافستها", [("سفتلانا كوزنتسوفا", "RU")]),
        # an adjective of the noun before, with a verb after it: nobody
        ("وكانت الإدارة الأمريكية تعول على قطاع النفط", []),
        ("حلقت الطائرات المقاتلة الإسرائيلية فوق المنطقة", []),
        ("الحدود الفلسطينية والمصرية بصاروخين على الأقل", []),
        # one word after a nisba is as often a verb or a noun
        ("وفي الدقيقة الأخيرة سجل البرازيلي هدفا", []),
    ],
)
def test_a_person_after_a_nisba_standing_as_a_noun(
    tagger: Tagger, text: str, people: list[tuple[str, str]]
) -> None:
    found = [(m.text, m.country) for m in tagger.tag(text).mentions if m.type == "person"]
    assert found == people


@pytest.mark.parametrize(
    ("text", "people"),
    [
        # فان: the Dutch van before another name word, فإن "for indeed" after a name
        ("قال المهاجم رود فان نيستلروي إن الفريق جاهز", ["رود فان نيستلروي"]),
        ("قال الرئيس محمد مرسي فان الحكومة ستواصل عملها", ["محمد مرسي"]),
    ],
)
def test_van_inside_a_name_and_fa_inna_after_one(tagger: Tagger, text: str, people: list[str]) -> None:
    assert [m.text for m in tagger.tag(text).mentions if m.type == "person"] == people
