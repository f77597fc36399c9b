"""Offline input lines (annotate, rules test): the analysed text of a JSON object."""

from __future__ import annotations

from typing import Any

from streams.errors import InputError


def analysed_text(obj: dict[str, Any]) -> tuple[str, int | None]:
    """The text offsets index — `text`, else title + "\\n" + summary — and where the title
    ends (None when `text` was given, so matches there have no title/summary field)."""
    text = obj.get("text")
    if isinstance(text, str):
        return text, None
    title, summary = obj.get("title"), obj.get("summary")
    if not isinstance(title, str | None) or not isinstance(summary, str | None):
        raise InputError("'title' and 'summary' must be strings")
    if title is None and summary is None:
        raise InputError("needs 'text' or 'title' and/or 'summary'")
    title = title or ""
    return f"{title}\n{summary or ''}", len(title)
