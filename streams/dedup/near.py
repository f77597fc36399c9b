"""Near-duplicate detection: compact MinHash signatures, LSH band keys and a windowed index.

Design note (numbers from tests/benchmarks/bench_dedup.py on tests/dedup/data/labelled.jsonl):

- MinHash, not SimHash. Both estimate a set similarity from a few bytes, but in pure Python
  SimHash costs 64 per-bit counter updates per shingle, while one-permutation MinHash (OPH:
  the top 6 bits of a shingle's hash pick one of 64 bins, the bin keeps its minimum) costs
  one comparison per shingle. MinHash also gives LSH band keys for Jaccard directly and
  estimates Jaccard, which is what "same text with edits" means. Empty bins of short texts
  are filled by rotation densification (Shrivastava & Li 2014) so titles get a signature too.
- Compact signatures: only the low `bits` bits of each bin's minimum are kept (b-bit
  MinHash, Li & König 2010): two texts agree in a bin with probability J + (1 - J) / 2**b, so
  J is estimated as (agree - 2**-b) / (1 - 2**-b). The title and the body (title + summary)
  get separate signatures so the policy can weigh them separately.
- Shingles: normalised word 2-shingles with Arabic proclitics stripped (`shingles.py`);
  the sweep compares 1-, 2- and 3-shingles and stripping on/off.
- Bands: the 64 body bins are grouped into `bands` groups; a band key is a hash of the
  band's index and the full-precision minimum of each of its `rows` sub-groups, so two items
  share band j with probability ~J**rows. An item is a candidate of every stored item with
  which it shares a band key; candidates are then verified on the b-bit signatures.
- Number guard: each entry keeps a 32-bit Bloom mask of the numbers in the text; two texts
  that both carry numbers but share none are different stories (template twins differ in
  exactly the numbers and places), however similar their words.
- Policy: an item near-duplicates a candidate when the body similarity is at least
  `body_min` and the title similarity at least `title_min`, or the body similarity alone is
  at least `body_only`. Template headlines ("strike kills 12 in Khan Younis" / "kills 7 in
  Rafah") share a topic and most words, so titles must also agree; a rewritten title on the
  same text still merges on the body alone.
- State: a band key maps to the concatenated fixed-size entries (item id, seen time, body and
  title signatures) of the items that have it, newest last, at most `max_bucket` of them;
  entries older than the window are dropped when a bucket is touched and by `purge`. Keys and
  values are raw bytes, so they are what a Faust table with raw serializers writes to its
  changelog.
- Many partitions: every band key is an exact-match key, so the worker re-keys (band key,
  item signature) messages with `group_by(band key)`; near-duplicates share at least one band
  key, so they meet on that key's partition, where `NearIndex.match_band` verifies and
  records. Each band partition answers with its best match; a second `group_by(item id)`
  collects the answers and `best` picks one. With one partition `NearIndex.decide` does both.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Protocol

from streams.dedup.shingles import MASK64, Shingler

_BINS = 64  # body bins: the top 6 bits of a shingle hash
_TITLE_BINS = 32
_MULT = 0x9E3779B97F4A7C15
_EMPTY = MASK64 + 1
# Numbers in any digits ("12", "١٢"): int() reads both the same.
_NUMBER = re.compile(r"\d{1,9}")


class BandStore(Protocol):
    """A dict, or the worker's windowed Faust table with raw key and value serializers."""

    def get(self, key: bytes, default: bytes | None = None, /) -> bytes | None: ...

    def __setitem__(self, key: bytes, value: bytes, /) -> None: ...


@dataclass(frozen=True, slots=True)
class NearConfig:
    """Signature, band and policy parameters (defaults chosen by the benchmark's sweep)."""

    shingle: int = 2
    proclitics: bool = True
    bits: int = 2  # bits kept per MinHash bin
    bands: int = 2
    rows: int = 1
    body_min: float = 0.45
    title_min: float = 0.30
    body_only: float = 0.80
    max_bucket: int = 16  # entries kept per band key (newest win)

    @property
    def entry_size(self) -> int:
        return 16 + 4 + 4 + (_BINS * self.bits + _TITLE_BINS * self.bits) // 8


