"""Regenerate the given-name list (streams/tagging/data/given_names.yaml) from Faker and arabnamer.

Run from the repository root with both packages installed (neither is a dependency of
Wirewatch: ``pip install faker arabnamer``)::

    python -m tests.tools.given_names > streams/tagging/data/given_names.yaml

- Arabic given names: Faker's Arabic person providers (ar_AA, ar_DZ, ar_PS, ar_SA), male and
  female first names, as written there (MIT licence), and common names they lack
  (`SUPPLEMENT`, reviewed by hand: هشام، عيسى، عائشة; their Latin spellings go in too).
- Foreign given names in Arabic letters: Faker's first names for en_US, fr_FR, es_ES, it_IT,
  de_DE and pt_BR (MIT), each looked up in arabnamer's English -> Arabic name dictionary
  (``arabnamer/data/dict_FINAL.json``, CC BY 4.0, drawn mostly from the European
  Commission's JRC-Names); names it lacks are left out.

- Given names in Latin letters, for English text: Faker's first names for the same locales
  and for en_GB, nl_NL, tr_TR and pl_PL, as written there, plus the Latin spellings
  arabnamer's dictionary gives for Faker's Arabic first names (Mohammed, Muhammad, Osama,
  Usama …), capitalised. Left out: the names that are also English words a capital letter
  does not make a name (May, Will, Grace, Rose: `EXCLUDED_LATIN`, reviewed by hand against
  the lower-case words of SCOWL's american-english list), names of two letters or fewer,
  and country names (Jordan, Chad, Georgia: the country, even where a word after it makes
  another name of it, as in Jordan River).

Left out as well: names that are also everyday words or that the tagger reads otherwise
(`EXCLUDED`, reviewed by hand: the most frequent words first, by wordfreq, plus the words
that most often started no person on NewsFANE DEV), foreign names of three letters or fewer
(لي، جو، دان are words or particles as often), and any name opening with the article that
is not a foreign name (الزبير is a name, but it is read as a surname after a title anyway).
"""

from __future__ import annotations

import json
import sys
from importlib import resources

import babel
import pycountry
from faker import Faker

from streams.text.matcher import phrase_key

ARABIC_LOCALES = ("ar_AA", "ar_DZ", "ar_PS", "ar_SA")
LATIN_LOCALES = ("en_US", "en_GB", "fr_FR", "es_ES", "it_IT", "de_DE", "pt_BR", "nl_NL", "tr_TR", "pl_PL")
MIN_LATIN_LETTERS = 3
FOREIGN_LOCALES = ("en_US", "fr_FR", "es_ES", "it_IT", "de_DE", "pt_BR")
MIN_FOREIGN_LETTERS = 4
MIN_ARABIC_LETTERS = 3

# Names that are also everyday words (رئيس "president", صباح "morning", أمل "hope"), months
# (أغسطس), a country (تشاد), surnames far more often than given names (محفوظ، سيلفا، زيدان:
# measured on NewsFANE DEV, as were the last three lines' words: جود is وجود "existence"
# with و read as a proclitic, صالح is لصالح "in favour of", عمر "age" in عن عمر يناهز,
# ألفريد folds to الفريد "the unique", حسن "good" in حسن النية), particles once folded (آن/ان
# "that", ألان/الان "now", ألف "thousand", علي/على "on"), or that a transliteration
# dictionary got wrong (لا شيء "nothing": its words are left out one by one).
EXCLUDED = """
علي رئيس كبير نظام صباح حياة عالم كامل كاملة نادي صاحب طالب رمضان دليل خلف لقاء قائد قادة
عربي مسلم دين سلام صعب رسمي شهد ربيع يزيد عالية جميلة جميل أمل نور مالك سهل رضي معين
تحسين واصل ميثاق شامل اعتماد فضل ثابت هيا تمام تمّام عزيز حافظ أمين أمير سلطان نصر خليفة
ظبي ريف سفير فخر كرم صادق رجاء فرح ملاك يقين دعاء مؤمن هلال مفيد ناجح صافي حكيم روحي دنيا
وفاء إيمان زهرة نجمة أسرار أحلام تاج آية آيات جاد طيّب طيب شريف عامر رائد زين نجم غالب مراد
عارف وحيد ممتاز أسماء منى هدى ربى حلا ريم فاضل شاكر وسام سامي راشد عيد
آن آنا أنا لا شيء دون ألف ألان آلان أمي وإلا الإسكندرية كوني جيل روس سول لين أغسطس أبريل
عيد الحب مايو يونيو يوليو مارس آذار نيسان كانون تموز أيار شباط حزيران أيلول تشرين
جمعة خميس سبت عاشور شعبان رجب صفر محرم ربيع الأول حاج صقر أسد ذيب نمر فهد ليث
رمزي فردي جدير أولي جني تشاد محفوظ سيلفا زيدان ألونسو رونالدو هنري هايل موسى
جود صالح طموح جسور صارم شامخ إباء إخلاص فاتح فائق مرضي كورونا الرومانية عمر ألفريد فريد سيد
خاطر حسن
"""


