"""Read organisations and state bodies after their trigger words (حزب …، الخارجية + a demonym)."""

from __future__ import annotations

import re

from streams.tagging.data import Trigger
from streams.tagging.pattern_text import (
    END,
    KEY,
    START,
    Found,
    Item,
    Word,
    is_arabic,
    key_before,
    slug,
    starts_with_article,
    state_body_actor,
)
from streams.tagging.records import Actor, ActorType
from streams.text.matcher import phrase_key

_MAX_ORG_WORDS = 4


def read_body(
    item: Item, start: int, words: list[Word], trigger: Trigger, adjectives: dict[str, str]
) -> Found | None:
    """A state body named by a trigger and the country's demonym after it (الخارجية الأميركية):
    the government actor of that country (`adjectives`: ISO2 -> English adjective)."""
    hit = item.known.at(words[0][START], words[0][END])
    if hit is None or hit[2] != "demonym" or hit[3] is None or hit[0] != words[0][START]:
        return None
    if _adjective_here(item.text, start):
        return None
    return Found(start, hit[1], state_body_actor(hit[3], trigger.label, adjectives))


def read_construct(
    item: Item, start: int, end: int, trigger: Trigger, adjectives: dict[str, str]
) -> Found | None:
    """A state body in construct with its country's name (حكومة السودان، جيش لبنان، وزارة
    خارجية قطر): the government actor of that country, on the body's words, so the country
    keeps its own mention (NewsFANE labels السودان there a Nation)."""
    hit = item.known.next_to(item.text, end)
    if hit is None or hit[2] != "place" or hit[3] is None or not item.known.country_at(hit[0]):
        return None  # (a city's or a region's body is not its country's: برلمان كردستان)
    return Found(start, end, state_body_actor(hit[3], trigger.label, adjectives))


# A one-word body (الخارجية، الداخلية، البحرية) is also an adjective, and after a definite
# noun it is one: السياسة الخارجية الأمريكية "US foreign policy", الجبهة الداخلية "the home
# front". القوات البحرية is the navy itself.
_NOUNS_OF_BODIES = frozenset({"القوات"})


def _adjective_here(text: str, start: int) -> bool:
    """True if the trigger at `start` follows a definite noun it qualifies."""
    if not text.startswith("ال", start):
        return False  # (with a preposition, للداخلية, it is the ministry: التابعة للداخلية)
    key = key_before(text, start)
    return key is not None and key.startswith("ال") and key not in _NOUNS_OF_BODIES


def read_org(
    item: Item,
    start: int,
    end: int,
    words: list[Word],
    trigger: Trigger,
    not_names: frozenset[str],
    bodies: frozenset[str] = frozenset(),
) -> Found | None:
    """An organisation whose name the trigger word opens (حزب العدالة والتنمية، حركة حماس):
    the trigger and up to `_MAX_ORG_WORDS` words after it; None if a listed actor follows.

    An ال-word joined by و goes on with the name after another ال-word (وزارة الطاقة والمعادن،
    منظمة الأغذية والزراعة), unless it opens a body of its own or is a not_name (`bodies`:
    الجيش، الحكومة، الذي …; وزارة الدفاع والجيش are two) or a known name.
    """
    text = item.text
    at = item.known.at
    english = not is_arabic(text[start])
    # A head that ends with an ال-word is a whole construct (المجلس، مجلس الوزراء), as is a
    # head and its first word (وزارة الطاقة): only adjectives (الأعلى، اللبناني) go on.
    head_definite = starts_with_article(phrase_key(text[start:end]).rpartition(" ")[2])
    country: str | None = None
    stop = end
    taken = 0
    # The words so far end with an ال-word (a whole construct: مجلس الوزراء، وزارة الطاقة):
    # an adjective or an ال-word joined by و may follow, no other word.
    last_definite = head_definite
    joined = False  # the word before was a lone و that joins this one (و المعادن)
    read = words[:_MAX_ORG_WORDS]
    for n, word in enumerate(read):
        w_start, w_end, key, glued = word
        if not glued:
            break
        if joined:
            joined = False
            stop = w_end
            taken += 1
            continue
        if last_definite and taken and not english and key[:1] == "و":
            if key == "و":  # segmented (و المعادن): the next word decides
                after = read[n + 1] if n + 1 < len(read) else None
                if after is None or not _joins(item, after[START], after[END], after[KEY], bodies):
                    break
                joined = True
                continue
            if not _joins(item, w_start, w_end, key[1:], bodies):
                break
            stop = w_end
            taken += 1
            continue
        hit = at(w_start, w_end)
        if hit is not None and hit[2] == "actor":
            return None
        # (a demonym or an adjective before the word lists: الأمريكي، الأعلى، الوطني are
        # not_names, as no person's name word, but go on with a body's name)
        if key in not_names and (hit is None or hit[2] != "demonym") and not _adjective_shaped(key):
            break
        if english:
            if not text[w_start].isupper():
                break
        elif starts_with_article(key):
            if last_definite and hit is None and not _adjective_shaped(key):
                # After a whole construct only adjectives go on with it, not the noun after
                # it (مجلس الوزراء التزام، وزارة الاقتصاد والتجارة ألقى …).
                break
        elif key.startswith("لل"):
            pass
        elif taken or head_definite:
            break  # after the first word only the article's words continue a name
        elif trigger.proper is False and hit is None and key.startswith("و"):
            break
        if taken == 0 and not english:
            definite = starts_with_article(key)
            if (trigger.proper and definite) or (trigger.definite and not definite):
                return None
        if hit is not None:
            country = hit[3] or country
            stop = max(stop, hit[1])
        stop = max(stop, w_end)
        taken += 1
        last_definite = not english and starts_with_article(key)
    if taken == 0 and not trigger.alone:
        return None
    surface = text[start:stop]
    ident = slug(surface)
    if not ident:
        return None
    kind: ActorType = trigger.type
    return Found(start, stop, Actor(ident, surface, kind, country))


