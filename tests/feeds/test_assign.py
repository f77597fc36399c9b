"""Rendezvous assignment of feeds to poller instances."""

from __future__ import annotations

from streams.feeds.assign import assigned, owner
from streams.settings import FeedConfig

URLS = [f"https://news{i % 97}.example/feed/{i}" for i in range(3000)]


def test_every_feed_has_exactly_one_owner_and_shares_are_even() -> None:
    feeds = [FeedConfig(url=u) for u in URLS]
    parts = [assigned(feeds, index, 3) for index in range(3)]
    urls = [f.url for part in parts for f in part]
    assert sorted(urls) == sorted(URLS)
    assert all(850 <= len(part) <= 1150 for part in parts)


def test_adding_an_instance_moves_only_its_share() -> None:
    before = {u: owner(u, 3) for u in URLS}
    after = {u: owner(u, 4) for u in URLS}
    moved = [u for u in URLS if before[u] != after[u]]
    assert all(after[u] == 3 for u in moved)  # feeds only move to the new instance
    assert 0.18 * len(URLS) <= len(moved) <= 0.32 * len(URLS)


def test_one_instance_owns_everything() -> None:
    assert {owner(u, 1) for u in URLS} == {0}
