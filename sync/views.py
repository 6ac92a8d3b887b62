"""R11: a record enters or leaves a device's view without its owner's view changing.

Who may see a record is decided by a few of its fields, its *view fields*: a clue's unit
and reporter are fixed at report (a wrong place is withdrawn and reported again), but the
department a clue was transferred to (移送) changes when it is transferred, and again when
the township recalls the transfer (``recall_transfer``). Such a change moves the record
out of some views and into others, and every device must follow:

- **Entering.** Whoever now sees the record by the new value receives it with its whole
  history: its children (notes, evidence…) get new places at the end of the change feed,
  however long ago they were written, so a device whose cursor is past them pulls them.
- **A parent comes along.** A record read in its parent's context brings the parent with
  it: a case transferred to a department is read with its clue (the report, the place, the
  photos), so the clue and its children enter the department's view with the case, and
  leave it with the case unless the department still sees the clue another way.
- **Leaving: a departure.** The old value is kept as a departure, at its own place in the
  change feed (a store's row or entry, numbered like any change). A user pulls it as
  tombstones, for the record *and* its children, when he saw the record by that value
  (``sees_by``) and does not see it now (if he sees it another way, or it came back since,
  its current state is what he gets).
  Decisions taken here:
  * a departure is sent only to those who saw the record by the lost value: nobody else
    learns a record's id from the feed;
  * a cold pull or a reset sends none: it sends only what the user sees, and the device
    drops the rest itself (``pull.py``);
  * a child recorded late on a withdrawn clue stays visible, flagged ``late``, to those who
    still see the clue (R3): a departure only concerns those who lost the clue, and to
    them everything under it goes, late or not, since they may no longer see any of it.

Both stores (the SQL one of the server, ``sync.memory``'s) read the engine's batch for the
records that entered or left a view (``moves``), and answer a pull with this rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sync.types import Actor, RecordState
from sync.workflow import WORKFLOW

# The fields whose value decides, besides the fixed ones, who may see a record; and for each,
# the value by which an actor sees records (None: he sees none by it).
VIEW_FIELDS: dict[str, tuple[str, ...]] = {
    "clue": ("transferred_to",),
    "case": ("transferred_to",),  # a case transferred out to a county department
}
SEES_BY: dict[str, Callable[[Actor], Any]] = {
    # A department user sees the clues transferred to his department.
    "transferred_to": lambda who: who.department if "department" in who.roles else None,
}


@dataclass(frozen=True)
class Departure:
    """A view field's value a write took away: whoever saw the record by it may lose it."""

    field: str
    value: Any


def departures(before: RecordState | None, after: RecordState) -> list[Departure]:
    """The view values ``after`` no longer has (none for a new record)."""
    if before is None:
        return []
    return [
        Departure(name, before.fields.get(name))
        for name in VIEW_FIELDS.get(after.type, ())
        if before.fields.get(name) is not None and before.fields.get(name) != after.fields.get(name)
    ]


def entered(before: RecordState | None, after: RecordState) -> bool:
    """Whether an existing record took a view value it did not have: someone new sees it."""
    return before is not None and any(
        after.fields.get(name) is not None and before.fields.get(name) != after.fields.get(name)
        for name in VIEW_FIELDS.get(after.type, ())
    )


def carried(state: RecordState) -> tuple[str, Any] | None:
    """The parent a record with view fields brings into a view and takes out of it."""
    parent = WORKFLOW[state.type].get("parent")
    if parent is None or state.type not in VIEW_FIELDS or state.parent_id is None:
        return None
    return (parent, state.parent_id)


def sees_by(who: Actor, departure: Departure) -> bool:
    """Whether ``who`` saw a record by the value ``departure`` took away."""
    value = SEES_BY[departure.field](who)
    return value is not None and value == departure.value


def addressed_to(who: Actor, state: RecordState) -> bool:
    """Whether ``state`` is addressed to ``who``'s department: the field its spec names
    ``addressed`` (a clue's transferred_to, a collaboration request's department) holds his
    department. Its users see such a record and answer it, and nothing else of a township's
    (``sync.rules``' ``addressee``; the server's jurisdiction rules say the same in SQL)."""
    field = WORKFLOW[state.type].get("addressed")
    return (
        field is not None
        and "department" in who.roles
        and who.department is not None
        and state.fields.get(field) == who.department
    )
