"""R8: reports of the same matter close in space and time are linked for the dispatcher as
possible duplicates; never merged."""

from __future__ import annotations

import uuid
from collections import defaultdict

import sqlalchemy as sa

from server.clues.models import Clue, ClueLink
from server.core.db import db, next_counter
from server.units.models import AdminUnit
from sync import checks
from sync.rules import township_path
from sync.types import Flag


def link_possible_duplicates(
    new_clues: list[tuple[Clue, dict]], window: checks.DuplicateWindow, sees_links: bool
) -> None:
    """R8: link, never merge, reports of the same matter close in space and time,
    within one township (its command room triages both; nobody learns of another
    township's records this way). One query per matter for the whole batch."""
    if not new_clues:
        return
    boxes = [checks.bounding_box(c.lat, c.lng, window.radius_m) for c, _ in new_clues]
    # The cells each new clue's neighbours can be in, per matter: an index lookup each,
    # however many clues the county holds.
    cells: dict[int, set[int]] = defaultdict(set)
    for clue, _ in new_clues:
        cells[clue.matter_id].update(checks.cells_around(clue.lat, clue.lng, window.radius_m))
    times = [clue.fix_time for clue, _ in new_clues]
    candidates = db.session.execute(
        sa.select(Clue.id, Clue.matter_id, Clue.lat, Clue.lng, Clue.fix_time, AdminUnit.path)
        .join(AdminUnit, Clue.unit_id == AdminUnit.id)
        .where(
            sa.or_(
                *(
                    sa.and_(
                        Clue.matter_id == matter_id,
                        # Inline, not bound: a wide radius in a batch of 500 can name
                        # more cells than SQLite takes parameters.
                        Clue.geo_cell.in_(
                            sa.bindparam(
                                f"cells_{matter_id}",
                                sorted(near),
                                expanding=True,
                                literal_execute=True,
                            )
                        ),
                    )
                    for matter_id, near in cells.items()
                )
            ),
            Clue.status != "withdrawn",
            Clue.fix_time.between(min(times) - window.window, max(times) + window.window),
        )
    ).all()
    # Bucket the candidates by matter and cell, so each new clue looks at its
    # neighbours only (a batch of 500 is not 500 × 500 checks).
    buckets: dict[tuple[int, int], list] = defaultdict(list)
    for row in candidates:
        buckets[(row.matter_id, checks.geo_cell(row.lat, row.lng))].append(row)
    linked: set[tuple[uuid.UUID, uuid.UUID]] = set()
    touched: set[uuid.UUID] = set()
    for (clue, result), (lat0, lat1, lng0, lng1) in zip(new_clues, boxes, strict=True):
        mine = {"lat": clue.lat, "lng": clue.lng, "fix_time": clue.fix_time.isoformat()}
        township = township_path(clue.unit.path)
        links = []
        nearby = [
            row
            for cell in checks.cells_around(clue.lat, clue.lng, window.radius_m)
            for row in buckets.get((clue.matter_id, cell), ())
        ]
        for other_id, matter_id, lat, lng, fix_time, path in nearby:
            if other_id == clue.id or not (lat0 <= lat <= lat1 and lng0 <= lng <= lng1):
                continue
            if not path.startswith(township):
                continue
            other = {"lat": lat, "lng": lng, "fix_time": fix_time.isoformat()}
            d = checks.possible_duplicate(mine, other, str(clue.matter_id), str(matter_id), window)
            if d is None:
                continue
            links.append({"clue_id": str(other_id), "distance_m": round(d, 1)})
            for pair in ((clue.id, other_id), (other_id, clue.id)):
                if pair not in linked:
                    linked.add(pair)
                    db.session.add(ClueLink(clue_id=pair[0], other_id=pair[1], distance_m=d))
            touched.add(other_id)
        if links:
            result["flags"] = sorted({*result.get("flags", []), Flag.POSSIBLE_DUPLICATE.value})
            if sees_links:  # a grid worker learns only that it may be known already
                result["possible_duplicates"] = links
    # The other clues' devices learn of the link at their next pull.
    move_to_feed_end(Clue, sorted(touched))


def move_to_feed_end(model: type, ids: list[uuid.UUID]) -> None:
    """Give rows new places at the end of the change feed, one sequence number each (a
    page boundary must never split a tie), so every device that holds them pulls them."""
    if not ids:
        return
    last = next_counter("change", len(ids))
    table = model.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(seq=sa.bindparam("new_seq")),
        [{"row_id": row_id, "new_seq": last - i} for i, row_id in enumerate(ids)],
    )
