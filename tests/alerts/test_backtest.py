"""`wirewatch rules test` over JSON Lines files: hits per rule, one alert per story, samples."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

from streams.alerts.backtest import Backtest
from streams.alerts.rules import parse_rules
from tests.support import seed_text

RULES = """\
version: 1
concepts:
  ceasefire: {terms: [وقف إطلاق النار, هدنة, ceasefire, truce]}
  idlib: {terms: [إدلب, Idlib]}
rules:
  - {id: ceasefire+idlib, all: [ceasefire, idlib], severity: high}
  - id: syria-only
    all: [ceasefire]
    filters: {countries: [SY]}
"""


def test_counts_one_alert_per_story_and_applies_filters() -> None:
    bt = Backtest(parse_rules(RULES, "r.yaml"))
    items = [
        {"id": 1, "title": "Idlib truce holds", "summary": "Calm in Syria."},
        {"id": 2, "title": "Idlib truce holds", "summary": "Calm in Syria."},  # the same story again
        {"id": 3, "text": seed_text()},
        {"id": 4, "title": "Truce in Gaza", "summary": "Palestinians return home."},
    ]
    report = bt.run(((str(i["id"]), i) for i in items), sys.stderr)
    assert report.items == 4
    assert report.matched["ceasefire+idlib"] == 3 and report.alerts["ceasefire+idlib"] == 2
    # Gaza is not in Syria: the filtered rule matches items 1-3 only (one alert per story).
    assert report.alerts["syria-only"] == 2
    assert len(report.samples["ceasefire+idlib"]) == 2 and "⟦" in report.samples["ceasefire+idlib"][0]


def test_cli_prints_table_and_reports_bad_lines(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    data = tmp_path / "items.jsonl"
    data.write_bytes(
        b"\n".join(
            [
                orjson.dumps({"id": "a", "title": "وقف إطلاق النار في إدلب", "summary": ""}),
                b"{oops",
                orjson.dumps({"id": "b", "text": "No match here"}),
            ]
        )
    )
    proc = subprocess.run(
        [sys.executable, "-m", "streams", "rules", "test", "--rules", str(rules), str(data)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "2 items evaluated (1 skipped)" in proc.stdout
    row = next(line for line in proc.stdout.splitlines() if line.startswith("ceasefire+idlib"))
    assert row.split()[-2:] == ["1", "1"]
    assert f"{data}:2: skipped" in proc.stderr


def test_rules_check_names_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(RULES.replace("all: [ceasefire]", "all: [nothing]"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "streams", "rules", "check", "--rules", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert f"{bad}:7: rule 'syria-only': unknown concept 'nothing'" in proc.stderr
