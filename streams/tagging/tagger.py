"""Tag a text: find gazetteer names, resolve ambiguity, and report countries, places, regions, actors."""

from __future__ import annotations

from bisect import bisect_right
from functools import cache
from operator import attrgetter

from streams.tagging.data import Trigger
from streams.tagging.facilities import facility_points, names_a_facility, without_facility_names
from streams.tagging.gazetteer import Gazetteer, build_gazetteer
from streams.tagging.neighbours import (
    CLUB_GAP,
    MASCULINE_NISBA,
    agrees_as_adjective,
    between_chars,
    cancel_points,
    cued_places,
    may_stand_as_noun,
    names_a_club,
    without_surnames,
)
from streams.tagging.organisations import has_possessive
from streams.tagging.pattern_text import Item, KnownSpans
from streams.tagging.patterns import Found, PatternReader
from streams.tagging.records import Actor, Mention, MentionKind, Tags
from streams.tagging.repeats import with_repeats
from streams.tagging.sources import TIER_PLACE, Entry
from streams.text.lang import detect_language
from streams.text.matcher import Match, longest_non_overlapping
from streams.text.matchkey import MatchKey

_ROLE_ORDER = {"body": 0, "org": 1, "title": 2, "speech": 3, "given": 4}
_REGION_CACHE_SIZE = 4096
_NAME_KINDS = frozenset({"place", "demonym", "actor", "block"})
# The first letters of the words after which a nisba reads no name: ا (the article; a name
# with a hamza seat stays, أ إ) and و.
_NO_NAME_INITIALS = frozenset({"ا", "و"})
_mention_order = attrgetter("start", "end")
# Mention's and Tags' own __new__ is a Python function; this is the C one (a mention per name
# found, a Tags per text).
_new_mention = tuple.__new__
_start = attrgetter("start")


def _choose(readings: list[Entry], context: set[str]) -> Entry:
    """One reading of an ambiguous piece of text.

    Readings in a country the text mentions unambiguously come first (أريحا is Ariha in a
    story about Idlib, Jericho in one about the West Bank); then the better tier (a country
    over a curated place over an actor over a demonym over a GeoNames city), then the larger
    population.
    """
    in_context = [r for r in readings if r.country in context]
    pool = in_context or readings
    return min(pool, key=lambda r: (r.rank, r.ref))


