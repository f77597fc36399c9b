"""Near-duplicate detection: the design, its config and records, and the windowed band-key index.

Design note (numbers from tests/benchmarks/bench_dedup.py on tests/dedup/data/labelled.jsonl):

- MinHash, not SimHash. Both estimate a set similarity from a few bytes, but in pure Python
  SimHash costs 64 per-bit counter updates per shingle, while one-permutation MinHash (OPH:
  the top bits of a shingle's hash pick one of `bins` bins, the bin keeps its minimum) costs
  one comparison per shingle. MinHash also gives LSH band keys for Jaccard directly and
  estimates Jaccard, which is what "same text with edits" means. Empty bins of short texts
  are filled by rotation densification (Shrivastava & Li 2014) so titles get a signature too.
- Compact signatures: only the low `bits` bits of each bin's minimum are kept (b-bit
  MinHash, Li & König 2010): two texts agree in a bin with probability J + (1 - J) / 2**b, so
  J is estimated as (agree - 2**-b) / (1 - 2**-b). Body = title + summary shingles, 32 bins of
  4 bits (16 bytes): the sweep finds the same precision as 64 bins of 2 bits and a little more
  recall (chance agreement 1/16 instead of 1/4), and packing 32 lanes costs half. A separate
  title signature is optional (`title_bins`, off by default: the sweep shows it only costs
  recall on re-titled copies once the anchor guard is on).
- Shingles: word 2-shingles of the `streams.text.matchkey` key with Arabic proclitics stripped
  (`shingles.py`); callers holding the folded key pass ``normalized=True``.
- Bands: the hash space is split into `bands` ranges; an item is *stored* under the smallest
  shingle hash of each range (P[two items share it] = J) and *looks up* the `probes` smallest
  of each range (multi-probe: more recall for no extra state). Candidates are verified on the
  b-bit signatures.
- Anchor guard (precision): `sign` takes the tagger's places, countries and actor ids (the
  worker passes Item.places/countries/actors) and the text's numbers, as bottom-k set
  sketches (`anchors.sketch`: fields of 37 bits for numbers, 34 for places, 20 each for
  countries and actors, up to 3, 3, 2 and 2 hashes as wide as the field allows — one place
  gets 31 bits, three 10 each; exact for small sets). Two items never merge when
  both carry numbers and share none, both name countries (or actors) and share none, or their
  places do not nest (neither set holds the other, or only one names a place) — template
  twins ("strike kills 12 in Khan Younis" / "kills 12 in Rafah") differ exactly there. See
  `anchors.guards_pass`. (Bloom masks of 24/24/8/8 bits merged 9% of place-only twins, and 18% of
  headlines that differ only in a number, "talks on Idlib (12)" / "(13)", through collisions;
  the benchmark's twin tests measure both.)
- Policy: a candidate that passes the guards is a near-duplicate when the body similarity is
  at least `body_min` (with a title signature: and the title at least `title_min`, or the
  body at least `body_only`).
- State: a band key (8 bytes) maps to the concatenated fixed-size entries of the items stored
  under it, newest last, at most `max_bucket`; entries older than the window are dropped when
  a key is written and by `purge`. Entry (42 bytes): item id, last 8 bytes | seen, u32 s |
  anchors, 14 bytes | body signature, 16 bytes. Two bands: 2 x (8 + 42) = 100 bytes per item
  when no key is shared (the benchmark measures this on distinct texts). Keys and values are
  raw bytes, so they are what a Faust table with raw serializers writes to its changelog.
- Many partitions: every band key is an exact-match key, so the worker re-keys an item's
  probe by band key (`probes.probe_chain`); near-duplicates share at least one band key, so they meet
  on that key's partition, where `NearIndex.match_key` verifies and records. The probe visits
  the partitions of its keys one after another, carrying the best match so far (one message
  per partition, not per key: Faust's cost is per message), and the last one hands the item to
  the story desk (streams/dedup/desk.py). With one partition `NearIndex.decide` does it all.
- Speed (pure Python, one core; issue 5 asks 20,000 items/s against a 1,000,000-item window):
  signing does no Python-level loop turn per word, shingle or bin, and as few C-level passes
  over them as possible — in this interpreter each element of a `map` costs a few hundred
  instructions, a big-integer operation over a whole text about as much as one element. The
  word cache holds each word's 16-byte table digest (one object per word: the 70 lookups per
  item walk this memory and are the largest single cost on a large vocabulary; a tuple of two
  ints was fewer instructions but slower); joining the item's digests into one big integer
  and one shift-xor gives every 2-shingle hash at once (`struct` reads them out). Words with
  digits are cached apart with their numbers, so the number sketch needs no regex over the
  text and one-off numbers do not crowd the word cache. Band keys come from bisecting the
  sorted hashes, lanes from one bisect per bin (`signer._pack`); title and summary are folded in one
  call. Against version 1 (multiply-add shingle chain, a regex for the numbers) sign + decide
  takes 0.61x the instructions per item (callgrind, fold included: 433k vs 709k) and ran
  1.35x as fast in the same process against a 1,000,000-item window (README has the
  benchmark's figures). What remains is mostly the word lookups (a third of the time:
  memory-bound on the benchmark's uniform 50,000-word vocabulary), the sort and the bisects
  (a `Counter` of the bins instead was more instructions). Signatures equal the
  `Shingler.hashes` / regex reference path, and `_pack` its reference loop
  (tests/dedup/test_near.py).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from streams.dedup.anchors import (
    NUMBER_BITS,
    NUMBER_MASK,
    OTHERS_AT,
    PLACE_MASK,
    guards_pass,
)

ID_BYTES = _ID = 8  # bytes of the item id kept in an entry (the desk key is their hex)
# seen (u32 s) | anchors (14 bytes): numbers (37-bit sketch) | places (34) << 37 |
# actors (20) << 71 | countries (20) << 91 (see streams/dedup/anchors.py)
_HEAD = struct.Struct("<I14s")
_ANCHOR_BYTES = 14


class BandStore(Protocol):
    """A dict, or the worker's windowed Faust table with raw key and value serializers."""

    def get(self, key: bytes, /) -> bytes | None: ...

    def __setitem__(self, key: bytes, value: bytes, /) -> None: ...


