"""One settings object for every command: WIREWATCH_* env vars, an optional TOML file, defaults."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_RULES_FILE = PACKAGE_DIR / "alerts" / "default_rules.yaml"
CONFIG_ENV = "WIREWATCH_CONFIG"
DEFAULT_CONFIG_FILE = Path("wirewatch.toml")

AL_JAZEERA_ARABIC = (
    "https://www.aljazeera.net/aljazeerarss/"
    "a7c186be-1baa-4bd4-9d80-a84db769f779/73d0e1b4-532f-45ef-b135-bfdff8b8cab9"
)
AL_JAZEERA_ENGLISH = "https://www.aljazeera.com/xml/rss/all.xml"


def _xdg(var: str, fallback: str) -> Path:
    base = os.environ.get(var)
    return Path(base) if base else Path.home() / fallback


class FeedConfig(BaseModel):
    """One feed to poll."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    name: str | None = None
    # Declared language of the feed; the tagger still detects per item.
    lang: str | None = None
    # Bounds of this feed's adaptive poll interval (seconds); None = the global bounds.
    min_interval: float | None = Field(default=None, gt=0)
    max_interval: float | None = Field(default=None, gt=0)
    # Free labels for the operator (kept with the feed's configuration, shown by feeds status).
    tags: tuple[str, ...] = ()


class WebhookConfig(BaseModel):
    """One webhook subscriber: alerts matching the filters are POSTed to `url`, signed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    name: str | None = None
    # HMAC-SHA256 key for the signature header; prefer WIREWATCH_WEBHOOKS via env or a file.
    secret: SecretStr | None = None
    secret_file: Path | None = None
    rules: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    min_severity: str = "low"
    timeout: float = Field(default=10.0, gt=0)


class RouteConfig(BaseModel):
    """A derived alert topic: alerts matching the filters are also written to `topic`.

    `topic` may contain "{rule}" or "{region}" to fan out into one topic per rule or per
    UN M49 region an alert is tagged with (names slugged: wire.alerts.region.western-asia).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: str = Field(pattern=r"^[A-Za-z0-9._{}-]+$")
    rules: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    min_severity: str = "low"


DEFAULT_FEEDS = (
    FeedConfig(url=AL_JAZEERA_ARABIC, name="Al Jazeera Arabic", lang="ar"),
    FeedConfig(url=AL_JAZEERA_ENGLISH, name="Al Jazeera English", lang="en"),
)


