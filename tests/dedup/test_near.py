"""Near-duplicate signatures, the band index and the policy, on the labelled set."""

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.dedup.anchors import (
    NUMBERS,
    OTHER_BITS,
    OTHERS,
    PLACES,
    guards_pass,
    may_nest,
    sketch,
    unsketch,
    width,
)
from streams.dedup.lanes import Bands, Lanes, as_hashes, pair_hashes
from streams.dedup.near import NearConfig, NearIndex, best, similarity
from streams.dedup.shingles import WORD, Shingler, fold, fold_pair, strip_proclitics, words
from streams.dedup.signer import Signer
from streams.tagging.tagger import Tagger
from tests.dedup.make_labelled_set import load

WINDOW = 3600.0
TITLE = "Israeli strike kills 12 in Khan Younis"
BODY = (
    "An air strike on a residential building in Khan Younis killed 12 people on Tuesday, the health "
    "ministry said. Rescue teams were still searching the rubble for survivors late into the night. "
    "At least 30 people were wounded and taken to the nearest hospital in Rafah."
)


def test_proclitics_stripped_consistently() -> None:
    assert strip_proclitics("وقال") == "قال"
    assert strip_proclitics("قال") == "قال"
    shingler = Shingler(k=1)
    assert shingler.hashes("بإدلب") == shingler.hashes("إدلب")
    assert shingler.hashes("إِدْلِـــب") == shingler.hashes("ادلب")


def test_shingle_hashes_are_stable() -> None:
    # Band keys go to Kafka: the same text must hash the same in every process.
    assert sorted(Shingler(k=2).hashes("a b c"))[0] == sorted(Shingler(k=2).hashes("A  B C"))[0]


def test_shingles_are_simple_tabulation_over_words() -> None:
    # A k-shingle hashes to T_0[w_1] ^ ... ^ T_{k-1}[w_k], each T_i an independent 64-bit table.
    two, three = Shingler(k=2), Shingler(k=3)
    a, b, c = (two.tables(w) for w in ("gaza", "truce", "talks"))
    assert two.hashes("Gaza truce talks") == {a[0] ^ b[1], b[0] ^ c[1]}
    assert two.hashes("truce") == {b[0]}  # shorter than k: one shingle over the words it has
    x, y, z = (three.tables(w) for w in ("gaza", "truce", "talks"))
    assert three.hashes("gaza truce talks") == {x[0] ^ y[1] ^ z[2]}
    assert len(x) == 3 and all(0 <= t < 2**64 for t in x)
    assert two.hashes("truce talks") != two.hashes("talks truce")  # order matters
    assert two.hashes("talks talks") == {c[0] ^ c[1]}  # and a repeated word is not 0


def test_tabulation_minhash_estimates_jaccard_without_bias() -> None:
    # Simple tabulation is only near min-wise independent: check the estimate against the exact
    # Jaccard similarity of the shingle sets on the labelled set's near-duplicate pairs.
    items, pairs = load()
    signer, shingler = Signer(), Shingler()
    text = {i.id: (i.title, i.summary) for i in items}
    errors = []
    for pair in pairs:
        if pair.label:
            (ta, sa), (tb, sb) = text[pair.a], text[pair.b]
            a, b = shingler.hashes(ta) | shingler.hashes(sa), shingler.hashes(tb) | shingler.hashes(sb)
            estimate = similarity(signer.sign(ta, sa).body, signer.sign(tb, sb).body, 32, 4)
            errors.append(estimate - len(a & b) / len(a | b))
    mean = sum(errors) / len(errors)
    spread = (sum((e - mean) ** 2 for e in errors) / len(errors)) ** 0.5
    assert len(errors) > 400
    assert abs(mean) < 0.015  # unbiased (32 lanes: each pair's error has sd ~0.05-0.09)
    assert spread < 0.07


