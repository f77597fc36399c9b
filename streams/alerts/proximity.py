"""Proximity for rules: do the required concepts occur in one sentence, or within N words?"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from functools import cached_property

from streams.records.models import Match

_WORD = re.compile(r"\w+")
# Sentence ends: Latin and Arabic full stops, question marks (؟ U+061F), exclamation marks,
# the Urdu full stop (۔ U+06D4), and line breaks (headline / paragraph boundaries).
_SENTENCE_END = re.compile(r"[.!?\u061f\u06d4\n]+")


class Positions:
    """Word and sentence index of any character offset in one text, computed once per text."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _word_starts(self) -> list[int]:
        return [m.start() for m in _WORD.finditer(self.text)]

    @cached_property
    def _sentence_ends(self) -> list[int]:
        return [m.end() for m in _SENTENCE_END.finditer(self.text)]

    def word(self, offset: int) -> int:
        return bisect_right(self._word_starts, offset)

    def sentence(self, offset: int) -> int:
        return bisect_right(self._sentence_ends, offset)


def _group(match: Match, all_: Sequence[str]) -> str:
    # Every `any` concept counts as one requirement: "one of these".
    return match.concept if match.concept in all_ else "\0any"


def within(
    matches: Sequence[Match],
    all_: Sequence[str],
    any_: Sequence[str],
    near: str | int,
    positions: Positions,
) -> tuple[Match, ...] | None:
    """The evidence of the first place where every requirement is met within `near`, or None.

    Requirements: each concept of `all_`, plus one concept of `any_` if it is not empty.
    `near` is "sentence" (all in one sentence) or a number of words (from the first word of
    the earliest match to the first word of the latest, inclusive distance).
    """
    needed = set(all_) | ({"\0any"} if any_ else set())
    relevant = [m for m in matches if m.concept in all_ or m.concept in any_]
    if near == "sentence":
        by_sentence: dict[int, list[Match]] = {}
        for m in relevant:
            by_sentence.setdefault(positions.sentence(m.start), []).append(m)
        for index in sorted(by_sentence):
            group = by_sentence[index]
            if {_group(m, all_) for m in group} >= needed:
                return tuple(sorted(group, key=lambda m: m.start))
        return None

    assert isinstance(near, int)
    ordered = sorted(relevant, key=lambda m: m.start)
    words = [positions.word(m.start) for m in ordered]
    counts: Counter[str] = Counter()
    lo = 0
    for hi, match in enumerate(ordered):
        counts[_group(match, all_)] += 1
        while words[hi] - words[lo] > near:
            counts[_group(ordered[lo], all_)] -= 1
            lo += 1
        if all(counts[n] > 0 for n in needed):
            return tuple(ordered[lo : hi + 1])
    return None
