"""The feeds file: plain URL lists and TOML entries, errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.errors import ConfigError
from streams.feeds.feedlist import configured_feeds, load_feeds_file
from streams.settings import DEFAULT_FEEDS, FeedConfig, Settings


def test_plain_list_with_comments_names_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "feeds.txt"
    path.write_text(
        "\ufeff# wire feeds\n\nhttps://www.aljazeera.com/xml/rss/all.xml Al Jazeera English\n"
        "  https://example.com/feed#top   # fragment kept, comment dropped\n"
        "https://www.aljazeera.com/xml/rss/all.xml duplicate\n",
        encoding="utf-8",
    )
    assert load_feeds_file(path) == (
        FeedConfig(url="https://www.aljazeera.com/xml/rss/all.xml", name="Al Jazeera English"),
        FeedConfig(url="https://example.com/feed#top"),
    )


def test_toml_entries_carry_options(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(
        "[[feeds]]\n"
        'url = "https://www.aljazeera.net/rss"\nname = "الجزيرة"\nlang = "ar"\n'
        'min_interval = 120\nmax_interval = 900\ntags = ["syria", "wire"]\n',
        encoding="utf-8",
    )
    (aj,) = load_feeds_file(path)
    assert (aj.name, aj.lang, aj.min_interval, aj.max_interval, aj.tags) == (
        "الجزيرة",
        "ar",
        120,
        900,
        ("syria", "wire"),
    )


def test_toml_list_mixes_bare_urls_and_inline_tables(tmp_path: Path) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('feeds = ["https://a.example/rss", {url = "https://b.example/rss", lang = "en"}]\n')
    assert load_feeds_file(path) == (
        FeedConfig(url="https://a.example/rss"),
        FeedConfig(url="https://b.example/rss", lang="en"),
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("feeds.txt", "https://ok.example/rss\nftp://bad.example/rss\n", "feeds.txt:2: not an http(s) URL"),
        ("feeds.toml", "[[feeds]]\nname = 'no url'\n", "feeds entry 1: url: Field required"),
        ("feeds.toml", "[[feeds]]\nurl = 'https://x'\ncolour = 'red'\n", "feeds entry 1: colour"),
        ("feeds.toml", "feeds = 3\n", "must be a list"),
        ("feeds.toml", "[[feeds]\n", "feeds.toml"),
    ],
)
def test_errors_name_the_file_and_the_place(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_feeds_file(path)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="feeds file"):
        load_feeds_file(tmp_path / "nope.txt")


def test_default_feeds_without_a_file_and_the_file_when_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert configured_feeds(Settings()) == DEFAULT_FEEDS
    path = tmp_path / "feeds.txt"
    path.write_text("https://one.example/rss\n", encoding="utf-8")
    monkeypatch.setenv("WIREWATCH_FEEDS_FILE", str(path))
    assert configured_feeds(Settings()) == (FeedConfig(url="https://one.example/rss"),)
