"""Read organisations and state bodies after their trigger words (حزب …، الخارجية + a demonym)."""

from __future__ import annotations

from streams.tagging.data import Trigger
from streams.tagging.pattern_text import (
    END,
    START,
    Found,
    Item,
    Word,
    is_arabic,
    key_before,
    slug,
    starts_with_article,
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
    country = hit[3]
    name = f"{adjectives.get(country, country)} {trigger.label}"
    actor = Actor(f"{country.lower()}-{slug(trigger.label)}", name, "government", country)
    return Found(start, hit[1], actor)


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
    item: Item, start: int, end: int, words: list[Word], trigger: Trigger, not_names: frozenset[str]
) -> Found | None:
    """An organisation whose name the trigger word opens (حزب العدالة والتنمية، حركة حماس):
    the trigger and up to `_MAX_ORG_WORDS` words after it; None if a listed actor follows."""
    text = item.text
    at = item.known.at
    english = not is_arabic(text[start])
    # A head that ends with an ال-word is a whole construct (المجلس، مجلس الوزراء): only
    # ال-words (adjectives: الأعلى، اللبناني) go on with it, not the noun after (تأجيل).
    head_definite = starts_with_article(phrase_key(text[start:end]).rpartition(" ")[2])
    country: str | None = None
    stop = end
    taken = 0
    for word in words[:_MAX_ORG_WORDS]:
        w_start, w_end, key, glued = word
        if not glued:
            break
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
            if head_definite and not _adjective_shaped(key):
                break  # a noun after the whole construct: مجلس الوزراء التزام …
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
    if taken == 0 and not trigger.alone:
        return None
    surface = text[start:stop]
    ident = slug(surface)
    if not ident:
        return None
    kind: ActorType = trigger.type
    return Found(start, stop, Actor(ident, surface, kind, country))


_NISBA_ENDINGS = ("ي", "يه", "يين", "يون")  # (keys: ة folds to ه) الإسلامي، الوطنية، …
_ELATIVE_LETTERS = 4  # الأعلى، العليا، الكبرى: four letters after the article
_MIN_NISBA_STEM = 3  # الذي، التي end as a nisba does


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


def demonym_next(item: Item, pos: int) -> bool:
    """True if the first known mention after `pos` is a country's demonym: a state body's
    reading (`read_body`) needs one as the next word, so most end here unread.

    (No mention ends between a trigger and the word after it: only whitespace is there.)
    """
    hit = item.known.at(pos, len(item.text) + 1)
    return hit is not None and hit[2] == "demonym" and hit[3] is not None
