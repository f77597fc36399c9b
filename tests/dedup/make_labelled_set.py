"""Build the labelled near-duplicate set: originals, positive variants and hard negatives.

Run from the repository root: ``python -m tests.dedup.make_labelled_set`` writes
``tests/dedup/data/labelled.jsonl``. All texts are written for this file from templates
(CC0); items derived from the seed article are *not* written out: `load` rebuilds them at run
time from ../shared/data/seed, so no news text is copied into the repository.

What a positive is. Two items are near-duplicates (label 1) when they carry *the same wire
copy*: one is the other re-published, or the same story lightly edited by another outlet or
by a later update. Concretely a variant of an original is one of:

- ``republished``: the same title and text under a new guid/url;
- ``edited_title``: a prefix ("Update: ", "عاجل: ") and/or one word of the title changed;
- ``appended_update``: an "Update: ..."/"تحديث: ..." line appended (sometimes with a prefix);
- ``noise``: tashkeel and tatweel added (Arabic), or case and punctuation changed (English);
- ``reworded``: the same story from another feed, lightly edited: one to three words swapped
  for synonyms, two adjacent sentences swapped or one sentence dropped, and sometimes a new
  title built from another headline template *with the same facts* (place, numbers).

A text that rewrites most of its words is *not* a near-duplicate of the same wire copy, even if
it reports the same event: it is a different item (story clustering is another feature).

Negatives (label 0), all hard on purpose:

- ``template_twin``: the same title and body templates with other numbers and places
  ("strike kills 12 in Khan Younis" / "strike kills 7 in Rafah"): most words in common;
- ``same_place``: a different story on the same topic, about the same place, on the same day
  from the same outlet (two different Gaza ceasefire headlines): another headline template,
  at most one body sentence template in common, other numbers;
- ``same_topic``: different stories on one topic from one outlet (other places and numbers);
- ``same_topic_seed``: three stories cut from one real article about one day in Idlib.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from streams.records import RawItem

DATA = Path(__file__).with_name("data") / "labelled.jsonl"
SEED = Path(__file__).resolve().parents[3] / "shared" / "data" / "seed" / "aljazeera-idlib-ceasefire.ar.txt"

EN_PLACES = [
    "Khan Younis",
    "Rafah",
    "Deir al-Balah",
    "Jabalia",
    "Nuseirat",
    "Beit Lahia",
    "Gaza City",
    "Idlib",
    "Aleppo",
    "Saraqeb",
    "Ariha",
    "Tyre",
    "Nabatieh",
    "El Fasher",
    "Omdurman",
    "Hodeidah",
    "Taiz",
    "Marib",
    "Jenin",
    "Tulkarem",
    "Nablus",
    "Mosul",
    "Sanaa",
    "Daraa",
]
AR_PLACES = [
    "خان يونس",
    "رفح",
    "دير البلح",
    "جباليا",
    "النصيرات",
    "بيت لاهيا",
    "مدينة غزة",
    "إدلب",
    "حلب",
    "سراقب",
    "أريحا",
    "صور",
    "النبطية",
    "الفاشر",
    "أم درمان",
    "الحديدة",
    "تعز",
    "مأرب",
    "جنين",
    "طولكرم",
    "نابلس",
    "الموصل",
    "صنعاء",
    "درعا",
]
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
AR_DAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
EN_ACTORS = [
    "the health ministry",
    "the civil defence",
    "the UN agency",
    "the Red Crescent",
    "local officials",
    "the interior ministry",
    "a military spokesman",
    "the governor",
]
AR_ACTORS = [
    "وزارة الصحة",
    "الدفاع المدني",
    "وكالة الأمم المتحدة",
    "الهلال الأحمر",
    "مسؤولون محليون",
    "وزارة الداخلية",
    "متحدث عسكري",
    "المحافظ",
]

# topic -> (title templates, body sentence templates); slots: {p} place, {q} second place,
# {n} {m} numbers, {d} day, {a} actor.
EN: dict[str, tuple[list[str], list[str]]] = {
    "strike": (
        [
            "Israeli strike kills {n} in {p}",
            "Air strike on {p} kills {n}, {a} says",
            "{n} killed as strikes hit {p}",
        ],
        [
            "An air strike on a residential building in {p} killed {n} people on {d}, {a} said.",
            "Rescue teams were still searching the rubble for survivors late into the night.",
            "Witnesses said the strike hit without warning shortly after dawn prayers.",
            "At least {m} people were wounded and taken to the nearest hospital in {q}.",
            "The hospital said it was running out of fuel and medical supplies.",
            "The army said it had targeted a command post but gave no evidence.",
            "Among the dead were {m} children and a paramedic, according to {a}.",
            "Residents described scenes of panic as families fled towards {q}.",
        ],
    ),
    "ceasefire": (
        [
            "Ceasefire talks on {p} resume in Cairo",
            "Mediators push new truce plan for {p}",
            "Negotiators report progress on {p} ceasefire",
        ],
        [
            "Mediators resumed talks on {d} on a ceasefire that would halt the fighting in {p}.",
            "The proposal includes a pause of {n} days and the exchange of {m} detainees.",
            "A senior official said the gaps between the two sides had narrowed.",
            "Delegations from Egypt and Qatar held separate meetings with both parties.",
            "The plan would allow aid trucks to enter {q} through two crossings.",
            "Previous rounds collapsed over the question of a permanent withdrawal.",
            "Families of detainees protested outside the venue, demanding a deal.",
            "Officials said a statement was expected within {n} hours.",
        ],
    ),
    "aid": (
        [
            "Aid convoy reaches {p} after {n}-day delay",
            "UN warns of famine in {p}",
            "{n} trucks of aid enter {p}",
        ],
        [
            "A convoy of {n} trucks carrying food and medicine reached {p} on {d}, {a} said.",
            "The United Nations warned that more than {m} thousand people face acute hunger.",
            "Aid workers said the convoy was held at a checkpoint for hours.",
            "Bakeries in {q} have closed because of shortages of flour and fuel.",
            "Families queued for hours to receive a single bag of flour.",
            "The World Food Programme said access remained severely restricted.",
            "Doctors reported a rise in cases of malnutrition among children.",
            "Officials appealed for the opening of more crossings into {q}.",
        ],
    ),
    "diplomacy": (
        [
            "Leaders discuss {p} in phone call",
            "Foreign ministers meet over {p} crisis",
            "Talks on {p} end without agreement",
        ],
        [
            "The two leaders discussed the situation in {p} during a phone call on {d}.",
            "They agreed to intensify consultations to reach a lasting solution.",
            "The foreign minister called for an immediate end to attacks on civilians.",
            "A statement said both sides stressed the need to protect {m} thousand displaced people.",
            "Diplomats said a follow-up meeting would be held in {q} next week.",
            "The talks came as fighting escalated around {q}.",
            "The president warned that the crisis could spread across the region.",
            "Both governments said they would keep their military channels open.",
        ],
    ),
    "protest": (
        [
            "Thousands protest in {p} over fuel prices",
            "Police disperse protest in {p}",
            "{n} arrested after protests in {p}",
        ],
        [
            "Thousands of people took to the streets of {p} on {d} to protest rising prices.",
            "Police fired tear gas to disperse demonstrators near the parliament.",
            "At least {n} people were arrested, {a} said.",
            "Protesters chanted slogans against corruption and demanded the government resign.",
            "The price of fuel has risen by {m} percent since the start of the year.",
            "Shops in the centre of {q} stayed closed during the demonstrations.",
            "Organisers called for a general strike next week.",
            "The government said it would review the subsidy decision.",
        ],
    ),
}
AR: dict[str, tuple[list[str], list[str]]] = {
    "strike": (
        ["مقتل {n} في غارة إسرائيلية على {p}", "غارة على {p} تقتل {n} بحسب {a}", "{n} قتلى بقصف استهدف {p}"],
        [
            "قتل {n} أشخاص في غارة جوية استهدفت مبنى سكنيا في {p} يوم {d}، بحسب {a}.",
            "وواصلت فرق الإنقاذ البحث عن ناجين تحت الأنقاض حتى ساعة متأخرة من الليل.",
            "وقال شهود عيان إن الغارة وقعت دون سابق إنذار بعد صلاة الفجر بقليل.",
            "وأصيب {m} آخرون على الأقل ونقلوا إلى أقرب مستشفى في {q}.",
            "وأكد المستشفى أنه يعاني من نفاد الوقود والمستلزمات الطبية.",
            "وقال الجيش إنه استهدف مقرا للقيادة دون أن يقدم أي دليل.",
            "ومن بين القتلى {m} أطفال ومسعف، وفق {a}.",
            "ووصف السكان مشاهد الذعر مع فرار العائلات باتجاه {q}.",
        ],
    ),
    "ceasefire": (
        [
            "استئناف مفاوضات وقف إطلاق النار في {p}",
            "الوسطاء يطرحون خطة تهدئة جديدة في {p}",
            "تقدم في مفاوضات الهدنة بشأن {p}",
        ],
        [
            "استأنف الوسطاء يوم {d} المحادثات بشأن وقف لإطلاق النار ينهي القتال في {p}.",
            "ويتضمن المقترح هدنة لمدة {n} أيام وتبادل {m} من المحتجزين.",
            "وقال مسؤول رفيع إن الفجوة بين الطرفين تقلصت.",
            "وعقد وفدا مصر وقطر اجتماعات منفصلة مع الطرفين.",
            "وتسمح الخطة بدخول شاحنات المساعدات إلى {q} عبر معبرين.",
            "وانهارت جولات سابقة بسبب مسألة الانسحاب الكامل.",
            "وتظاهرت عائلات المحتجزين أمام مقر المفاوضات مطالبة بإبرام اتفاق.",
            "وقال مسؤولون إن بيانا سيصدر خلال {n} ساعة.",
        ],
    ),
    "aid": (
        [
            "وصول قافلة مساعدات إلى {p} بعد تأخير {n} أيام",
            "الأمم المتحدة تحذر من مجاعة في {p}",
            "دخول {n} شاحنة مساعدات إلى {p}",
        ],
        [
            "وصلت قافلة من {n} شاحنة تحمل الغذاء والدواء إلى {p} يوم {d}، بحسب {a}.",
            "وحذرت الأمم المتحدة من أن أكثر من {m} ألف شخص يواجهون جوعا حادا.",
            "وقال عاملون في الإغاثة إن القافلة احتجزت عند حاجز لساعات.",
            "وأغلقت المخابز في {q} أبوابها بسبب نقص الطحين والوقود.",
            "واصطفت العائلات لساعات للحصول على كيس طحين واحد.",
            "وقال برنامج الأغذية العالمي إن الوصول لا يزال مقيدا بشدة.",
            "وأفاد أطباء بارتفاع حالات سوء التغذية بين الأطفال.",
            "وناشد مسؤولون فتح مزيد من المعابر إلى {q}.",
        ],
    ),
    "diplomacy": (
        [
            "اتصال هاتفي بين الزعيمين بشأن {p}",
            "وزراء الخارجية يجتمعون لبحث أزمة {p}",
            "انتهاء المحادثات بشأن {p} دون اتفاق",
        ],
        [
            "بحث الزعيمان الوضع في {p} خلال اتصال هاتفي يوم {d}.",
            "واتفقا على تكثيف التشاور للتوصل إلى حل دائم.",
            "ودعا وزير الخارجية إلى وقف فوري للهجمات على المدنيين.",
            "وأكد بيان أن الطرفين شددا على ضرورة حماية {m} ألف نازح.",
            "وقال دبلوماسيون إن اجتماعا لاحقا سيعقد في {q} الأسبوع المقبل.",
            "وجاءت المحادثات مع تصاعد القتال في محيط {q}.",
            "وحذر الرئيس من أن الأزمة قد تمتد إلى المنطقة بأسرها.",
            "وقالت الحكومتان إنهما ستبقيان قنوات الاتصال العسكرية مفتوحة.",
        ],
    ),
    "protest": (
        [
            "آلاف يتظاهرون في {p} احتجاجا على أسعار الوقود",
            "الشرطة تفرق احتجاجا في {p}",
            "اعتقال {n} بعد احتجاجات في {p}",
        ],
        [
            "خرج آلاف الأشخاص إلى شوارع {p} يوم {d} احتجاجا على ارتفاع الأسعار.",
            "وأطلقت الشرطة الغاز المسيل للدموع لتفريق المتظاهرين قرب البرلمان.",
            "واعتقل {n} أشخاص على الأقل، بحسب {a}.",
            "وردد المحتجون شعارات ضد الفساد وطالبوا باستقالة الحكومة.",
            "وارتفع سعر الوقود بنسبة {m} في المئة منذ بداية العام.",
            "وأغلقت المحال في وسط {q} أبوابها خلال المظاهرات.",
            "ودعا المنظمون إلى إضراب عام الأسبوع المقبل.",
            "وقالت الحكومة إنها ستراجع قرار الدعم.",
        ],
    ),
}
SYNONYMS = {
    "en": {
        "killed": "left dead",
        "said": "stated",
        "people": "persons",
        "strike": "raid",
        "on": "on",
        "residential": "apartment",
        "wounded": "injured",
        "hospital": "medical centre",
        "talks": "negotiations",
        "officials": "authorities",
        "resumed": "restarted",
        "thousands": "tens of thousands",
        "discussed": "reviewed",
        "warned": "cautioned",
        "reached": "arrived in",
        "immediate": "urgent",
        "families": "households",
        "police": "security forces",
        "protest": "demonstrate",
        "shortly": "soon",
    },
    "ar": {
        "قتل": "لقي",
        "قال": "أفاد",
        "وقال": "وأفاد",
        "غارة": "ضربة",
        "أشخاص": "مواطنين",
        "بحسب": "وفق",
        "وأصيب": "وجرح",
        "مستشفى": "مركز طبي",
        "المحادثات": "المفاوضات",
        "مسؤول": "مصدر",
        "وحذرت": "ونبهت",
        "العائلات": "الأسر",
        "الشرطة": "قوات الأمن",
        "وقالت": "وأفادت",
        "بحث": "ناقش",
        "وصلت": "بلغت",
        "وأكد": "وشدد",
        "آلاف": "عشرات الآلاف",
        "الأسعار": "أسعار السلع",
    },
}
UPDATES = {
    "en": [
        "Update: The death toll has since risen, officials said.",
        "This story has been updated with comments from officials.",
        "Update: More details to follow.",
    ],
    "ar": [
        "تحديث: ارتفعت الحصيلة لاحقا بحسب مسؤولين.",
        "تحديث: تم تحديث الخبر بتصريحات مسؤولين.",
        "تحديث: مزيد من التفاصيل لاحقا.",
    ],
}
PREFIXES = {"en": ["Update: ", "Breaking: ", "LIVE: "], "ar": ["عاجل: ", "تحديث: ", "مباشر: "]}
TASHKEEL = "\u064e\u064f\u0650\u0652\u0651"
# The seed article split into three stories of one day (same outlet, same topic): titles are ours.
SEED_STORIES = [
    ("بوتين وأردوغان يبحثان وقف إطلاق النار في إدلب", 0, 4),
    ("غوتيريش يدعو لوقف فوري لإطلاق النار في إدلب", 7, 10),
    ("غارات روسية وقصف تركي في ريف إدلب وحلب", 11, 16),
]


@dataclass
class Item:
    id: str
    lang: str
    title: str
    summary: str
    url: str
    story: str  # the original this item is, or is a variant of


@dataclass
class Pair:
    a: str
    b: str
    label: int
    kind: str


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format(**slots)


def _slots(rng: random.Random, lang: str) -> dict[str, str]:
    places, days, actors = (
        (EN_PLACES, EN_DAYS, EN_ACTORS) if lang == "en" else (AR_PLACES, AR_DAYS, AR_ACTORS)
    )
    p, q = rng.sample(range(len(places)), 2)
    return {
        "p": places[p],
        "q": places[q],
        "n": str(rng.randint(2, 60)),
        "m": str(rng.randint(2, 40)),
        "d": rng.choice(days),
        "a": rng.choice(actors),
    }


def _story(
    rng: random.Random,
    lang: str,
    topic: str,
    slots: dict[str, str],
    plan: tuple[int, list[int]] | None = None,
) -> tuple[str, str, tuple[int, list[int]]]:
    titles, sentences = (EN if lang == "en" else AR)[topic]
    if plan is None:
        plan = (rng.randrange(len(titles)), sorted(rng.sample(range(len(sentences)), rng.randint(3, 5))))
    title = _fill(titles[plan[0]], slots)
    body = " ".join(_fill(sentences[i], slots) for i in plan[1])
    return title, body, plan


def _diacritise(rng: random.Random, text: str) -> str:
    out = []
    for ch in text:
        out.append(ch)
        if "\u0621" <= ch <= "\u064a":
            r = rng.random()
            if r < 0.25:
                out.append(rng.choice(TASHKEEL))
            elif r < 0.30 and ch not in "اأإآدذرزوؤة":
                out.append("\u0640" * rng.randint(1, 3))
    return "".join(out)


def _reword(rng: random.Random, lang: str, text: str, changes: int) -> str:
    """`text` with up to `changes` words replaced by synonyms (a light edit, not a rewrite)."""
    syn = SYNONYMS[lang]
    words = text.split(" ")
    where = [i for i, w in enumerate(words) if w in syn and syn[w] != w]
    for i in rng.sample(where, min(changes, len(where))):
        words[i] = syn[words[i]]
    return " ".join(words)


def _noise_en(rng: random.Random, text: str) -> str:
    return text.upper() if rng.random() < 0.3 else text.replace(",", " -").replace(".", " .")


class _Builder:
    def __init__(self) -> None:
        self.rng = random.Random(20240605)
        self.items: list[Item] = []
        self.pairs: list[Pair] = []
        self.count = 0

    def add(self, lang: str, title: str, summary: str, story: str | None = None) -> Item:
        self.count += 1
        iid = f"{self.count:032x}"
        item = Item(iid, lang, title, summary, f"https://example.org/{lang}/{self.count}", story or iid)
        self.items.append(item)
        return item

    def variants(self, orig: Item, alt_title: str | None, sentences: list[str]) -> None:
        rng, lang = self.rng, orig.lang
        kinds = ["republished", "edited_title", "appended_update", "noise", "reworded", "reworded"]
        for kind in rng.sample(kinds, 3):
            title, summary = orig.title, orig.summary
            if kind == "edited_title":
                if rng.random() < 0.5:
                    title = _reword(rng, lang, title, 1)
                if title == orig.title or rng.random() < 0.5:
                    title = rng.choice(PREFIXES[lang]) + title
            elif kind == "appended_update":
                summary = f"{summary} {rng.choice(UPDATES[lang])}"
                if rng.random() < 0.5:
                    title = rng.choice(PREFIXES[lang]) + title
            elif kind == "noise":
                if lang == "ar":
                    title, summary = _diacritise(rng, title), _diacritise(rng, summary)
                else:
                    title, summary = _noise_en(rng, title), _noise_en(rng, summary)
            elif kind == "reworded":
                if alt_title and rng.random() < 0.5:
                    title = alt_title
                else:
                    title = _reword(rng, lang, title, 1)
                kept = list(sentences)
                if len(kept) > 3 and rng.random() < 0.5:
                    kept.pop(rng.randrange(len(kept)))
                elif len(kept) > 1:
                    i = rng.randrange(len(kept) - 1)
                    kept[i], kept[i + 1] = kept[i + 1], kept[i]
                summary = _reword(rng, lang, " ".join(kept), rng.randint(1, 3))
            variant = self.add(lang, title, summary, orig.story)
            self.pairs.append(Pair(orig.id, variant.id, 1, kind))

    def originals(self) -> None:
        rng = self.rng
        for lang, topics in (("en", EN), ("ar", AR)):
            for topic in topics:
                group: list[Item] = []
                for _ in range(16):
                    slots = _slots(rng, lang)
                    title, body, plan = _story(rng, lang, topic, slots)
                    orig = self.add(lang, title, body)
                    titles, sentences = topics[topic]
                    alt = _fill(titles[(plan[0] + 1) % len(titles)], slots)
                    self.variants(orig, alt, [_fill(sentences[i], slots) for i in plan[1]])
                    # A template twin: same templates, other numbers and places.
                    twin_slots = _slots(rng, lang)
                    t2, b2, _ = _story(rng, lang, topic, twin_slots, plan)
                    twin = self.add(lang, t2, b2)
                    self.pairs.append(Pair(orig.id, twin.id, 0, "template_twin"))
                    # The same place and day, another story: another headline, at most one
                    # body sentence template in common, other numbers.
                    other = _slots(rng, lang)
                    other.update(p=slots["p"], d=slots["d"])
                    unused = [i for i in range(len(sentences)) if i not in plan[1]]
                    picked = sorted(rng.sample(unused, min(len(unused), 3)) + rng.sample(plan[1], 1))
                    other_plan = ((plan[0] + 2) % len(titles), picked)
                    t3, b3, _ = _story(rng, lang, topic, other, other_plan)
                    neighbour = self.add(lang, t3, b3)
                    self.pairs.append(Pair(orig.id, neighbour.id, 0, "same_place"))
                    group.append(orig)
                # Different stories on one topic from one outlet.
                for a, b in itertools.pairwise(group):
                    self.pairs.append(Pair(a.id, b.id, 0, "same_topic"))
                for a, b in zip(group, group[2:], strict=False):
                    self.pairs.append(Pair(a.id, b.id, 0, "same_topic"))


def seed_items(seed_text: str, rng_seed: int = 7) -> tuple[list[Item], list[Pair]]:
    """Originals and variants from the seed article (rebuilt at run time, never stored)."""
    builder = _Builder()
    builder.rng = random.Random(rng_seed)
    builder.count = 1 << 120
    paras = [p.strip() for p in seed_text.splitlines() if p.strip()]
    origs = []
    for title, lo, hi in SEED_STORIES:
        body = " ".join(paras[lo:hi])
        orig = builder.add("ar", title, body)
        builder.variants(orig, None, [s.strip() + "." for s in body.split(".") if s.strip()])
        origs.append(orig)
    for i, a in enumerate(origs):
        for b in origs[i + 1 :]:
            builder.pairs.append(Pair(a.id, b.id, 0, "same_topic_seed"))
    return builder.items, builder.pairs


def build() -> tuple[list[Item], list[Pair]]:
    builder = _Builder()
    builder.originals()
    return builder.items, builder.pairs


def load(seed: Path = SEED) -> tuple[list[Item], list[Pair]]:
    """The stored set plus the seed-derived items (skipped if the seed file is absent)."""
    items: list[Item] = []
    pairs: list[Pair] = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.pop("type") == "item":
            items.append(Item(**row))
        else:
            pairs.append(Pair(**row))
    if seed.is_file():
        more_items, more_pairs = seed_items(seed.read_text(encoding="utf-8"))
        items += more_items
        pairs += more_pairs
    return items, pairs


def main() -> None:
    items, pairs = build()
    DATA.parent.mkdir(exist_ok=True)
    with DATA.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps({"type": "item", **asdict(item)}, ensure_ascii=False) + "\n")
        for pair in pairs:
            out.write(json.dumps({"type": "pair", **asdict(pair)}, ensure_ascii=False) + "\n")
    originals = sum(1 for i in items if i.story == i.id)
    print(
        f"{len(items)} items ({originals} originals + seed), {len(pairs)} pairs "
        f"({sum(p.label for p in pairs)} positive) -> {DATA}"
    )


if __name__ == "__main__":
    main()


def as_raw(row: Item, tag: str) -> RawItem:
    """A labelled row as a raw feed item with its own id, GUID and URL under `tag` (so two
    copies of one text share nothing exact but the content), for the worker and the stages."""
    from streams.dedup.identity import content_hash, digest
    from tests.support import make_raw

    url = f"https://news.example/{tag}/{row.id}"
    return make_raw(
        digest(tag, row.id),
        title=row.title,
        summary=row.summary,
        lang=row.lang,
        guid=f"urn:{tag}:{row.id}",
        url=url,
        canonical_url=url,
        content_hash=content_hash(row.title, row.summary),
    )
