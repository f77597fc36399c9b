"""`wirewatch feeds status`: what the poller knows about each feed, from wire.feed-state."""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from streams.feeds.feedlist import configured_feeds
from streams.feeds.state import FeedState
from streams.feeds.store import load_states
from streams.settings import Settings


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value is not None else "-"


def status_lines(settings: Settings, states: dict[str, FeedState]) -> list[str]:
    """One line per configured feed (and per feed with state that is no longer configured)."""
    header = f"{'feed':<40} {'last fetch':<20} {'status':>6} {'items':>6} {'errors':>6} {'next due':<20}"
    lines = [header]
    names = {feed.url: feed.name or feed.url for feed in configured_feeds(settings)}
    for url in [*names, *sorted(set(states) - set(names))]:
        state = states.get(url) or FeedState(url=url)
        label = names.get(url, f"(not configured) {url}")
        status = str(state.last_status) if state.last_status is not None else "-"
        lines.append(
            f"{label[:40]:<40} {_when(state.last_fetch):<20} {status:>6} {state.items_published:>6} "
            f"{state.error_streak:>6} {_when(state.next_due):<20}"
        )
        if state.last_error and state.error_streak:
            lines.append(f"{'':<40} last error: {state.last_error[:120]}")
        if state.moved_to:
            lines.append(f"{'':<40} moved permanently to: {state.moved_to[:120]}")
        if state.anomaly:
            lines.append(f"{'':<40} anomalies: {state.anomalies}, last: {state.anomaly[:120]}")
    return lines


def run_status(settings: Settings, out: TextIO) -> int:
    for line in status_lines(settings, load_states(settings)):
        print(line, file=out)
    return 0
