"""The feed list users edit: a plain file of URLs, or TOML [[feeds]] entries with options."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pydantic

from streams.errors import ConfigError
from streams.settings import FeedConfig, Settings


def configured_feeds(settings: Settings) -> tuple[FeedConfig, ...]:
    """The feeds to poll: those in `feeds_file` when it is set, else the `feeds` setting."""
    if settings.feeds_file is None:
        return settings.feeds
    return load_feeds_file(settings.feeds_file)


def load_feeds_file(path: Path) -> tuple[FeedConfig, ...]:
    """Read a feed list; ConfigError names the file and the line or entry that is wrong.

    `*.toml`: `[[feeds]]` tables (url, name, lang, min_interval, max_interval, tags), or
    `feeds = [...]` mixing bare URLs and inline tables. Anything else: one URL per line,
    optionally followed by a name; blank lines and `#` comments are ignored. A URL listed twice
    is polled once (the first entry wins).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"feeds file {path}: {exc}") from exc
    feeds = _from_toml(path, text) if path.suffix.lower() == ".toml" else _from_lines(path, text)
    unique: dict[str, FeedConfig] = {}
    for feed in feeds:
        unique.setdefault(feed.url, feed)
    return tuple(unique.values())


def _from_lines(path: Path, text: str) -> list[FeedConfig]:
    feeds = []
    for number, line in enumerate(text.splitlines(), 1):
        content = line.strip()
        if not content or content.startswith("#"):
            continue
        content = content.split(" #", 1)[0].strip()  # a "#" inside a URL is a fragment
        url, _, name = content.partition(" ")
        if not url.lower().startswith(("http://", "https://")):
            raise ConfigError(f"{path}:{number}: not an http(s) URL: {url!r}")
        feeds.append(FeedConfig(url=url, name=name.strip() or None))
    return feeds


def _from_toml(path: Path, text: str) -> list[FeedConfig]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    entries = data.get("feeds", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'feeds' must be a list of URLs or [[feeds]] tables")
    feeds = []
    for index, entry in enumerate(entries, 1):
        try:
            if isinstance(entry, str):
                feeds.append(FeedConfig(url=entry))
            else:
                feeds.append(FeedConfig.model_validate(entry))
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "entry"
            raise ConfigError(f"{path}: feeds entry {index}: {where}: {first['msg']}") from exc
    return feeds
