"""Names that are a facility's, not a person's: مستشفى كمال عدوان، مطار رفيق الحريري، Trump Tower."""

from __future__ import annotations

import re

from streams.tagging.neighbours import cancel_points
from streams.tagging.sources import Entry
from streams.text.matcher import Match

# One or two Capitalised words after a space (a facility's name after a person's), and the
# words that may come before the facility word (Rafic Hariri International Airport).
_CAPITALISED_RUN = re.compile(r" (([A-Z][\w'-]*)(?: ([A-Z][\w'-]*))?)")
_FACILITY_QUALIFIERS = frozenset({"International", "Memorial", "Medical", "Grand", "Convention", "Cultural"})
_PERSON_ROLES = frozenset({"title", "given"})  # the roles of triggers that read a person


def facility_points(
    text: str, facilities: list[int], triggers: list[Match[Entry]], between: frozenset[str]
) -> tuple[set[int], set[int]]:
    """Where the names that are facilities' start, as (the starts of the titles and given
    names in them, where no person is read; every point where a word of one starts).

    A name starts right after an Arabic facility noun ending at one of `facilities`
    (مستشفى كمال عدوان); a title there may be followed by another title or a given name
    (قاعة الشيخ عبد الله، مستشفى الشهيد محمد …), a given name by another given name
    (… محمد يوسف النجار); past whitespace only, so a name after a comma is no longer the
    facility's. `triggers` are in text order, so the chain grows as it is walked.
    """
    points = cancel_points(text, facilities, between)
    after_given: set[int] = set()  # points right after a given name in a facility's name
    named: set[int] = set()
    for match in triggers:
        start = match.start
        if start not in points and start not in after_given:
            continue
        roles = {m.payload.trigger.role for m in triggers if m.extent == match.extent and m.payload.trigger}
        if roles == {"given"} or (roles <= _PERSON_ROLES and roles and start in points):
            named.add(start)
            end = match.end
            pos = end
            while pos < len(text) and text[pos].isspace():
                pos += 1
            if pos > end:
                (after_given if roles == {"given"} else points).add(pos)
    return named, points | after_given


def names_a_facility(match: Match[Entry], points: set[int]) -> bool:
    """True if `match` is a listed person's name that starts a facility's name (مطار رفيق
    الحريري، مطار حيدر علييف): the facility's, not the person's mention."""
    actor = match.payload.actor
    return actor is not None and actor.type == "person" and match.extent[0] in points


def without_facility_names(
    text: str, resolved: list[Match[Entry]], facilities: frozenset[str]
) -> list[Match[Entry]]:
    """`resolved` without the listed people whose name begins an English facility's (Trump
    Tower, Heydar Aliyev Center, Rafic Hariri International Airport): a facility word
    (patterns.yaml facilities after_names) right after it or after one qualifier."""
    dropped: list[Match[Entry]] | None = None
    for match in resolved:
        end = match.end
        if text[end : end + 1] != " " or not text[end + 1 : end + 2].isupper():
            continue  # (nearly every name: two slices and no lookup)
        actor = match.payload.actor
        if actor is None or actor.type != "person":
            continue
        words = _CAPITALISED_RUN.match(text, end)
        if words is not None and (
            words[2].casefold() in facilities
            or (words[2] in _FACILITY_QUALIFIERS and (words[3] or "").casefold() in facilities)
        ):
            dropped = [match] if dropped is None else [*dropped, match]
    if dropped is None:
        return resolved
    return [m for m in resolved if m not in dropped]
