"""`wirewatch annotate`: the pure pipeline over JSON Lines, offline (the stable contract)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import orjson

from streams.alerts.engine import RuleEngine
from streams.alerts.rules import load_rules
from streams.dedup.desk import desk_key
from streams.dedup.exact import ExactDedup
from streams.dedup.identity import content_hash, digest
from streams.dedup.near import NearIndex
from streams.dedup.signer import Signer
from streams.dedup.urls import canonical_url
from streams.errors import InputError
from streams.records.inputs import analysed_text
from streams.tagging import Tagger

# Offline there is no clock to window by: every earlier line of the run counts.
_FOREVER = float("inf")


class Annotator:
    """Annotates one JSON object at a time; remembers earlier lines for `duplicate_of`."""

    def __init__(self, rules_file: Path, tagger: Tagger | None = None) -> None:
        self.tagger = tagger or Tagger.default()
        self.engine = RuleEngine(load_rules(rules_file))
        self.seen = ExactDedup({}, _FOREVER)
        # Near-duplicates with the worker's signatures, index and policy (streams/dedup/near.py).
        self.signer = Signer()
        self.near = NearIndex({}, _FOREVER, self.signer.config)
        # digest of a line id -> the id as given, to report duplicate_of in the input's terms
        self._line_ids: dict[str, Any] = {}
        # desk key (id suffix the near index reports) -> the first line of that line's story
        self._story_of: dict[str, str] = {}

    def annotate(self, obj: Any) -> dict[str, Any]:
        if not isinstance(obj, dict):
            raise InputError("each line must be a JSON object")
        ident = obj.get("id")
        if not isinstance(ident, str | int) or isinstance(ident, bool):
            raise InputError("'id' (string or number) is required")
        text, title_end = analysed_text(obj)
        lang = obj.get("lang") if isinstance(obj.get("lang"), str) else None
        found = self.tagger.tag(text, lang)
        tags = found.to_json()
        fired = sorted({hit.rule.id for hit in self.engine.evaluate(text, title_end)})
        key = digest("line", str(ident))
        self._line_ids.setdefault(key, ident)
        decision = self.seen.decide(
            item_id=key,
            canonical_url=canonical_url(obj.get("url") if isinstance(obj.get("url"), str) else None),
            content_hash=content_hash(text, ""),
            now=0.0,
        )
        story = decision.story_id
        if decision.is_new:
            # New to the exact policy: a near-duplicate of an earlier line joins its story.
            title, summary = (
                (text[:title_end], text[title_end + 1 :]) if title_end is not None else (text, "")
            )
            actors = [a.id for a in found.actors]
            sig = self.signer.sign(
                title, summary, places=found.places, countries=found.countries, actors=actors
            )
            near = self.near.decide(key, sig, 0.0)
            if near.match is not None:
                story = self._story_of[near.match.item_id]
            self._story_of[desk_key(key)] = story
        duplicate_of = None if story == key else self._line_ids.get(story)
        return {"id": ident, **tags, "alerts": fired, "duplicate_of": duplicate_of}


def annotate_lines(
    lines: Iterable[tuple[str, int, str]], annotator: Annotator, err: TextIO
) -> Iterator[bytes]:
    """Yield one output line per input line; a bad line is reported on `err` and skipped."""
    for source, number, line in lines:
        if not line.strip():
            continue
        try:
            result = annotator.annotate(orjson.loads(line))
        except (orjson.JSONDecodeError, InputError) as exc:
            print(f"{source}:{number}: skipped: {exc}", file=err)
            continue
        yield orjson.dumps(result)


def read_inputs(paths: list[str]) -> Iterator[tuple[str, int, str]]:
    """(source name, line number, line) from files, or stdin when none or "-" is given."""
    for path in paths or ["-"]:
        if path == "-":
            for number, line in enumerate(sys.stdin, 1):
                yield "<stdin>", number, line
            continue
        with open(path, encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, 1):
                yield path, number, line


def run_annotate(paths: list[str], rules_file: Path, out: TextIO, err: TextIO) -> int:
    annotator = Annotator(rules_file)
    for line in annotate_lines(read_inputs(paths), annotator, err):
        out.write(line.decode("utf-8") + "\n")
    out.flush()
    return 0
