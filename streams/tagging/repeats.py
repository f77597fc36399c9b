"""Tag the other mentions, in one text, of people a pattern named: the full name or the surname.

News introduces a person once with a title (الرئيس الفرنسي إيمانويل ماكرون, President
Emmanuel Macron) and then writes the name bare (ماكرون, Macron). Once a pattern has found
the full name, its other occurrences in the same text are the same person: the full name,
or the last word of a name of two words or more. Matching is on the text's matching key,
as whole words; Arabic occurrences may carry proclitics (وماكرون، لماكرون، للأسد), and
English ones must be capitalised.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from streams.tagging.patterns import Found
from streams.tagging.records import Actor
from streams.text.matcher import Match, phrase_key
from streams.text.matchkey import MatchKey

# Proclitics an Arabic name may carry (conjunction, then preposition), as in the matcher.
_PROCLITICS = frozenset(c + p for c in ("", "و", "ف") for p in ("", "ب", "ك", "ل"))
# Before a name that starts with the article, ل + ال is written لل: only و or ف may precede.
_LAM_PROCLITICS = frozenset(("", "و", "ف"))
_MIN_SURNAME_LETTERS = 3  # shorter last words are too often words or particles
# Regnal numbers end names but name no one alone (بندكتوس السادس, Charles III).
_ORDINALS = frozenset(
    phrase_key(w)
    for w in (
        "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن",
        "التاسع", "العاشر", "II", "III", "IV", "Jr", "Sr",
    )
)  # fmt: skip


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "\u0640"


@lru_cache(maxsize=4096)
def name_keys(surface: str, stop: frozenset[str]) -> tuple[str, ...]:
    """The keys a person found as `surface` is written with later: full name, then surname
    (cached: the same people are named over and over).

    The surname is the last word of a name of two words or more, unless it is short, a
    regnal number, one of `stop` (connectors and not_names keys: بن, al), or follows a
    connector (حشر بن مكتوم آل مكتوم: مكتوم alone is the family).
    """
    full = phrase_key(surface)
    words = full.split(" ")
    last = words[-1]
    if (
        len(words) > 1
        and len(last) >= _MIN_SURNAME_LETTERS
        and last not in stop
        and last not in _ORDINALS
        and words[-2] not in stop
    ):
        return full, last
    return (full,)


def _occurrences(key: str, name: str) -> Iterator[tuple[int, int]]:
    """Key spans [start, end) of `name` as a whole word in `key`, proclitics left out."""
    arabic = _is_arabic(name[0])
    forms = [(name, _PROCLITICS if arabic else frozenset(("",)), 0)]
    if arabic and name.startswith("ال"):
        forms.append(("ل" + name[1:], _LAM_PROCLITICS, 1))  # للأسد: the article's lam stays
    for form, proclitics, skip in forms:
        pos = key.find(form)
        while pos >= 0:
            end = pos + len(form)
            start = pos
            while start and _is_word_char(key[start - 1]):
                start -= 1
            if key[start:pos] in proclitics and (end == len(key) or not _is_word_char(key[end])):
                yield pos + skip, end
            pos = key.find(form, end)


def with_repeats(
    folded: MatchKey, found: Sequence[Found], known: Sequence[Match[Any]], stop: frozenset[str]
) -> list[Found]:
    """`found` plus the other mentions of its people outside the finds and the `known`
    mentions (the gazetteer's, read only if a name recurs); a person a pattern found under
    one of another's names (وأضاف هافيستو after وزير الخارجية الألماني بيكا هافيستو) becomes
    that person."""
    for f in found:
        if f.more:  # people listed after one (rare): add them all
            found = _with_listed(found)
            break
    people = [f for f in found if f.actor.type == "person"]
    if not people:
        return list(found)
    text, key = folded.original, folded.key
    # Longest names first, and the first to claim a name keeps it, so a surname found
    # alone joins the full name.
    if len(people) == 1:  # the usual case
        person = people[0]
        keys = name_keys(text[person.start : person.end], stop)
        out = list(found)
        # The full name holds the surname: it recurs only if the surname does (its ل-form
        # too: للوليد بن طلال holds طلال), so one count often settles both.
        if len(keys) == 2 and not _may_recur(key, keys[1]):
            return out
        again = [(name, person.actor) for name in keys if _may_recur(key, name)]
    else:
        names: dict[str, Actor] = {}
        full_names: dict[int, str] = {}  # a person's start -> full name (finds never overlap)
        for person in sorted(people, key=_longest_first):
            keys = name_keys(text[person.start : person.end], stop)
            full_names[person.start] = keys[0]
            for name in keys:
                names.setdefault(name, person.actor)
        out = [_as_named(f, names, full_names) for f in found]
        again = [(name, actor) for name, actor in names.items() if _may_recur(key, name)]
    if not again:
        return out
    occupied = [(m.start, m.end) for m in known]
    occupied += [(f.start, f.end) for f in out]  # (listed people among them)
    for name, actor in again:
        for i, j in _occurrences(key, name):
            start, end = folded.span(i, j)
            if not _is_arabic(name[0]) and not text[start].isupper():
                continue  # English names are capitalised: "Ms Brown" is not "brown"
            if any(lo < end and start < hi for lo, hi in occupied):
                continue
            occupied.append((start, end))
            out.append(Found(start, end, actor))
    return out


def _may_recur(key: str, name: str) -> bool:
    """True if `name` may occur in `key` again: most names occur once, as found, and one
    C-level count rules them out."""
    return key.count(name) > 1 or (name.startswith("ال") and "ل" + name[1:] in key)


def _with_listed(found: Sequence[Found]) -> list[Found]:
    """`found` with the people listed after each (`Found.more`) that overlap no other find."""
    spans = [(f.start, f.end) for f in found]
    out = list(found)
    for f in found:
        for listed in f.more:
            if not any(lo < listed.end and listed.start < hi for lo, hi in spans):
                spans.append((listed.start, listed.end))
                out.append(listed)
    return out


def _longest_first(found: Found) -> int:
    return found.start - found.end


def _as_named(found: Found, names: dict[str, Actor], full_names: dict[int, str]) -> Found:
    """`found`, as the person whose name it is, if it is one of `names`."""
    if found.actor.type != "person":
        return found
    actor = names.get(full_names[found.start], found.actor)
    return found if actor is found.actor else found._replace(actor=actor)