def test_identical_signatures_have_similarity_one() -> None:
    sig = Signer().sign(TITLE, BODY)
    assert similarity(sig.body, sig.body, 32, 4) == 1.0
    assert Signer().sign(TITLE.upper(), BODY) == sig  # folded: case does not matter
    assert len(sig.bands) == 2 and set(sig.bands) <= set(sig.probes)
    assert sig.bands


def test_republished_and_updated_text_is_near_duplicate() -> None:
    signer = Signer()
    index = NearIndex({}, WINDOW)
    assert index.decide("a" * 32, signer.sign(TITLE, BODY), 0).kind == "new"
    updated = signer.sign(
        "Update: " + TITLE, BODY + " Update: The death toll has since risen, officials said."
    )
    decision = index.decide("b" * 32, updated, 10)
    assert decision.kind == "near_duplicate" and decision.match is not None
    assert decision.match.item_id == "a" * 16 and decision.match.body > 0.6  # last 8 bytes


def test_template_twin_with_other_numbers_and_place_is_new() -> None:
    signer = Signer()
    index = NearIndex({}, WINDOW)
    index.decide("a" * 32, signer.sign(TITLE, BODY, places=("Khan Younis", "Rafah")), 0)
    # Same numbers, other places: the anchor guard alone keeps them apart.
    twin = signer.sign(TITLE, BODY.replace("Khan Younis", "Jabalia"), places=("Jabalia", "Rafah"))
    assert index.decide("b" * 32, twin, 1, record=False).kind == "new"
    same = signer.sign(TITLE, BODY, places=("Khan Younis", "Rafah"))
    assert index.decide("c" * 32, same, 1, record=False).kind == "near_duplicate"
    # Other numbers: the number guard.
    twin = signer.sign(TITLE.replace("12", "7"), BODY.replace("12", "7").replace("30", "4"))
    assert index.decide("d" * 32, twin, 1).kind == "new"


def _places(*names: str) -> int:
    return sketch(names, *PLACES)


def _others(countries: tuple[str, ...], actors: tuple[str, ...]) -> int:
    return sketch(countries, *OTHERS) << OTHER_BITS | sketch(actors, *OTHERS)


def test_anchor_guard_rules() -> None:
    ab, a, ac = _places("Gaza", "Rafah"), _places("Gaza"), _places("Gaza", "Mosul")
    assert guards_pass(0, ab, 0, 0, a, 0)  # places nest (a dropped sentence)
    assert not guards_pass(0, ab, 0, 0, ac, 0)  # neither holds the other
    assert guards_pass(0, ab, 0, 0, ac, 0, strict_places=False)  # overlap is enough
    assert not guards_pass(0, a, 0, 0, 0, 0)  # only one names a place
    n12, n7, n12_30 = sketch(["12"], *NUMBERS), sketch(["7"], *NUMBERS), sketch(["12", "30"], *NUMBERS)
    assert not guards_pass(n12, 0, 0, n7, 0, 0)  # numbers disjoint
    assert guards_pass(n12_30, 0, 0, n12, 0, 0)  # numbers shared
    assert not guards_pass(0, 0, _others(("SY",), ()), 0, 0, _others(("IQ",), ()))  # countries
    assert not guards_pass(0, 0, _others((), ("putin",)), 0, 0, _others((), ("erdogan",)))  # actors
    assert guards_pass(n12_30, 0, _others(("SY", "TR"), ("putin",)), n12, 0, _others(("TR",), ("putin",)))


def test_place_sketches_tell_every_pair_of_single_places_apart() -> None:
    # The Bloom masks this replaced merged 1 in 24 such pairs ("truce talks in Mosul" / "in Gaza
    # City"); fixed 11-bit slots about 1 in 2,047. One place alone gets 31 bits.
    names = [f"place-{i}" for i in range(300)]
    assert not any(may_nest(_places(x), _places(y), *PLACES) for x in names for y in names if x < y)
    # ...while a set and its superset, of different widths, always nest.
    assert all(may_nest(_places(x), _places(x, y), *PLACES) for x in names[:50] for y in names[50:100])


