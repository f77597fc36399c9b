"""streams.text.html: visible text with paragraph breaks."""

from __future__ import annotations

from streams.text.html import html_to_text


def test_tags_scripts_entities_and_paragraphs() -> None:
    html = (
        "<div><p>Hello &amp; <b>world</b>&nbsp;!</p><script>alert('x')</script>"
        "<style>p{}</style><p>Second<br/>line &#1575;&#x644;</p>  tail  </div>"
    )
    assert html_to_text(html) == "Hello & world !\nSecond\nline ال\ntail"


def test_plain_text_passes_through_collapsed() -> None:
    assert html_to_text("  اتفق   الرئيس\n\n الروسي ") == "اتفق الرئيس الروسي"


def test_unclosed_and_broken_markup() -> None:
    assert html_to_text("<p>one<p>two <i>three") == "one\ntwo three"
    assert html_to_text("a < b and c > d") == "a < b and c > d"


def test_empty() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<p> </p><br>") == ""
