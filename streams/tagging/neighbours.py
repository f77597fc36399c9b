"""Readings the words next to a name decide: another name's part, a club, an adjective, a cued place."""

from __future__ import annotations

from streams.tagging.cues import CueReader
from streams.tagging.pattern_text import key_before
from streams.tagging.patterns import Found
from streams.tagging.records import Mention
from streams.tagging.sources import Entry
from streams.text.matcher import Match, phrase_key
from streams.text.matchkey import MatchKey

_BETWEEN_CHECKED = 0x3001  # characters below this are checked for `between_chars`
MASCULINE_NISBA = "ي"  # last letter of a masculine singular nisba's key (الإسباني)
CLUB_GAP = 3  # most characters (whitespace) between a club's place name and its nisba
_FEMININE_ENDINGS = ("ه", "ات")  # keys of feminine nouns (ة folds to ه) and their plurals
# Keys of words with the article's letters that are no nouns: relative pronouns, إلى، إلا، الآن.
# fmt: off
_NOT_NOUNS = frozenset({
    "التي", "الذي", "الذين", "اللذين", "اللتين", "اللذان", "اللتان", "اللاتي", "اللواتي",
    "الي", "الا", "الان",
})
# fmt: on
_ARTICLE = "ال"
_JOINS = frozenset({"و", "أو", "او"})  # و and أو standing apart (segmented text)
# How an ال-word starts, with its proclitics (لل: ل + ال, the article's alef dropped).
_DEFINITE = ("ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وبال", "فبال")
_SINGULAR_NISBA = ("ي", "يه")  # keys' endings of singular nisbas (السوري، السوريه: ة folds)


def between_chars() -> frozenset[str]:
    """Characters between a not_after word and a place that the key drops or folds into the
    space between words: whitespace, separators, deleted marks ("lake -", "نهرِ")."""
    return frozenset(ch for ch in map(chr, range(_BETWEEN_CHECKED)) if not phrase_key(ch))


def cancel_points(text: str, ends: list[int], between: frozenset[str]) -> set[int]:
    """Where a place starting would be part of another name (نهر النيجر, أولمبيك خريبكة).

    `ends` are the ends of the not_after words the automaton found; a place is theirs if it
    starts right after one, past whitespace, separators or marks only, the last of them
    whitespace (نهر النيجر، ملعب " الإمارات; not نهر-النيجر); `between` holds the characters
    allowed between (see `between_chars`).
    """
    size = len(text)
    points = set()
    for end in ends:
        pos = end
        while pos < size and text[pos] in between:
            pos += 1
        if pos > end and text[pos - 1].isspace():
            points.add(pos)
    return points


def names_a_club(text: str, place: Match[Entry], nisba: Match[Entry]) -> bool:
    """A place name right before a country's masculine nisba (برشلونة الإسباني، قطر القطري،
    هامبورغ الألماني) names a club: a city or a country without the article is feminine in
    Arabic, so a masculine adjective there agrees with an unnamed نادي/فريق, not the place.
    Names with the article may be masculine themselves (الجولان السوري) and are kept.
    """
    if place.payload.kind != "place" or nisba.extent[0] != nisba.start:
        return False
    gap = text[place.end : nisba.start]
    if not gap.isspace():
        return False
    key = place.normalized
    # ل + ال keeps one lam in the key (للمغرب -> لمغرب): definite too.
    return not key.startswith(_ARTICLE) and not (key[0] == "ل" and place.start > place.extent[0])


def agrees_as_adjective(text: str, match: Match[Entry]) -> bool:
    """A name that is also a feminine nisba (السعودية) reads as the adjective right after a
    definite feminine or plural noun it agrees with (العاصمة السعودية، المحادثات الإسرائيلية
    السعودية); after a masculine one it is the country (زار الوفد السعودية)."""
    start = match.extent[0]
    if start != match.start:
        return False
    key = key_before(text, start)
    return (
        key is not None
        and key.startswith(_ARTICLE)
        and key.endswith(_FEMININE_ENDINGS)
        and key not in _NOT_NOUNS
    )