def _joins(item: Item, start: int, end: int, key: str, bodies: frozenset[str]) -> bool:
    """True if the ال-word `key` at [start, end), after و, goes on with a body's name."""
    return starts_with_article(key) and key not in bodies and item.known.at(start, end) is None


_NISBA_ENDINGS = ("ي", "يه", "يين", "يون")  # (keys: ة folds to ه) الإسلامي، الوطنية، …
_ELATIVE_LETTERS = 4  # الأعلى، العليا، الكبرى: four letters after the article
_MIN_NISBA_STEM = 4  # (with the ي) العربي yes; الذي، التي، التقى "met" end as a nisba does


def _adjective_shaped(key: str) -> bool:
    """True if an ال-word has an adjective's shape: a nisba (التشريعي، اللبنانية), a
    participle (المتحدة، المسلحة) or an elative (الأعلى، العليا), as opposed to a noun that
    merely starts with the article's letters (التزام، الإنتاج) or the article and a noun."""
    if not starts_with_article(key):
        return False
    stem = key[2:]
    if (stem.endswith(_NISBA_ENDINGS) and len(stem) >= _MIN_NISBA_STEM) or stem.startswith("م"):
        return True
    return len(stem) == _ELATIVE_LETTERS and (stem[0] == "ا" or stem[-1] in "اي")


# A country's possessive in English ("Sudan's army"): the apostrophes news writes.
_POSSESSIVES = ("'s ", "\u2019s ")
_BODY_WORD = re.compile(r"[a-z]+(?: [a-z]+)?", re.IGNORECASE)


def has_possessive(text: str) -> bool:
    """True if `text` holds a possessive ("Sudan's"), where `possessive_bodies` may read one."""
    return _POSSESSIVES[0] in text or _POSSESSIVES[1] in text


def possessive_bodies(
    text: str,
    countries: list[tuple[int, str]],
    bodies: dict[str, str],
    stops: frozenset[str],
    adjectives: dict[str, str],
) -> list[Found]:
    """English state bodies named with their country's possessive: "Sudan's army", "Iran's
    foreign ministry" — the government actor the demonym order names (Sudanese army), on the
    body's words alone, so the country keeps its own mention.

    `countries`: (end, ISO2) of each country mention; `bodies`: body phrase -> label (army,
    foreign ministry); `stops`: words after which the body word is part of a title or of
    another body (Sudan's army chief, Mali's military government), so no actor is read.
    """
    out: list[Found] = []
    for end, code in countries:
        if not text.startswith(_POSSESSIVES, end):
            continue
        start = end + 3
        run = _BODY_WORD.match(text, start)
        if run is None:
            continue
        words = run.group().lower().split(" ")
        # the longest body phrase (foreign ministry before ministry), then what follows it
        for n in (2, 1):
            if len(words) < n or " ".join(words[:n]) not in bodies:
                continue
            phrase = " ".join(words[:n])
            stop = start + len(phrase)
            after = text[stop : stop + 1]
            if after.isalnum() or (n < len(words) and words[n] in stops):
                break  # inside a longer word, or a title (army chief) or a body after it
            nxt = _BODY_WORD.match(text, stop + 1) if after == " " else None
            if nxt is not None and nxt.group().lower().split(" ")[0] in stops:
                break
            out.append(Found(start, stop, state_body_actor(code, bodies[phrase], adjectives)))
            break
    return out


def demonym_next(item: Item, pos: int) -> bool:
    """True if the first known mention after `pos` is a country's demonym: a state body's
    reading (`read_body`) needs one as the next word, so most end here unread.

    (No mention ends between a trigger and the word after it: only whitespace is there.)
    """
    hit = item.known.at(pos, len(item.text) + 1)
    return hit is not None and hit[2] == "demonym" and hit[3] is not None
