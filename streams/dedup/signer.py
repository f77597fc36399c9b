"""Sign an item: b-bit MinHash lanes, LSH band keys and anchor sketches of its title and summary."""

from __future__ import annotations

import hashlib
import struct
from bisect import bisect_left
from collections.abc import Collection, Iterable
from functools import cache, lru_cache
from itertools import repeat
from operator import and_
from typing import cast

from streams.dedup.anchors import (
    NUMBER,
    OTHER_BITS,
    OTHERS,
    PLACES,
    number_sketch,
    numbers_sketch,
    sketch_of,
)
from streams.dedup.near import NearConfig, Signature
from streams.dedup.shingles import Shingler, fold_pair, words

_TOKEN_CACHE = 200_000  # words whose packed terms `Signer` keeps (then it starts over)
# Version of the signature definition (shingle hashes, lanes, band keys). It salts the band
# keys, so state written by another version never meets a signature of this one (its entries
# would compare as noise): after an upgrade, near-duplicates of items seen before it are missed
# until the window has turned over (README, "Known limits"). 1: multiply-add shingle chain;
# 2: simple tabulation and low-bit lanes; 3: anchor sketches as wide as their sets allow.
SIGNATURE_VERSION = 3
_BAND_SALT = int.from_bytes(
    hashlib.blake2b(
        b"wirewatch near-duplicate band key", digest_size=8, salt=bytes([SIGNATURE_VERSION])
    ).digest(),
    "little",
)


def _pack(ascending: list[int], nbins: int, bits: int, shift: int) -> int:
    """b-bit lanes of the bin minima: bin j in bits [j*bits, (j+1)*bits) holds the low `bits`
    bits of the smallest hash x with x >> shift == j; an empty bin borrows the minimum of the
    next non-empty one, wrapping to the first (rotation densification), so short texts still
    fill every lane.

    In the `ascending` hashes (repeats allowed) that minimum is the first hash at or above
    j << shift (past the end: the smallest hash), so each lane is one `bisect`, mapped in C, and
    the lanes become one int through a string of base-2**bits digits. Two texts agree in an
    empty bin only when they borrowed the same minimum, which lies in one bin, so at the same
    distance; the low bits of a bin's minimum are as random as any (its rank is decided by the
    high bits). Equal to the reference loop in tests/dedup/test_near.py."""
    if not ascending:
        return 0
    at = map(bisect_left, repeat(ascending), _bin_starts(nbins, shift))
    lanes = map(and_, map([*ascending, ascending[0]].__getitem__, at), repeat((1 << bits) - 1))
    if bits <= 5:
        return int(bytes(lanes).translate(_DIGITS), 1 << bits)
    return int("".join(map(format, lanes, repeat(f"0{bits}b"))), 2)


@lru_cache(maxsize=1024)
def _pairs(n: int) -> struct.Struct:
    """Reads the first 8 bytes of each of n 16-byte slots as a little-endian u64."""
    return struct.Struct("<" + "Q8x" * n)


@cache
def _bin_starts(nbins: int, shift: int) -> tuple[int, ...]:
    """j << shift for the bins from the last to the first (the most significant lane first)."""
    return tuple(j << shift for j in range(nbins - 1, -1, -1))


# Lane value -> its base-2**bits digit (bits <= 5), a `bytes.translate` table.
_DIGITS = b"0123456789abcdefghijklmnopqrstuv".ljust(256, b"?")


