"""What a rule's filters look at: an item's tags, language and feed."""

from __future__ import annotations

from dataclasses import dataclass

from streams.alerts.rules import Filters


@dataclass(frozen=True)
class ItemContext:
    """The tag side of an item, as rule filters see it."""

    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset()  # actor ids
    lang: str | None = None
    feed_url: str | None = None
    feed_name: str | None = None

    def passes(self, filters: Filters) -> bool:
        """True if every filter given has at least one of its values in the item's tags."""
        if filters.countries and not self.countries.intersection(filters.countries):
            return False
        if filters.regions and not self.regions.intersection(filters.regions):
            return False
        if filters.actors and not self.actors.intersection(filters.actors):
            return False
        if filters.lang and self.lang not in filters.lang:
            return False
        return not filters.feeds or bool({self.feed_url, self.feed_name} & set(filters.feeds))