class Settings(BaseSettings):
    """Everything configurable. Env: WIREWATCH_<FIELD>; file: $WIREWATCH_CONFIG or ./wirewatch.toml."""

    model_config = SettingsConfigDict(
        env_prefix="WIREWATCH_",
        env_nested_delimiter="__",
        frozen=True,
        extra="forbid",
    )

    # --- Kafka -----------------------------------------------------------------
    # Empty means "no cluster configured": `wirewatch up` / `broker` provision a local one.
    bootstrap_servers: str = ""
    # TLS and SASL for every Kafka client (kafka-python, aiokafka, Faust): streams/kafka/security.py.
    # The password comes from WIREWATCH_SASL_PASSWORD or a file (sasl_password_file), never a log.
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    sasl_password_file: Path | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None  # client certificate (mutual TLS)
    ssl_keyfile: Path | None = None
    ssl_check_hostname: bool = True
    topic_prefix: str = ""
    topic_partitions: int = Field(default=4, ge=1)
    topic_replication: int = Field(default=1, ge=1)

    # --- Local broker (used only when bootstrap_servers is empty) ---------------
    broker_host: str = "127.0.0.1"
    broker_port: int = Field(default=9092, ge=1, le=65535)
    broker_controller_port: int = Field(default=9093, ge=1, le=65535)
    broker_heap: str = "512m"
    cache_dir: Path = Field(default_factory=lambda: _xdg("XDG_CACHE_HOME", ".cache") / "wirewatch")
    data_dir: Path = Field(default_factory=lambda: _xdg("XDG_DATA_HOME", ".local/share") / "wirewatch")

    # --- Poller ------------------------------------------------------------------
    feeds: tuple[FeedConfig, ...] = DEFAULT_FEEDS
    # A file users edit, read instead of `feeds` when set: one URL per line, or (*.toml)
    # [[feeds]] tables with url, name, lang, min_interval, max_interval, tags.
    feeds_file: Path | None = None
    # First interval of a feed with no history; then it follows the feed's publishing rate
    # within [poll_interval_min, poll_interval_max] (a feed's own bounds override these).
    poll_interval: float = Field(default=300.0, gt=0, description="seconds between polls")
    poll_interval_min: float = Field(default=60.0, gt=0)
    poll_interval_max: float = Field(default=3600.0, gt=0)
    # Cap of the per-feed error backoff and of a server's Retry-After.
    poll_backoff_max: float = Field(default=3600.0, gt=0)
    poll_concurrency: int = Field(default=64, ge=1, description="fetches in flight, all hosts")
    poll_per_host: int = Field(default=4, ge=1, description="fetches in flight per host")
    # More "new" items than this in one poll is an identity storm: the rest are remembered,
    # not published, and the anomaly is reported.
    poll_max_new_items: int = Field(default=200, ge=1)
    http_connect_timeout: float = Field(default=10.0, gt=0)
    http_timeout: float = Field(default=20.0, gt=0, description="read timeout")
    # Bound on one whole fetch (a server trickling bytes cannot hold a slot for longer).
    http_total_timeout: float = Field(default=60.0, gt=0)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    user_agent: str = "Wirewatch/0.1 (+https://github.com/wirewatch/wirewatch)"
    allow_private_feeds: bool = False
    poller_id: str = "poller-1"
    # Scale-out: this poller polls the feeds that rendezvous hashing assigns to index
    # `poller_index` of `poller_count` (see streams/feeds/assign.py).
    poller_count: int = Field(default=1, ge=1)
    poller_index: int = Field(default=0, ge=0)
    # Port of the poller's Prometheus /metrics (on web_host); 0 = not served.
    poller_metrics_port: int = Field(default=0, ge=0, le=65535)

    # --- Worker ------------------------------------------------------------------
    app_id: str = "wirewatch"
    rules_file: Path = DEFAULT_RULES_FILE
    # How often the worker looks for a changed rules file (hot reload); 0 disables it.
    rules_reload_interval: float = Field(default=5.0, ge=0)
    # /health turns 503 when a stage has had records waiting but committed nothing for this
    # long (seconds; 0 = never), and lag is sampled for /metrics every `lag_interval` seconds.
    stage_stuck_after: float = Field(default=120.0, ge=0)
    lag_interval: float = Field(default=5.0, gt=0)
    dedup_window_hours: float = Field(default=72.0, gt=0)
    # RocksDB (rocksdict) under data_dir: state on disk, warm restarts; memory:// also works.
    store: str = "rocksdb://"
    # Stable id of this worker (its publisher's Kafka transactional id); empty: from data_dir.
    worker_id: str = ""
    # How long the publisher remembers published keys to drop replayed repeats.
    publish_horizon_hours: float = Field(default=6.0, gt=0)
    # The publisher begins a transaction at most this often (ms): records arriving meanwhile
    # share it. A record after a quiet spell is published at once; 0 = one per poll.
    publisher_txn_interval_ms: float = Field(default=20.0, ge=0, le=1000)
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=6066, ge=1, le=65535)

    # --- Alert delivery ----------------------------------------------------------
    # Bearer token required by GET /alerts/stream when set (never logged).
    sse_token: SecretStr | None = None
    webhooks: tuple[WebhookConfig, ...] = ()
    # Derived alert topics for consumers that want a slice (per region, per rule, ...).
    alert_routes: tuple[RouteConfig, ...] = ()
    # A webhook that keeps failing is retried with capped exponential backoff for this long,
    # then the alert goes to the webhook dead-letter topic (replayable), so nothing is lost.
    webhook_retry_for: float = Field(default=6 * 3600.0, gt=0)
    webhook_backoff_max: float = Field(default=300.0, gt=0)

    @property
    def local_broker(self) -> bool:
        """True when no cluster is configured and the project runs its own broker."""
        return not self.bootstrap_servers.strip()

    @property
    def bootstrap(self) -> str:
        """The bootstrap address clients use (the local broker's when none is configured)."""
        if self.local_broker:
            return f"{self.broker_host}:{self.broker_port}"
        return self.bootstrap_servers.strip()

    def kafka_python_config(self) -> dict[str, Any]:
        """Connection settings for kafka-python clients (TLS/SASL pass through)."""
        cfg: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap.split(","),
            "security_protocol": self.security_protocol,
        }
        from streams.kafka.security import kafka_python_security

        cfg.update(kafka_python_security(self))
        return cfg

    @model_validator(mode="after")
    def _check_kafka_security(self) -> Settings:
        # Fail at start, naming the setting, rather than at the first connection.
        if self.security_protocol.startswith("SASL"):
            missing = [
                name
                for name, value in (
                    ("sasl_mechanism", self.sasl_mechanism),
                    ("sasl_username", self.sasl_username),
                    ("sasl_password or sasl_password_file", self.sasl_password or self.sasl_password_file),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"security_protocol {self.security_protocol} needs {', '.join(missing)}")
        if self.sasl_password is not None and self.sasl_password_file is not None:
            raise ValueError("set sasl_password or sasl_password_file, not both")
        if (self.ssl_certfile is None) != (self.ssl_keyfile is None):
            raise ValueError("ssl_certfile and ssl_keyfile go together")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: explicit arguments > environment > TOML file > defaults.
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = config_file()
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)


def config_file() -> Path | None:
    """The TOML file to read: $WIREWATCH_CONFIG if set (must exist), else ./wirewatch.toml if present."""
    named = os.environ.get(CONFIG_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            from streams.errors import ConfigError

            raise ConfigError(f"{CONFIG_ENV}={named}: no such file")
        return path
    return DEFAULT_CONFIG_FILE if DEFAULT_CONFIG_FILE.is_file() else None


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
