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

Hashes are stable across processes and machines (band keys go to Kafka): each distinct token
is stripped and hashed once with blake2b (digest_size=8) and cached, so the per-token work on
a cache hit is one dict lookup done by `map` in C; a k-word shingle's hash is a multiply-add
chain over its token hashes, mod 2**64, a few integer operations instead of a hash call.
(`near.Signer` caches its own per-word 2-shingle terms on top of `Shingler.token_hash`.)
"""

from __future__ import annotations

import hashlib
import itertools
import re

from streams.text.matchkey import MatchKey

MASK64 = (1 << 64) - 1
# Odd 64-bit multiplier (the golden-ratio constant of splitmix64) for the shingle chain.
_MULT = 0x9E3779B97F4A7C15
WORD = re.compile(r"\w+")
# ASCII characters that are not \w, mapped to a space: for ASCII text `words` is then a C-speed
# translate + split, with the same result as WORD.findall.
_ASCII_GAPS = str.maketrans({chr(c): " " for c in range(128) if not WORD.fullmatch(chr(c))})
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


class Shingler:
    """Turns text into stable 64-bit hashes of its normalised k-word shingles."""

    def __init__(self, k: int = 2, proclitics: bool = True) -> None:
        if k < 1:
            raise ValueError("shingle size must be >= 1")
        self.k = k
        self.proclitics = proclitics
        self._hashes: dict[str, int] = {}

    def tokens(self, text: str, normalized: bool = False) -> list[str]:
        """Normalised word tokens of `text` (proclitics stripped if configured)."""
        words = WORD.findall(text if normalized else fold(text))
        if self.proclitics:
            return [strip_proclitics(w) for w in words]
        return words

    def token_hash(self, token: str) -> int:
        """The stable 64-bit hash of one word (stripped if configured), uncached."""
        key = strip_proclitics(token) if self.proclitics else token
        return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")

    def _miss(self, token: str) -> int:
        h = self._hashes[token] = self.token_hash(token)
        return h

    def token_hashes(self, text: str, normalized: bool = False) -> list[int]:
        """The 64-bit hash of every word of `text`, in order."""
        words = WORD.findall(text if normalized else fold(text))
        cache = self._hashes
        if len(cache) > _CACHE_LIMIT:  # bounded, whatever vocabulary the feeds bring
            cache.clear()
        hs = list(map(cache.get, words))
        if None in hs:
            return [self._miss(w) if h is None else h for w, h in zip(words, hs, strict=True)]
        return hs  # type: ignore[return-value]  # no None left

    def shingle(self, hs: list[int]) -> set[int]:
        """The set of k-word shingle hashes of a token-hash sequence (one shingle if shorter)."""
        k = self.k
        if k == 1 or len(hs) <= 1:
            return set(hs)
        if len(hs) < k:
            k = len(hs)
        if k == 2:
            # Finalising by one more multiply keeps the top bits (the OPH bin) well mixed.
            return {((a * _MULT + b) * _MULT) & MASK64 for a, b in itertools.pairwise(hs)}
        out: set[int] = set()
        for i in range(len(hs) - k + 1):
            x = 0
            for h in hs[i : i + k]:
                x = (x * _MULT + h) & MASK64
            out.add((x * _MULT) & MASK64)
        return out

    def hashes(self, text: str, normalized: bool = False) -> set[int]:
        """The set of 64-bit hashes of the text's k-word shingles (one shingle for shorter texts)."""
        return self.shingle(self.token_hashes(text, normalized))
