"""Wirewatch: a stream processor for news wire feeds (feeds -> text -> tagging -> dedup -> alerts)."""

__version__ = "0.1.0"