class Tagger:
    """Tags texts against one compiled gazetteer; safe to share between threads."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        self._region_cache: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._between = between_chars()  # see neighbours.cancel_points

    @classmethod
    def default(cls) -> Tagger:
        """The tagger over the shipped data, compiled on first use and then cached."""
        return _default()

    def tag(self, text: str, lang: str | None = None) -> Tags:
        """Tag `text`; `lang` is the feed's declared language, if any (used as a hint)."""
        gazetteer = self._gazetteer
        names: list[Match[Entry]] = []
        triggers: list[Match[Entry]] = []
        cues: list[Match[Entry]] | None = None  # rare: made on the first
        after: list[int] | None = None  # ends of the not_after words found (نهر، مطار)
        located: list[int] | None = None  # of those whose facility is in the place (مطار)
        facilities: list[int] | None = None  # ends of Arabic facility nouns (مستشفى، جسر)
        latin_given: list[Match[Entry]] | None = None  # English given names before a Capital
        folded = MatchKey(text)
        for match in gazetteer.matcher.find_in(folded):
            entry = match.payload
            case = entry.case
            if case is not None:  # an English name's case: "US" in capitals, "Jordan" capitalised
                surface = match.text
                if case == "upper" and surface != surface.upper():
                    continue
                if case == "title" and not surface[:1].isupper():
                    continue
            kind = entry.kind
            if kind in _NAME_KINDS:  # nearly every match: one set lookup
                names.append(match)
            elif kind == "trigger":
                if match.text[0] < "\u0600":
                    if not _may_read_latin(match, text):
                        continue  # (English given names are frequent words too; most open nothing)
                    if entry.trigger is not None and entry.trigger.role == "given":
                        latin_given = [match] if latin_given is None else [*latin_given, match]
                triggers.append(match)
            elif kind == "after":
                if after is None:
                    after = []
                after.append(match.end)
                if entry.ref:  # "located": مطار، جامعة …
                    located = [match.end] if located is None else [*located, match.end]
            elif kind == "facility":
                facilities = [match.end] if facilities is None else [*facilities, match.end]
            elif cues is None:  # "cue"
                cues = [match]
            else:
                cues.append(match)
        groups = _groups(names)
        # Where a place would be part of another name (after نهر، مطار): only if the text has one.
        cancel_at = cancel_points(text, after, self._between) if after is not None else None
        located_at = cancel_points(text, located, self._between) if located is not None else None
        # Places found to be part of another name (ملعب سانتياغو برنابيو): no patterns there.
        parts: list[Match[Entry]] | None = None
        # The countries of those inside a located facility's name (مطار دمشق: SY).
        part_codes: set[str] | None = None
        context: set[str] = set()
        nisbas: list[Match[Entry]] | None = None  # singular Arabic nisbas (الهولندي، للصربي)
        # A lone reading is resolved at once; an ambiguous group holds its place until every
        # unambiguous country (the context) is known. A resolved match's payload is its reading.
        resolved: list[Match[Entry]] = []
        ambiguous: list[tuple[int, list[Match[Entry]]]] = []
        for group in groups:
            if len(group) == 1:
                match = group[0]
                entry = match.payload
                kind = entry.kind
                if kind == "place":  # the most frequent kind: one comparison
                    if cancel_at and match.extent[0] in cancel_at:
                        parts = [match] if parts is None else [*parts, match]
                        if (
                            located_at
                            and match.extent[0] in located_at
                            and (code := _located_country([entry]))
                        ):
                            part_codes = {code} if part_codes is None else part_codes | {code}
                        continue
                    if entry.context_only:  # decided once the context is known
                        ambiguous.append((len(resolved), group))
                        resolved.append(match)
                        continue
                elif kind == "demonym":
                    if (
                        text[match.end : match.end + 1] == " "
                        and (initial := text[match.end + 1 : match.end + 2]).isalpha()
                        and initial not in _NO_NAME_INITIALS
                        and may_stand_as_noun(text, match)
                    ):
                        # A singular nisba may stand as a noun before a name (السويسري فيدرر):
                        # not before punctuation, a number, an ال-word or a و-word.
                        nisbas = [match] if nisbas is None else [*nisbas, match]
                    if (
                        resolved
                        and match.start - resolved[-1].end <= CLUB_GAP  # right after a name
                        and match.normalized[-1] == MASCULINE_NISBA
                        and names_a_club(text, resolved[-1], match)
                    ):
                        # A club named after its city (برشلونة الإسباني): no place.
                        if ambiguous and ambiguous[-1][0] == len(resolved) - 1:
                            ambiguous.pop()
                        resolved.pop()
                elif kind == "block":
                    continue
                if entry.country:
                    context.add(entry.country)
                resolved.append(match)
            else:
                payloads = [m.payload for m in group]
                if any(e.kind == "block" for e in payloads):
                    continue
                if cancel_at and group[0].extent[0] in cancel_at and any(e.kind == "place" for e in payloads):
                    parts = [group[0]] if parts is None else [*parts, group[0]]
                    if (
                        located_at
                        and group[0].extent[0] in located_at
                        and (code := _located_country(payloads))
                    ):
                        part_codes = {code} if part_codes is None else part_codes | {code}
                    continue
                countries = {e.country for e in payloads}
                if len(countries) == 1 and None not in countries and not payloads[0].context_only:
                    context.update(c for c in countries if c)
                ambiguous.append((len(resolved), group))
                resolved.append(group[0])
        dropped: list[int] | None = None
        nisba_names = gazetteer.nisba_names
        for i, group in ambiguous:
            payloads = [m.payload for m in group]
            if payloads[0].context_only and not any(e.country in context for e in payloads):
                # عمان with neither Jordan nor Oman named: no reading
                dropped = [i] if dropped is None else [*dropped, i]
                continue
            entry = _choose(payloads, context)
            # السعودية is Saudi Arabia, or "Saudi" after a feminine noun (العاصمة السعودية).
            if (
                group[0].normalized in nisba_names
                and entry.kind == "place"
                and agrees_as_adjective(text, group[0])
            ):
                entry = next(e for e in payloads if e.kind == "demonym")
            resolved[i] = next(m for m in group if m.payload is entry)
        if dropped is not None:
            resolved = [m for i, m in enumerate(resolved) if i not in dropped]
        # Where a person's name would name a facility (مستشفى كمال عدوان، مطار رفيق الحريري):
        # only if the text has a facility noun.
        in_facility: set[int] | None = None  # the starts of titles and given names in one
        if facilities is not None:
            in_facility, points = facility_points(text, facilities, triggers, self._between)
            resolved = [m for m in resolved if not names_a_facility(m, points)]
        if not folded.plain_arabic:  # (English facilities are named after the person: Trump Tower)
            resolved = without_facility_names(text, resolved, gazetteer.patterns.after_names)
        if latin_given is not None:  # a place after an English given name is a surname
            resolved = without_surnames(text, resolved, latin_given)
        found_actors = (
            self._patterns(folded, triggers, resolved, parts, in_facility, nisbas)
            if triggers or nisbas
            else []
        )
        if found_actors:
            found_actors = with_repeats(folded, found_actors, resolved, self._gazetteer.patterns.name_stop)
        # Sudan's army (English; a scan of the whole text, so not in plain Arabic ones)
        if not folded.plain_arabic and has_possessive(text):
            found_actors = self._possessive_bodies(text, resolved, found_actors)
        reader = gazetteer.cues
        cued = cued_places(reader, folded, cues, resolved, found_actors) if cues and reader else None
        tags = self._tags(text, lang, resolved, found_actors, cued, plain_arabic=folded.plain_arabic)
        return self._with_countries(tags, part_codes) if part_codes else tags

    def _patterns(
        self,
        folded: MatchKey,
        triggers: list[Match[Entry]],
        resolved: list[Match[Entry]],
        parts: list[Match[Entry]] | None = None,
        in_facility: set[int] | None = None,
        nisbas: list[Match[Entry]] | None = None,
    ) -> list[Found]:
        """Actors found by the patterns around trigger words (see patterns.py); `parts` are
        places read as part of another name (a stadium's, a river's), where none is read;
        `in_facility` the starts of the titles and given names in a facility's name, which
        read no person (`facilities.facility_points`); `nisbas` singular nisbas, after which a name
        may follow (`PatternReader.after_nisba`)."""
        extent_ends = [m.extent[1] for m in resolved]
        count = len(resolved)
        original = folded.original
        item: Item | None = None
        reader = self._gazetteer.patterns
        out: list[Found] = []
        reach = -1  # the end of the last find, or of the last person listed after it
        bodies: list[Match[Entry]] | None = None  # the organisation and body triggers, once asked
        # `_groups` is `longest_non_overlapping` grouped by extent, without its sort when the
        # triggers don't overlap (nearly always).
        for group in _groups(triggers) if len(triggers) > 1 else [triggers] if triggers else ():
            last = group[-1]
            start, end = last.start, last.end
            if start < reach:
                continue  # inside a name read before, or a person listed after it
            if in_facility and start in in_facility:
                continue
            i = bisect_right(extent_ends, start)  # extents are sorted and disjoint
            name = resolved[i] if i < count else None
            if name is not None and name.extent[0] < end:
                continue  # a trigger word inside a name (حزب in حزب الله)
            if parts is not None and any(p.extent[0] < end and start < p.extent[1] for p in parts):
                continue  # inside another name's part (سانتياغو in ملعب سانتياغو برنابيو)
            # (the name's extent first: one comparison rules out nearly every trigger)
            if name is not None and name.extent[0] == end + 1 and _opens(group, name, end, original):
                # A given name right before a listed person (محمد + حسني مبارك) is part of
                # the name: the listed actor's mention takes it in.
                resolved[i] = name._replace(
                    start=start, text=original[start : name.end], extent=(start, name.extent[1])
                )
                continue
            if item is None:
                item = _item(folded, resolved, parts)
            if len(group) == 1:  # one trigger word nearly always: no list of roles
                trigger = last.payload.trigger
                hit = reader.read(item, start, end, trigger) if trigger is not None else None
            else:  # several readings, tried in role order
                hit = None
                for trigger in _roles(group):
                    hit = reader.read(item, start, end, trigger)
                    if hit is not None:
                        break
            if hit is not None:
                if (
                    len(triggers) > 1
                    and (hit.start > end + 1 or " " in last.text)
                    and hit.actor.type == "person"
                ):
                    # Bodies named in the title or between it and the name (المتحدث باسم وزارة
                    # الداخلية X، رئيس مجلس النواب X): actors of the story too.
                    if bodies is None:
                        bodies = _body_triggers(triggers)
                    if bodies:
                        out += _bodies_in(reader, item, bodies, start + 1, end, hit.start)
                out.append(hit)
                reach = hit.more[-1].end if hit.more else hit.end
            elif len(triggers) > 1 and " " in last.text:
                # A title that names no one may end in a body's name (رئيس مجلس النواب،
                # رئيس المجلس التشريعي): the body is read from where its head starts.
                if bodies is None:
                    bodies = _body_triggers(triggers)
                inner = _bodies_in(reader, item, bodies, start + 1, end) if bodies else None
                if inner:
                    out += inner
                    reach = inner[-1].end
        if nisbas is not None:
            out = self._after_nisbas(folded, resolved, parts, nisbas, out, item)
        return out

    def _after_nisbas(
        self,
        folded: MatchKey,
        resolved: list[Match[Entry]],
        parts: list[Match[Entry]] | None,
        nisbas: list[Match[Entry]],
        found: list[Found],
        item: Item | None,
    ) -> list[Found]:
        """`found` with the people named right after a nisba that stands as a noun (السويسري
        روجيه فيدرر), where no find covers them (a title's reading: الرئيس الفرنسي ماكرون)."""
        reader = self._gazetteer.patterns
        extra: list[Found] = []
        for match in nisbas:
            start, end = match.start, match.end
            if any(f.start <= end and start < f.end for f in found):
                continue  # inside a find
            if item is None:
                item = _item(folded, resolved, parts)
            hit = reader.after_nisba(item, start, end, match.payload.country)
            if hit is not None and not any(f.start < hit.end and hit.start < f.end for f in found):
                extra.append(hit)
        return sorted([*found, *extra], key=_start) if extra else found

    def _tags(
        self,
        text: str,
        lang: str | None,
        resolved: list[Match[Entry]],
        found: list[Found],
        cued: list[Mention] | None,
        *,
        plain_arabic: bool = False,
    ) -> Tags:
        # A pattern's span replaces the names it contains (السودان in حركة تحرير السودان).
        # A person's never contains one: the readers stop at a known name, and repeats skip
        # every known span; so only the other spans are checked (people are most finds).
        spans = [(f.start, f.end) for f in found if f.actor.type != "person"] if found else None
        if spans:
            if len(spans) == 1:  # the usual case: one comparison per name, no generator
                lo, hi = spans[0]
                resolved = [m for m in resolved if not (lo <= m.start and m.end <= hi)]
            else:
                kept = []
                for m in resolved:
                    for lo, hi in spans:
                        if lo <= m.start and m.end <= hi:
                            break
                    else:
                        kept.append(m)
                resolved = kept
        countries: set[str] = set()
        places: set[str] = set()
        actors: dict[str, Actor] = {}
        mentions: list[Mention] = []
        new = _new_mention
        for match in resolved:
            entry = match.payload
            actor = entry.actor
            if actor is not None:
                actors[actor.id] = actor
                mentions.append(
                    new(
                        Mention,
                        (match.start, match.end, match.text, "actor", actor.id, actor.country, actor.type),
                    )
                )
            else:
                kind: MentionKind = "demonym" if entry.kind == "demonym" else "place"
                mentions.append(
                    new(Mention, (match.start, match.end, match.text, kind, entry.ref, entry.country, None))
                )
            # A state body stands for its state (the Kremlin, the Israeli army), as a pattern's does
            # below; a person or a group does not.
            if entry.country and (actor is None or actor.type == "government"):
                countries.add(entry.country)
            if entry.place:
                places.add(entry.place)
        if found:
            for f in found:  # (`_found_mention` inlined: a call per find costs as much as the rest)
                actor = f.actor
                if actor.country and actor.type == "government":
                    countries.add(actor.country)
                actors[actor.id] = actor
                start, end = f.start, f.end
                mentions.append(
                    new(Mention, (start, end, text[start:end], "actor", actor.id, actor.country, actor.type))
                )
        if cued:  # None or a list, maybe empty
            mentions += cued
        if found or cued:
            mentions.sort(key=_mention_order)
        codes = tuple(sorted(countries))
        return new(
            Tags,
            (
                detect_language(text, lang, plain_arabic=plain_arabic),
                codes,
                tuple(sorted(places)) if places else (),
                self._regions(codes),
                tuple(map(actors.__getitem__, sorted(actors))) if actors else (),
                tuple(mentions),
            ),
        )

    def _possessive_bodies(self, text: str, resolved: list[Match[Entry]], found: list[Found]) -> list[Found]:
        """`found` with the state bodies named after a country's possessive (Sudan's army)."""
        countries = [
            (m.end, entry.ref)
            for m in resolved
            if (entry := m.payload).kind == "place" and entry.ref == entry.country
        ]
        extra = self._gazetteer.patterns.possessive_bodies(text, countries) if countries else None
        if not extra:
            return found
        return sorted([*found, *extra], key=_start)

    def _with_countries(self, tags: Tags, codes: set[str]) -> Tags:
        """`tags` with the countries of the places inside a located facility's name (مطار
        دمشق، جامعة القاهرة; stoplist.yaml `located`): no place mention, but the item is
        about that country."""
        if codes <= set(tags.countries):
            return tags
        countries = tuple(sorted(codes.union(tags.countries)))
        return tags._replace(countries=countries, regions=self._regions(countries))

    def _regions(self, codes: tuple[str, ...]) -> tuple[str, ...]:
        """The gazetteer's regions of the sorted country `codes`, cached per tuple (there are
        few distinct ones; the sorted tuple is made anyway, a frozenset would cost one more)."""
        regions = self._region_cache.get(codes)
        if regions is None:
            regions = self._gazetteer.regions(codes)
            if len(self._region_cache) >= _REGION_CACHE_SIZE:
                self._region_cache.clear()
            self._region_cache[codes] = regions
        return regions