def test_numbered_series_do_not_collide() -> None:
    # "talks on Idlib (12)" / "(13)": one number each, 34-bit hashes; two or three numbers share
    # the field (17 or 11 bits each) and still compare with a single one at the smaller width.
    single = [sketch([str(n)], *NUMBERS) for n in range(3000)]
    assert len(set(single)) == 3000
    assert sum(not guards_pass(a, 0, 0, b, 0, 0) for a, b in itertools.pairwise(single)) == 2999
    assert guards_pass(sketch(["12", "30", "2024"], *NUMBERS), 0, 0, single[30], 0, 0)
    assert not guards_pass(sketch(["12", "30", "2024"], *NUMBERS), 0, 0, single[31], 0, 0)
    assert guards_pass(sketch(["12", "30"], *NUMBERS), 0, 0, sketch(["30", "7"], *NUMBERS), 0, 0)


def test_sketch_widths_fit_the_field() -> None:
    for slots, bits in (NUMBERS, PLACES, OTHERS):
        field = bits
        for n in range(0, 6):
            packed = sketch([f"v{i}" for i in range(n)], slots, bits)
            assert packed < 1 << field
            kept, more, w = unsketch(packed, slots, bits)
            assert len(kept) == min(n, slots) and more == (n > slots)
            assert list(kept) == sorted(kept)
            assert w == width(len(kept), slots, bits)


def test_truncated_sketches_still_bound_what_a_set_can_hold() -> None:
    big = [f"p{i}" for i in range(10)]
    full = _places(*big)
    assert may_nest(full, _places(*big[:2]), *PLACES)  # a subset always may nest
    assert may_nest(full, _places(*big[7:]), *PLACES)
    # A set with a place the big one lacks, below the big one's largest kept hash, cannot nest.
    kept, truncated, w = unsketch(full, *PLACES)
    assert truncated and len(kept) == 3

    def hash_of(name: str) -> int:
        (h,), _, own = unsketch(_places(name), *PLACES)
        return h >> (own - w)  # the same prefix width as the big set's hashes

    outsider = next(
        n for n in (f"x{i}" for i in range(10_000)) if hash_of(n) < max(kept) and hash_of(n) not in kept
    )
    assert not may_nest(full, _places(outsider), *PLACES)
    # Above the largest kept hash nothing is known: it may be one of the big set's places.
    unknown = next(n for n in (f"y{i}" for i in range(10_000)) if hash_of(n) > max(kept))
    assert may_nest(full, _places(unknown), *PLACES)


def test_window_expires_entries() -> None:
    signer = Signer()
    store: dict[bytes, bytes] = {}
    index = NearIndex(store, WINDOW)
    sig = signer.sign(TITLE, BODY)
    index.decide("a" * 32, sig, 0)
    assert index.decide("b" * 32, sig, WINDOW + 1).kind == "new"
    assert NearIndex.purge(store, WINDOW, 3 * WINDOW, NearConfig().entry_size) == len(sig.bands)


def test_buckets_are_bounded() -> None:
    config = NearConfig(max_bucket=4)
    store: dict[bytes, bytes] = {}
    index = NearIndex(store, WINDOW, config)
    sig = Signer(config).sign(TITLE, BODY)
    for i in range(10):
        index.decide(f"{i:032x}", sig, i)
    assert all(len(v) == 4 * config.entry_size for v in store.values())


def test_best_of_band_answers() -> None:
    assert best([None, None]).kind == "new"


