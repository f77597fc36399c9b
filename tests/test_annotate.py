"""The `wirewatch annotate` contract, through the real console entry point."""

from __future__ import annotations

import subprocess
import sys

import orjson

from tests.support import seed_text


def annotate(lines: list[bytes], *args: str) -> tuple[list[dict], str]:  # type: ignore[type-arg]
    proc = subprocess.run(
        [sys.executable, "-m", "streams", "annotate", *args],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        check=True,
        timeout=120,
    )
    out = [orjson.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return out, proc.stderr.decode()


def test_seed_article_contract() -> None:
    [result], _ = annotate([orjson.dumps({"id": "seed", "text": seed_text()})])
    assert result["id"] == "seed" and result["lang"] == "ar"
    assert {"SY", "TR", "RU"} <= set(result["countries"])
    assert result["countries"] == sorted(result["countries"])
    assert "Idlib" in result["places"]
    names = {a["name"] for a in result["actors"]}
    assert {"Vladimir Putin", "Recep Tayyip Erdogan"} <= names
    assert "ceasefire+idlib" in result["alerts"]
    assert result["duplicate_of"] is None
    text = seed_text()
    for mention in result["mentions"]:
        assert text[mention["start"] : mention["end"]] == mention["text"]
        assert mention["kind"] in {"place", "demonym", "actor"}
    idlib = [m for m in result["mentions"] if m["text"] == "إدلب"]
    assert idlib, "بإدلب/في إدلب must yield the span إدلب without its clitic"


def test_title_summary_duplicates_and_bad_lines() -> None:
    lines = [
        orjson.dumps({"id": 1, "title": "Russia, Turkey agree ceasefire in Idlib", "summary": "Putin said."}),
        b"{not json",
        orjson.dumps({"id": 2, "title": "Russia, Turkey agree ceasefire in Idlib", "summary": "Putin said."}),
        orjson.dumps({"no_id": True, "text": "x"}),
        orjson.dumps(
            {
                "id": 3,
                "title": "Markets",
                "summary": "Oil prices rose.",
                "url": "https://a.com/x?utm_source=t",
            }
        ),
        orjson.dumps({"id": 4, "title": "Other text", "url": "https://a.com/x"}),
    ]
    out, err = annotate(lines)
    assert [r["id"] for r in out] == [1, 2, 3, 4]
    assert out[0]["duplicate_of"] is None and out[0]["alerts"] == ["ceasefire+idlib"]
    assert out[0]["lang"] == "en" and {"RU", "TR", "SY"} <= set(out[0]["countries"])
    assert out[1]["duplicate_of"] == 1
    assert out[2]["duplicate_of"] is None and out[2]["alerts"] == []
    assert out[3]["duplicate_of"] == 3  # same canonical URL
    assert "<stdin>:2" in err and "<stdin>:4" in err


def test_rules_override(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\nconcepts:\n  oil: {terms: [oil, نفط]}\nrules:\n  - id: oil-news\n    all: [oil]\n",
        encoding="utf-8",
    )
    [result], _ = annotate([orjson.dumps({"id": "x", "text": "أسعار النفط ترتفع"})], "--rules", str(rules))
    assert result["alerts"] == ["oil-news"]


def test_near_duplicates_join_the_story_of_their_first_line() -> None:
    seed = seed_text()
    # The seed article re-published: diacritics and tatweel added to its opening, an update
    # line appended, a new id and URL. Then the same story again from that copy's wording,
    # and an English template twin that differs only in place and numbers.
    opening, rest = seed.split(" ", 1)
    edited = "وَقَالَ " + opening + " " + rest.replace("إدلب", "إدلـــب", 1) + "\nتحديث: وصول وفد أممي."
    base = (
        "Mediators resumed talks on Friday on a ceasefire that would halt the fighting in {}. "
        "The proposal includes a pause of {} days and the exchange of {} detainees."
    )
    lines = [
        orjson.dumps({"id": "a", "text": seed, "url": "https://aljazeera.net/news/1"}),
        orjson.dumps({"id": "b", "text": edited, "url": "https://aljazeera.net/news/1-updated"}),
        orjson.dumps(
            {"id": "c", "title": "Truce talks in Gaza City", "summary": base.format("Gaza City", 31, 11)}
        ),
        orjson.dumps({"id": "d", "title": "Truce talks in Mosul", "summary": base.format("Mosul", 20, 7)}),
        orjson.dumps(
            {
                "id": "e",
                "title": "Truce talks resume in Gaza City",
                "summary": base.format("Gaza City", 31, 11),
            }
        ),
    ]
    out, _ = annotate(lines)
    assert [r["duplicate_of"] for r in out] == [None, "a", None, None, "c"]
