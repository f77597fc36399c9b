"""Anchors: numbers, places, countries and actors as tiny set sketches, and the guard they feed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from streams.dedup.shingles import MASK64

_MULT = 0x9E3779B97F4A7C15  # odd: the golden-ratio constant of splitmix64

# Set sketches (see `sketch`): (hashes kept at most, bits of the field). The four fields fill
# the entry's 14 anchor bytes: numbers 37 + places 34 + countries 20 + actors 20 = 111 bits.
# A few bits say how many hashes are kept; the rest holds them, as wide as they fit: one
# number gets 34 bits, two 17 each, three 11; one place 31, two 15, three 10; one country or
# actor 18, two 9. Numbers get the widest field: a numbered series ("talks on Idlib (12)",
# "(13)", ...) puts many near-identical texts under one band key, each compared with all, so a
# collision there is a false merge.
NUMBERS = (3, 37)
PLACES = (3, 34)
OTHERS = (2, 20)
NUMBER_BITS = NUMBERS[1]
OTHER_BITS = OTHERS[1]
NUMBER_MASK = (1 << NUMBER_BITS) - 1
PLACE_MASK = (1 << PLACES[1]) - 1
OTHERS_AT = NUMBER_BITS + PLACES[1]
# Numbers in the folded key (Arabic-Indic digits are already ASCII there).
NUMBER = re.compile(r"\d{1,9}")


def _header(slots: int) -> int:
    """Bits of a field's state: hashes kept, 0 .. slots, or slots + 1 for a larger set."""
    return (slots + 1).bit_length()


@lru_cache(maxsize=65_536)  # bounded: numbers are an open set
def _mixed(value: str) -> int:
    """A stable 64-bit hash of `value` (FNV-1a, then one multiply to mix the top bits)."""
    h = 0xCBF29CE484222325
    for byte in value.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & MASK64
    return (h * _MULT) & MASK64


def width(kept: int, slots: int, bits: int) -> int:
    """Bits of each kept hash in a field of `bits` bits holding `kept` of them."""
    return (bits - _header(slots)) // max(1, kept)


def sketch(values: Iterable[str], slots: int, bits: int) -> int:
    """A small set, in a field of `bits` bits, as the top bits of its `slots` smallest 64-bit
    hashes (a bottom-k sketch): the state (hashes kept, or slots + 1 for a larger set) in the
    low `_header(slots)` bits, then the kept hashes, ascending, each `width(kept)` bits wide;
    0 for the empty set.

    Why not a Bloom mask: with one bit per element in a few dozen bits, two one-place texts
    collide in 1 of 24 pairs, and "talks on a truce in Mosul" / "... in Gaza City" merge. And why
    as wide as they fit: most items name one or two places or numbers, and fixed 11-bit slots
    let one place pair in 2,047 collide. Sets of up to `slots` elements are kept exactly (up to
    a 2**-width hash collision); larger sets keep their smallest hashes, which still bound what
    they can contain (`may_nest`). Widths differ with the count, and the top bits of a hash are
    a prefix of it, so two sketches compare at the smaller width (`_common`)."""
    hashes = sorted({_mixed(v) for v in values})
    kept = hashes[:slots]
    if not kept:
        return 0
    w = width(len(kept), slots, bits)
    header = _header(slots)
    packed = slots + 1 if len(hashes) > slots else len(kept)
    for i, h in enumerate(kept):
        packed |= (h >> (64 - w)) << (header + i * w)
    return packed


@lru_cache(maxsize=65_536)
def sketch_of(values: tuple[str, ...], slots: int, bits: int) -> int:
    return sketch(values, slots, bits)  # items name the same few sets again and again


def unsketch(packed: int, slots: int, bits: int) -> tuple[tuple[int, ...], bool, int]:
    """The hashes kept in a sketch (ascending), whether the set had more than `slots`
    elements, and the hashes' width in bits."""
    header = _header(slots)
    state = packed & ((1 << header) - 1)
    kept = min(state, slots)
    w = width(kept, slots, bits)
    mask = (1 << w) - 1
    hashes = tuple((packed >> (header + i * w)) & mask for i in range(kept))
    return hashes, state > slots, w


def _common(a: int, b: int, slots: int, bits: int) -> tuple[frozenset[int], bool, frozenset[int], bool]:
    """Both sketches' kept hashes cut to the smaller of their widths, with their flags."""
    ha, more_a, wa = unsketch(a, slots, bits)
    hb, more_b, wb = unsketch(b, slots, bits)
    w = min(wa, wb)
    return (
        frozenset(h >> (wa - w) for h in ha),
        more_a,
        frozenset(h >> (wb - w) for h in hb),
        more_b,
    )


def _may_contain(big: frozenset[int], big_more: bool, small: frozenset[int]) -> bool:
    """Whether the set sketched as `big` may hold every element sketched as `small`: a kept
    element of `small` below the largest kept hash of `big` must be kept in `big` (a bottom-k
    sketch holds every element of its set up to that hash; at the cut, prefixes tie)."""
    limit = max(big) if big_more else (1 << 64)
    return all(h in big for h in small if h < limit)


def may_nest(a: int, b: int, slots: int, bits: int) -> bool:
    """Whether one of the sketched sets may hold the other (exact for small sets)."""
    sa, more_a, sb, more_b = _common(a, b, slots, bits)
    return _may_contain(sa, more_a, sb) or _may_contain(sb, more_b, sa)


def may_overlap(a: int, b: int, slots: int, bits: int) -> bool:
    """Whether the sketched sets may share an element (exact when neither is truncated)."""
    sa, more_a, sb, more_b = _common(a, b, slots, bits)
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
    countries, or actors, but none in common. Each is a `sketch` (`others` = countries <<
    OTHER_BITS | actors)."""
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