# Latin given names that are also English words and are capitalised as often for other
# reasons: at the start of a sentence (Can, Will, May), in names of things (Rose Garden, Ivy
# League, Christian Democrats, Crystal Palace), as months, seasons, titles and virtues.
# Reviewed from the names whose lower-case form is an English word; kept are those a capital
# makes a name nearly always (Mark, Bill, Frank, John, Peter, Victor). And spellings arabnamer
# gives for an Arabic name that are an English word or a surname here (Bender for بندر,
# Beshear for بشير).
EXCLUDED_LATIN = """
Albino Ale Among Angel Ante Aria August Aura Autumn Azalea Baptist Canal Carmine Chase Coral
Cord Corona Crystal Daisy Dawn Destiny Diamond Dick Divan Dodo Earl Ebony Edit Else Emir Eta
Faith Feline Fem Floor Flora Forum Gala Grace Grant Grit Gun Guy Hardy Harm Harsh Holly
Hunter Imam Ivy Jade Jail Jet Job Joy Junior Karma Kick Laze Lo Loot Lope Lore Lot Love Lucky
Mad Man Mar Mare Margarita Marine Mart May Melody Meta Misty My Nacho Nail Nova Owe Pastor Peer
Per Pier Puck Queen Raid Raven Roan Rose Rosemary Rune Rut Sad Saga Salami Senna Server Sol
Sole Summer Tan Tanner Tiara Ties Tilde Till Tor Tore Toy Urban Us Valentine Veer Wage Wolf
Yoga Amber Lily Iris Violet Viola Hazel Heather Jasmine Sunny Sky Star River Storm Rain Will
Can Christian Justice Major Prince Princess King Duke Baron General Sultan Malik Amir Islam
Said Lama Balsam Iman Nur Deniz Ay Su Bay Cem Ada Ela Eda Ilk Umut Hope Honor Sage Bliss Ocean
Royal Rich Gay Merry Noble Precious Essence Harmony Trinity Genesis Eden Unity Liberty
April June Ramadan German Roman Arab Muslim Nazi Isis
Bender Beshear
"""
EXCLUDED_LATIN_WORDS = frozenset(w.lower() for w in EXCLUDED_LATIN.split())


# Common Arabic given names Faker's lists lack (هشام، عيسى، عائشة), written and reviewed here;
# left out are those that are everyday words as well: أشرف "supervised", خطاب "speech", سيف
# "sword", هبة "gift", معاذ (معاذ الله "God forbid"), حنان، صفاء، ولاء، رحاب، نهى، براء، عبادة،
# حلمي، مشعل.
SUPPLEMENT = """
هشام بلال أنس بندر نايف حمد عيسى هارون داود جبران بسام رأفت إياد باسل أنور بشير طه أوس
حذيفة أسيد رنا عائشة سهى جيهان هالة عبير سناء شيماء إسراء آلاء سمر نجلاء مها لمى غادة
"""

