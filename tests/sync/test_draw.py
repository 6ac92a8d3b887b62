"""The draw (sync/draw.py): reproducible from the published seed and registers, fair, and it
never sends an officer to an object he is recused from."""

from __future__ import annotations

import hashlib
import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.draw import (
    GRADES,
    DrawError,
    canonical_register,
    draw,
    quotas,
    rank,
    register_hash,
    verify,
)

SHARES = {"high": 0.5, "medium": 0.3, "low": 0.2}
PLAN = {"object_count": 10, "shares": SHARES, "matter_codes": ["M1"]}

# Chi-square critical value for 19 degrees of freedom at p = 0.001 (any table: 43.820).
CHI2_19_P001 = 43.820

seeds = st.binary(min_size=16, max_size=32).map(bytes.hex)


def register(n_objects: int = 40, n_officers: int = 8):
    objects = [
        {
            "id": f"o{i}",
            "risk_grade": GRADES[i % 3],
            "matter_codes": ["M1"] if i % 5 else ["M2"],
            "name": f"商户{i}",
        }
        for i in range(n_objects)
    ]
    officers = [{"id": f"p{i}", "certified": i != 0} for i in range(n_officers)]
    return objects, officers


@st.composite
def worlds(draw_):
    objects, officers = register()
    recusals = draw_(
        st.lists(
            st.tuples(
                st.sampled_from([o["id"] for o in officers]),
                st.sampled_from([o["id"] for o in objects]),
            ),
            max_size=40,
        )
    )
    return objects, officers, recusals


def test_canonical_form_is_the_documented_one():
    rows = [{"b": "县", "a": [2, 1]}, {"a": 1}]
    assert canonical_register(rows) == '[{"a":1},{"a":[2,1],"b":"县"}]'.encode()
    assert register_hash(rows) == hashlib.sha256(canonical_register(rows)).hexdigest()
    assert rank("ab", "object", "o1") == hashlib.sha256(b"ab:object:o1").hexdigest()


@settings(max_examples=60, deadline=None)
@given(seeds, worlds(), st.randoms(use_true_random=False))
def test_draw_is_reproducible_from_seed_and_registers_in_any_order(seed, world, shuffler):
    objects, officers, recusals = world
    first = draw(seed, objects, officers, recusals, PLAN)
    shuffled = [list(x) for x in (objects, officers, recusals)]
    for rows in shuffled:
        shuffler.shuffle(rows)
    again = draw(seed.upper(), *shuffled, PLAN)
    assert again == first
    assert verify(first, *shuffled, PLAN) == []


@settings(max_examples=60, deadline=None)
@given(seeds, worlds())
def test_recusal_is_never_violated_and_pairs_are_two_certified_officers(seed, world):
    objects, officers, recusals = world
    try:
        result = draw(seed, objects, officers, recusals, PLAN)
    except DrawError as error:  # so many recusals that an object has no pair left
        assert error.field == "officers"
        return
    certified = {o["id"] for o in officers if o["certified"]}
    for row in result["drawn"]:
        assert len(set(row["officers"])) == 2
        assert set(row["officers"]) <= certified
        for officer in row["officers"]:
            assert (officer, row["object_id"]) not in set(recusals)


@settings(max_examples=60, deadline=None)
@given(
    seeds,
    st.integers(0, 20),
    st.lists(st.integers(0, 20), min_size=3, max_size=3).filter(lambda w: sum(w) > 0),
)
def test_counts_per_grade_are_as_planned(seed, count, weights):
    total = sum(weights)
    shares = {g: f"{w}/{total}" for g, w in zip(GRADES, weights, strict=True)}
    # Shares written as fractions still add up exactly.
    objects, officers = register(n_objects=90)
    plan = {"object_count": count, "shares": shares, "matter_codes": ["M1", "M2"]}
    result = draw(seed, objects, officers, [], plan)
    seats = quotas(count, shares)
    assert sum(seats.values()) == count
    got = Counter(row["risk_grade"] for row in result["drawn"])
    assert {g: got.get(g, 0) for g in GRADES} == seats
    for grade in GRADES:  # largest remainder: never more than one seat off the exact share
        assert abs(seats[grade] - count * weights[GRADES.index(grade)] / total) < 1
    eligible = {o["id"] for o in objects}
    assert {row["object_id"] for row in result["drawn"]} <= eligible
    assert len({row["object_id"] for row in result["drawn"]}) == count


def test_largest_remainder_gives_the_leftover_seat_to_the_largest_fraction():
    assert quotas(10, SHARES) == {"high": 5, "medium": 3, "low": 2}
    assert quotas(7, SHARES) == {"high": 4, "medium": 2, "low": 1}
    # 0.29 × 100 is 29 exactly, though the binary float product is 28.999…
    assert quotas(100, {"high": 0.29, "medium": 0.71})["high"] == 29
    with pytest.raises(DrawError) as error:
        quotas(5, {"high": 0.5, "medium": 0.3})
    assert error.value.field == "shares"


def test_only_objects_with_a_planned_matter_are_drawn():
    objects, officers = register()
    result = draw("ab" * 16, objects, officers, [], {**PLAN, "object_count": 5})
    by_id = {o["id"]: o for o in objects}
    assert all("M1" in by_id[row["object_id"]]["matter_codes"] for row in result["drawn"])


