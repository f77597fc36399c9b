"""Text handling shared by every stage: normalisation, HTML to text, language, phrase matching."""

from streams.text.html import html_to_text
from streams.text.lang import detect_language
from streams.text.matcher import Match, PhraseMatcher, longest_non_overlapping, phrase_key
from streams.text.normalize import Normalized, normalize

__all__ = [
    "Match",
    "Normalized",
    "PhraseMatcher",
    "detect_language",
    "html_to_text",
    "longest_non_overlapping",
    "normalize",
    "phrase_key",
]