@dataclass(frozen=True, slots=True)
class NearConfig:
    """Signature, band and policy parameters (defaults chosen by the benchmark's sweep)."""

    shingle: int = 2
    proclitics: bool = True
    bins: int = 32  # body MinHash bins (a power of two, <= 256)
    bits: int = 4  # bits kept per body bin
    title_bins: int = 0  # title bins (0: no title signature; the sweep found it costs recall)
    title_bits: int = 2
    bands: int = 2  # band keys stored per item (a power of two)
    probes: int = 2  # band keys looked up per band: the `probes` smallest hashes of its range
    body_min: float = 0.40
    title_min: float = 0.0
    body_only: float = 0.70
    strict_places: bool = True  # places must nest (one set inside the other), not just overlap
    max_bucket: int = 16  # entries kept per band key (newest win)
    seed: int = 0  # table draw of the shingle hashes (0 in production; the benchmark varies it)

    @property
    def body_bytes(self) -> int:
        return (self.bins * self.bits + 7) // 8

    @property
    def title_bytes(self) -> int:
        return (self.title_bins * self.title_bits + 7) // 8

    @property
    def entry_size(self) -> int:
        return _ID + _HEAD.size + self.body_bytes + self.title_bytes


@dataclass(frozen=True, slots=True)
class Signature:
    """An item's compact signatures, guard masks and band keys."""

    body: int  # `bins` lanes of `bits` bits
    title: int  # `title_bins` lanes of `title_bits` bits
    numbers: int  # sketch of the numbers in the text (0: none)
    places: int  # 24-bit Bloom mask of the tagged places (0: none)
    others: int  # 8-bit Bloom mask of the countries << 8 | 8-bit mask of the actors
    bands: tuple[bytes, ...]  # keys to store under (empty when the text has no words)
    probes: tuple[bytes, ...]  # keys to look up (the band keys first)


@dataclass(frozen=True, slots=True)
class Match:
    """A remembered item and how similar the query is to it."""

    item_id: str  # hex of the last ID_BYTES bytes of the id
    seen: float
    body: float
    title: float


@dataclass(frozen=True, slots=True)
class NearDecision:
    """`near_duplicate` with the best match, or `new`."""

    kind: str  # "new" | "near_duplicate"
    match: Match | None = None


@cache
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


