"""Tag a text: find gazetteer names, resolve ambiguity, and report countries, places, regions, actors."""

from __future__ import annotations

from functools import cache

from streams.tagging.data import Trigger
from streams.tagging.gazetteer import Gazetteer, build_gazetteer
from streams.tagging.patterns import Found, Known
from streams.tagging.records import Mention, MentionKind, Tags
from streams.tagging.sources import Entry
from streams.text.lang import detect_language
from streams.text.matcher import Match, longest_non_overlapping, phrase_key

_ROLE_ORDER = {"body": 0, "org": 1, "title": 2, "speech": 3}
_LOOK_BACK = 24


def _case_ok(match: Match[Entry]) -> bool:
    case = match.payload.case
    if case == "upper":
        return match.text == match.text.upper()
    if case == "title":
        return match.text[:1].isupper()
    return True


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

    @classmethod
    def default(cls) -> Tagger:
        """The tagger over the shipped data, compiled on first use and then cached."""
        return _default()

    def tag(self, text: str, lang: str | None = None) -> Tags:
        """Tag `text`; `lang` is the feed's declared language, if any (used as a hint)."""
        found = [m for m in self._gazetteer.matcher.find(text) if _case_ok(m)]
        triggers = [m for m in found if m.payload.kind == "trigger"]
        if triggers:
            found = [m for m in found if m.payload.kind != "trigger"]
        groups: dict[tuple[int, int], list[Match[Entry]]] = {}
        for match in longest_non_overlapping(found):
            groups.setdefault(match.extent, []).append(match)
        groups = {k: g for k, g in groups.items() if all(m.payload.kind != "block" for m in g)}
        if self._gazetteer.not_after:
            groups = {k: g for k, g in groups.items() if not self._cancelled(text, k[0], g)}
        context: set[str] = set()
        for group in groups.values():
            countries = {m.payload.country for m in group}
            if len(countries) == 1 and None not in countries:
                context.update(c for c in countries if c)
        resolved: list[tuple[Match[Entry], Entry]] = []
        for group in groups.values():
            entry = _choose([m.payload for m in group], context)
            resolved.append((next(m for m in group if m.payload is entry), entry))
        found_actors = self._patterns(text, triggers, resolved) if triggers else []
        return self._tags(text, lang, resolved, found_actors)

    def _cancelled(self, text: str, start: int, group: list[Match[Entry]]) -> bool:
        """A place right after a not_after word (نهر النيجر, أولمبيك خريبكة) is part of another name."""
        if all(m.payload.kind != "place" for m in group):
            return False
        window = text[max(0, start - _LOOK_BACK) : start]
        if not window[-1:].isspace():
            return False
        words = window.split()
        return bool(words) and phrase_key(words[-1]) in self._gazetteer.not_after

    def _patterns(
        self, text: str, triggers: list[Match[Entry]], resolved: list[tuple[Match[Entry], Entry]]
    ) -> list[Found]:
        """Actors found by the patterns around trigger words (see patterns.py)."""
        known = [Known(m.start, m.end, e.kind, e.country) for m, e in resolved]
        taken = [m.extent for m, _ in resolved]
        out: list[Found] = []
        by_extent: dict[tuple[int, int], list[Trigger]] = {}
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        for match in longest_non_overlapping(triggers):
            if match.payload.trigger is not None:
                by_extent.setdefault(match.extent, []).append(match.payload.trigger)
                spans[match.extent] = (match.start, match.end)
        for extent, roles in by_extent.items():
            start, end = spans[extent]
            if any(start < hi and lo < end for lo, hi in taken):
                continue  # a trigger word inside a name (حزب in حزب الله)
            if out and start < out[-1].end:
                continue
            roles.sort(key=lambda t: _ROLE_ORDER[t.role])
            for role in roles:
                hit = self._gazetteer.patterns.read(text, start, end, role, known)
                if hit is not None:
                    out.append(hit)
                    break
        return out

    def _tags(
        self,
        text: str,
        lang: str | None,
        resolved: list[tuple[Match[Entry], Entry]],
        found: list[Found],
    ) -> Tags:
        # A pattern's span replaces the names it contains (السودان in حركة تحرير السودان).
        if found:
            resolved = [
                (m, e) for m, e in resolved if not any(f.start <= m.start and m.end <= f.end for f in found)
            ]
        entries = [entry for _, entry in resolved]
        countries = {e.country for e in entries if e.kind != "actor" and e.country}
        countries.update(f.actor.country for f in found if f.actor.country and f.actor.type == "government")
        places = {e.place for e in entries if e.place}
        actors = {e.actor.id: e.actor for e in entries if e.actor}
        actors.update((f.actor.id, f.actor) for f in found)
        listed = [_mention(m, e) for m, e in resolved]
        listed += [_found_mention(text, f) for f in found]
        mentions = sorted(listed, key=lambda m: (m.start, m.end))
        return Tags(
            lang=detect_language(text, lang),
            countries=tuple(sorted(countries)),
            places=tuple(sorted(places)),
            regions=self._gazetteer.regions(countries),
            actors=tuple(actors[k] for k in sorted(actors)),
            mentions=tuple(mentions),
        )


def _mention(match: Match[Entry], entry: Entry) -> Mention:
    if entry.actor is not None:
        actor = entry.actor
        return Mention(match.start, match.end, match.text, "actor", actor.id, actor.country, actor.type)
    kind: MentionKind = "demonym" if entry.kind == "demonym" else "place"
    return Mention(match.start, match.end, match.text, kind, entry.ref, entry.country)


def _found_mention(text: str, found: Found) -> Mention:
    actor = found.actor
    surface = text[found.start : found.end]
    return Mention(found.start, found.end, surface, "actor", actor.id, actor.country, actor.type)


@cache
def _default() -> Tagger:
    return Tagger(build_gazetteer())