class Signer:
    """Computes `Signature`s; holds the per-word hash cache, so reuse one per process."""

    def __init__(self, config: NearConfig | None = None) -> None:
        self.config = cfg = config or NearConfig()
        self.shingler = Shingler(cfg.shingle, cfg.proclitics, cfg.seed)
        self._body_shift = 64 - (cfg.bins.bit_length() - 1)
        self._title_shift = 64 - (cfg.title_bins.bit_length() - 1) if cfg.title_bins else 64
        # word -> its 2-shingle table values T_0, T_1 (shingles.py) as 16 bytes: one object per
        # word keeps the cache's memory, which every lookup walks, small. Words with digits
        # live apart (with the numbers `numbers_sketch` finds in them): they are what makes the
        # vocabulary unbounded (counts, dates, ids), and each needs its numbers anyway.
        self._words: dict[str, bytes] = {}
        self._digit_words: dict[str, tuple[bytes, tuple[str, ...]]] = {}
        self._fast = cfg.shingle == 2
        band_shift = 64 - (cfg.bands.bit_length() - 1)  # band of hash x: x >> band_shift
        self._band_starts = tuple(b << band_shift for b in range(1, 1 << max(0, 64 - band_shift)))

    def _fill(self, found: list[bytes | None], words: list[str]) -> list[str]:
        """Replace the None lookups in `found` (words with digits, new words) by the words'
        table values; returns the numbers in those words."""
        cached, digit_words = self._words, self._digit_words
        for table in (cached, digit_words):
            if len(table) > _TOKEN_CACHE:  # bounded, whatever vocabulary the feeds bring
                table.clear()
        numbers: list[str] = []
        i = found.index(None)
        while True:
            w = words[i]
            known = digit_words.get(w)
            if known is None:
                known = (self.shingler.digest(w), tuple(str(int(d)) for d in NUMBER.findall(w)))
                if known[1]:
                    digit_words[w] = known
                else:
                    cached[w] = known[0]
            found[i] = known[0]
            numbers += known[1]
            try:
                i = found.index(None, i + 1)
            except ValueError:
                return numbers

    def sign(
        self,
        title: str,
        summary: str,
        *,
        places: Iterable[str] = (),
        countries: Iterable[str] = (),
        actors: Iterable[str] = (),
        normalized: bool = False,
    ) -> Signature:
        """The signature of an item. `places`, `countries` and `actors` are the tagger's ids
        (Item.places/countries/actors) and feed the anchor guard; ``normalized=True`` says the
        title and summary are already `shingles.fold`ed keys."""
        cfg = self.config
        if not normalized:
            title, summary = fold_pair(title, summary)
        ws = words(title)
        nt = len(ws)
        if summary:
            ws += words(summary)
        ns = len(ws) - nt
        title_hashes: Collection[int] = ()
        if self._fast and nt >= 2 and ns != 1:
            # One dict lookup per word (mapped in C) gives its table values; the numbers come
            # from the few words with digits, which the lookup misses. All 2-shingle hashes
            # (T_0 of a word ^ T_1 of the next) come from one xor of big integers: in the joined
            # values word i's T_0 is bits [128i, 128i + 64) and shifting by 192 bits lays word
            # i + 1's T_1 over it; `struct` reads the results out. The pair straddling title and
            # summary is skipped. Repeated shingles stay in the list: the bin minima do not
            # change, and band keys skip repeats. Bit-identical to the `Shingler.hashes` / regex
            # path below.
            found: list[bytes | None] = list(map(self._words.get, ws))
            numbers_found = self._fill(found, ws) if not all(found) else []
            joined = b"".join(cast(list[bytes], found))
            x = int.from_bytes(joined, "little")
            pairs = _pairs(nt + ns - 1).unpack_from((x ^ (x >> 192)).to_bytes(len(joined), "little"))
            body_hashes = list(pairs[: nt - 1])
            if cfg.title_bins:
                title_hashes = body_hashes[:]
            if ns:
                body_hashes += pairs[nt:]
            numbers = number_sketch(numbers_found) if numbers_found else 0
        else:
            sh = self.shingler
            title_hashes = sh.hashes(title, True)
            body_hashes = list(title_hashes | sh.hashes(summary, True) if summary else title_hashes)
            numbers = numbers_sketch(f"{title} {summary}")
        body_hashes.sort()
        ordered = body_hashes
        title_sig = 0
        if cfg.title_bins:
            title_sig = _pack(sorted(title_hashes), cfg.title_bins, cfg.title_bits, self._title_shift)
        # Band b stores under the smallest hash of its range and probes its `probes` smallest
        # (distinct): bisect the ascending hashes at the range starts instead of walking them.
        bands: list[bytes] = []
        probes: list[bytes] = []
        take = max(1, cfg.probes)
        lo = 0
        for hi in [*map(bisect_left, repeat(ordered), self._band_starts), len(ordered)]:
            if lo < hi:
                smallest = ordered[lo : min(hi, lo + take)]
                if len(set(smallest)) < len(smallest):  # a repeated shingle
                    smallest = list(dict.fromkeys(ordered[lo:hi]))[:take]
                keys = [(x ^ _BAND_SALT).to_bytes(8, "little") for x in smallest]
                bands.append(keys[0])
                probes += keys
            lo = hi
        return Signature(
            _pack(ordered, cfg.bins, cfg.bits, self._body_shift),
            title_sig,
            numbers,
            sketch_of(tuple(places), *PLACES),
            sketch_of(tuple(countries), *OTHERS) << OTHER_BITS | sketch_of(tuple(actors), *OTHERS),
            tuple(bands),
            tuple(probes),
        )
