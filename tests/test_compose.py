"""docker-compose.yml is valid Compose and agrees with the settings, the pinned Kafka and the image."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from streams.kafka.provision import KAFKA_VERSION, server_properties
from streams.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
APP_SERVICES = ("poller", "worker")


def _compose_schema() -> dict[str, Any]:
    # check-jsonschema vendors the Compose Specification schema (Apache-2.0) as package data;
    # find_spec locates it without importing the package's CLI.
    spec = importlib.util.find_spec("check_jsonschema")
    assert spec is not None and spec.submodule_search_locations, "pip install check-jsonschema"
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "builtin_schemas" / "vendor" / "compose-spec.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def _errors(document: dict[str, Any]) -> list[str]:
    schema = _compose_schema()
    # The Compose Specification schema is draft 7; its "$schema" URL lacks the "#" that
    # jsonschema's lookup expects, so name the draft rather than let it fall back to the latest.
    assert "draft-07" in schema["$schema"]
    Draft7Validator.check_schema(schema)
    validator = Draft7Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return loaded


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):  # the "KEY=value" list form
        env = dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def _published(service: dict[str, Any]) -> dict[int, int]:
    """{container port: host port} from short ("6066:6066") or long port syntax."""
    out = {}
    for entry in service.get("ports", []):
        if isinstance(entry, dict):
            out[int(entry["target"])] = int(entry["published"])
        else:
            *_, host, target = str(entry).split(":")
            out[int(target.split("/")[0])] = int(host)
    return out


def test_compose_file_matches_the_compose_specification(compose: dict[str, Any]) -> None:
    assert _errors(compose) == []


def test_the_schema_check_rejects_a_broken_file(compose: dict[str, Any]) -> None:
    broken = copy.deepcopy(compose)
    broken["services"]["worker"]["depends_on"] = {"kafka": {"condition": "healthy"}}
    broken["services"]["poller"]["restart_policy"] = "always"
    problems = _errors(broken)
    assert any("depends_on" in p for p in problems), problems
    assert any("restart_policy" in p for p in problems), problems


def test_kafka_image_is_the_pinned_version(compose: dict[str, Any]) -> None:
    assert compose["services"]["kafka"]["image"] == f"apache/kafka:{KAFKA_VERSION}"


def test_worker_publishes_the_default_web_port(compose: dict[str, Any]) -> None:
    default = Settings.model_fields["web_port"].default
    worker = compose["services"]["worker"]
    assert _published(worker) == {default: default}
    assert f"localhost:{default}/health" in " ".join(worker["healthcheck"]["test"])


def test_host_clients_reach_kafka_on_the_default_broker_port(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    default = Settings.model_fields["broker_port"].default
    assert _published(kafka) == {default: default}
    assert f"PLAINTEXT_HOST://localhost:{default}" in _env(kafka)["KAFKA_ADVERTISED_LISTENERS"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_env_vars_are_settings(compose: dict[str, Any], name: str) -> None:
    env = _env(compose["services"][name])
    assert env, f"{name} sets no environment"
    fields = {}
    for key, value in env.items():
        assert key.startswith("WIREWATCH_"), key
        field = key.removeprefix("WIREWATCH_").lower()
        assert field in Settings.model_fields, f"{key} is not a Settings field"
        fields[field] = value
    settings = Settings.model_validate(fields)  # the values must validate, too
    assert settings.web_host == "0.0.0.0"  # reachable through the published port
    assert not settings.local_broker


@pytest.mark.parametrize("name", APP_SERVICES)
def test_apps_use_the_internal_listener_and_wait_for_a_healthy_kafka(
    compose: dict[str, Any], name: str
) -> None:
    service = compose["services"][name]
    kafka = compose["services"]["kafka"]
    bootstrap = _env(service)["WIREWATCH_BOOTSTRAP_SERVERS"]
    assert f"PLAINTEXT://{bootstrap}" in _env(kafka)["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert bootstrap.split(":")[0] in {"kafka", kafka.get("hostname")}
    assert service["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])


def test_app_services_run_the_cli_commands(compose: dict[str, Any]) -> None:
    assert compose["services"]["poller"]["command"] == ["poll"]
    assert compose["services"]["worker"]["command"] == ["worker"]
    for name in APP_SERVICES:
        assert compose["services"][name]["build"] == "."


def test_kafka_is_configured_like_the_local_broker(compose: dict[str, Any]) -> None:
    env = _env(compose["services"]["kafka"])
    local = dict(
        line.split("=", 1)
        for line in server_properties("127.0.0.1", 9092, 9093, Path("/x")).splitlines()
        if line and not line.startswith("#")
    )
    shared = [
        "process.roles",
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr",
        "group.initial.rebalance.delay.ms",
        "auto.create.topics.enable",
    ]
    for key in shared:
        env_name = "KAFKA_" + key.upper().replace(".", "_")
        assert env.get(env_name) == local[key], env_name
    assert env["KAFKA_NODE_ID"] == local["node.id"]
    voter_host = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split("@")[1].split(":")[0]
    assert voter_host == compose["services"]["kafka"]["hostname"]
    assert "CONTROLLER:PLAINTEXT" in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    # A cluster id is 16 bytes in URL-safe base64 without padding.
    assert re.fullmatch(r"[A-Za-z0-9_-]{21}[AQgw]", env["CLUSTER_ID"])


def test_dockerfile_builds_the_cli_image() -> None:
    lines = [line.strip() for line in DOCKERFILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    base = next(line.split()[1] for line in lines if line.startswith("FROM "))
    entrypoint = json.loads(next(line[len("ENTRYPOINT ") :] for line in lines if "ENTRYPOINT" in line))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert base == "python:3.11-slim"
    assert project["requires-python"] == ">=3.11"
    assert entrypoint == ["wirewatch"]
    assert "wirewatch" in project["scripts"]
    # Every path the wheel build reads must be copied into the build context.
    copied = {part for line in lines if line.startswith("COPY ") for part in line.split()[1:-1]}
    assert {"pyproject.toml", project["readme"], "schemas", "streams"} <= copied
