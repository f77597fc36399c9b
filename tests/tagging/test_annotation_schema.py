"""Tags.to_json() against schemas/annotation.schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from streams.tagging import Actor, Mention, Tagger, Tags

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas/annotation.schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://wirewatch.dev/schemas/annotation.schema.json"
    assert schema["x-version"] == 1
    assert {"mention", "actor"} <= set(schema["$defs"])
    return Draft202012Validator(schema)


def test_seed_output_validates(validator: Draft202012Validator, tagger: Tagger, seed_text: str) -> None:
    out = tagger.tag(seed_text).to_json()
    validator.validate(out)
    assert set(out) == {"lang", "countries", "places", "regions", "actors", "mentions"}
    assert out["lang"] == "ar" and "Western Asia" in out["regions"]
    assert out["countries"] == sorted(out["countries"])
    kinds = {m["kind"] for m in out["mentions"]}
    assert kinds == {"place", "demonym", "actor"}
    for m in out["mentions"]:
        assert seed_text[m["start"] : m["end"]] == m["text"]
        assert ("type" in m) == (m["kind"] == "actor")


def test_empty_output_validates(validator: Draft202012Validator, tagger: Tagger) -> None:
    validator.validate(tagger.tag("").to_json())


def test_schema_rejects_bad_records(validator: Draft202012Validator) -> None:
    actor = Actor("kremlin", "Kremlin", "government", "RU")
    good = Tags(
        "ar", ("RU",), (), (), (actor,), (Mention(0, 3, "abc", "actor", "kremlin", "RU", "government"),)
    )
    validator.validate(good.to_json())
    bad_type = Tags("ar", (), (), (), (), (Mention(0, 3, "abc", "place", "RU", "RU", "government"),))
    assert not validator.is_valid(bad_type.to_json())
    bad_country = Tags("ar", ("Russia",), (), (), (), ())
    assert not validator.is_valid(bad_country.to_json())
