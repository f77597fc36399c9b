"""Typed adapter over feedparser: fetched bytes in, plain-text entries with absolute links out."""

from __future__ import annotations

import calendar
import io
import logging
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from streams.feeds.schedule import ttl_seconds
from streams.text import html_to_text

log = logging.getLogger(__name__)

# Caps that keep every wire.raw record far below Kafka's default 1 MB message size, even when a
# feed stuffs whole articles (or garbage) into one entry; a larger record would fail the send.
MAX_TITLE_CHARS = 1_000
MAX_SUMMARY_CHARS = 20_000
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# Horizontal whitespace (U+00A0 included); ZWNJ/ZWJ are not whitespace: they shape Persian
# and Arabic words, so they survive.
_SPACES = re.compile(r"[^\S\n]+")
# The prolog ends at the first element; a DOCTYPE's internal subset is the [...] part.
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_INTERNAL_SUBSET = re.compile(rb"(<!DOCTYPE[^\[>]*)\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
# A document whose non-ASCII characters read as windows-1256 are at least this share Arabic
# letters is Arabic (Latin-1 text read that way gives few: é, à, ç keep their places).
ARABIC_SHARE = 0.6
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(r"""encoding\s*=\s*["'][\w.:-]+["']""")
_XML_ENCODING_BYTES = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']""")
_UTF16_ENTITY = ("<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))


@dataclass(frozen=True)
class ParsedEntry:
    """One feed entry as plain data: text without markup, absolute link, UTC datetimes."""

    guid: str | None
    link: str | None
    title: str
    summary: str
    published: datetime | None
    updated: datetime | None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    lang: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """What one fetched document yielded; `error` is set for malformed input, entries kept."""

    entries: tuple[ParsedEntry, ...]
    title: str | None = None
    link: str | None = None
    lang: str | None = None
    # feedparser's format name ("rss20", "atom10", …); empty when the bytes were not a feed.
    version: str = ""
    # RSS <ttl> in seconds: how long the publisher says the feed may be cached.
    ttl: float | None = None
    error: str | None = None

    @property
    def is_feed(self) -> bool:
        """False for documents that are not feeds at all (an HTML error page, say)."""
        return bool(self.version or self.entries)


def parse_feed(
    body: bytes,
    *,
    base_url: str,
    content_type: str | None = None,
    content_language: str | None = None,
) -> ParsedFeed:
    """Parse fetched bytes; `base_url` is the response URL relative links resolve against.

    Never raises: a document feedparser cannot read comes back with no entries and an error.
    """
    # The response headers give feedparser the HTTP charset (it weighs it against the XML
    # declaration, RFC 3023) and the default language. Content-Location is left out on
    # purpose: with no base URI feedparser resolves nothing itself, so a guid stays verbatim
    # (it would otherwise turn guid "12345" into "https://host/12345") and links are
    # resolved below, only for link fields, against the URL the bytes really came from.
    body, refused = neutralise_dtd(body)
    if refused:
        return ParsedFeed(entries=(), error=refused)
    body, content_type = repair_arabic_charset(body, content_type)
    headers = {"content-type": content_type or "application/xml"}
    if content_language:
        headers["content-language"] = content_language
    try:
        # A BytesIO, never the bytes themselves: feedparser treats a str/bytes argument as a
        # URL or file name first, which would let a feed body make it open a local file.
        raw = feedparser.parse(
            io.BytesIO(body),
            response_headers=headers,
            resolve_relative_uris=False,  # we keep no markup, so URIs inside it are moot
            sanitize_html=False,  # markup is stripped to text below, scripts included
        )
    except Exception as exc:  # feedparser bugs on hostile input must not stop the poller
        return ParsedFeed(entries=(), error=f"{type(exc).__name__}: {exc}")

    entries: list[ParsedEntry] = []
    errors: list[str] = []
    feed: Mapping[str, Any] = raw.get("feed", {})
    feed_lang = _lang(feed.get("language"))
    for index, entry in enumerate(raw.get("entries", [])):
        try:
            entries.append(_entry(entry, base_url, feed_lang))
        except Exception as exc:  # one odd entry is skipped; the rest of the feed still counts
            errors.append(f"entry {index}: {type(exc).__name__}: {exc}")
    bozo = raw.get("bozo_exception") if raw.get("bozo") else None
    if isinstance(bozo, feedparser.CharacterEncodingOverride):
        # The declared charset was wrong but another decoded cleanly: informative, not broken.
        log.info("feed %s: %s", base_url, bozo)
    elif bozo is not None:
        errors.insert(0, f"{type(bozo).__name__}: {bozo}")
    return ParsedFeed(
        entries=tuple(entries),
        title=_text(feed.get("title_detail"), feed.get("title")) or None,
        link=_absolute(feed.get("link"), base_url),
        lang=feed_lang,
        version=str(raw.get("version") or ""),
        ttl=ttl_seconds(feed.get("ttl")),
        error="; ".join(errors) or None,
    )


def repair_arabic_charset(body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """Windows-1256 bytes that claim to be UTF-8 (or claim nothing) become real UTF-8.

    feedparser falls back to windows-1252 when the declared UTF-8 does not decode, which turns
    an Arabic feed into Latin mojibake ("æÞÝ" for "وقف"). When the bytes are not UTF-8, no
    other charset is declared, and read as windows-1256 they are mostly Arabic letters, they
    are re-encoded as UTF-8 (declaration included). Anything else is left to feedparser.
    """
    declared = [m.lower() for m in (_charset(content_type), _xml_encoding(body)) if m]
    if any(d.replace("-", "").replace("_", "") not in ("utf8", "usascii", "ascii") for d in declared):
        return body, content_type
    try:
        body.decode("utf-8")
        return body, content_type
    except UnicodeDecodeError:
        pass
    text = body.decode("cp1256", "replace")
    high = sum(1 for c in text if ord(c) > 127)
    arabic = sum(1 for c in text if "\u0600" <= c <= "\u06ff")
    if not high or arabic / high < ARABIC_SHARE:
        return body, content_type
    text = _XML_ENCODING.sub("encoding='utf-8'", text, count=1)
    kind = (content_type or "application/xml").split(";", 1)[0].strip()
    log.info("feed bytes are windows-1256, not the UTF-8 they claim: re-encoded")
    return text.encode("utf-8"), f"{kind}; charset=utf-8"


def _charset(content_type: str | None) -> str | None:
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _xml_encoding(body: bytes) -> str | None:
    match = _XML_ENCODING_BYTES.search(body[:200])
    return match.group(1).decode("ascii", "replace") if match else None


def neutralise_dtd(body: bytes) -> tuple[bytes, str | None]:
    """Drop a DOCTYPE's internal subset (entity declarations) before feedparser sees the bytes.

    feedparser strips nested entity declarations (billion laughs) but re-inserts "safe"
    plain-text ones, and expat expands those: a 100 KB document declaring one 10 KB entity and
    using it 30,000 times became a 300 MB title (867 MiB peak, 3.3 s) before expat's
    amplification limit stopped it. No feed needs its own entities, so the subset goes; the
    DOCTYPE name stays (feedparser reads Netscape RSS 0.91 from it). External entities are
    never fetched (xml.sax's default). Returns the bytes and, for a UTF-16/32 document whose
    prolog cannot be rewritten as bytes but declares entities, a refusal message.
    """
    if b"\x00" in body[:4]:
        head = body[:65536]
        if any(marker in head for marker in _UTF16_ENTITY):
            return body, "entity declarations in a UTF-16 document: refused"
        return body, None
    first = _FIRST_ELEMENT.search(body)
    end = first.start() if first is not None else len(body)
    prolog = body[:end]
    if b"[" not in prolog:
        return body, None
    stripped = _INTERNAL_SUBSET.sub(rb"\1>", prolog, count=1)
    if stripped == prolog:
        return body, None
    if b"<!ENTITY" in stripped.upper():  # a "]>" inside an entity value cut the subset short
        return body, "entity declarations outside a parseable DOCTYPE: refused"
    log.info("dropped a DOCTYPE internal subset (%d bytes)", len(prolog) - len(stripped))
    return stripped + body[end:], None


def _entry(entry: dict[str, Any], base_url: str, feed_lang: str | None) -> ParsedEntry:
    title = " ".join(_text(entry.get("title_detail"), entry.get("title")).splitlines())
    summary_detail = _summary(entry)
    # dict.get, not entry.get: FeedParserDict answers a missing "updated_parsed" with the
    # published time (a deprecated alias), which would invent an update that never happened.
    published = _utc(dict.get(entry, "published_parsed"))
    updated = _utc(dict.get(entry, "updated_parsed"))
    return ParsedEntry(
        guid=_clean(entry.get("id")),
        link=_link(entry, base_url),
        title=_truncate(title, MAX_TITLE_CHARS),
        summary=_truncate(
            _text(summary_detail, summary_detail and summary_detail.get("value")),
            MAX_SUMMARY_CHARS,
        ),
        # Many Atom feeds carry only <updated>; it is the best publication time they offer.
        published=published or updated,
        updated=updated,
        authors=_unique(_author_names(entry)),
        categories=_unique(
            _clean(tag.get("label")) or _clean(tag.get("term")) for tag in entry.get("tags", [])
        ),
        lang=_entry_lang(entry, summary_detail) or feed_lang,
    )


def _summary(entry: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The entry's description, else its first non-empty <content> (Atom feeds often omit one)."""
    detail = entry.get("summary_detail")
    if isinstance(detail, Mapping) and _clean(detail.get("value")):
        return detail
    for content in entry.get("content", []):
        if isinstance(content, Mapping) and _clean(content.get("value")):
            return content
    if _clean(entry.get("summary")):
        # feedparser can fill "summary" without its detail; untyped text in a description
        # is HTML by RSS convention.
        return {"type": "text/html", "value": entry.get("summary"), "language": None}
    return None


def _text(detail: Mapping[str, Any] | None, value: Any) -> str:
    """Plain text of a feed text construct: markup stripped only when it is declared markup."""
    if not isinstance(value, str):
        return ""
    # feedparser already decoded the XML, so plain text is final; in HTML, entities and tags
    # are one more layer (an RSS <description> is escaped HTML by convention).
    if detail is not None and detail.get("type") in _HTML_TYPES:
        return html_to_text(value)
    return _collapse(value)


def _link(entry: Mapping[str, Any], base_url: str) -> str | None:
    """The entry's article URL: its alternate <link>, resolved against the response URL."""
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate":
            resolved = _absolute(link.get("href"), base_url)
            if resolved:
                return resolved
    # An RSS <guid isPermaLink="true"> with no <link> is the link, but only when it really is
    # a URL: a bare "12345" guid must not become a made-up address under the feed's host.
    fallback = _clean(entry.get("link"))
    return fallback if fallback and _is_http(fallback) else None


def _absolute(href: Any, base_url: str) -> str | None:
    cleaned = _clean(href)
    if not cleaned:
        return None
    try:
        resolved = urljoin(base_url, cleaned)
    except ValueError:
        return None
    # Only web links: "javascript:", "mailto:" or "file:" links are never an article.
    return resolved if _is_http(resolved) else None


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _utc(parsed: Any) -> datetime | None:
    """feedparser's struct_time, which it has already shifted to UTC, as an aware datetime."""
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, OSError, ValueError):  # absurd years in hand-written feeds
        return None


def _author_names(entry: Mapping[str, Any]) -> Iterable[str | None]:
    authors = entry.get("authors") or []
    for author in authors:
        if isinstance(author, Mapping):
            yield _clean(author.get("name")) or _clean(author.get("email"))
    if not authors:
        yield _clean(entry.get("author"))


def _entry_lang(entry: Mapping[str, Any], summary_detail: Mapping[str, Any] | None) -> str | None:
    for detail in (entry.get("title_detail"), summary_detail):
        if isinstance(detail, Mapping):
            lang = _lang(detail.get("language"))
            if lang:
                return lang
    return None


def _lang(value: Any) -> str | None:
    """A language tag in one spelling: "ar_SA" and "AR-sa" both become "ar-sa"."""
    cleaned = _clean(value)
    return cleaned.replace("_", "-").lower() if cleaned else None


def _collapse(text: str) -> str:
    """Plain text tidied like html_to_text's output: spaces collapsed, one line per paragraph."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    stripped = value.strip()
    return stripped or None


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """Non-empty values, first occurrence kept, order preserved."""
    return tuple(dict.fromkeys(v for v in values if v))


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    # Cut at a word boundary so a truncated summary never ends inside a (normalised) word.
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip()
