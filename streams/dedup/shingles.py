"""Normalised, Arabic-aware word tokens and their 64-bit shingle hashes for near-duplicate signatures.

Tokens are the words of the `streams.text.matchkey` key (the fast, C-speed path of the same
folds as `streams.text.normalize`: hamza/alef, ى/ي, ة/ه, tashkeel, tatweel, case and
Arabic-Indic digits folded), so "إِدْلِـــب" and "ادلب" are one token. A caller that already
holds the key passes ``normalized=True`` and nothing is folded twice. Optionally the Arabic
proclitics are stripped — conjunctions و "and", ف "so", prepositions ب "in/with", ل "for",
ك "like", and the article ال — so "وقال"/"قال" and "بإدلب"/"إدلب" agree. Stripping only has
to be *consistent* (both texts are stripped the same way): it may mangle a name that begins
with one of those letters ("بوتين" -> "وتين"), which costs nothing here because a token is
only ever compared with the same token. A token keeps at least 2 letters.

Hashes are simple tabulation (Pătraşcu & Thorup, "The Power of Simple Tabulation Hashing",
2012) with words as characters: each distinct token is stripped and hashed once with blake2b
into k independent 64-bit table values T_0 .. T_{k-1}, and the k-word shingle w_1 .. w_k hashes
to T_0[w_1] ^ T_1[w_2] ^ ... ^ T_{k-1}[w_k] — one xor per 2-shingle, no multiplication, and
simple tabulation is close enough to min-wise independent for MinHash (the labelled set and the
benchmark's Jaccard check measure it). A text shorter than k words is one shingle, the same xor
over the words it has. Hashes are stable across processes and machines (band keys go to Kafka).
(`signer.Signer` caches each word's T_0, T_1 on top of `Shingler.tables` for its fast path.)
"""

from __future__ import annotations

import hashlib
import re
from functools import reduce
from operator import xor

from streams.text.matchkey import MatchKey

MASK64 = (1 << 64) - 1
WORD = re.compile(r"\w+")
# ASCII characters that are not \w mapped to a space, the others to themselves: for ASCII text
# `words` is then a C-speed translate + split, with the same result as WORD.findall. (Every
# ASCII character has an entry: `str.translate` looks a missing one up, and raises and
# swallows a KeyError for it, on every call — 3x slower.)
_ASCII_GAPS = {c: " " if WORD.fullmatch(chr(c)) is None else chr(c) for c in range(128)}
# Longest first. Proclitic combinations after normalisation (أ/إ/آ are already ا): وال فال بال
# كال "and/so/in/like the", لل "for the" (ل + ال with its alef dropped), وب ول فب فل, ال, و ف ب ل ك.
_PROCLITICS = ("وبال", "وكال", "وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "وب", "ول", "فب", "فل", "ال")
_SINGLE = frozenset("وفبلك")
_CACHE_LIMIT = 200_000


def strip_proclitics(token: str) -> str:
    """`token` without leading Arabic proclitics, keeping at least 2 letters ("وقال" -> "قال")."""
    if not token or token[0] not in "وفبلكا":
        return token
    for prefix in _PROCLITICS:
        if token.startswith(prefix) and len(token) - len(prefix) >= 2:
            return token[len(prefix) :]
    if token[0] in _SINGLE and len(token) >= 4:
        # A bare single-letter proclitic only on longer words: "قال" stays, "وقال" -> "قال".
        return token[1:]
    return token


def words(text: str) -> list[str]:
    """`WORD.findall(text)`: the runs of word characters, faster for ASCII text."""
    if text.isascii():
        return text.translate(_ASCII_GAPS).split()
    return WORD.findall(text)


def fold(text: str) -> str:
    """The matching key of `text` (what ``normalized=True`` callers pass)."""
    return MatchKey(text).key


def fold_pair(title: str, summary: str) -> tuple[str, str]:
    """`fold(title), fold(summary)` in one fold: NUL is kept as it is by every fold and is no
    word character, so it marks the boundary (texts holding a NUL are folded one by one)."""
    if "\0" in title or "\0" in summary:
        return fold(title), fold(summary)
    key_title, _, key_summary = fold(f"{title}\0{summary}").partition("\0")
    return key_title, key_summary


class Shingler:
    """Turns text into stable 64-bit hashes of its normalised k-word shingles."""

    def __init__(self, k: int = 2, proclitics: bool = True, seed: int = 0) -> None:
        if k < 1:
            raise ValueError("shingle size must be >= 1")
        self.k = k
        self.proclitics = proclitics
        # Seed 0 is the unsalted digest every process uses; others draw other tables (the
        # benchmark measures how much the labelled-set figures move with the draw).
        self._salt = seed.to_bytes(16, "little")
        self._tables: dict[str, tuple[int, ...]] = {}

    def tokens(self, text: str, normalized: bool = False) -> list[str]:
        """Normalised word tokens of `text` (proclitics stripped if configured)."""
        found = WORD.findall(text if normalized else fold(text))
        if self.proclitics:
            return [strip_proclitics(w) for w in found]
        return found

    def digest(self, token: str) -> bytes:
        """The word's k table values as 8-byte little-endian words (stripped first if
        configured): its blake2b digest, uncached."""
        key = strip_proclitics(token) if self.proclitics else token
        return hashlib.blake2b(key.encode("utf-8"), digest_size=8 * self.k, salt=self._salt).digest()

    def tables(self, token: str) -> tuple[int, ...]:
        """The word's k table values T_0 .. T_{k-1}, uncached."""
        digest = self.digest(token)
        return tuple(int.from_bytes(digest[i : i + 8], "little") for i in range(0, 8 * self.k, 8))

    def token_tables(self, text: str, normalized: bool = False) -> list[tuple[int, ...]]:
        """The table values of every word of `text`, in order."""
        cache = self._tables
        if len(cache) > _CACHE_LIMIT:  # bounded, whatever vocabulary the feeds bring
            cache.clear()
        out = []
        for w in WORD.findall(text if normalized else fold(text)):
            t = cache.get(w)
            if t is None:
                t = cache[w] = self.tables(w)
            out.append(t)
        return out

    def shingle(self, rows: list[tuple[int, ...]]) -> set[int]:
        """The set of k-word shingle hashes of a sequence of words' table values: the xor of
        T_i of the shingle's i-th word (one shingle, over all words, if shorter than k)."""
        k = min(self.k, len(rows))
        return (
            {reduce(xor, (rows[i + j][j] for j in range(k)), 0) for i in range(len(rows) - k + 1)}
            if rows
            else set()
        )

    def hashes(self, text: str, normalized: bool = False) -> set[int]:
        """The set of 64-bit hashes of the text's k-word shingles (one shingle for shorter texts)."""
        return self.shingle(self.token_tables(text, normalized))
