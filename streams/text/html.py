"""Turn an HTML fragment (a feed item's summary or body) into plain text with paragraph breaks."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never text a reader sees.
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "svg", "math"})
# Elements that start a new paragraph (or line) when rendered.
# fmt: off
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
})
# fmt: on
_SPACES = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        # convert_charrefs decodes &amp;, &#1575; … before handle_data sees the text.
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]
        self._skip_depth = 0

    def _break(self) -> None:
        if self.paragraphs[-1]:
            self.paragraphs.append([])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag in _BLOCKS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>: a break, and never the start of a skipped region.
        if tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.paragraphs[-1].append(data)


def html_to_text(s: str) -> str:
    """Visible text of `s`: tags and scripts dropped, entities decoded, whitespace collapsed
    within paragraphs, paragraphs joined by a single "\\n". Plain text passes through.
    """
    collector = _TextCollector()
    collector.feed(s)
    collector.close()
    paragraphs = (_SPACES.sub(" ", "".join(p)).strip() for p in collector.paragraphs)
    return "\n".join(p for p in paragraphs if p)
