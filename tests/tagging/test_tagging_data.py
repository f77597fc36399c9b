"""The shipped data files: they load, cover every country, and compile fast."""

from __future__ import annotations

import gc
import time

import pycountry

from streams.tagging.data import (
    load_actors,
    load_countries,
    load_m49,
    load_places,
    load_stoplist,
    load_subdivisions,
)
from streams.tagging.gazetteer import build_gazetteer
from streams.tagging.sources import subdivision_aliases


def test_m49_covers_every_iso_country() -> None:
    m49 = load_m49()
    iso = {c.alpha_2 for c in pycountry.countries}
    assert set(m49.countries) == iso
    assert m49.regions["145"] == "Western Asia"
    assert [m49.regions[c] for c in m49.countries["SY"]] == ["Asia", "Western Asia"]
    assert m49.countries["NO"]  # quoted in YAML, not read as false


def test_curated_files_are_consistent() -> None:
    iso = {c.alpha_2 for c in pycountry.countries}
    assert {c.code for c in load_countries()} <= iso
    assert {p.country for p in load_places()} - {None} <= iso
    actors = load_actors()
    assert len({a.actor.id for a in actors}) == len(actors)
    assert {a.actor.country for a in actors} - {None} <= iso
    stoplist = load_stoplist()
    assert "صور" in stoplist.stop and "مدينة" in stoplist.guards


def test_subdivisions_file() -> None:
    subdivisions = load_subdivisions()
    iso = {c.alpha_2 for c in pycountry.countries}
    assert {s.country for s in subdivisions} <= iso
    assert all(s.code[:2].upper() == s.country for s in subdivisions)
    by_code = {s.code: s for s in subdivisions}
    assert (by_code["syid"].name, by_code["syid"].ar) == ("Idlib", "إدلب")  # محافظة dropped
    kinds = ("محافظة ", "ولاية ", "مقاطعة ", "شعبية ")
    assert not [s.ar for s in subdivisions if s.ar.startswith(kinds)]


def test_subdivision_aliases_leave_countries_and_saints_alone() -> None:
    aliases = list(subdivision_aliases(set()))
    names = {(a.phrase, a.entry.country) for a in aliases}
    assert ("ذي قار", "IQ") in names and ("Dhi Qar", "IQ") in names
    assert ("Arizona", "US") in names and ("Sindh", "PK") in names  # English where news uses it
    assert ("سوريا", "ES") not in names  # Soria's CLDR name is Syria's
    assert not [p for p, _ in names if p.startswith(("القديس", "إدارة"))]
    assert not [p for p, c in names if c == "FR" and p.isascii()]  # no English names there
    assert ("North", "LB") not in names  # generic words alone


def test_compiles_quickly() -> None:
    # CPU time of this process: other work on a shared machine must not fail the test.
    start = time.process_time()
    gazetteer = build_gazetteer()
    elapsed = time.process_time() - start
    assert gazetteer.size > 5000
    assert elapsed < 2.0
    assert gc.isenabled()  # the build pauses the collector and must hand it back


def test_build_restores_a_disabled_collector_state() -> None:
    gc.disable()
    try:
        build_gazetteer()
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()
