"""Sign an item: b-bit MinHash lanes, LSH band keys and anchor sketches of its title and summary."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
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
from streams.dedup.lanes import Bands, Hashes, Lanes, as_hashes, pair_hashes
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


class Signer:
    """Computes `Signature`s; holds the per-word hash cache, so reuse one per process."""

    def __init__(self, config: NearConfig | None = None) -> None:
        self.config = cfg = config or NearConfig()
        self.shingler = Shingler(cfg.shingle, cfg.proclitics, cfg.seed)
        # word -> its 2-shingle table values T_0, T_1 (shingles.py) as 16 bytes: one object per
        # word keeps the cache's memory, which every lookup walks, small. Words with digits
        # live apart (with the numbers `numbers_sketch` finds in them): they are what makes the
        # vocabulary unbounded (counts, dates, ids), and each needs its numbers anyway.
        self._words: dict[str, bytes] = {}
        self._digit_words: dict[str, tuple[bytes, tuple[str, ...]]] = {}
        self._fast = cfg.shingle == 2
        self._body = Lanes(cfg.bins, cfg.bits)
        self._title = Lanes(cfg.title_bins, cfg.title_bits) if cfg.title_bins else None
        self._bands = Bands(cfg.bands, cfg.probes, _BAND_SALT)

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
        if not normalized:
            title, summary = fold_pair(title, summary)
        ws = words(title)
        nt = len(ws)
        if summary:
            ws += words(summary)
        ns = len(ws) - nt
        title_hashes: Hashes | None = None
        if self._fast and nt >= 2 and ns != 1:
            # One dict lookup per word (mapped in C) gives its table values; the numbers come
            # from the few words with digits, which the lookup misses. The 2-shingle hashes
            # (T_0 of a word ^ T_1 of the next) are one xor of two strided views of the joined
            # values (lanes.pair_hashes), skipping the pair that straddles title and summary.
            # Repeated shingles stay: the bin minima do not change, and band keys skip repeats.
            # Bit-identical to the `Shingler.hashes` / regex path below.
            found: list[bytes | None] = list(map(self._words.get, ws))
            numbers_found = self._fill(found, ws) if not all(found) else []
            joined = b"".join(cast(list[bytes], found))
            ordered = pair_hashes(joined, nt, ns)
            if self._title is not None:
                title_hashes = pair_hashes(joined[: 16 * nt], nt, 0)
            numbers = number_sketch(numbers_found) if numbers_found else 0
        else:
            sh = self.shingler
            title_set = sh.hashes(title, True)
            ordered = as_hashes(list(title_set | sh.hashes(summary, True) if summary else title_set))
            if self._title is not None:
                title_hashes = as_hashes(list(title_set))
            numbers = numbers_sketch(f"{title} {summary}")
        title_sig = 0
        if self._title is not None and title_hashes is not None:
            title_sig = self._title.pack(title_hashes)
        bands, probes = self._bands.keys(ordered)
        return Signature(
            self._body.pack(ordered),
            title_sig,
            numbers,
            sketch_of(tuple(places), *PLACES),
            sketch_of(tuple(countries), *OTHERS) << OTHER_BITS | sketch_of(tuple(actors), *OTHERS),
            bands,
            probes,
        )
