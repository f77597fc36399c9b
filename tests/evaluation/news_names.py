"""Check that the places and actors of the current wars are in the gazetteer (a script, not a test).

Run from the repository root: ``python -m tests.evaluation.news_names``. Each name is put in a
neutral Arabic or English sentence ("fighting was reported in X", "X met the delegation"); the
script prints how many the tagger finds as written (the whole name, with the right country for
a place) and lists the rest. Written from the map and the news of 2024-2025 (no corpus text):
fronts in Ukraine, Sudan, Gaza, the West Bank, Lebanon, Syria, Yemen, Libya and beyond, and
the office holders, commanders and armed groups in the news. Names that are everyday words
are listed with the word for their kind before them, as news writes them (بلدة الخيام, مخيم
زمزم); those read only with their country named (عدن) are left out of the Arabic count
(`GUARDED`). The lists were written to find gaps and the gaps were then filled, so this is a
coverage check and a guard against losing names, not an unbiased score.
"""

from __future__ import annotations

from streams.tagging import Tagger

# (country, English, Arabic)
PLACES = [
    ("UA", "Pokrovsk", "بوكروفسك"),
    ("UA", "Kostiantynivka", "كوستيانتينيفكا"),
    ("UA", "Kupiansk", "كوبيانسك"),
    ("UA", "Huliaipole", "هولياي بولي"),
    ("UA", "Myrnohrad", "ميرنوهراد"),
    ("UA", "Siversk", "سيفيرسك"),
    ("UA", "Chasiv Yar", "تشاسيف يار"),
    ("UA", "Toretsk", "توريتسك"),
    ("UA", "Vuhledar", "فوهليدار"),
    ("UA", "Avdiivka", "أفدييفكا"),
    ("UA", "Bakhmut", "باخموت"),
    ("UA", "Kurakhove", "كوراخوفي"),
    ("UA", "Lyman", "ليمان"),
    ("UA", "Kramatorsk", "كراماتورسك"),
    ("UA", "Sloviansk", "سلوفيانسك"),
    ("UA", "Kherson", "خيرسون"),
    ("UA", "Nikopol", "نيكوبول"),
    ("UA", "Zaporizhzhia", "زابوريجيا"),
    ("UA", "Odesa", "أوديسا"),
    ("UA", "Dnipro", "دنيبرو"),
    ("UA", "Kharkiv", "خاركيف"),
    ("UA", "Sumy", "سومي"),
    ("UA", "Mariupol", "ماريوبول"),
    ("UA", "Donetsk", "دونيتسك"),
    ("UA", "Luhansk", "لوغانسك"),
    ("RU", "Sudzha", "سودجا"),
    ("RU", "Kursk", "كورسك"),
    ("RU", "Belgorod", "بيلغورود"),
    ("SD", "North Kordofan", "شمال كردفان"),
    ("SD", "South Kordofan", "جنوب كردفان"),
    ("SD", "West Kordofan", "غرب كردفان"),
    ("SD", "El Obeid", "مدينة الأبيض"),
    ("SD", "Dilling", "الدلنج"),
    ("SD", "Bara", "بارا"),
    ("SD", "En Nahud", "النهود"),
    ("SD", "El Fula", "الفولة"),
    ("SD", "Tawila", "طويلة"),
    ("SD", "Zamzam", "مخيم زمزم"),
    ("SD", "Abu Shouk", "أبو شوك"),
    ("SD", "Kutum", "كتم"),
    ("SD", "Mellit", "مليط"),
    ("SD", "Geneina", "الجنينة"),
    ("SD", "Nyala", "نيالا"),
    ("SD", "Omdurman", "أم درمان"),
    ("SD", "Bahri", "بحري"),
    ("SD", "Wad Madani", "ود مدني"),
    ("SD", "Sennar", "سنار"),
    ("SD", "Kosti", "كوستي"),
    ("SD", "Port Sudan", "بورتسودان"),
    ("SD", "Atbara", "عطبرة"),
    ("SD", "Kadugli", "كادقلي"),
    ("SD", "Babanusa", "بابنوسة"),
    ("SD", "El Fasher", "الفاشر"),
    ("SD", "Gezira", "الجزيرة"),
    ("PS", "Bureij", "البريج"),
    ("PS", "Maghazi", "المغازي"),
    ("PS", "Zawaida", "الزوايدة"),
    ("PS", "Mawasi", "المواصي"),
    ("PS", "Shujaiya", "الشجاعية"),
    ("PS", "Sheikh Radwan", "الشيخ رضوان"),
    ("PS", "Tal al-Hawa", "تل الهوى"),
    ("PS", "Beit Lahia", "بيت لاهيا"),
    ("PS", "Nuseirat", "النصيرات"),
    ("PS", "Deir el-Balah", "دير البلح"),
    ("PS", "Rafah", "رفح"),
    ("PS", "Khan Younis", "خان يونس"),
    ("PS", "Jabalia", "جباليا"),
    ("PS", "Tulkarem", "طولكرم"),
    ("PS", "Nur Shams", "نور شمس"),
    ("PS", "Tammun", "طمون"),
    ("PS", "Tubas", "طوباس"),
    ("PS", "Qalqilya", "قلقيلية"),
    ("PS", "Huwara", "حوارة"),
    ("PS", "Sinjil", "سنجل"),
    ("PS", "Turmus Ayya", "ترمسعيا"),
    ("PS", "Beita", "بيتا"),
    ("PS", "Masafer Yatta", "مسافر يطا"),
    ("PS", "Silwad", "سلواد"),
    ("PS", "Jenin", "جنين"),
    ("PS", "Nablus", "نابلس"),
    ("PS", "Hebron", "الخليل"),
    ("PS", "Ramallah", "رام الله"),
    ("YE", "Saada", "صعدة"),
    ("YE", "Hajjah", "محافظة حجة"),
    ("YE", "Ras Isa", "رأس عيسى"),
    ("YE", "Amran", "عمران"),
    ("YE", "Dhamar", "ذمار"),
    ("YE", "Ibb", "إب"),
    ("YE", "Shabwa", "شبوة"),
    ("YE", "Hadramout", "حضرموت"),
    ("YE", "Mukalla", "المكلا"),
    ("YE", "Lahj", "لحج"),
    ("YE", "Abyan", "أبين"),
    ("YE", "Aden", "عدن"),
    ("YE", "Marib", "مأرب"),
    ("LB", "Khiam", "بلدة الخيام"),
    ("LB", "Tyre", "مدينة صور"),
    ("LB", "Baalbek", "بعلبك"),
    ("LB", "Hermel", "الهرمل"),
    ("LB", "Sidon", "صيدا"),
    ("LB", "Kfar Kila", "كفركلا"),
    ("LB", "Aitaroun", "عيترون"),
    ("LB", "Maroun al-Ras", "مارون الراس"),
    ("LB", "Naqoura", "الناقورة"),
    ("LB", "Nabatieh", "النبطية"),
    ("LB", "Bint Jbeil", "بنت جبيل"),
    ("SY", "Jaramana", "جرمانا"),
    ("SY", "Sahnaya", "صحنايا"),
    ("SY", "Sweida", "السويداء"),
    ("SY", "Daraa", "درعا"),
    ("SY", "Quneitra", "القنيطرة"),
    ("SY", "Deir Hafer", "دير حافر"),
    ("SY", "Qamishli", "القامشلي"),
    ("SY", "Kobani", "كوباني"),
    ("SY", "Hasakah", "الحسكة"),
    ("SY", "Deir ez-Zor", "دير الزور"),
    ("SY", "Homs", "حمص"),
    ("SY", "Hama", "حماة"),
    ("SY", "Latakia", "اللاذقية"),
    ("SY", "Tartus", "طرطوس"),
    ("SY", "Jableh", "جبلة"),
    ("SY", "Baniyas", "بانياس"),
    ("SY", "Tishrin Dam", "سد تشرين"),
    ("SY", "Douma", "دوما"),
    ("LY", "Misrata", "مصراتة"),
    ("LY", "Sirte", "سرت"),
    ("LY", "Tarhuna", "ترهونة"),
    ("LY", "Zawiya", "الزاوية"),
    ("LY", "Derna", "درنة"),
    ("LY", "Sabha", "سبها"),
    ("LY", "Kufra", "الكفرة"),
    ("IQ", "Sinjar", "سنجار"),
    ("IQ", "Kirkuk", "كركوك"),
    ("IQ", "Erbil", "أربيل"),
    ("IQ", "Fallujah", "الفلوجة"),
    ("IQ", "Mosul", "الموصل"),
    ("IR", "Isfahan", "أصفهان"),
    ("IR", "Natanz", "نطنز"),
    ("IR", "Fordow", "فوردو"),
    ("IR", "Bandar Abbas", "بندر عباس"),
    ("IR", "Tabriz", "تبريز"),
    ("IR", "Kermanshah", "كرمانشاه"),
    ("IL", "Eilat", "إيلات"),
    ("IL", "Haifa", "حيفا"),
    ("IL", "Tel Aviv", "تل أبيب"),
    ("IL", "Ashkelon", "عسقلان"),
    ("IL", "Sderot", "سديروت"),
    ("IL", "Kiryat Shmona", "كريات شمونة"),
    ("IL", "Metula", "المطلة"),
    ("SO", "Mogadishu", "مقديشو"),
    ("SO", "Kismayo", "كيسمايو"),
    ("ML", "Bamako", "باماكو"),
    ("BF", "Ouagadougou", "واغادوغو"),
    ("NE", "Niamey", "نيامي"),
    ("CD", "Goma", "غوما"),
    ("CD", "Bukavu", "بوكافو"),
    ("ET", "Mekelle", "ميكيلي"),
    ("LY", "Ghadames", "غدامس"),
    ("AF", "Kandahar", "قندهار"),
    ("PK", "Peshawar", "بيشاور"),
    ("PK", "Quetta", "كويتا"),
    ("IN", "Pahalgam", "باهالغام"),
    ("MM", "Rakhine", "راخين"),
]
# (English, Arabic)
ACTORS = [
    ("Ahmed al-Sharaa", "أحمد الشرع"),
    ("Asaad al-Shaibani", "أسعد الشيباني"),
    ("Murhaf Abu Qasra", "مرهف أبو قصرة"),
    ("Joseph Aoun", "جوزيف عون"),
    ("Nawaf Salam", "نواف سلام"),
    ("Naim Qassem", "نعيم قاسم"),
    ("Nabih Berri", "نبيه بري"),
    ("Benjamin Netanyahu", "بنيامين نتنياهو"),
    ("Israel Katz", "يسرائيل كاتس"),
    ("Gideon Saar", "جدعون ساعر"),
    ("Itamar Ben-Gvir", "إيتمار بن غفير"),
    ("Bezalel Smotrich", "بتسلئيل سموتريتش"),
    ("Isaac Herzog", "إسحاق هرتسوغ"),
    ("Eyal Zamir", "إيال زامير"),
    ("Mahmoud Abbas", "محمود عباس"),
    ("Mohammad Mustafa", "محمد مصطفى"),
    ("Hussein al-Sheikh", "حسين الشيخ"),
    ("Khalil al-Hayya", "خليل الحية"),
    ("Abu Obeida", "أبو عبيدة"),
    ("Masoud Pezeshkian", "مسعود بزشكيان"),
    ("Abbas Araghchi", "عباس عراقجي"),
    ("Ali Khamenei", "علي خامنئي"),
    ("Ali Larijani", "علي لاريجاني"),
    ("Donald Trump", "دونالد ترامب"),
    ("JD Vance", "جي دي فانس"),
    ("Marco Rubio", "ماركو روبيو"),
    ("Pete Hegseth", "بيت هيغسيث"),
    ("Steve Witkoff", "ستيف ويتكوف"),
    ("Tom Barrack", "توم براك"),
    ("Vladimir Putin", "فلاديمير بوتين"),
    ("Sergey Lavrov", "سيرغي لافروف"),
    ("Dmitry Peskov", "دميتري بيسكوف"),
    ("Andrei Belousov", "أندريه بيلوسوف"),
    ("Volodymyr Zelenskyy", "فولوديمير زيلينسكي"),
    ("Andrii Sybiha", "أندريه سيبيها"),
    ("Recep Tayyip Erdogan", "رجب طيب أردوغان"),
    ("Hakan Fidan", "هاكان فيدان"),
    ("Abdel Fattah el-Sisi", "عبد الفتاح السيسي"),
    ("Badr Abdelatty", "بدر عبد العاطي"),
    ("Tamim bin Hamad Al Thani", "تميم بن حمد آل ثاني"),
    ("Mohammed bin Abdulrahman Al Thani", "محمد بن عبد الرحمن آل ثاني"),
    ("Majed al-Ansari", "ماجد الأنصاري"),
    ("Mohammed bin Salman", "محمد بن سلمان"),
    ("Faisal bin Farhan", "فيصل بن فرحان"),
    ("Abdel Fattah al-Burhan", "عبد الفتاح البرهان"),
    ("Mohamed Hamdan Dagalo", "محمد حمدان دقلو"),
    ("Hemedti", "حميدتي"),
    ("Kamil Idris", "كامل إدريس"),
    ("Abdul-Malik al-Houthi", "عبد الملك الحوثي"),
    ("Rashad al-Alimi", "رشاد العليمي"),
    ("Antonio Guterres", "أنطونيو غوتيريش"),
    ("Tom Fletcher", "توم فليتشر"),
    ("Philippe Lazzarini", "فيليب لازاريني"),
    ("Tedros Adhanom Ghebreyesus", "تيدروس أدهانوم غيبريسوس"),
    ("Ursula von der Leyen", "أورسولا فون دير لاين"),
    ("Kaja Kallas", "كايا كالاس"),
    ("Keir Starmer", "كير ستارمر"),
    ("Yvette Cooper", "إيفيت كوبر"),
    ("Emmanuel Macron", "إيمانويل ماكرون"),
    ("Jean-Noel Barrot", "جان نويل بارو"),
    ("Friedrich Merz", "فريدريش ميرتس"),
    ("Xi Jinping", "شي جين بينغ"),
    ("Wang Yi", "وانغ يي"),
    ("Mohammed Shia al-Sudani", "محمد شياع السوداني"),
    ("Ayman Safadi", "أيمن الصفدي"),
    ("Abdul Hamid Dbeibah", "عبد الحميد الدبيبة"),
    ("Khalifa Haftar", "خليفة حفتر"),
    ("Narendra Modi", "ناريندرا مودي"),
    ("Shehbaz Sharif", "شهباز شريف"),
    ("Mazloum Abdi", "مظلوم عبدي"),
    ("Hayat Tahrir al-Sham", "هيئة تحرير الشام"),
    ("Syrian Democratic Forces", "قوات سوريا الديمقراطية"),
    ("SDF", "قسد"),
    ("Hamas", "حماس"),
    ("Hezbollah", "حزب الله"),
    ("Houthis", "الحوثيين"),
    ("Ansar Allah", "أنصار الله"),
    ("Rapid Support Forces", "قوات الدعم السريع"),
    ("Africa Corps", "الفيلق الأفريقي"),
    ("Wagner", "فاغنر"),
    ("ISIL", "تنظيم الدولة الإسلامية"),
    ("al-Shabab", "حركة الشباب"),
    ("JNIM", "جماعة نصرة الإسلام والمسلمين"),
    ("M23", "حركة 23 مارس"),
    ("Islamic Jihad", "الجهاد الإسلامي"),
    ("UNRWA", "الأونروا"),
    ("ICC", "المحكمة الجنائية الدولية"),
    ("ICJ", "محكمة العدل الدولية"),
    ("IAEA", "الوكالة الدولية للطاقة الذرية"),
    ("WHO", "منظمة الصحة العالمية"),
    ("Israeli army", "الجيش الإسرائيلي"),
    ("Kremlin", "الكرملين"),
    ("Pentagon", "البنتاغون"),
    ("Mossad", "الموساد"),
    ("Shin Bet", "الشاباك"),
    ("Revolutionary Guard", "الحرس الثوري"),
]
# Arabic names stop-listed or context-only as everyday words, found only after a guard word
# (مدينة عدن) or with their country named, so not in the neutral sentence; and بارا, left out
# (with a proclitic it is كبارا "great ones").
# fmt: off
GUARDED = frozenset({
    "ليمان", "بارا", "الفولة", "طويلة", "كتم", "الجنينة", "بحري", "الجزيرة", "بيتا", "عمران", "إب",
    "عدن", "الزاوية", "المطلة",
})
# fmt: on
# A word for a place's kind written before a name in the list: the mention is the name.
_CUES = frozenset({"مدينة", "مخيم", "محافظة", "بلدة"})