class NearIndex:
    """Band key -> recent items' compact entries, within a time window; decides near-duplicates.

    Entry layout (`NearConfig.entry_size` bytes, little-endian): item id (last 8 bytes) |
    seen (u32 seconds) | anchors (14 bytes: numbers, places, countries and actors sketches) |
    body signature | title signature."""

    def __init__(self, store: BandStore, window_seconds: float, config: NearConfig | None = None) -> None:
        self.store = store
        self.window = window_seconds
        self.config = cfg = config or NearConfig()
        self._size = cfg.entry_size
        self._body_at = _ID + _HEAD.size
        self._title_at = self._body_at + cfg.body_bytes

    def entry(self, item_id: str, sig: Signature, now: float) -> bytes:
        """The bytes this item adds under each of its band keys."""
        cfg = self.config
        return (
            bytes.fromhex(item_id)[-_ID:].rjust(_ID, b"\0")
            + _HEAD.pack(
                int(now) & 0xFFFFFFFF,
                (sig.numbers | sig.places << NUMBER_BITS | sig.others << OTHERS_AT).to_bytes(
                    _ANCHOR_BYTES, "little"
                ),
            )
            + sig.body.to_bytes(cfg.body_bytes, "little")
            + sig.title.to_bytes(cfg.title_bytes, "little")
        )

    def match_key(
        self,
        key: bytes,
        own: bytes,
        sig: Signature,
        now: float,
        entry: bytes | None = None,
        *,
        older_only: bool = False,
    ) -> Match | None:
        """Best accepted match among the items under one band key; then, if `entry` is given,
        remember it there (`own` is the query's 12-byte id suffix).

        This is all a band partition does; the worker calls it once per probe key, with the
        entry for the keys in `sig.bands`. With `older_only`, only items that come before the
        query in (seen, id) order can match: when two near-duplicates are in flight at once on
        different band partitions, each may see the other, and this order lets exactly one of
        them (the older) be new instead of both pointing at each other. `now` is then the
        query's own seen time. A replayed query replaces its own entry instead of adding a copy."""
        cfg = self.config
        value = self.store.get(key) or b""
        chosen: Match | None = None
        size, body_at, title_at = self._size, self._body_at, self._title_at
        window, strict = self.window, cfg.strict_places
        stale = 0
        order = (int(now) & 0xFFFFFFFF, own)
        if value:
            unpack = _HEAD.unpack_from
            for off in range(0, len(value), size):
                seen, packed = unpack(value, off + _ID)
                anchors = int.from_bytes(packed, "little")
                numbers = anchors & NUMBER_MASK
                places, others = (anchors >> NUMBER_BITS) & PLACE_MASK, anchors >> OTHERS_AT
                if now - seen > window:
                    stale += 1
                    continue
                if value[off : off + _ID] == own:
                    stale += 1  # an older version (or a replay) of this item: the exact policy
                    continue  # handles it, and recording replaces the entry
                if older_only and (seen, value[off : off + _ID]) >= order:
                    continue
                if not guards_pass(sig.numbers, sig.places, sig.others, numbers, places, others, strict):
                    continue  # "kills 12 in Khan Younis" is not "kills 7 in Rafah"
                body = similarity(
                    sig.body,
                    int.from_bytes(value[off + body_at : off + title_at], "little"),
                    cfg.bins,
                    cfg.bits,
                )
                title = (
                    similarity(
                        sig.title,
                        int.from_bytes(value[off + title_at : off + size], "little"),
                        cfg.title_bins,
                        cfg.title_bits,
                    )
                    if cfg.title_bins
                    else 1.0
                )
                if body >= cfg.body_only or (body >= cfg.body_min and title >= cfg.title_min):
                    match = Match(value[off : off + _ID].hex(), float(seen), body, title)
                    if chosen is None or _rank(match) > _rank(chosen):
                        chosen = match
        if entry is not None:
            if stale:
                value = b"".join(
                    value[o : o + size]
                    for o in range(0, len(value), size)
                    if now - _HEAD.unpack_from(value, o + _ID)[0] <= window and value[o : o + _ID] != own
                )
            self.store[key] = (value + entry)[-cfg.max_bucket * size :]
        return chosen

    def accepts(self, match: Match) -> bool:
        """The policy: body and title both similar enough, or the body nearly the same."""
        cfg = self.config
        return match.body >= cfg.body_only or (match.body >= cfg.body_min and match.title >= cfg.title_min)

    def decide(self, item_id: str, sig: Signature, now: float, record: bool = True) -> NearDecision:
        """Look up every probe key of `sig`, return the best accepted match, and remember the
        item under its band keys."""
        entry = self.entry(item_id, sig, now)
        store = self.store
        if not any(map(store.get, sig.probes)):
            # Nothing under any probe key (the common case): no candidate, and each band key's
            # new value is just the entry (what `match_key` writes for an empty key).
            if record:
                for key in sig.bands:
                    store[key] = entry
            return _NEW
        own = entry[:_ID]
        stored = set(sig.bands) if record else ()
        return best(self.match_key(k, own, sig, now, entry if k in stored else None) for k in sig.probes)

    @staticmethod
    def purge(store: MutableMapping[bytes, bytes], window: float, now: float, entry_size: int) -> int:
        """Drop a dict store's expired entries (a Faust window expires its own); returns keys removed."""
        removed = 0
        for key, value in list(store.items()):
            live = b"".join(
                value[o : o + entry_size]
                for o in range(0, len(value), entry_size)
                if now - _HEAD.unpack_from(value, o + _ID)[0] <= window
            )
            if live:
                store[key] = live
            else:
                del store[key]
                removed += 1
        return removed


def _rank(match: Match) -> tuple[float, float]:
    return (match.body + match.title, match.seen)


_NEW = NearDecision("new")


def best(matches: Iterable[Match | None]) -> NearDecision:
    """The decision from per-key answers (what the collecting stage runs after `group_by(item id)`)."""
    found = [m for m in matches if m is not None]
    if not found:
        return _NEW
    return NearDecision("near_duplicate", max(found, key=_rank))
