"""New-item selection: stable ids, fallback keys against identity storms, the per-poll cap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streams.feeds.newitems import fallback_key, select_new
from streams.feeds.parse import ParsedEntry, ParsedFeed
from streams.feeds.state import FeedState
from streams.settings import FeedConfig

NOW = datetime(2020, 2, 21, 16, 0, tzinfo=UTC)
FEED = FeedConfig(url="https://wire.example/rss", name="Wire")


def entry(n: int, *, guid: str | None = None, link: str | None = "", age_min: int = 0) -> ParsedEntry:
    return ParsedEntry(
        guid=guid if guid is not None else f"g{n}",
        link=f"https://wire.example/story/{n}" if link == "" else link,
        title=f"Story {n}",
        summary=f"Text of story {n}.",
        published=NOW - timedelta(minutes=age_min + n),
        updated=None,
    )


def doc(*entries: ParsedEntry) -> ParsedFeed:
    return ParsedFeed(entries=entries, version="rss20")


def remembered(state: FeedState, parsed: ParsedFeed, when: datetime = NOW, **kw: int) -> FeedState:
    new = select_new(FEED, parsed, state, when, max_new=kw.get("max_new", 200))
    return state.succeeded(
        now=when,
        status=200,
        etag=None,
        last_modified=None,
        seen_ids=new.seen_ids,
        seen_keys=new.seen_keys,
        published=len(new.fresh),
        entries=len(parsed.entries),
        interval=60,
        anomaly=new.anomaly,
    )


def test_first_poll_publishes_everything_oldest_first() -> None:
    new = select_new(FEED, doc(*(entry(n) for n in range(5))), FeedState(url=FEED.url), NOW, max_new=200)
    assert [i.title for i in new.fresh] == [f"Story {n}" for n in (4, 3, 2, 1, 0)]
    assert new.anomaly is None and len(new.seen_ids) == len(new.seen_keys) == 5


def test_regenerated_guids_without_links_are_recognised_by_content() -> None:
    first = doc(*(entry(n, link=None) for n in range(6)))
    state = remembered(FeedState(url=FEED.url), first)
    regenerated = doc(*(entry(n, guid=f"new-{n}", link=None) for n in range(6)))
    new = select_new(FEED, regenerated, state, NOW + timedelta(minutes=1), max_new=200)
    assert new.fresh == []


def test_rewritten_query_strings_and_guids_are_recognised_by_link_path() -> None:
    first = doc(*(entry(n, link=f"https://wire.example/story/{n}?sid=aaa") for n in range(6)))
    state = remembered(FeedState(url=FEED.url), first)
    rewritten = doc(
        *(entry(n, guid=f"x{n}", link=f"https://wire.example/story/{n}?sid=bbb") for n in range(6))
    )
    assert select_new(FEED, rewritten, state, NOW + timedelta(minutes=1), max_new=200).fresh == []
    # ... while a genuinely new story among them is still published.
    rewritten = doc(entry(99, link="https://wire.example/story/99?sid=ccc"), *rewritten.entries[:5])
    assert [i.title for i in select_new(FEED, rewritten, state, NOW, max_new=200).fresh] == ["Story 99"]


def test_total_turnover_is_an_anomaly_and_old_dated_entries_are_taken_as_known() -> None:
    state = remembered(FeedState(url=FEED.url), doc(*(entry(n) for n in range(6))))
    later = NOW + timedelta(hours=1)
    # Everything renamed: new guids, new link paths, new titles; but dated as before ...
    storm = doc(*(entry(n + 100, link=f"https://wire.example/v2/{n}", age_min=-95) for n in range(5)))
    storm = doc(
        ParsedEntry("fresh", "https://wire.example/fresh", "Fresh", "", later, None),  # ... except one
        *storm.entries,
    )
    new = select_new(FEED, storm, state, later, max_new=200)
    assert [i.title for i in new.fresh] == ["Fresh"]
    assert new.anomaly is not None and "all 6 entries" in new.anomaly
    assert len(new.seen_ids) == 6  # the renamed ones are remembered: not published next time either


def test_cap_publishes_the_newest_and_remembers_the_rest() -> None:
    flood = doc(*(entry(n) for n in range(50)))
    new = select_new(FEED, flood, FeedState(url=FEED.url), NOW, max_new=10)
    assert [i.title for i in new.fresh] == [f"Story {n}" for n in range(9, -1, -1)]
    assert new.anomaly == "50 new items in one poll: published the newest 10"
    assert len(new.seen_ids) == 50
    state = remembered(FeedState(url=FEED.url), flood, max_new=10)
    assert state.anomalies == 1 and state.anomaly == new.anomaly
    assert select_new(FEED, flood, state, NOW, max_new=10).fresh == []


def test_same_title_at_different_paths_are_different_stories() -> None:
    a = ParsedEntry(None, "https://wire.example/live/2020-02-20", "Live updates", "", None, None)
    b = ParsedEntry(None, "https://wire.example/live/2020-02-21", "Live updates", "", None, None)
    assert fallback_key(a) != fallback_key(b)
    state = remembered(FeedState(url=FEED.url), doc(a))
    assert len(select_new(FEED, doc(b, a), state, NOW, max_new=200).fresh) == 1
