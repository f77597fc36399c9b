"""The package's error hierarchy.

WirewatchError
 +-- ConfigError          bad settings, feeds file or rules file (fail loudly at start)
 +-- InputError           one bad input record (dead-letter it, keep going)
 |    +-- DecodeError      bytes that are not the JSON we expect
 |    +-- ValidationError  JSON that does not match its schema
 +-- FeedError            one feed could not be fetched or parsed (log, back off, retry)
 +-- BrokerError          the local broker could not be provisioned or started
"""

from __future__ import annotations


class WirewatchError(Exception):
    """Base of every error Wirewatch raises on purpose."""


class ConfigError(WirewatchError):
    """Settings, a feeds file or a rules file is invalid."""


class InputError(WirewatchError):
    """One input record is unusable; the caller dead-letters it and moves on."""


class DecodeError(InputError):
    """Bytes could not be decoded as JSON."""


class ValidationError(InputError):
    """A decoded record does not match its JSON Schema."""


class FeedError(WirewatchError):
    """A feed could not be fetched or parsed."""


class BrokerError(WirewatchError):
    """The local Kafka broker could not be provisioned, started or reached."""