# Letters that open the particles of an English name after a given name (al-, bin, de …).
_PARTICLE_INITIALS = frozenset("abdeilv")  # (capitals pass as Capitalised)


def _may_read_latin(trigger: Match[Entry], text: str) -> bool:
    """False where an English given name cannot open a name, checked on the text alone: no word
    after it that is Capitalised or a particle (Sarah Khatib, Tamim bin Hamad); nor a title in
    lower case (official, president: frequent words) with no Capitalised word or "of" after it."""
    found = trigger.payload.trigger
    if found is None:
        return True
    role = found.role
    if role == "given":
        end = trigger.end
        return text[end : end + 1] == " " and (
            text[end + 1 : end + 2].isupper() or text[end + 1 : end + 2] in _PARTICLE_INITIALS
        )
    if role == "title" and trigger.text[0].islower():
        end = trigger.end  # (of: the leader of Hezbollah Naim Qassem)
        return text[end : end + 1] == " " and (
            text[end + 1 : end + 2].isupper() or text.startswith("of ", end + 1)
        )
    return True


def _groups(names: list[Match[Entry]]) -> list[list[Match[Entry]]]:
    """The longest non-overlapping matches, as groups of readings of one extent, in text order.

    The same as grouping `longest_non_overlapping(names)` by extent: when extents are
    disjoint or nested (the usual case: "New York" holds "York"), that keeps the outermost
    ones, sorted by (extent start, start), so `names` (sorted by extent start, longest first)
    only needs cutting into runs, dropping each extent that lies inside the one before.
    """
    groups: list[list[Match[Entry]]] = []
    extent: tuple[int, int] | None = None
    reach = -1
    several: list[list[Match[Entry]]] | None = None  # groups of several readings (rare)
    for match in names:
        this = match.extent
        if this == extent:
            group = groups[-1]
            group.append(match)
            if len(group) == 2:
                several = [group] if several is None else [*several, group]
            continue
        start, end = this
        if end <= reach and start < end:
            continue  # inside the last extent kept, which is longer: longest first drops it
        if start < reach or start >= end:
            groups = []  # a partial overlap (or an empty extent): the general path
            break
        extent = this
        reach = end
        groups.append([match])
    else:
        if several is not None:
            for group in several:
                group.sort(key=_start)
        return groups
    extent = None
    for match in longest_non_overlapping(names):
        if match.extent == extent:
            groups[-1].append(match)
        else:
            extent = match.extent
            groups.append([match])
    return groups