def test_too_few_eligible_objects_is_an_error_naming_the_shares():
    objects, officers = register(n_objects=6)
    with pytest.raises(DrawError) as error:
        draw("ab" * 16, objects, officers, [], PLAN)
    assert error.value.field == "shares"


def test_a_bad_seed_is_refused():
    objects, officers = register()
    for seed in ("", "xyz" * 20, "ab"):
        with pytest.raises(DrawError) as error:
            draw(seed, objects, officers, [], PLAN)
        assert error.value.field == "seed"


def test_verify_notices_a_changed_register_or_result():
    objects, officers = register()
    published = draw("cd" * 16, objects, officers, [], PLAN)
    changed = [dict(o) for o in objects]
    changed[0]["name"] = "别的商户"
    assert verify(published, changed, officers, [], PLAN) == ["hash of objects differs"]
    forged = {**published, "drawn": list(reversed(published["drawn"]))}
    assert verify(forged, objects, officers, [], PLAN) == ["drawn objects or officers differ"]


def test_different_seeds_draw_differently():
    objects, officers = register()
    results = {
        tuple(r["object_id"] for r in draw(f"{i:064x}", objects, officers, [], PLAN)["drawn"])
        for i in range(50)
    }
    assert len(results) > 45


def _chi_square(counts: Counter, cells: int, total: int) -> float:
    expected = total / cells
    return sum((counts.get(c, 0) - expected) ** 2 / expected for c in range(cells))


def test_one_object_of_twenty_is_drawn_uniformly():
    objects = [{"id": f"o{i}", "risk_grade": "high", "matter_codes": ["M1"]} for i in range(20)]
    officers = [{"id": f"p{i}", "certified": True} for i in range(4)]
    plan = {"object_count": 1, "shares": {"high": 1}, "matter_codes": ["M1"]}
    generator = random.Random(20261205)  # fixed: the test must not be flaky
    counts: Counter = Counter()
    for _ in range(2000):
        seed = generator.randbytes(16).hex()
        counts[int(draw(seed, objects, officers, [], plan)["drawn"][0]["object_id"][1:])] += 1
    assert _chi_square(counts, 20, 2000) < CHI2_19_P001


def test_officer_pairs_are_drawn_uniformly():
    """The first officer of the pair is uniform over 20 certified officers."""
    objects = [{"id": "o1", "risk_grade": "low", "matter_codes": ["M1"]}]
    officers = [{"id": f"p{i}", "certified": True} for i in range(20)]
    plan = {"object_count": 1, "shares": {"low": 1}, "matter_codes": ["M1"]}
    generator = random.Random(7)
    counts: Counter = Counter()
    for _ in range(2000):
        seed = generator.randbytes(16).hex()
        pair = draw(seed, objects, officers, [], plan)["drawn"][0]["officers"]
        counts[int(pair[0][1:])] += 1
    assert _chi_square(counts, 20, 2000) < CHI2_19_P001


def _redo_from_the_docstring(seed, objects, officers, recusals, plan):
    """The draw written again from sync/draw.py's docstring alone, as a reader in another
    language would: nothing of the module is used."""
    import json
    from fractions import Fraction

    def sha(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def register(rows):
        lines = sorted(
            json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
            for r in rows
        )
        return hashlib.sha256(b"[" + b",".join(lines) + b"]").hexdigest()

    seed = seed.lower()
    count = plan["object_count"]
    exact = {g: count * Fraction(str(plan["shares"].get(g, 0))) for g in ("high", "medium", "low")}
    seats = {g: int(v) for g, v in exact.items()}
    order = sorted(("high", "medium", "low"), key=lambda g: -(exact[g] - seats[g]))  # stable
    for g in order[: count - sum(seats.values())]:
        seats[g] += 1
    recused = {(str(o), str(b)) for o, b in recusals}
    drawn = []
    for grade in ("high", "medium", "low"):
        pool = [
            str(o["id"])
            for o in objects
            if o["risk_grade"] == grade and set(o["matter_codes"]) & set(plan["matter_codes"])
        ]
        for ident in sorted(pool, key=lambda i: sha(f"{seed}:object:{i}"))[: seats[grade]]:
            free = [
                str(p["id"])
                for p in officers
                if p["certified"] is True and (str(p["id"]), ident) not in recused
            ]
            pair = sorted(free, key=lambda p, i=ident: sha(f"{seed}:officers/{i}:{p}"))[:2]
            drawn.append((ident, pair))
    rows = [{"officer_id": str(o), "object_id": str(b)} for o, b in recusals]
    return drawn, (register(objects), register(officers), register(rows))


@settings(max_examples=40, deadline=None)
@given(seeds, worlds())
def test_the_docstring_alone_is_enough_to_redo_the_draw(seed, world):
    objects, officers, recusals = world
    try:
        result = draw(seed, objects, officers, recusals, PLAN)
    except DrawError:
        return
    drawn, hashes = _redo_from_the_docstring(seed, objects, officers, recusals, PLAN)
    assert [(r["object_id"], r["officers"]) for r in result["drawn"]] == drawn
    assert tuple(result["hashes"][k] for k in ("objects", "officers", "recusals")) == hashes
