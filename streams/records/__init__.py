"""Typed records that cross topic boundaries, their JSON round-trips and schema validation."""

from streams.records.codec import dumps, loads
from streams.records.models import Alert, DeadLetter, Duplicate, FeedRef, Item, Match, RawItem
from streams.records.schema import decode, validate

__all__ = [
    "Alert",
    "DeadLetter",
    "Duplicate",
    "FeedRef",
    "Item",
    "Match",
    "RawItem",
    "decode",
    "dumps",
    "loads",
    "validate",
]