def _opens(group: list[Match[Entry]], name: Match[Entry], end: int, text: str) -> bool:
    """True if the given name ending at `end` (a trigger group of one) opens `name`, a
    listed person's mention one space after it with no proclitic: محمد + حسني مبارك."""
    if name.extent[0] != end + 1 or name.start != end + 1 or text[end] != " " or len(group) != 1:
        return False
    trigger, actor = group[0].payload.trigger, name.payload.actor
    return trigger is not None and trigger.role == "given" and actor is not None and actor.type == "person"


def _body_triggers(triggers: list[Match[Entry]]) -> list[Match[Entry]]:
    """The triggers that open an organisation's or a state body's name."""
    out = []
    for match in triggers:
        trigger = match.payload.trigger
        if trigger is not None and (trigger.role == "org" or trigger.role == "body"):
            out.append(match)
    return out


def _bodies_in(
    reader: PatternReader,
    item: Item,
    triggers: list[Match[Entry]],
    lo: int,
    title_end: int,
    name_start: int | None = None,
) -> list[Found]:
    """Organisations and state bodies read from `triggers` (their heads: `_body_triggers`)
    that start in a title's words (from `lo` to `title_end`) or after them, up to the name at
    `name_start` if one follows.

    In the title's own words only organisation heads count (رئيس مجلس النواب): a state body
    there is the title's adjective (وزير الخارجية التركي: the minister is Turkish, not the
    ministry). With no name after the title, only those are read, and may run past it.
    """
    out: list[Found] = []
    pos = lo
    hi = title_end if name_start is None else name_start
    for match in triggers:
        start = match.start
        trigger = match.payload.trigger
        if start < pos or start >= hi or trigger is None:
            continue
        if trigger.role == "body" and start < title_end:
            continue  # (`triggers` hold organisation heads and bodies only)
        found = reader.read(item, start, match.end, trigger)
        if found is not None and (name_start is None or found.end <= name_start):
            out.append(found)
            pos = found.end
    return out


