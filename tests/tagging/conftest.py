"""Shared fixtures for the tagging tests: one compiled tagger and the seed article."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.tagging import Tagger

SEED = Path(__file__).resolve().parents[3] / "shared/data/seed/aljazeera-idlib-ceasefire.ar.txt"


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    return Tagger.default()


@pytest.fixture(scope="session")
def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed article not found at {SEED}")
    return SEED.read_text(encoding="utf-8")
