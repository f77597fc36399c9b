"""Canonical URL rules."""

import pytest

from streams.dedup.urls import canonical_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTPS://WWW.AlJazeera.com/news/2020/2/18/x/", "https://www.aljazeera.com/news/2020/2/18/x"),
        (
            "https://www.aljazeera.com:443/news/a?utm_source=rss&utm_medium=feed",
            "https://www.aljazeera.com/news/a",
        ),
        (
            "https://www.aljazeera.net/news/a?traffic_source=rss&at_medium=x#top",
            "https://www.aljazeera.net/news/a",
        ),
        ("https://example.com/a?b=2&a=1&fbclid=zz", "https://example.com/a?a=1&b=2"),
        ("https://example.com/news/a/amp", "https://example.com/news/a"),
        ("https://example.com/amp/news/a", "https://example.com/news/a"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
    ],
)
def test_canonical_forms(given: str, expected: str) -> None:
    assert canonical_url(given) == expected


def test_arabic_slug_encoded_and_raw_agree() -> None:
    raw = "https://www.aljazeera.net/news/2020/2/18/بوتين-وأردوغان"
    encoded = (
        "https://www.aljazeera.net/news/2020/2/18/"
        "%D8%A8%D9%88%D8%AA%D9%8A%D9%86-%D9%88%D8%A3%D8%B1%D8%AF%D9%88%D8%BA%D8%A7%D9%86"
    )
    assert canonical_url(raw) == canonical_url(encoded)
    assert canonical_url(raw) is not None and " " not in canonical_url(raw)  # type: ignore[operator]


@pytest.mark.parametrize("bad", [None, "", "ftp://x/y", "not a url", "https://", "http://[::1"])
def test_non_http_urls_have_no_canonical_form(bad: str | None) -> None:
    assert canonical_url(bad) is None


def test_idempotent() -> None:
    url = "https://Example.com/a/b/?z=1&utm_campaign=q&a=%D8%A8"
    once = canonical_url(url)
    assert canonical_url(once) == once