def cued_places(
    reader: CueReader,
    folded: MatchKey,
    cues: list[Match[Entry]],
    resolved: list[Match[Entry]],
    found: list[Found],
) -> list[Mention]:
    """Unlisted places named right after a cue word (بلدة بنديرادلي; see cues.py)."""
    text = folded.original
    out: list[Mention] = []
    i, size = 0, len(resolved)  # cues and resolved extents are both in text order
    for cue in cues:
        lo = min(cue.start, cue.extent[0])
        while i < size and resolved[i].extent[1] <= lo:
            i += 1
        # A name over the cue or right after it was read already (مدينة الصدر, بلدة صور).
        if i < size and resolved[i].extent[0] <= cue.end + 1:
            continue
        for start, end in reader.read(folded, cue.start, cue.end, cue.payload.ref):
            while i < size and resolved[i].extent[1] <= start:
                i += 1
            if i < size and resolved[i].extent[0] < end:
                break  # a name read already: this one, and any after it, are no cue's
            if found and any(f.start < end and lo < f.end for f in found):
                break
            surface = text[start:end]
            out.append(Mention(start, end, surface, "place", phrase_key(surface), None))
            lo = end  # the second name of a pair: checked from the first's end
    return out


def without_surnames(
    text: str, resolved: list[Match[Entry]], given: list[Match[Entry]]
) -> list[Match[Entry]]:
    """`resolved` without the places that are surnames: a city or region of one word right
    after an English given name and a space (George Washington, Whitney Houston, Jack London),
    which the given name's reading then takes in. Not a country (a given name that is a place
    too may stand before one: Lake Victoria Uganda), nor where the given name is inside a
    name itself, nor a name of several words (New York)."""
    starts = {m.end + 1: m for m in given if text[m.end : m.end + 1] == " "}
    dropped: list[Match[Entry]] | None = None
    reach = -1  # the end of the last name before
    for match in resolved:
        name = starts.get(match.extent[0])
        if (
            name is not None
            and match.payload.kind == "place"
            and match.payload.ref != match.payload.country  # (no country: Lake Victoria Uganda)
            and match.start == match.extent[0]
            and " " not in match.text
            and reach <= name.start
        ):
            dropped = [match] if dropped is None else [*dropped, match]
        reach = match.extent[1]
    if dropped is None:
        return resolved
    return [m for m in resolved if m not in dropped]


def may_stand_as_noun(text: str, match: Match[Entry]) -> bool:
    """True if the demonym `match` is a singular nisba with the article (السويسري، للصربي)
    and not an adjective of the noun before it, so that a name may follow it."""
    key = match.normalized
    if not key.endswith(_SINGULAR_NISBA):
        return False
    proclitics = text[match.extent[0] : match.start]
    if not (key.startswith(_ARTICLE) or (key[0] == "ل" and proclitics.endswith("ل"))):
        return False  # (the article: للصربي is ل + الصربي, its key لصربي)
    # بالإسباني "in Spanish"; after an ال-noun, an adjective (الإدارة الأمريكية تعول)
    return "ب" not in proclitics and not _qualifies_a_noun(text, match.extent[0])


def _qualifies_a_noun(text: str, pos: int) -> bool:
    """True if the word before `pos` is an ال-noun a nisba there may qualify (الإدارة
    الأمريكية، بالإدارة الأمريكية), past و or أو joining two nisbas (الفلسطينية و المصرية،
    الأوروبية أو الأمريكية), read off the text's letters: cheaper than keying the word."""
    if pos < 2 or text[pos - 1] != " ":
        return False
    start = text.rfind(" ", 0, pos - 1) + 1
    if pos - start <= 3 and text[start : pos - 1] in _JOINS:
        return _qualifies_a_noun(text, start)
    return text.startswith(_DEFINITE, start)
