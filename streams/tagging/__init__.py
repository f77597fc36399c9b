"""Tag news text with the countries, places, regions and actors it mentions (Arabic and English)."""

from streams.tagging.records import Actor, Mention, Tags
from streams.tagging.tagger import Tagger

__all__ = ["Actor", "Mention", "Tagger", "Tags"]
