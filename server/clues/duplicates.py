"""Possible duplicate reports (R8) on the server: a push's new clues are linked, for the
command room, to reports of the same matter received near them. Links only: a clue is
never merged automatically. ``sync.checks`` decides what is a possible duplicate and which
few of them a new report is linked to (its docstring says why only a few)."""

from __future__ import annotations

import uuid
from collections import defaultdict

import sqlalchemy as sa

from server.clues.models import Clue, ClueLink
from server.core.db import db, move_to_feed_end
from server.units.models import AdminUnit
from sync import checks
from sync.rules import township_path
from sync.types import Flag


def link_possible_duplicates(
    new_clues: list[tuple[Clue, dict]], window: checks.DuplicateWindow, sees_links: bool
) -> None:
    """Link each new clue (flushed, with the answer its device will get) to its possible
    duplicates, within one township (its command room triages both; nobody learns of
    another township's records this way). The answer is flagged ``possible_duplicate``;
    staff (``sees_links``) also get the other clues' ids, since a grid worker may not see
    the other report's grid. The clues linked to move to the end of the change feed, so
    their devices pull the link. One query for the whole batch."""
    # A report with an address only has no place to be near (sync.place): never linked.
    new_clues = [(clue, result) for clue, result in new_clues if clue.lat is not None]
    if not new_clues:
        return
    buckets = _latest_per_cell(new_clues, window)
    linked: set[tuple[uuid.UUID, uuid.UUID]] = set()
    touched: set[uuid.UUID] = set()
    for clue, result in new_clues:
        lat0, lat1, lng0, lng1 = checks.bounding_box(clue.lat, clue.lng, window.radius_m)
        township = township_path(clue.unit.path)
        nearby = (
            (row.id, checks.Report(str(row.matter_id), row.lat, row.lng, row.created_at))
            for cell in checks.cells_around(clue.lat, clue.lng, window.radius_m)
            for row in buckets.get((clue.matter_id, cell), ())
            if row.id != clue.id
            and lat0 <= row.lat <= lat1
            and lng0 <= row.lng <= lng1
            and row.path.startswith(township)
        )
        mine = checks.Report(str(clue.matter_id), clue.lat, clue.lng, clue.created_at)
        chosen = checks.reports_to_link(mine, nearby, window)
        for other_id, d in chosen:
            for pair in ((clue.id, other_id), (other_id, clue.id)):
                if pair not in linked:
                    linked.add(pair)
                    db.session.add(ClueLink(clue_id=pair[0], other_id=pair[1], distance_m=d))
            touched.add(other_id)
        if chosen:
            result["flags"] = sorted({*result.get("flags", []), Flag.POSSIBLE_DUPLICATE.value})
            if sees_links:
                result["possible_duplicates"] = [
                    {"clue_id": str(other_id), "distance_m": round(d, 1)} for other_id, d in chosen
                ]
    move_to_feed_end(Clue, sorted(touched))


def _latest_per_cell(
    new_clues: list[tuple[Clue, dict]], window: checks.DuplicateWindow
) -> dict[tuple[int, int], list[sa.Row]]:
    """The latest reports received (``window.candidates_per_cell`` at most) in each cell
    around each new clue, of its matter, within the window of its receipt, by (matter, cell).
    """
    cells: dict[int, set[int]] = defaultdict(set)
    for clue, _ in new_clues:
        cells[clue.matter_id].update(checks.cells_around(clue.lat, clue.lng, window.radius_m))
    received = [clue.created_at for clue, _ in new_clues]
    latest_first = sa.func.row_number().over(
        partition_by=(Clue.matter_id, Clue.geo_cell), order_by=(Clue.created_at.desc(), Clue.id)
    )
    ranked = (
        sa.select(
            Clue.id,
            Clue.matter_id,
            Clue.geo_cell,
            Clue.lat,
            Clue.lng,
            Clue.created_at,
            AdminUnit.path,
            latest_first.label("rank"),
        )
        .join(AdminUnit, Clue.unit_id == AdminUnit.id)
        .where(
            sa.or_(
                *(
                    sa.and_(
                        Clue.matter_id == matter_id,
                        # Inline, not bound: a wide radius in a batch of 500 can name more
                        # cells than SQLite takes parameters.
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
            # The server's clock on both sides (R8, R9): never the devices'.
            Clue.created_at.between(min(received) - window.window, max(received) + window.window),
        )
        .subquery()
    )
    buckets: dict[tuple[int, int], list[sa.Row]] = defaultdict(list)
    for row in db.session.execute(
        sa.select(ranked).where(ranked.c.rank <= window.candidates_per_cell)
    ):
        buckets[(row.matter_id, row.geo_cell)].append(row)
    return buckets
