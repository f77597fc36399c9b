"""Every schema is valid draft 2020-12 with an $id and version; records round-trip through them."""

import json
from datetime import UTC, datetime

import pytest
from jsonschema import Draft202012Validator

from streams.errors import DecodeError, ValidationError
from streams.records import FeedRef, RawItem, dumps, loads, validate
from streams.records.schema import schema_dir

SCHEMAS = sorted(schema_dir().glob("*.schema.json"))


def test_expected_schemas_exist() -> None:
    names = {p.name.removesuffix(".schema.json") for p in SCHEMAS}
    assert {"raw_item", "item", "duplicate", "alert", "deadletter", "rules"} <= names


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid_2020_12_with_id_and_version(path) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"].endswith(path.name)
    assert isinstance(doc["x-version"], int)


def _raw() -> RawItem:
    return RawItem(
        id="0" * 32,
        feed=FeedRef("https://www.aljazeera.net/rss", "Al Jazeera Arabic", "ar"),
        guid="g1",
        url="https://www.aljazeera.net/news/1",
        canonical_url="https://www.aljazeera.net/news/1",
        title="وقف إطلاق النار في إدلب",
        summary="نص",
        lang="ar",
        published=datetime(2020, 2, 18, 12, 0, tzinfo=UTC),
        fetched=datetime(2020, 2, 18, 12, 5, tzinfo=UTC),
        content_hash="1" * 32,
    )


def test_raw_item_round_trip_validates() -> None:
    raw = _raw()
    data = loads(dumps(raw.to_json()))
    validate("raw_item", data)
    assert RawItem.from_json(data) == raw
    assert "إدلب".encode() in dumps(raw.to_json())  # Arabic kept unescaped


def test_invalid_raw_item_names_the_path() -> None:
    data = _raw().to_json()
    data["id"] = "not-hex"
    with pytest.raises(ValidationError, match="at id"):
        validate("raw_item", data)


def test_bad_bytes_are_decode_errors() -> None:
    with pytest.raises(DecodeError):
        loads(b"\xff\xfe{")


def test_naive_datetimes_are_refused() -> None:
    raw = _raw()
    naive = RawItem(**{**raw.__dict__, "fetched": datetime(2020, 1, 1)})
    with pytest.raises(ValueError, match="naive"):
        naive.to_json()


def test_decode_refuses_every_kind_of_bad_input() -> None:
    from streams.records import decode

    good = _raw().to_json()
    assert decode(dumps(good), "raw_item") == good
    with pytest.raises(DecodeError, match="tombstone"):
        decode(None, "raw_item")
    with pytest.raises(DecodeError, match="JSON object"):
        decode(b"[1, 2]", "raw_item")
    with pytest.raises(DecodeError):
        decode(b"\xff\xfe", "raw_item")
    with pytest.raises(ValidationError, match="raw_item schema"):
        decode(b'{"id": "x"}', "raw_item")
