"""Every Kafka topic Wirewatch uses: name, key, partitions, cleanup policy, retention, schema."""

from __future__ import annotations

from dataclasses import dataclass

from streams.settings import Settings

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    """One topic's declaration; `name` is the bare name, `full_name()` adds the settings' prefix."""

    name: str
    key: str
    description: str
    cleanup_policy: str = "delete"
    retention_ms: int = 7 * DAY_MS
    # Value schema file in schemas/ (None for topics whose values are internal).
    schema: str | None = None
    # Partitions are the settings' default unless a topic must have a fixed count.
    partitions: int | None = None

    def full_name(self, settings: Settings) -> str:
        return f"{settings.topic_prefix}{self.name}"

    def partition_count(self, settings: Settings) -> int:
        return self.partitions or settings.topic_partitions

    def configs(self) -> dict[str, str]:
        cfg = {"cleanup.policy": self.cleanup_policy}
        if self.cleanup_policy == "delete":
            cfg["retention.ms"] = str(self.retention_ms)
        else:
            # Compacted state: keep the latest value per key forever, compact promptly.
            cfg["min.cleanable.dirty.ratio"] = "0.1"
            cfg["segment.ms"] = str(DAY_MS)
        return cfg


RAW = TopicSpec(
    "wire.raw",
    key="item id (stable id derived from the item's canonical link, else guid, else content)",
    description="Every new feed item, exactly as the poller parsed it.",
    schema="raw_item.schema.json",
)
TAGGED = TopicSpec(
    "wire.tagged",
    key="dedup key (canonical URL, else item id) so exact duplicates meet on one partition",
    description="Internal: raw items after normalisation and tagging, re-keyed for dedup.",
    schema="item.schema.json",
)
ITEMS = TopicSpec(
    "wire.items",
    key="item id",
    description="Unique, tagged items: what most consumers read.",
    retention_ms=30 * DAY_MS,
    schema="item.schema.json",
)
DUPLICATES = TopicSpec(
    "wire.duplicates",
    key="item id of the duplicate",
    description="Each duplicate or update, pointing at the item it repeats.",
    schema="duplicate.schema.json",
)
STORIES = TopicSpec(
    "wire.stories",
    key="story id (every version of a story meets on one partition for per-story alert state)",
    description="Internal: new stories and changed versions of them, for the alert stage.",
    schema="story.schema.json",
)
ALERTS = TopicSpec(
    "wire.alerts",
    key="rule id (per-rule ordering: a subscriber to one rule sees its alerts in order)",
    description="One record per rule firing, with evidence.",
    retention_ms=30 * DAY_MS,
    schema="alert.schema.json",
)
DEADLETTER = TopicSpec(
    "wire.deadletter",
    key="stage name",
    description="Input a stage could not decode, validate or process, with the error and bytes.",
    retention_ms=30 * DAY_MS,
    schema="deadletter.schema.json",
)
FEED_STATE = TopicSpec(
    "wire.feed-state",
    key="feed URL",
    description="Compacted poller state per feed: validators, recent item ids, error streak.",
    cleanup_policy="compact",
    # One partition: a poller reads the whole state at start, and order per feed is trivial.
    partitions=1,
)

NEAR_PROBES = TopicSpec(
    "wire.near-probes",
    key="LSH band key (hex): near-duplicates share one, so they meet on its partition",
    description="Internal: one message per band key of each new item's MinHash signature.",
    retention_ms=1 * DAY_MS,
    schema="near_probe.schema.json",
)
DEDUP_DESK = TopicSpec(
    "wire.dedup-desk",
    key="desk key: last 16 hex digits of the item's provisional story id",
    description="Internal: exact decisions, band answers and story look-ups for the story desk.",
    retention_ms=1 * DAY_MS,
    schema="desk.schema.json",
)
OUTBOX = TopicSpec(
    "wire.outbox",
    key="dedup key: what makes a record the same record again (item id, alert id and topic)",
    description="Internal: records for wire.items and wire.alerts, published once each by the publisher.",
    retention_ms=1 * DAY_MS,
    schema="outbox.schema.json",
)
WEBHOOK_DEADLETTER = TopicSpec(
    "wire.webhook-deadletter",
    key="webhook id (its name, else a hash of its URL)",
    description="Alerts a webhook refused permanently or could not take within webhook_retry_for.",
    retention_ms=30 * DAY_MS,
    schema="webhook_deadletter.schema.json",
)

ALL_TOPICS: tuple[TopicSpec, ...] = (
    RAW,
    TAGGED,
    ITEMS,
    DUPLICATES,
    STORIES,
    ALERTS,
    DEADLETTER,
    FEED_STATE,
    WEBHOOK_DEADLETTER,
    NEAR_PROBES,
    DEDUP_DESK,
    OUTBOX,
)
