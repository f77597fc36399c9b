"""parse_feed: real-feed-shaped RSS and Atom in, plain-text entries with absolute links out."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.feeds.parse import (
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    ParsedEntry,
    neutralise_dtd,
    parse_feed,
    repair_arabic_charset,
)
from tests.feeds.server import fixture_bytes

AJ_AR_URL = (
    "https://www.aljazeera.net/aljazeerarss/"
    "a7c186be-1baa-4bd4-9d80-a84db769f779/73d0e1b4-532f-45ef-b135-bfdff8b8cab9"
)


def _by_guid(entries: tuple[ParsedEntry, ...]) -> dict[str | None, ParsedEntry]:
    return {e.guid: e for e in entries}


def test_rss_arabic_entities_and_html_become_plain_text() -> None:
    feed = parse_feed(
        fixture_bytes("aljazeera_ar.rss.xml"),
        base_url=AJ_AR_URL,
        content_type="application/rss+xml; charset=utf-8",
    )
    assert feed.error is None and feed.version == "rss20"
    assert feed.title == "الجزيرة نت" and feed.lang == "ar"
    assert len(feed.entries) == 3
    first = _by_guid(feed.entries)["aj-2020-02-21-putin-erdogan-idlib"]
    assert first.title == "بوتين وأردوغان يتفقان على تكثيف التشاور للتوصل لوقف إطلاق النار في إدلب"
    # Escaped HTML with nested entities (&amp;#8211; &amp;quot; &amp;nbsp;) decodes fully,
    # tags vanish and paragraphs become lines.
    assert first.summary.splitlines() == [
        "اتفق الرئيس الروسي فلاديمير بوتين ونظيره التركي رجب طيب أردوغان – خلال اتصال هاتفي – "
        "على تكثيف التشاور للتوصل لوقف إطلاق النار في محافظة إدلب السورية.",
        'وقال الكرملين في بيان إن "الطرفين" أكدا ضرورة استمرار الاتصالات بين العسكريين.',
    ]
    assert "<" not in first.summary and "&" not in first.summary
    assert first.published == datetime(2020, 2, 21, 15, 0, tzinfo=UTC)
    assert first.updated is None
    assert first.categories == ("سياسة", "أخبار")
    assert first.authors == ("الجزيرة نت",)
    assert first.lang == "ar"
    # Links are kept as published (tracking parameters and all); canonicalising is dedup's job.
    assert first.link is not None and first.link.endswith("?traffic_source=rss")


def test_rss_cdata_html_scripts_dropped_and_time_zone_converted() -> None:
    feed = parse_feed(fixture_bytes("aljazeera_ar.rss.xml"), base_url=AJ_AR_URL)
    second = _by_guid(feed.entries)["aj-2020-02-21-un-displacement"]
    assert second.summary == (
        "قال مكتب الأمم المتحدة لتنسيق الشؤون الإنسانية إن نحو 900 ألف شخص نزحوا من إدلب وريف حلب."
    )
    assert "trackView" not in second.summary
    # &#160; in a title is a space, and +0300 is converted to UTC.
    assert second.title.endswith("منذ ديسمبر الماضي")
    assert second.published == datetime(2020, 2, 21, 10, 30, tzinfo=UTC)
    assert second.published is not None and second.published.tzinfo is UTC


def test_relative_link_resolves_against_the_response_url() -> None:
    feed = parse_feed(fixture_bytes("aljazeera_ar.rss.xml"), base_url=AJ_AR_URL)
    third = _by_guid(feed.entries)["aj-2020-02-21-raids"]
    assert third.link == "https://www.aljazeera.net/news/2020/2/21/غارات-روسية-ريف-إدلب"
    assert third.title == "مراسل الجزيرة: غارات روسية على ريف إدلب الجنوبي & قصف مدفعي على سراقب"


def test_english_rss_guid_that_looks_like_a_url_is_not_the_link() -> None:
    feed = parse_feed(
        fixture_bytes("aljazeera_en.rss.xml"),
        base_url="https://www.aljazeera.com/xml/rss/all.xml",
        content_type="text/xml; charset=UTF-8",
    )
    assert feed.lang == "en"
    first, second = feed.entries
    assert first.guid == "https://www.aljazeera.com/?t=1582297452"
    assert first.link == (
        "https://www.aljazeera.com/news/2020/2/21/"
        "putin-erdogan-agree-to-step-up-consultations-on-idlib-ceasefire"
    )
    assert first.summary == (
        "Turkish and Russian leaders discuss the Syrian province & the fate of nearly a million "
        "displaced people."
    )
    assert second.title == "UN warns of ‘bloodbath’ in Syria’s Idlib"
    assert second.summary == (
        "UN aid chief says the fighting is closing in on camps near the Turkish border."
    )


def test_atom_1_0() -> None:
    feed = parse_feed(
        fixture_bytes("atom.xml"),
        base_url="https://wire.example.org/syria/atom.xml",
        content_type="application/atom+xml",
    )
    assert feed.error is None and feed.version == "atom10"
    assert feed.title == "Wire desk: Syria" and feed.lang == "en"
    first, second = feed.entries
    assert first.guid == "tag:wire.example.org,2020-02-21:/syria/1001"
    assert first.title == "Idlib: ceasefire talks resume"  # type="html" title, tags stripped
    # The alternate link, not the enclosure; relative to the document's URL (RFC 4287 §4.2.7).
    assert first.link == "https://wire.example.org/syria/stories/1001?utm_source=atom"
    assert first.summary == "Turkish and Russian officials met in Ankara."
    assert first.published == datetime(2020, 2, 21, 12, 0, tzinfo=UTC)
    assert first.updated == datetime(2020, 2, 21, 13, 30, tzinfo=UTC)
    assert first.authors == ("Desk Editor", "Stringer")
    assert first.categories == ("Syria", "diplomacy")  # label preferred over term
    # xml:lang on the entry beats the feed's; xhtml content is the summary when there is none.
    assert second.lang == "ar"
    assert second.summary == "التقى مسؤولون أتراك وروس في أنقرة."
    # Only <updated>: it stands in for the publication time.
    assert second.published == second.updated == datetime(2020, 2, 21, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "content_type",
    ["text/xml; charset=windows-1256", "application/rss+xml", "text/xml", None],
)
def test_windows_1256_feed_decodes(content_type: str | None) -> None:
    body = fixture_bytes("windows1256.rss.xml")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")  # the fixture really is in the legacy code page
    feed = parse_feed(body, base_url="https://legacy.example.net/rss", content_type=content_type)
    assert feed.error is None
    (entry,) = feed.entries
    assert entry.title == "وزير الخارجية يلتقي نظيره التركي في الدوحة"
    assert entry.summary == "بحث الجانبان الأوضاع في سوريا & لبنان."
    assert feed.title == "أخبار الخليج"


def test_malformed_feed_keeps_the_entries_that_parsed_and_reports_the_error() -> None:
    feed = parse_feed(fixture_bytes("malformed.rss.xml"), base_url="https://broken.example.com/rss")
    assert feed.error is not None
    assert feed.is_feed
    links = [e.link for e in feed.entries]
    assert links[:2] == ["https://broken.example.com/a/1", "https://broken.example.com/a/2"]
    assert feed.entries[0].summary == "Fine & dandy."


def test_items_without_guid_or_link() -> None:
    feed = parse_feed(fixture_bytes("no_guid_link.rss.xml"), base_url="https://bare.example.com/rss")
    bare, numeric, permalink, script = feed.entries
    assert (bare.guid, bare.link) == (None, None)
    assert bare.title == "Only a title and text"
    # A permalink-by-default guid that is no URL stays a guid: no link invented under the host.
    assert (numeric.guid, numeric.link) == ("48213", None)
    assert permalink.link == permalink.guid == "https://bare.example.com/stories/7"
    assert script.link is None  # javascript: is not an article


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        b"\x00\xff\xfe garbage \x89PNG",
        b"/etc/passwd",  # feedparser would open a file by this name if handed bytes directly
        b"http://127.0.0.1:1/feed",  # ... or fetch a URL
    ],
)
def test_non_feeds_yield_nothing_and_never_raise(body: bytes) -> None:
    feed = parse_feed(body, base_url="https://example.com/rss")
    assert feed.entries == ()
    assert not feed.is_feed


def test_feedparser_is_never_given_a_path_or_url(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(fixture_bytes("aljazeera_en.rss.xml"))
    feed = parse_feed(str(secret).encode(), base_url="https://example.com/rss")
    assert feed.entries == ()


def test_huge_summary_is_truncated_at_a_word_boundary() -> None:
    words = " ".join(["كلمة"] * (MAX_SUMMARY_CHARS // 4))
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>big</title><link>https://e.com/1</link><description>{words}</description>"
        "</item></channel></rss>"
    ).encode()
    (entry,) = parse_feed(body, base_url="https://e.com/rss").entries
    assert len(entry.summary) <= MAX_SUMMARY_CHARS
    assert entry.summary.endswith("كلمة")


def _with_dtd(dtd: str, title: str) -> bytes:
    return (
        f"<?xml version='1.0'?>\n<!DOCTYPE rss [\n{dtd}\n]>\n<rss version='2.0'><channel><title>t</title>"
        f"<item><title>{title}</title><link>http://x.example/1</link></item>"
        "<item><title>plain</title><link>http://x.example/2</link></item></channel></rss>"
    ).encode()


def test_one_big_entity_used_many_times_is_not_expanded() -> None:
    # feedparser keeps "safe" plain-text entities; expat would expand this one to 300 MB.
    body = _with_dtd(f'<!ENTITY a "{"A" * 10_000}">', "&a;" * 30_000)
    tracemalloc.start()
    started = time.perf_counter()
    feed = parse_feed(body, base_url="http://x.example/")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.perf_counter() - started < 5 and peak < 50 * 2**20
    assert [len(e.title) for e in feed.entries][-1] == len("plain")
    assert max(len(e.title) for e in feed.entries) <= MAX_TITLE_CHARS


def test_nested_entities_and_external_entities_are_not_resolved() -> None:
    laughs = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    xxe = '<!ENTITY file SYSTEM "file:///etc/passwd">'
    for dtd, title in ((laughs, "&a9;"), (xxe, "&file;")):
        feed = parse_feed(_with_dtd(dtd, title), base_url="http://x.example/")
        assert len(feed.entries) == 2
        assert not any("lollol" in e.title or "root:" in e.title for e in feed.entries)


def test_doctype_name_survives_for_netscape_rss() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
        b'"http://my.netscape.com/publish/formats/rss-0.91.dtd" [<!ENTITY x "y">]>'
        b'<rss version="0.91"><channel><title>t</title><item><title>a</title>'
        b"<link>http://x.example/a</link></item></channel></rss>"
    )
    stripped, refused = neutralise_dtd(body)
    assert refused is None and b"<!ENTITY" not in stripped and b"Netscape" in stripped
    assert parse_feed(body, base_url="http://x.example/").version == "rss091n"


def test_utf16_document_declaring_entities_is_refused() -> None:
    body = (
        _with_dtd('<!ENTITY a "b">', "&a;")
        .decode()
        .replace("version='1.0'", "version='1.0' encoding='utf-16'")
    )
    feed = parse_feed(body.encode("utf-16"), base_url="http://x.example/")
    assert feed.entries == () and feed.error is not None and "refused" in feed.error


def test_rss_ttl_is_read_in_seconds() -> None:
    body = b"<rss version='2.0'><channel><title>t</title><ttl>30</ttl><item><title>a</title></item>"
    body += b"</channel></rss>"
    assert parse_feed(body, base_url="http://x.example/").ttl == 1800


def _rss_bytes(title: str, codec: str, declared: str | None) -> bytes:
    decl = f"<?xml version='1.0' encoding='{declared}'?>" if declared else "<?xml version='1.0'?>"
    doc = f"{decl}<rss version='2.0'><channel><title>t</title><item><title>{title}</title></item>"
    doc += "</channel></rss>"
    return doc.encode(codec)


@pytest.mark.parametrize("declared", ["utf-8", None])
def test_windows_1256_bytes_claiming_utf8_are_read_as_arabic(declared: str | None) -> None:
    body = _rss_bytes("وقف إطلاق النار في إدلب", "cp1256", declared)
    for content_type in ("application/rss+xml; charset=utf-8", None):
        feed = parse_feed(body, base_url="http://x.example/", content_type=content_type)
        assert feed.entries[0].title == "وقف إطلاق النار في إدلب"


def test_latin_text_in_windows_1252_is_not_taken_for_arabic() -> None:
    body = _rss_bytes("Le café où l'été déjà", "cp1252", None)
    assert parse_feed(body, base_url="http://x.example/").entries[0].title == "Le café où l'été déjà"
    assert repair_arabic_charset(body, None) == (body, None)