def _item(folded: MatchKey, resolved: list[Match[Entry]], parts: list[Match[Entry]] | None) -> Item:
    """The text as the pattern readers see it, with the names found in it; a reading stops at
    a part of another name (`parts`) as at a name (kind "block")."""
    if parts is None:  # (a copy: a given name may extend a mention in `resolved` later)
        return Item(folded.original, KnownSpans.of_matches(list(resolved)), folded)
    known = [(m.start, m.end, m.payload.kind, m.payload.country) for m in resolved]
    known = sorted([*known, *((p.start, p.end, "block", None) for p in parts)])
    return Item(folded.original, known, folded)


def _roles(group: list[Match[Entry]]) -> list[Trigger]:
    """The triggers of several readings of one trigger word, in role order."""
    roles = [trigger for m in group if (trigger := m.payload.trigger) is not None]
    return sorted(roles, key=_role_rank)


def _role_rank(trigger: Trigger) -> int:
    return _ROLE_ORDER[trigger.role]


def _located_country(readings: list[Entry]) -> str | None:
    """The country a place inside a located facility's name names, if its readings agree on
    one: a country's or a curated place's (مطار دمشق، بنك فرنسا), not a context-only name's
    nor a GeoNames city's or subdivision's, which are as often a saint's or a person's name
    there (ملعب سانتياغو برنابيو، جامعة جورج تاون، مستشفى سانت توماس)."""
    codes = {
        e.country
        for e in readings
        if e.kind == "place" and e.country is not None and not e.context_only and e.rank[0] <= TIER_PLACE
    }
    return codes.pop() if len(codes) == 1 else None


@cache
def _default() -> Tagger:
    return Tagger(build_gazetteer())