def test_labelled_set_meets_targets() -> None:
    # Issue #5: precision >= 0.995, recall >= 0.97 with anchors from the real tagger
    # (tests/benchmarks/bench_dedup.py has the sweep behind the defaults).
    items, pairs = load()
    signer = Signer()
    tagger = Tagger.default()
    sigs = {}
    for i in items:
        tags = tagger.tag(f"{i.title}\n{i.summary}")
        actors = [a.id for a in tags.actors]
        sigs[i.id] = signer.sign(
            i.title, i.summary, places=tags.places, countries=tags.countries, actors=actors
        )
    tp = fp = fn = 0
    for pair in pairs:
        index = NearIndex({}, WINDOW)
        index.decide(pair.a, sigs[pair.a], 0)
        merged = index.decide(pair.b, sigs[pair.b], 1, record=False).kind == "near_duplicate"
        tp += merged and pair.label == 1
        fp += merged and pair.label == 0
        fn += (not merged) and pair.label == 1
    assert tp / (tp + fp) >= 0.995
    assert tp / (tp + fn) >= 0.97


def _reference_pack(mins: dict[int, int], nbins: int, bits: int) -> int:
    """The per-bin loop `lanes.Lanes.pack` stands for (rotation densification, b-bit lanes): each bin
    keeps the low bits of its minimum, an empty bin those of the next non-empty bin's, wrapping."""
    if not mins:
        return 0
    carry = mins[min(mins)]
    out = 0
    for j in range(nbins - 1, -1, -1):
        carry = mins.get(j, carry)
        out = (out << bits) | (carry & ((1 << bits) - 1))
    return out


def test_pack_equals_reference_loop() -> None:
    rng = random.Random(4)
    for nbins in (1, 2, 16, 64, 128, 256):
        shift = 64 - (nbins.bit_length() - 1)
        for bits in (1, 2, 3, 4, 5, 6, 8, 16):
            lanes = Lanes(nbins, bits)
            for n in (1, 2, 5, nbins // 2 + 1, 3 * nbins):
                hashes = {rng.getrandbits(64) for _ in range(n)}
                hashes |= {(1 << 64) - 1 - rng.randrange(200)}  # m + distance past 2**64
                mins = {x >> shift: x for x in sorted(hashes, reverse=True)}
                # Repeats change no minimum.
                ascending = as_hashes([*hashes, *rng.sample(sorted(hashes), min(3, len(hashes)))])
                assert lanes.pack(ascending) == _reference_pack(mins, nbins, bits)
    assert Lanes(32, 4).pack(as_hashes([])) == 0


def _reference_keys(
    ascending: list[int], bands: int, probes: int, salt: int
) -> tuple[list[bytes], list[bytes]]:
    """Per band (a 1/bands slice of the hash range, by the top bits): store under its smallest
    hash, look up its `probes` smallest distinct ones, each xored with the salt."""
    shift = 64 - (bands.bit_length() - 1)
    stored: list[bytes] = []
    looked: list[bytes] = []
    for band in range(bands):
        distinct = sorted({x for x in ascending if (x >> shift if shift < 64 else 0) == band})
        keys = [(x ^ salt).to_bytes(8, "little") for x in distinct[: max(1, probes)]]
        stored += keys[:1]
        looked += keys
    return stored, looked


def test_band_keys_equal_reference_loop() -> None:
    rng = random.Random(6)
    salt = rng.getrandbits(64)
    for bands in (1, 2, 4, 16):
        for probes in (0, 1, 2, 3):
            keys = Bands(bands, probes, salt)
            for n in (0, 1, 2, 3, 10, 70):
                values = [rng.getrandbits(64) for _ in range(n)]
                values += rng.choices(values, k=n // 2) if values else []  # repeated shingles
                values += [0, (1 << 64) - 1] if n == 3 else []
                stored, looked = keys.keys(as_hashes(values))
                assert (list(stored), list(looked)) == _reference_keys(sorted(values), bands, probes, salt)


def test_pair_hashes_skip_the_pair_across_title_and_summary() -> None:
    rng = random.Random(7)
    for nt, ns in ((2, 0), (3, 2), (5, 7), (2, 30)):
        table = [(rng.getrandbits(64), rng.getrandbits(64)) for _ in range(nt + ns)]
        if ns == 7:
            # A real shingle hash of all ones next to the straddling pair (which becomes all ones
            # before it is cut off): only the straddling one goes.
            table[nt + 1] = (table[nt + 1][0], table[nt][0] ^ ((1 << 64) - 1))
        joined = b"".join(t0.to_bytes(8, "little") + t1.to_bytes(8, "little") for t0, t1 in table)
        expected = [table[i][0] ^ table[i + 1][1] for i in range(nt + ns - 1) if i != nt - 1 or not ns]
        assert pair_hashes(joined, nt, ns).tolist() == sorted(expected)


def test_repeated_shingles_give_distinct_probe_keys() -> None:
    signer, slow = Signer(), Signer()
    slow._fast = False
    for title, summary in (("war war war war", "war war war"), ("a b a b a b", "a b a b c")):
        sig = signer.sign(title, summary)
        assert len(set(sig.probes)) == len(sig.probes) >= 1
        assert sig == slow.sign(title, summary)


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40))
def test_folding_title_and_summary_together_equals_folding_each(title: str, summary: str) -> None:
    assert fold_pair(title, summary) == (fold(title), fold(summary))


