"""The random draw of an inspection plan (双随机: random objects, random officers), done so that
anyone can redo it from what is published (一公开) and get the same result.

Pure and standard library only. The server picks the seed (``secrets``), records it with the
registers' content hashes and the result, and publishes all three with the registers' public
columns; this module is the whole rule, short enough to be rewritten in any language.

**Canonical form of a register** (what ``register_hash`` hashes). A register is a list of rows,
each a JSON object of strings, numbers, booleans, nulls and lists.

1. Each row is serialised as JSON with keys sorted, no whitespace at all (separators ``,`` and
   ``:``), non-ASCII characters written as themselves (not ``\\uXXXX``), lists kept in their
   order (the server sorts matter-code lists before it hashes).
2. The rows are sorted by that serialisation, compared as UTF-8 bytes.
3. The register is ``[`` + the rows joined by ``,`` + ``]``, encoded in UTF-8.
4. Its hash is the lower-case hex SHA-256 of those bytes.

In Python that is ``json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``.
So the hash does not depend on the order in which rows were read or written.

**Ranking.** A candidate's rank for a purpose is the lower-case hex SHA-256 of the UTF-8 string
``seed + ":" + purpose + ":" + id``; the lowest ranks win (compare the hex strings, i.e. the
digests as big-endian numbers). With a seed nobody knew beforehand, this is a uniformly random
ordering of the candidates, and it depends on nothing but the seed and the ids.

**The draw.**

1. Eligible objects: those whose ``matter_codes`` share at least one code with the plan's
   ``matter_codes`` (the plan inspects those matters; an object to which none applies has
   nothing to be inspected for).
2. Quotas per risk grade by largest remainder: ``count × share`` is computed exactly, each
   share read as the decimal it is written as (0.3 is three tenths, not the nearest binary
   float); each grade gets the whole part; the seats left go one each to the largest fractional
   parts, ties to the riskier grade (high, medium, low). Shares must add up to exactly 1.
3. In each grade the objects with the lowest rank for purpose ``object`` are drawn, as many as
   the quota. Too few eligible objects in a grade is an error (``DrawError``), not a silent
   shortfall: the plan has to be changed and approved again.
4. For each drawn object, the candidates are the officers whose ``certified`` is true and who are
   not recused from that object (recusal pairs ``officer_id``, ``object_id``, 回避); the two
   with the lowest rank for purpose ``officers/<object id>`` are its pair. Each object's pair is
   drawn on its own, so the pairs are random too and an officer may be drawn for several
   objects.

Ids are compared and hashed as strings (``str(id)``).

**Committed before it is drawn.** The seed is made when a leader approves the plan, and only
its commitment is shown then: the lower-case hex SHA-256 of the seed's UTF-8 bytes, kept in
the audit chain with the three registers' hashes, which approval freezes. The draw then uses
that seed and those registers. So nobody can choose a seed once he knows the registers,
nor change the registers once the seed is fixed: anyone checks that the published seed hashes
to the commitment made at approval, and that the registers hash to what was fixed then.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

ALGORITHM = "fieldcase-draw-1"
GRADES = ("high", "medium", "low")
_HEX = re.compile(r"[0-9a-f]{32,}")


class DrawError(ValueError):
    """A draw that cannot be made as planned; ``field`` names what to change."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def canonical_row(row: Mapping[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_register(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The bytes ``register_hash`` hashes (see the module docstring, steps 1-3)."""
    encoded = sorted(canonical_row(row).encode("utf-8") for row in rows)
    return b"[" + b",".join(encoded) + b"]"


def register_hash(rows: Iterable[Mapping[str, Any]]) -> str:
    return hashlib.sha256(canonical_register(rows)).hexdigest()


def commitment(seed: str) -> str:
    """What is shown of a seed before its draw (module docstring: committed before it is
    drawn)."""
    return hashlib.sha256(normal_seed(seed).encode()).hexdigest()


def rank(seed: str, purpose: str, ident: Any) -> str:
    return hashlib.sha256(f"{seed}:{purpose}:{ident}".encode()).hexdigest()


def normal_seed(seed: str) -> str:
    """A seed is at least 128 bits written in hex; upper case is read as lower case."""
    text = str(seed).strip().lower()
    if not _HEX.fullmatch(text):
        raise DrawError("seed", "must be at least 32 hexadecimal digits")
    return text


