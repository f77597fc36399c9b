"""The console entry point: every subcommand is reachable and documented."""

from __future__ import annotations

import subprocess
import sys

import pytest

COMMANDS = ["up", "broker", "poll", "feeds", "worker", "topics", "annotate", "rules", "eval", "alerts"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "streams", *args], capture_output=True, text=True, timeout=120
    )


def test_help_lists_every_command() -> None:
    out = run("--help").stdout
    for command in COMMANDS:
        assert f"    {command}" in out, command


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help(command: str) -> None:
    assert run(command, "--help").returncode == 0


def test_eval_english_prints_scores() -> None:
    proc = run("eval", "english")
    assert proc.returncode == 0, proc.stderr
    assert "English headlines" in proc.stdout and "place" in proc.stdout


def test_bad_settings_give_a_clear_error() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "streams", "topics"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"WIREWATCH_TOPIC_PARTITIONS": "zero", "PATH": ""},
    )
    assert proc.returncode == 2
    assert "invalid settings" in proc.stderr and "topic_partitions" in proc.stderr
    assert "Traceback" not in proc.stderr
