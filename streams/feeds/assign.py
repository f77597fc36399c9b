"""Which poller instance polls which feed: rendezvous hashing of the feed URL over instances.

Why static hashing and not consumer-group assignment of wire.feed-state partitions: the state
topic has one partition on purpose (a poller reads it whole at start, and per-feed order is
trivial), so a group could not split it; re-partitioning it would tie the number of pollers
to the partition count and make every rebalance stop polling while states are re-read. With
rendezvous (highest-random-weight) hashing each poller decides alone, from its index and the
count, with no coordination and no rebalance; two pollers never own the same feed, and when
the count changes only about 1/n of the feeds move. The cost: a dead poller's feeds wait until
it is restarted (`wirewatch up`, systemd or Kubernetes restart it), nobody takes them over.
Each instance has its own poller_id, hence its own transactional id and fencing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import TypeVar

from streams.settings import FeedConfig

T = TypeVar("T", bound=FeedConfig)


def owner(url: str, count: int) -> int:
    """The instance index (0..count-1) that owns the feed at `url`."""
    if count <= 1:
        return 0
    best, best_weight = 0, b""
    for index in range(count):
        weight = hashlib.blake2b(f"{index}\x00{url}".encode(), digest_size=8).digest()
        if weight > best_weight:
            best, best_weight = index, weight
    return best


def assigned(feeds: Iterable[T], index: int, count: int) -> Sequence[T]:
    """The feeds instance `index` of `count` polls, in their configured order."""
    return [feed for feed in feeds if owner(feed.url, count) == index]
