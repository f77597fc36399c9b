"""Anchors: numbers, places, countries and actors as tiny set sketches, and the guard they feed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from streams.dedup.shingles import MASK64

_MULT = 0x9E3779B97F4A7C15  # odd: the golden-ratio constant of splitmix64

# Set sketches (see `sketch`): numbers keep 3 slots of 14 bits, places 3 of 11, countries and
# actors 2 of 8. Numbers get the widest slots: a numbered series ("talks on Idlib (12)",
# "(13)", ...) puts many near-identical texts under one band key, each compared with all.
NUMBERS = (3, 14)
NUMBER_BITS = NUMBERS[0] * NUMBERS[1] + 1
PLACES = (3, 11)
OTHERS = (2, 8)
OTHER_BITS = OTHERS[0] * OTHERS[1] + 1
PLACE_MASK = (1 << (PLACES[0] * PLACES[1] + 1)) - 1
NUMBER_MASK = (1 << NUMBER_BITS) - 1
OTHERS_AT = NUMBER_BITS + PLACES[0] * PLACES[1] + 1
# Numbers in the folded key (Arabic-Indic digits are already ASCII there).
NUMBER = re.compile(r"\d{1,9}")


@lru_cache(maxsize=65_536)  # bounded: numbers are an open set
def _slot_hash(value: str, bits: int) -> int:
    h = 0xCBF29CE484222325  # FNV-1a, as above
    for byte in value.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & MASK64
    return 1 + (((h * _MULT) & MASK64) * ((1 << bits) - 1) >> 64)  # 1 .. 2**bits - 1; 0 = empty


def sketch(values: Iterable[str], slots: int, bits: int) -> int:
    """A small set as the `slots` smallest of its `bits`-bit hashes (a bottom-k sketch), sorted,
    slot i in bits [i*bits, (i+1)*bits), plus a flag bit above them when the set had more.

    Why not a Bloom mask: with one bit per element in a few dozen bits, two one-place texts
    collide in 1 of 24 pairs, and "talks on a truce in Mosul" / "... in Gaza City" merge. Sets
    of up to `slots` elements are kept exactly (up to a 1/2**bits hash collision); larger sets
    keep their smallest hashes, which still bound what they can contain (`may_nest`)."""
    hashes = sorted({_slot_hash(v, bits) for v in values})
    packed = 0
    for i, h in enumerate(hashes[:slots]):
        packed |= h << (i * bits)
    if len(hashes) > slots:
        packed |= 1 << (slots * bits)
    return packed


@lru_cache(maxsize=65_536)
def sketch_of(values: tuple[str, ...], slots: int, bits: int) -> int:
    return sketch(values, slots, bits)  # items name the same few sets again and again


def unsketch(packed: int, slots: int, bits: int) -> tuple[frozenset[int], bool]:
    """The hashes kept in a sketch and whether the set had more than `slots` elements."""
    mask = (1 << bits) - 1
    kept = frozenset(h for i in range(slots) if (h := (packed >> (i * bits)) & mask))
    return kept, bool(packed >> (slots * bits))


def _may_contain(big: frozenset[int], big_more: bool, small: frozenset[int]) -> bool:
    """Whether the set sketched as `big` may hold every element sketched as `small`: a kept
    element of `small` at or below the largest kept hash of `big` must be kept in `big` (a
    bottom-k sketch holds every element of its set up to that hash)."""
    limit = max(big) if big_more else (1 << 62)
    return all(h in big for h in small if h <= limit)


def may_nest(a: int, b: int, slots: int, bits: int) -> bool:
    """Whether one of the sketched sets may hold the other (exact for small sets)."""
    (sa, more_a), (sb, more_b) = unsketch(a, slots, bits), unsketch(b, slots, bits)
    return _may_contain(sa, more_a, sb) or _may_contain(sb, more_b, sa)


def may_overlap(a: int, b: int, slots: int, bits: int) -> bool:
    """Whether the sketched sets may share an element (exact when neither is truncated)."""
    (sa, more_a), (sb, more_b) = unsketch(a, slots, bits), unsketch(b, slots, bits)
    return more_a or more_b or bool(sa & sb)


def numbers_sketch(text: str) -> int:
    """The `sketch` of the numbers in `text` ("07" and "7" are one number)."""
    found = NUMBER.findall(text)
    if not found:
        return 0
    return number_sketch(str(int(d)) for d in found)


def number_sketch(numbers: Iterable[str]) -> int:
    """The `sketch` of a text's numbers, given as canonical strings (with repeats)."""
    return sketch_of(tuple(sorted(set(numbers))), *NUMBERS)


@lru_cache(maxsize=65_536)  # a query meets the same stored anchors under several keys
def guards_pass(
    a_numbers: int,
    a_places: int,
    a_others: int,
    b_numbers: int,
    b_places: int,
    b_others: int,
    strict_places: bool = True,
) -> bool:
    """False when the anchors say two texts are different stories, whatever their words:
    both carry numbers but none in common; both name places but neither set holds the other
    (or, not strict, none in common), or (strict) only one of them names any place; both name
    countries, or actors, but none in common. Each is a `sketch` (`others` = countries << 17 |
    actors)."""
    if a_numbers and b_numbers and not may_overlap(a_numbers, b_numbers, *NUMBERS):
        return False
    if strict_places and bool(a_places) != bool(b_places):
        return False  # one text names a place, the other none: they differ where it is named
    if a_places and b_places:
        if strict_places:
            if not may_nest(a_places, b_places, *PLACES):
                return False
        elif not may_overlap(a_places, b_places, *PLACES):
            return False
    low = (1 << OTHER_BITS) - 1
    for a, b in ((a_others >> OTHER_BITS, b_others >> OTHER_BITS), (a_others & low, b_others & low)):
        if a and b and not may_overlap(a, b, *OTHERS):
            return False
    return True
