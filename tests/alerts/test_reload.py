"""Hot reload: a changed rules file is installed; a broken one is rejected and the old stays."""

from __future__ import annotations

from pathlib import Path

from streams.alerts.engine import RuleEngine
from streams.alerts.reload import RulesReloader

V1 = "version: 1\nconcepts:\n  a: {terms: [alpha]}\nrules:\n  - {id: one, all: [a]}\n"
V2 = V1 + "  - {id: two, all: [a]}\n"


def test_reload_installs_valid_and_rejects_broken(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(V1, encoding="utf-8")
    installed: list[RuleEngine] = []
    reloader = RulesReloader(path, installed.append)
    assert reloader.check() is False and installed == []  # unchanged since start

    path.write_text(V2, encoding="utf-8")
    assert reloader.check() is True
    assert [r.id for r in installed[-1].ruleset.rules] == ["one", "two"]
    assert reloader.check() is False  # same content again

    path.write_text(V2.replace("all: [a]}\n", "all: [missing]}\n", 1), encoding="utf-8")
    assert reloader.check() is False and len(installed) == 1
    assert reloader.last_error is not None and "unknown concept 'missing'" in reloader.last_error

    path.unlink()  # a file being replaced: absent for a moment
    assert reloader.check() is False
    path.write_text(V1, encoding="utf-8")
    assert reloader.check() is True and [r.id for r in installed[-1].ruleset.rules] == ["one"]