def quotas(count: int, shares: Mapping[str, Any]) -> dict[str, int]:
    """Seats per grade by largest remainder (step 2 of the module docstring)."""
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise DrawError("object_count", "must be a whole number, zero or more")
    unknown = set(shares) - set(GRADES)
    if unknown:
        raise DrawError("shares", f"unknown risk grade {sorted(unknown)[0]!r}")
    parts: dict[str, Fraction] = {}
    for grade in GRADES:
        value = shares.get(grade, 0)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise DrawError("shares", f"{grade} must be a number")
        try:
            parts[grade] = Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            raise DrawError("shares", f"{grade} must be a number") from None
        if parts[grade] < 0:
            raise DrawError("shares", f"{grade} must not be negative")
    if sum(parts.values()) != 1:
        raise DrawError("shares", "must add up to 1")
    exact = {grade: count * parts[grade] for grade in GRADES}
    seats = {grade: int(exact[grade]) for grade in GRADES}  # Fractions here are >= 0: floor
    left = count - sum(seats.values())
    by_remainder = sorted(GRADES, key=lambda g: (-(exact[g] - seats[g]), GRADES.index(g)))
    for grade in by_remainder[:left]:
        seats[grade] += 1
    return seats


def draw(
    seed: str,
    objects: Sequence[Mapping[str, Any]],
    officers: Sequence[Mapping[str, Any]],
    recusals: Iterable[tuple[Any, Any]],
    plan: Mapping[str, Any],
) -> dict[str, Any]:
    """Draw a plan's objects and each object's pair of officers.

    ``objects`` rows carry ``id``, ``risk_grade`` and ``matter_codes``; ``officers`` rows carry
    ``id`` and ``certified``; ``plan`` carries ``object_count``, ``shares`` and
    ``matter_codes``. Returns the seed, the three registers' hashes, the quotas and the drawn
    objects (riskier grade first, then by rank), each with its two officers.
    """
    seed = normal_seed(seed)
    wanted = set(plan.get("matter_codes") or ())
    if not wanted:
        raise DrawError("matter_codes", "a plan inspects at least one matter")
    seats = quotas(plan.get("object_count"), plan.get("shares") or {})
    recusal_rows = [{"officer_id": str(o), "object_id": str(b)} for o, b in recusals]
    recused = {(row["officer_id"], row["object_id"]) for row in recusal_rows}
    certified = [str(row["id"]) for row in officers if row.get("certified") is True]

    drawn: list[dict[str, Any]] = []
    for grade in GRADES:
        pool = [
            str(row["id"])
            for row in objects
            if row.get("risk_grade") == grade and wanted & set(row.get("matter_codes") or ())
        ]
        if len(pool) < seats[grade]:
            raise DrawError(
                "shares", f"{seats[grade]} {grade}-risk objects planned, {len(pool)} eligible"
            )
        ranked = sorted(pool, key=lambda ident: (rank(seed, "object", ident), ident))
        for object_id in ranked[: seats[grade]]:
            purpose = f"officers/{object_id}"
            free = [o for o in certified if (o, object_id) not in recused]
            if len(free) < 2:
                raise DrawError("officers", f"fewer than two certified officers for {object_id}")
            pair = sorted(free, key=lambda ident: (rank(seed, purpose, ident), ident))[:2]
            drawn.append(
                {
                    "object_id": object_id,
                    "risk_grade": grade,
                    "rank": rank(seed, "object", object_id),
                    "officers": pair,
                }
            )
    return {
        "algorithm": ALGORITHM,
        "seed": seed,
        "hashes": {
            "objects": register_hash(objects),
            "officers": register_hash(officers),
            "recusals": register_hash(recusal_rows),
        },
        "quotas": seats,
        "drawn": drawn,
    }


def verify(
    published: Mapping[str, Any],
    objects: Sequence[Mapping[str, Any]],
    officers: Sequence[Mapping[str, Any]],
    recusals: Iterable[tuple[Any, Any]],
    plan: Mapping[str, Any],
) -> list[str]:
    """What does not match when a published draw is redone: [] when it all does."""
    again = draw(published["seed"], objects, officers, recusals, plan)
    problems = []
    if "commitment" in published and commitment(published["seed"]) != published["commitment"]:
        problems.append("seed does not match the commitment made at approval")
    problems += [
        f"hash of {name} differs"
        for name, value in again["hashes"].items()
        if published.get("hashes", {}).get(name) != value
    ]
    if again["drawn"] != published.get("drawn"):
        problems.append("drawn objects or officers differ")
    return problems