@dataclass(frozen=True, slots=True)
class Signature:
    """An item's compact signatures and band keys."""

    body: int  # _BINS lanes of `bits` bits
    title: int  # _TITLE_BINS lanes of `bits` bits
    numbers: int  # 32-bit Bloom mask of the numbers in the text (0: none)
    bands: tuple[bytes, ...]  # empty when the text has no words


@dataclass(frozen=True, slots=True)
class Match:
    """A remembered item and how similar the query is to it."""

    item_id: str
    seen: float
    body: float
    title: float


@dataclass(frozen=True, slots=True)
class NearDecision:
    """`near_duplicate` with the best match, or `new`."""

    kind: str  # "new" | "near_duplicate"
    match: Match | None = None


def _oph(hashes: Iterable[int], nbins: int, shift: int) -> list[int]:
    mins = [_EMPTY] * nbins
    for x in hashes:
        i = x >> shift
        if x < mins[i]:
            mins[i] = x
    return mins


def _pack(mins: list[int], bits: int) -> int:
    """b-bit lanes of the bin minima; an empty bin borrows from the next non-empty one with
    the distance mixed in (rotation densification), so short texts still fill every lane."""
    n = len(mins)
    if all(m == _EMPTY for m in mins):
        return 0
    shift = 64 - bits
    out = 0
    for j in range(n - 1, -1, -1):
        m = mins[j]
        dist = 0
        while m == _EMPTY:
            dist += 1
            m = mins[(j + dist) % n]
        out = (out << bits) | ((((m + dist) * _MULT) & MASK64) >> shift)
    return out


def _lane_mask(nbins: int, bits: int) -> int:
    return int(("0" * (bits - 1) + "1") * nbins, 2)


def similarity(a: int, b: int, nbins: int, bits: int) -> float:
    """Estimated Jaccard similarity of two b-bit signatures of `nbins` lanes."""
    x = a ^ b
    folded = x
    for s in range(1, bits):
        folded |= x >> s
    differ = (folded & _lane_mask(nbins, bits)).bit_count()
    chance = 1.0 / (1 << bits)
    agree = 1.0 - differ / nbins
    return max(0.0, (agree - chance) / (1.0 - chance))


class Signer:
    """Computes `Signature`s; holds the shingler's token-hash cache, so reuse one per process."""

    def __init__(self, config: NearConfig | None = None) -> None:
        self.config = config or NearConfig()
        self.shingler = Shingler(self.config.shingle, self.config.proclitics)

    def sign(self, title: str, summary: str) -> Signature:
        cfg = self.config
        title_hashes = self.shingler.hashes(title)
        body_hashes = title_hashes | self.shingler.hashes(summary) if summary else title_hashes
        body_mins = _oph(body_hashes, _BINS, 58)
        title_mins = _oph(title_hashes, _TITLE_BINS, 59)
        groups = cfg.bands * cfg.rows
        per = _BINS // groups
        bands: list[bytes] = []
        if body_hashes:
            for band in range(cfg.bands):
                parts = [band]
                for row in range(cfg.rows):
                    g = band * cfg.rows + row
                    parts.append(min(body_mins[g * per : (g + 1) * per]))
                if _EMPTY in parts:
                    continue  # an empty group would put every short text under one key
                data = struct.pack(f"<{len(parts)}Q", *parts[:1], *parts[1:])
                bands.append(hashlib.blake2b(data, digest_size=8).digest())
        numbers = 0
        for digits in _NUMBER.findall(f"{title} {summary}"):
            numbers |= 1 << ((int(digits) * _MULT & MASK64) >> 59)
        return Signature(_pack(body_mins, cfg.bits), _pack(title_mins, cfg.bits), numbers, tuple(bands))


