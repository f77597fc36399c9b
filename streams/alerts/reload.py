"""Hot reload of the rules file: a changed file is loaded and compiled, a broken one is rejected."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from streams.alerts.engine import RuleEngine
from streams.alerts.rules import load_rules
from streams.errors import ConfigError

log = logging.getLogger(__name__)


class RulesReloader:
    """Call `check()` periodically; on a valid change it hands a compiled engine to `install`.

    Changes are detected by content digest (not only mtime, which editors and `cp -p` can
    keep), and an invalid file is logged and ignored: the running rules stay active.
    """

    def __init__(self, path: Path, install: Callable[[RuleEngine], None]) -> None:
        self.path = path
        self.install = install
        self._digest = self._read_digest()
        self.last_error: str | None = None

    def _read_digest(self) -> str | None:
        try:
            return hashlib.sha256(self.path.read_bytes()).hexdigest()
        except OSError:
            return None

    def check(self) -> bool:
        """Reload if the file changed; True if new rules were installed."""
        digest = self._read_digest()
        if digest is None or digest == self._digest:
            return False
        self._digest = digest
        try:
            engine = RuleEngine(load_rules(self.path))
        except ConfigError as exc:
            self.last_error = str(exc)
            log.error("rules file rejected, the running rules stay active: %s", exc)
            return False
        self.last_error = None
        self.install(engine)
        log.info("rules reloaded from %s: %d rules", self.path, len(engine.ruleset.rules))
        return True