# Words that open names as given names do, written and reviewed here: the kunya أبو (أبو
# مازن، أبو الغيط) and عبد, the first half of compound given names (عبد الله، عبد الرحمن).
OPENERS = ("أبو", "عبد")
# Press spellings of foreign given names the dictionary writes otherwise (ديفيد, not ديفد).
FOREIGN_SPELLINGS = ("ديفد", "بيتر", "هانس", "فرانك", "جورج", "أنجيلا", "واين")


def _first_names(locale: str) -> set[str]:
    provider = Faker(locale).provider("faker.providers.person")
    names: set[str] = set()
    for attr in ("first_names", "first_names_male", "first_names_female"):
        names.update(getattr(provider, attr, ()) or ())
    return names


def main() -> None:
    excluded = {phrase_key(w) for w in EXCLUDED.split()}
    arabic: dict[str, str] = {}
    for locale in ARABIC_LOCALES:
        for name in sorted(_first_names(locale)):
            key = phrase_key(name)
            if len(key.replace(" ", "")) >= MIN_ARABIC_LETTERS and not key.startswith("ال"):
                arabic.setdefault(key, name)
    dictionary = json.loads(resources.files("arabnamer").joinpath("data/dict_FINAL.json").read_text("utf-8"))
    foreign: dict[str, str] = {}
    for locale in FOREIGN_LOCALES:
        for name in sorted(_first_names(locale)):
            arabic_name = dictionary.get(name.lower())
            if not arabic_name or " " in arabic_name:
                continue
            key = phrase_key(arabic_name)
            if len(key) >= MIN_FOREIGN_LETTERS and key not in arabic:
                foreign.setdefault(key, arabic_name)
    latin = _latin_names(dictionary)
    out = sys.stdout
    out.write(
        "# Given names that start a person's name; generated by tests/tools/given_names.py (see its\n"
        "# docstring) and reviewed. ar: Faker's Arabic first names (MIT), أبو and عبد, and common\n"
        "# names Faker lacks (هشام، عيسى، عائشة; written in the tool and reviewed). foreign:\n"
        "# Faker's English, French, Spanish, Italian, German and Portuguese first names in Arabic\n"
        "# letters from arabnamer's dictionary (CC BY 4.0; JRC-Names). en: Faker's first names in\n"
        "# Latin letters and arabnamer's Latin spellings of its Arabic ones. See README.md here.\n"
    )
    for name in (*OPENERS, *SUPPLEMENT.split()):
        arabic.setdefault(phrase_key(name), name)
    for name in FOREIGN_SPELLINGS:
        foreign.setdefault(phrase_key(name), name)
    for section, names in (("ar", arabic), ("foreign", foreign)):
        kept = sorted(name for key, name in names.items() if key not in excluded)
        out.write(f"{section}:\n")
        for name in kept:
            out.write(f"  - {name}\n")
    out.write("en:\n")
    for name in latin:
        out.write(f"  - {name}\n")


def _latin_names(dictionary: dict[str, str]) -> list[str]:
    """Given names in Latin letters: Faker's, and arabnamer's spellings of its Arabic ones."""
    names: dict[str, str] = {}
    for locale in LATIN_LOCALES:
        for name in sorted(_first_names(locale)):
            if name.isalpha():  # one word, letters only (a stray ˜ is in one locale's list)
                names.setdefault(name.lower(), name)
    arabic = {phrase_key(n) for locale in ARABIC_LOCALES for n in _first_names(locale)}
    arabic |= {phrase_key(n) for n in SUPPLEMENT.split()}
    for latin, arabic_name in sorted(dictionary.items()):
        if latin.isascii() and latin.isalpha() and phrase_key(arabic_name) in arabic:
            names.setdefault(latin.lower(), latin.capitalize())
    countries = {c.name.lower() for c in pycountry.countries} | {
        n.lower() for n in babel.Locale("en").territories.values()
    }  # Jordan, Chad, Israel: the country, even where its reading is cancelled (Jordan River)
    return sorted(
        name
        for low, name in names.items()
        if len(low) >= MIN_LATIN_LETTERS
        and low not in EXCLUDED_LATIN_WORDS
        and low not in countries
        and name[:1].isupper()
    )


if __name__ == "__main__":
    main()