class NearIndex:
    """Band key -> recent items' compact entries, within a time window; decides near-duplicates."""

    def __init__(self, store: BandStore, window_seconds: float, config: NearConfig | None = None) -> None:
        self.store = store
        self.window = window_seconds
        self.config = config or NearConfig()
        cfg = self.config
        self._body_bytes = _BINS * cfg.bits // 8
        self._title_bytes = _TITLE_BINS * cfg.bits // 8
        self._size = cfg.entry_size

    def _entry(self, item_id: str, sig: Signature, now: float) -> bytes:
        return (
            bytes.fromhex(item_id)
            + struct.pack("<II", int(now) & 0xFFFFFFFF, sig.numbers)
            + sig.body.to_bytes(self._body_bytes, "little")
            + sig.title.to_bytes(self._title_bytes, "little")
        )

    def _entries(self, value: bytes, now: float) -> Iterable[tuple[bytes, float, int, int, int]]:
        size, bb = self._size, self._body_bytes
        for off in range(0, len(value), size):
            e = value[off : off + size]
            seen, numbers = struct.unpack_from("<II", e, 16)
            if now - seen > self.window:
                continue
            body = int.from_bytes(e[24 : 24 + bb], "little")
            yield e, float(seen), numbers, body, int.from_bytes(e[24 + bb :], "little")

    def match_band(
        self, band: bytes, item_id: str, sig: Signature, now: float, record: bool = True
    ) -> Match | None:
        """Best accepted match among the items under one band key; then remember this item there.

        This is all a band partition does; the worker calls it once per band key."""
        cfg = self.config
        value = self.store.get(band) or b""
        chosen: Match | None = None
        kept: list[bytes] = []
        own = bytes.fromhex(item_id)
        for entry, seen, numbers, body, title in self._entries(value, now):
            if entry[:16] == own:
                continue  # an older version of this item: the exact policy handles it
            kept.append(entry)
            if numbers and sig.numbers and not numbers & sig.numbers:
                continue  # no number in common: "kills 12 in Khan Younis" is not "kills 7 in Rafah"
            match = Match(
                entry[:16].hex(),
                seen,
                similarity(sig.body, body, _BINS, cfg.bits),
                similarity(sig.title, title, _TITLE_BINS, cfg.bits),
            )
            if self.accepts(match) and (chosen is None or _rank(match) > _rank(chosen)):
                chosen = match
        if record:
            kept.append(self._entry(item_id, sig, now))
            self.store[band] = b"".join(kept[-cfg.max_bucket :])
        return chosen

    def accepts(self, match: Match) -> bool:
        """The policy: body and title both similar enough, or the body nearly the same."""
        cfg = self.config
        return match.body >= cfg.body_only or (match.body >= cfg.body_min and match.title >= cfg.title_min)

    def decide(self, item_id: str, sig: Signature, now: float, record: bool = True) -> NearDecision:
        """Look up every band of `sig`, return the best accepted match, and remember the item."""
        return best(self.match_band(band, item_id, sig, now, record) for band in sig.bands)

    @staticmethod
    def purge(store: MutableMapping[bytes, bytes], window: float, now: float, entry_size: int) -> int:
        """Drop a dict store's expired entries (a Faust window expires its own); returns keys removed."""
        removed = 0
        for key, value in list(store.items()):
            live = b"".join(
                value[o : o + entry_size]
                for o in range(0, len(value), entry_size)
                if now - struct.unpack_from("<I", value, o + 16)[0] <= window
            )
            if live:
                store[key] = live
            else:
                del store[key]
                removed += 1
        return removed


def _rank(match: Match) -> tuple[float, float]:
    return (match.body + match.title, match.seen)


def best(matches: Iterable[Match | None]) -> NearDecision:
    """The decision from per-band answers (what the collecting stage runs after `group_by(item id)`)."""
    found = [m for m in matches if m is not None]
    if not found:
        return NearDecision("new")
    return NearDecision("near_duplicate", max(found, key=_rank))
