"""Build evaluation docs for tests: tokens are a text's single-space-separated words."""

from __future__ import annotations

from streams.evaluation.scoring import Doc


def spaced_doc(text: str, gold: list[tuple[tuple[int, int], str]]) -> Doc:
    """A doc whose tokens are `text`'s single-space-separated words, with `gold` token spans."""
    offsets, pos = [], 0
    for word in text.split(" "):
        offsets.append((pos, pos + len(word)))
        pos += len(word) + 1
    return Doc(text, offsets, gold)