# Characters whose fold depends on a neighbour or that the fold deletes or splits, and NUL.
_BOUNDARY = "aΣσς\x00 \n-\u200f\u0640\u064b\u0301e\u0300ﻻßİإأادلبةى٢"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(_BOUNDARY), max_size=20))
def test_folding_together_handles_boundary_characters(text: str) -> None:
    half = len(text) // 2
    assert fold_pair(text[:half], text[half:]) == (fold(text[:half]), fold(text[half:]))


def test_words_match_the_regex() -> None:
    rng = random.Random(5)
    alphabet = [chr(c) for c in range(128)] + ["é", "ـ", "د", "٣", "’"]
    for _ in range(2000):
        text = "".join(rng.choices(alphabet, k=rng.randrange(40)))
        assert words(text) == WORD.findall(text)


def test_fast_signature_equals_the_shingler_path() -> None:
    # `Signer.sign` builds 2-shingles from cached per-word terms; the general path (any k) goes
    # through `Shingler.hashes` and a regex for the numbers. Both must give the same signature.
    items, _ = load()
    for config in (NearConfig(), NearConfig(title_bins=16), NearConfig(bands=4, probes=3)):
        fast, slow = Signer(config), Signer(config)
        slow._fast = False
        for i in items[:300]:
            for title, summary in ((i.title, i.summary), (i.title, ""), ("", i.summary), ("a b", "c")):
                places = ("Idlib",) if len(title) % 2 else ()
                assert fast.sign(title, summary, places=places) == slow.sign(title, summary, places=places)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("aB \n-'إأآادلبةىيـًٌَُِّْ٢ۚ\u200f\u0670"), max_size=30),
    st.text(alphabet=st.sampled_from("aB \n-'إأآادلبةىيـًٌَُِّْ٢ۚ\u200f\u0670"), max_size=30),
)
def test_signing_folds_title_and_summary_as_separate_folds_would(title: str, summary: str) -> None:
    signer = Signer()
    assert signer.sign(title, summary) == signer.sign(fold(title), fold(summary), normalized=True)


def test_a_numbered_series_of_one_headline_never_merges() -> None:
    # Formulaic texts that differ in one number share every band key, so each is compared
    # with the whole bucket: a 1-in-24 Bloom collision merged 18% of these; sketches none.
    signer, index = Signer(), NearIndex({}, WINDOW)
    summary = "بحث الرئيسان الروسي والتركي هاتفيا الوضع في محافظة إدلب السورية وسبل تثبيت الهدنة."
    kinds = [
        index.decide(
            f"{n:032x}", signer.sign(f"مفاوضات جديدة للتوصل لوقف إطلاق النار في إدلب ({n})", summary), n
        ).kind
        for n in range(1000)
    ]
    assert kinds.count("near_duplicate") == 0