def _first(tagger: Tagger, text: str, lang: str, kind: str) -> tuple[str, str | None] | None:
    found = [m for m in tagger.tag(text, lang).mentions if m.kind == kind]
    return (found[0].text, found[0].country) if found else None


def missing_names(tagger: Tagger) -> dict[str, list[str]]:
    """The names of each list and language the tagger does not find, by "places en" and so on."""
    missing: dict[str, list[str]] = {"places en": [], "places ar": [], "actors en": [], "actors ar": []}
    for country, en, ar in PLACES:
        if _first(tagger, f"Fighting was reported in {en} on Monday.", "en", "place") != (en, country):
            missing["places en"].append(en)
        head, _, rest = ar.partition(" ")
        name = rest if head in _CUES else ar  # مدينة صور: the mention is صور
        if ar not in GUARDED and _first(
            tagger, f"وأفادت مصادر بوقوع اشتباكات في {ar} أمس", "ar", "place"
        ) != (
            name,
            country,
        ):
            missing["places ar"].append(ar)
    for en, ar in ACTORS:
        found = _first(tagger, f"Officials said {en} met the delegation on Monday.", "en", "actor")
        if found is None or found[0] != en:
            missing["actors en"].append(en)
        found = _first(tagger, f"وذكرت مصادر أن {ar} التقى الوفد أمس", "ar", "actor")
        if found is None or found[0] != ar:
            missing["actors ar"].append(ar)
    return missing


def main() -> None:
    missing = missing_names(Tagger.default())
    totals = {
        "places en": len(PLACES),
        "places ar": len(PLACES) - len(GUARDED),
        "actors en": len(ACTORS),
        "actors ar": len(ACTORS),
    }
    for key, names in missing.items():
        listed = f"; missing: {', '.join(names)}" if names else ""
        print(f"{key}: {totals[key] - len(names)}/{totals[key]} found{listed}")


if __name__ == "__main__":
    main()
