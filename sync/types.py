"""The sync protocol's data types: plain, immutable, JSON-friendly.

A device records *mutations* in its outbox; the server answers each with a *result*; the
server's *record state* is what the rules decide against. None of this knows about HTTP or
a database: the server maps its rows to ``RecordState`` and back.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Op(enum.StrEnum):
    CREATE = "create"  # a new record (or an append-only child, R3) with an id made on the device
    UPDATE = "update"  # field edits against base_version (R4, R6)
    TRANSITION = "transition"  # a workflow step (R5, R7)
    DELETE = "delete"  # never allowed from the field (R10): always rejected


class Outcome(enum.StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # already applied: R1 (same mutation) or R2 (same content)
    MERGED = "merged"  # applied on top of changes the device had not seen, without clash
    CONFLICT = "conflict"  # some of it could not be applied; kept in an open conflict
    REJECTED = "rejected"  # not applied at all; reason says why
    WAITING = "waiting"  # a child kept until its parent arrives, then applied (R3)


class Flag(enum.StrEnum):
    LATE = "late"  # appended to a record that had closed meanwhile (R3)
    CLOCK_SKEW = "clock_skew"  # the device clock was far from the server's at sync (R9)
    POSSIBLE_DUPLICATE = "possible_duplicate"  # near another report of the same matter (R8)
    # An address-only report that named no grid is in its reporter's own (sync.place).
    UNIT_FROM_REPORTER = "unit_from_reporter"


@dataclass(frozen=True)
class Mutation:
    id: uuid.UUID  # made on the device; the key of idempotence (R1)
    record_type: str
    record_id: uuid.UUID
    op: Op
    payload: Mapping[str, Any]
    base_version: int | None = None  # the server version the device edited from
    device_time: dt.datetime | None = None  # recorded, never used for ordering (R9)
    parent_id: uuid.UUID | None = None  # for an append-only child: the record it hangs from


@dataclass(frozen=True)
class Actor:
    """Who pushes: his id, roles and home unit path, as the server knows them *now* (R5)."""

    user_id: int
    roles: frozenset[str]
    unit_path: str = "/"
    # The device he pushes from (None: the console, or a caller with no device). One person
    # on two devices is two writers for a three-way merge (R4): each side edits from its own
    # base, and neither has seen the other's change.
    device: str | None = None
    # A department user's department (its code): he sees the clues transferred to it.
    department: str | None = None

    def stamp(self, version: int) -> tuple[int, int, str | None]:
        """A field's merge metadata after this actor changed it in ``version``."""
        return (version, self.user_id, self.device)

    def wrote(self, meta: tuple) -> bool:
        """Whether the field metadata ``meta`` names this actor on this device as the last
        writer. Metadata from before devices were recorded (two items) names only a person:
        it is taken as his, as it was then."""
        if len(meta) < 3:
            return meta[1] == self.user_id
        return meta[1] == self.user_id and meta[2] == self.device

    def in_jurisdiction(self, unit_path: str) -> bool:
        return unit_path.startswith(self.unit_path)


@dataclass(frozen=True)
class RecordState:
    """A record as the server holds it.

    ``meta`` remembers, per field, the version that last changed it, who changed it and from
    which device: that is all a three-way merge needs (a field changed on the server after
    the device's base version iff its version is greater), without keeping old snapshots.
    """

    type: str
    id: uuid.UUID
    version: int
    fields: Mapping[str, Any]
    meta: Mapping[str, tuple] = field(default_factory=dict)  # (version, user, device)
    unit_path: str = "/"
    parent_id: uuid.UUID | None = None

    @property
    def status(self) -> str | None:
        return self.fields.get("status")

    def field_version(self, name: str) -> int:
        return self.meta.get(name, (1, None))[0]

    def field_author(self, name: str) -> int | None:
        return self.meta.get(name, (1, None))[1]

    def field_meta(self, name: str) -> tuple:
        return self.meta.get(name, (1, None, None))


@dataclass(frozen=True)
class FieldConflict:
    """Both sides changed ``field`` differently, or the device changed a locked field.

    The server's value stands; the device's value is kept here until a person resolves it.
    """

    field: str
    server_value: Any
    server_by: int | None
    device_value: Any
    device_by: int
    reason: str  # "concurrent_edit" or "locked"


@dataclass(frozen=True)
class Decision:
    """What the rules decided for one mutation; the server persists exactly this."""

    outcome: Outcome
    reason: str | None = None
    state: RecordState | None = None  # the new state when something changed
    changed: tuple[str, ...] = ()
    conflicts: tuple[FieldConflict, ...] = ()
    flags: frozenset[Flag] = frozenset()
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def writes(self) -> bool:
        return self.state is not None and bool(self.changed)


def township_path(unit_path: str) -> str:
    """ "/county/township/village/grid/" → "/county/township/"."""
    parts = [p for p in unit_path.split("/") if p]
    return "/" + "/".join(parts[:2]) + "/"
