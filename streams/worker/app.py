"""The Faust app: topics, tables and three thin agents (tag, dedup, alert) around the pipeline."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import time
from datetime import timedelta
from typing import Any

import faust
from aiokafka.partitioner import murmur2
from faust.types import EventT, StreamT
from mode import Service

from streams.alerts.gate import AlertGate
from streams.alerts.reload import RulesReloader
from streams.dedup.desk import StoryDesk
from streams.dedup.near import NearIndex
from streams.delivery.routes import Route, route_spec, route_topics
from streams.kafka.admin import ensure_topics
from streams.kafka.security import faust_credentials
from streams.pipeline import Pipeline
from streams.records import Item, RawItem, validate
from streams.records import decode as decode_record
from streams.records.models import DeadLetter
from streams.settings import Settings
from streams.topics import (
    ALERTS,
    DEADLETTER,
    DEDUP_DESK,
    DUPLICATES,
    ITEMS,
    NEAR_PROBES,
    OUTBOX,
    RAW,
    STORIES,
    TAGGED,
    TopicSpec,
)
from streams.worker import codecs
from streams.worker.metrics import StageMetrics
from streams.worker.publisher import outbox_record, start_child, stop_child, worker_identity
from streams.worker.store import BandStore, WindowedStore
from streams.worker.transport import App
from streams.worker.web import register_views

log = logging.getLogger(__name__)


def _broker_url(settings: Settings) -> str:
    return ";".join(f"kafka://{host.strip()}" for host in settings.bootstrap.split(","))


def create_app(settings: Settings, pipeline: Pipeline | None = None) -> faust.App:
    """Build the worker app. Agents decode bytes themselves so bad input can be dead-lettered."""
    codecs.register()
    pipe = pipeline or Pipeline(settings.rules_file)
    window = timedelta(hours=settings.dedup_window_hours)
    app = App(
        settings.app_id,
        broker=_broker_url(settings),
        broker_credentials=faust_credentials(settings),  # TLS/SASL, as every other client
        store=settings.store,
        datadir=str(settings.data_dir / "worker"),
        autodiscover=False,
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication,
        topic_allow_declare=True,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        key_serializer="utf8",
        value_serializer="orjson",
        web_enabled=True,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        web_in_thread=False,
        # A worker that died (SIGKILL, OOM, a lost host) holds its partitions until the group
        # notices: 10 s instead of Faust's 60 s, so a replacement takes over quickly.
        broker_session_timeout=10.0,
        broker_heartbeat_interval=2.0,
        # Static membership (KIP-345): a worker restarted on the same data dir (a supervisor
        # restarting it after a crash) rejoins as the same member and gets its partitions back
        # at once, without a rebalance and without waiting out the session timeout.
        consumer_group_instance_id=f"{settings.app_id}-worker-{worker_identity(settings)}",
        # Commit on the timer, not every 100 events: a count-triggered commit runs inside
        # Faust's fetch loop (producer flush, commit request, table offsets) and stops every
        # stage's input while it lasts — at 100 items/s (~700 events/s) that was 7 stalls a
        # second and each hop waited ~10x longer (bench_alert_latency). The timer commits in
        # the background; a crash replays about a second, which the desk repeats identically
        # and the publisher drops (streams/worker/publisher.py). Faust's count default stays
        # as a bound at rates far above this.
        broker_commit_every=10_000,
        broker_commit_interval=1.0,
        # Do not batch sends for long: each of the ~7 hops of an alert would pay it.
        producer_linger=0.005,
    )

    def source(spec: TopicSpec) -> Any:
        # Inputs are read as raw bytes: decoding happens in the agent, where a failure
        # becomes a dead letter instead of an error inside Faust's consumer.
        return app.topic(
            spec.full_name(settings),
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=spec.partition_count(settings),
        )

    def sink(spec: TopicSpec) -> Any:
        return app.topic(
            spec.full_name(settings),
            key_serializer="utf8",
            value_serializer="orjson",
            partitions=spec.partition_count(settings),
        )

    raw_topic, tagged_in = source(RAW), source(TAGGED)
    probes_in, desk_in, stories_in = source(NEAR_PROBES), source(DEDUP_DESK), source(STORIES)
    tagged_out, items_out, stories_out = sink(TAGGED), sink(ITEMS), sink(STORIES)
    probes_out, desk_out = sink(NEAR_PROBES), sink(DEDUP_DESK)
    dups_out, alerts_out, dead_out = sink(DUPLICATES), sink(ALERTS), sink(DEADLETTER)
    # Where each target of the pure dedup stages goes, and the schema its records must meet.
    out_topics = {
        "items": items_out,
        "duplicates": dups_out,
        "stories": stories_out,
        "desk": desk_out,
        "near": probes_out,
    }
    out_schemas = {
        "items": "item",
        "duplicates": "duplicate",
        "stories": "story",
        "desk": "desk",
        "near": "near_probe",
    }

    def windowed_table(name: str, source_spec: TopicSpec) -> Any:
        # Co-partitioned with its source topic; entries live one to two windows, then
        # Faust expires them (changelog included), so state stays bounded.
        schema: Any = faust.Schema(
            key_type=str, value_type=None, key_serializer="utf8", value_serializer="orjson"
        )
        table = app.Table(name, default=None, partitions=source_spec.partition_count(settings), schema=schema)
        return table.tumbling(window, expires=2 * window)

    seen = windowed_table("dedup-seen", TAGGED)
    # Near-duplicate index: band key -> packed entries (50 B per item and band, as base64).
    bands = windowed_table("near-bands", NEAR_PROBES)
    desk_state = windowed_table("dedup-desk", DEDUP_DESK)
    fired = windowed_table("alerts-fired", STORIES)
    window_s = window.total_seconds()
    probe_partitions = NEAR_PROBES.partition_count(settings)

    def band_partition(key: str) -> int:
        # The partition Kafka's default partitioner (murmur2, as Faust's producer uses) gives
        # a band key: the band stage handles every key of a probe that lives where it runs.
        return int(murmur2(key.encode("utf-8")) & 0x7FFFFFFF) % probe_partitions

    metrics = StageMetrics()

    def finished(stage: str, started: float, item: Item) -> None:
        metrics.processing.labels(stage).observe(time.perf_counter() - started)
        metrics.age.labels(stage).observe(max(0.0, time.time() - item.raw.fetched.timestamp()))

    async def send(stage: str, topic: Any, key: str, value: dict[str, Any]) -> None:
        await topic.send(key=key, value=value)
        metrics.records_out.labels(stage, topic.get_topic_name()).inc()

    async def dead_letter(stage: str, event: EventT[bytes], exc: BaseException) -> None:
        metrics.dead_letters.labels(stage, type(exc).__name__).inc()
        msg = event.message
        log.warning(
            "%s: dead-lettering %s[%s]@%s: %s: %s",
            stage, msg.topic, msg.partition, msg.offset, type(exc).__name__, exc,
        )  # fmt: skip
        record = DeadLetter(
            stage=stage,
            error_type=type(exc).__name__,
            error=str(exc)[:4000],
            topic=msg.topic,
            partition=msg.partition,
            offset=msg.offset,
            key=msg.key,
            value=msg.value,
        )
        await dead_out.send(key=stage, value=record.to_json())

    def decode(event: EventT[bytes], schema: str) -> dict[str, Any]:
        return decode_record(event.value, schema)

    @app.agent(raw_topic, name="tag")
    async def tag(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            metrics.records_in.labels("tag").inc()
            started = time.perf_counter()
            try:
                raw = RawItem.from_json(decode(event, "raw_item"))
                item = pipe.tag(raw)
                out = item.to_json()
                validate("item", out)
            except Exception as exc:  # any failure of one record must not stop the stage
                await dead_letter("tag", event, exc)
                continue
            finished("tag", started, item)
            await send("tag", tagged_out, item.dedup_key, out)

    # Dedup is three keyed stages (see streams/dedup/desk.py): exact identity on the dedup
    # key's partition; near-duplicate bands, each on its band key's partition; the story desk
    # on the provisional story's partition, which makes every item's story final.
    @app.agent(tagged_in, name="dedup")
    async def dedup(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            metrics.records_in.labels("dedup").inc()
            started = time.perf_counter()
            try:
                item = Item.from_json(decode(event, "item"))
                now = event.message.timestamp or time.time()
                source = f"{event.message.partition}:{event.message.offset}"
                outs = pipe.exact_stage(WindowedStore(seen, window_s), window_s, item, now, source)
                for out in outs:
                    validate(out_schemas[out.target], out.value)
            except Exception as exc:
                await dead_letter("dedup", event, exc)
                continue
            finished("dedup", started, item)
            for out in outs:
                await send("dedup", out_topics[out.target], out.key, out.value)

    @app.agent(probes_in, name="near")
    async def near(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            metrics.records_in.labels("near").inc()
            started = time.perf_counter()
            try:
                probe = decode(event, "near_probe")
                index = NearIndex(BandStore(WindowedStore(bands, window_s)), window_s, pipe.signer.config)
                onward = pipe.band_stage(index, band_partition, probe)
                validate(out_schemas[onward.target], onward.value)
            except Exception as exc:
                await dead_letter("near", event, exc)
                continue
            metrics.processing.labels("near").observe(time.perf_counter() - started)
            await send("near", out_topics[onward.target], onward.key, onward.value)

    @app.agent(desk_in, name="desk")
    async def desk(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            metrics.records_in.labels("desk").inc()
            started = time.perf_counter()
            try:
                message = decode(event, "desk")
                source = f"{event.message.partition}:{event.message.offset}"
                key = (event.key or b"").decode("ascii")
                outs = StoryDesk(WindowedStore(desk_state, window_s)).handle(key, message, source)
                for out in outs:
                    validate(out_schemas[out.target], out.value)
            except Exception as exc:
                await dead_letter("desk", event, exc)
                continue
            metrics.processing.labels("desk").observe(time.perf_counter() - started)
            for out in outs:
                if out.target == "items":
                    metrics.decisions.labels("new").inc()
                elif out.target == "duplicates":
                    metrics.decisions.labels(out.value["kind"]).inc()
                if out.target == "items":  # consumer-facing: published once, via the outbox
                    await publish_once("desk", f"item:{out.key}", items_out, out.key, out.value)
                else:
                    await send("desk", out_topics[out.target], out.key, out.value)

    outbox_out = sink(OUTBOX)

    async def publish_once(stage: str, dedup: str, topic: Any, key: str, value: dict[str, Any]) -> None:
        # The publisher moves it to `topic` in a transaction, once per dedup key, so a replay
        # of this stage after a crash does not reach consumers twice (streams/worker/publisher.py).
        envelope = outbox_record(dedup, topic.get_topic_name(), key, value)
        validate("outbox", envelope)
        await outbox_out.send(key=dedup, value=envelope)
        metrics.records_out.labels(stage, topic.get_topic_name()).inc()

    routes = [Route.from_config(config) for config in settings.alert_routes]
    route_sinks: dict[str, Any] = {}

    async def route_sink(name: str) -> Any:
        # A derived topic nobody knew at start (a rule added by hot reload) is created
        # on first use, off the event loop; then its sink is cached.
        if name not in route_sinks:
            spec = route_spec(name)
            await asyncio.get_running_loop().run_in_executor(None, ensure_topics, settings, [spec])
            route_sinks[name] = sink(spec)
        return route_sinks[name]

    @app.agent(stories_in, name="alert")
    async def alert(stream: StreamT[bytes]) -> None:
        async for event in stream.events():
            metrics.records_in.labels("alert").inc()
            started = time.perf_counter()
            try:
                item = Item.from_json(decode(event, "story")["item"])
                # One alert per rule and story within the cooldown (plus opted-in updates);
                # the gate's state is keyed by story, like this topic.
                gate = AlertGate(WindowedStore(fired, window.total_seconds()), window.total_seconds())
                outgoing = []
                now = event.message.timestamp or time.time()
                source = f"{event.message.partition}:{event.message.offset}"
                for found in pipe.alerts(item, gate, now=now, source=source):
                    out = found.to_json()
                    validate("alert", out)
                    outgoing.append((found.rule, out))
            except Exception as exc:
                await dead_letter("alert", event, exc)
                continue
            finished("alert", started, item)
            for rule_id, out in outgoing:
                metrics.alerts.labels(rule_id, out["kind"]).inc()
                for topic in [alerts_out] + [await route_sink(name) for name in route_topics(routes, out)]:
                    dedup = f"alert:{out['alert_id']}@{topic.get_topic_name()}"
                    await publish_once("alert", dedup, topic, rule_id, out)

    if settings.rules_reload_interval > 0:
        reloader = RulesReloader(settings.rules_file, pipe.install_rules)

        async def reload_rules() -> None:
            # Compiling thousands of rules takes a while: keep it off the event loop.
            await asyncio.get_running_loop().run_in_executor(None, reloader.check)

        app.timer(settings.rules_reload_interval)(reload_rules)

    # The exactly-once boundary runs beside the agents, in a child process of the worker.
    children: list[subprocess.Popen[bytes]] = []
    stopping: list[bool] = []

    class _Publishing(Service):
        async def on_start(self) -> None:
            children.append(start_child(settings))

        async def on_stop(self) -> None:
            stopping.append(True)
            for child in children:
                await asyncio.get_running_loop().run_in_executor(None, stop_child, child)

    async def keep_publishing() -> None:
        # A publisher process that died (OOM, a stray kill) is replaced; /health shows the gap.
        for i, child in enumerate(children):
            if child.poll() is not None and not stopping:
                log.error("publisher exited with code %s; starting another", child.returncode)
                children[i] = start_child(settings)

    app.service(_Publishing)
    app.timer(5.0)(keep_publishing)
    app.publisher_children = children  # type: ignore[attr-defined]  # for /health

    # Alert delivery: the SSE hub and webhook runners start and stop with the app.
    from streams.delivery.service import attach_delivery

    attach_delivery(app, settings)

    register_views(app, settings, metrics)
    return app
