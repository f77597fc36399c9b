"""The `wirewatch` command line: one subcommand per job, all reading the same settings."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pydantic

from streams import __version__
from streams.errors import ConfigError, InputError, WirewatchError
from streams.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wirewatch",
        description="Stream processor for news wire feeds (RSS/Atom -> Kafka -> tags, dedup, alerts).",
    )
    parser.add_argument("--version", action="version", version=f"wirewatch {__version__}")
    parser.add_argument("--log-level", default="info", help="debug, info, warning, error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("up", help="run the whole stack here: local broker, poller and worker")
    sub.add_parser("broker", help="provision and run a local single-node Kafka (KRaft) broker")

    poll = sub.add_parser("poll", help="poll the configured feeds and publish new items")
    poll.add_argument("--once", action="store_true", help="poll every feed once, then exit")
    poll.add_argument(
        "--output",
        metavar="FILE",
        help="write raw items as JSON Lines to FILE ('-' = stdout) instead of Kafka",
    )

    feeds = sub.add_parser("feeds", help="inspect the configured feeds")
    feeds_sub = feeds.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    feeds_sub.add_parser("status", help="last fetch, HTTP status, items, error streak and next due time")

    sub.add_parser("worker", help="run the Faust worker (tag, dedup, alert) and its web server")
    sub.add_parser(
        "publish", help="run the exactly-once publisher (wire.outbox to wire.items/alerts); workers start one"
    )
    sub.add_parser("topics", help="create the declared topics and list them")

    annotate = sub.add_parser("annotate", help="tag, dedup and evaluate rules over JSON Lines")
    annotate.add_argument("files", nargs="*", help="JSON Lines files ('-' or none = stdin)")
    annotate.add_argument("--rules", type=Path, help="rules file (default: the settings')")

    rules = sub.add_parser("rules", help="check and backtest alert rules")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    check = rules_sub.add_parser("check", help="validate a rules file")
    check.add_argument("--rules", type=Path, help="rules file (default: the settings')")
    backtest = rules_sub.add_parser("test", help="run a rules file over past items and report hits")
    backtest.add_argument("files", nargs="*", help="JSON Lines of items or texts ('-' = stdin)")
    backtest.add_argument("--rules", type=Path, help="rules file (default: the settings')")
    backtest.add_argument("--from-topic", metavar="TOPIC", help="read items from a topic, e.g. wire.items")
    backtest.add_argument("--since", default=None, help="with --from-topic: how far back, e.g. 7d, 12h")

    evaluate = sub.add_parser("eval", help="score the tagger on labelled text")
    eval_sub = evaluate.add_subparsers(dest="eval_command", required=True, metavar="SET")
    newsfane = eval_sub.add_parser("newsfane", help="NewsFANE Gold (Arabic newswire, ../shared)")
    newsfane.add_argument("--split", choices=["dev", "test", "all"], default="all")
    newsfane.add_argument("--path", type=Path, help="the corpus file (default: ../shared/data/newsfane)")
    newsfane.add_argument("--no-stoplist", action="store_true", help="score without the stop list")
    english = eval_sub.add_parser("english", help="the project's hand-labelled English headlines")
    english.add_argument("--no-stoplist", action="store_true", help="score without the stop list")

    alerts = sub.add_parser("alerts", help="alert subscribers")
    alerts_sub = alerts.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    tail = alerts_sub.add_parser("tail", help="print alerts from wire.alerts as they arrive")
    tail.add_argument("--rule", action="append", default=[], help="only this rule (repeatable)")
    tail.add_argument(
        "--country", action="append", default=[], help="only alerts tagged with this ISO2 country"
    )
    tail.add_argument("--json", action="store_true", help="print each alert as one JSON line")
    tail.add_argument("--from-beginning", action="store_true", help="start at the oldest alert")
    tail.add_argument("--timeout", type=float, help="exit after this many seconds without alerts")
    tail.add_argument("--limit", type=int, help="exit after printing this many alerts")

    deadletter = sub.add_parser("deadletter", help="inspect and replay wire.deadletter")
    dl_sub = deadletter.add_subparsers(dest="deadletter_command", required=True, metavar="ACTION")
    dl_list = dl_sub.add_parser("list", help="one line per dead letter: stage, origin, error")
    dl_list.add_argument("--stage", help="only this stage (tag, dedup, alert)")
    dl_replay = dl_sub.add_parser(
        "replay", help="re-inject dead letters' original bytes into their topics (each once)"
    )
    dl_replay.add_argument("--stage", help="only this stage (tag, dedup, alert)")
    dl_replay.add_argument("--since", help="only letters that failed since: 12h, 7d or an ISO time")
    dl_replay.add_argument("--dry-run", action="store_true", help="print what would be replayed")

    lag = sub.add_parser("lag", help="consumer-group lag: records waiting per group and topic")
    lag.add_argument("--group", action="append", default=[], help="only this group (repeatable)")
    lag.add_argument("--exact", action="store_true", help="count waiting records, not offsets")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # kafka-python logs every connection at INFO; keep the console about Wirewatch.
    logging.getLogger("kafka").setLevel(max(logging.WARNING, logging.getLogger().level))
    from streams.kafka.security import quiet_wire_dumps

    quiet_wire_dumps()  # their DEBUG request dumps would include SASL passwords
    try:
        settings = Settings()
    except pydantic.ValidationError as exc:
        print(f"wirewatch: invalid settings (WIREWATCH_* variables or the TOML file): {exc}", file=sys.stderr)
        return 2
    try:
        return _dispatch(args, settings)
    except WirewatchError as exc:
        print(f"wirewatch: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command == "up":
        from streams.up import run_up

        return run_up(settings)
    if command == "broker":
        from streams.kafka.broker import run_broker

        return run_broker(settings)
    if command == "poll":
        from streams.feeds.poller import run_poller

        if args.output:
            if args.output == "-":
                return run_poller(settings, once=args.once, output=sys.stdout)
            with open(args.output, "w", encoding="utf-8") as out:
                return run_poller(settings, once=args.once, output=out)
        return run_poller(settings, once=args.once)
    if command == "worker":
        from streams.worker.run import run_worker

        return run_worker(settings, loglevel=args.log_level)
    if command == "publish":
        from streams.worker.publisher import run_publisher

        return run_publisher(settings)
    if command == "topics":
        from streams.kafka.admin import ensure_topics
        from streams.topics import ALL_TOPICS

        created = set(ensure_topics(settings))
        for spec in ALL_TOPICS:
            name = spec.full_name(settings)
            mark = "created" if name in created else "exists"
            print(f"{name:<24} {mark:<8} {spec.cleanup_policy:<8} key: {spec.key}")
        return 0
    if command == "annotate":
        from streams.annotate import run_annotate

        rules = args.rules or settings.rules_file
        return run_annotate(args.files, rules, sys.stdout, sys.stderr)
    if command == "rules":
        return _rules(args, settings)
    if command == "feeds":
        from streams.feeds.status import run_status

        return run_status(settings, sys.stdout)
    if command == "eval":
        if args.eval_command == "newsfane":
            from streams.evaluation.newsfane import run_newsfane_eval

            return run_newsfane_eval(args.path, args.split, sys.stdout, stoplist=not args.no_stoplist)
        from streams.evaluation.english import run_english_eval

        return run_english_eval(sys.stdout, stoplist=not args.no_stoplist)
    if command == "alerts" and args.alerts_command == "tail":
        from streams.delivery.tail import run_tail

        return run_tail(
            settings,
            sys.stdout,
            rules=args.rule,
            countries=[c.upper() for c in args.country],
            as_json=args.json,
            from_beginning=args.from_beginning,
            timeout=args.timeout,
            limit=args.limit,
        )
    if command == "deadletter":
        return _deadletter(args, settings)
    if command == "lag":
        from streams.kafka.lag import group_lag, list_groups, print_lag

        print_lag(group_lag(settings, args.group or list_groups(settings), exact=args.exact), sys.stdout)
        return 0
    raise AssertionError(f"unhandled command {command}")


def _deadletter(args: argparse.Namespace, settings: Settings) -> int:
    from streams.kafka.deadletters import list_letters, replay

    if args.deadletter_command == "list":
        list_letters(settings, sys.stdout, stage=args.stage)
        return 0
    since = _since(args.since) if args.since else None
    replay(settings, sys.stdout, stage=args.stage, since=since, dry_run=args.dry_run)
    return 0


def _since(text: str) -> datetime:
    """`90m`, `12h`, `7d` (that long ago) or an ISO 8601 time; ConfigError otherwise."""
    found = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd])", text.strip())
    if found:
        seconds = float(found[1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[found[2]]
        return datetime.now(UTC) - timedelta(seconds=seconds)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--since {text!r} is neither a duration (12h, 7d) nor an ISO time") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _rules(args: argparse.Namespace, settings: Settings) -> int:
    from streams.alerts.rules import load_rules, parse_duration

    path = args.rules or settings.rules_file
    ruleset = load_rules(path)
    if args.rules_command == "check":
        print(f"{path}: {len(ruleset.rules)} rules, {len(ruleset.concepts)} concepts: ok")
        return 0
    import orjson

    from streams.alerts.backtest import Backtest, print_report

    if args.from_topic:
        from streams.kafka.replay import read_since

        since = parse_duration(args.since) if args.since else None
        objects = read_since(settings, settings.topic_prefix + args.from_topic, since)
    else:
        from streams.annotate import read_inputs

        def decoded() -> Iterator[tuple[str, Any]]:
            for source, number, line in read_inputs(args.files):
                if line.strip():
                    try:
                        yield f"{source}:{number}", orjson.loads(line)
                    except orjson.JSONDecodeError as exc:
                        yield f"{source}:{number}", InputError(f"not valid JSON: {exc}")

        objects = decoded()
    report = Backtest(ruleset).run(objects, sys.stderr)
    print_report(report, ruleset, sys.stdout)
    return 0
