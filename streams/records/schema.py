"""Load the JSON Schemas in schemas/ once and validate records against them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from streams.errors import ValidationError

_PACKAGE = Path(__file__).resolve().parent.parent


def schema_dir() -> Path:
    """schemas/ beside the package in a checkout, or the copy packed into the wheel."""
    for candidate in (_PACKAGE.parent / "schemas", _PACKAGE / "_schemas"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("schemas directory not found beside or inside the package")


@cache
def _registry() -> Registry[Any]:
    resources = []
    for path in sorted(schema_dir().glob("*.schema.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        resources.append((doc["$id"], Resource.from_contents(doc)))
        # Relative $refs ("annotation.schema.json#/...") resolve against $id, so the
        # absolute ids are enough; file names are registered too for local lookups.
        resources.append((path.name, Resource.from_contents(doc)))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """The compiled validator of schemas/<name>.schema.json, checked once."""
    path = schema_dir() / f"{name}.schema.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(doc)
    return Draft202012Validator(doc, registry=_registry(), format_checker=FormatChecker())


def validate(name: str, record: Mapping[str, Any]) -> None:
    """Raise ValidationError naming the first failing path if `record` breaks schema `name`."""
    error = next(iter(validator(name).iter_errors(record)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "<root>"
        raise ValidationError(f"{name} schema: at {where}: {error.message}") from None
