"""Push: apply a device's outbox, one mutation at a time, in the order sent.

The whole batch is one transaction and each mutation a savepoint inside it: a crash at any
point leaves either the batch or nothing (a retry is then safe, R1), and one bad mutation
is rolled back alone while the rest go through (R5). The audit chain's head is locked
first, so concurrent pushes queue instead of deadlocking on each other's records.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app

from server.accounts.models import Device, User
from server.audit import chain as audit
from server.clues.models import Clue, ClueLink, ClueNote
from server.core.db import db, next_counter, utcnow
from server.sync_api import records
from server.sync_api.models import SyncConflict, SyncMutation
from server.sync_api.schemas import MutationSchema
from server.units.models import AdminUnit, UnitLevel
from sync import checks
from sync.rules import Context, decide, township_path
from sync.types import Actor, Decision, Flag, Mutation, Op, Outcome, RecordState

_mutation_schema = MutationSchema()


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, roles=frozenset(user.roles), unit_path=user.unit.path)


def push_batch(
    user: User, device: Device | None, raw_mutations: list[Any], device_now: dt.datetime | None
) -> list[dict]:
    now = utcnow()
    tolerance = dt.timedelta(seconds=current_app.config["CLOCK_SKEW_TOLERANCE_S"])
    skew = checks.clock_skew(device_now, now, tolerance)
    audit.lock_head()
    session = _Session(user, device, now, skew)
    results = [session.one(raw) for raw in raw_mutations]
    db.session.commit()
    return results


class _Session:
    def __init__(self, user: User, device: Device | None, now: dt.datetime, skew: float | None):
        self.user, self.device, self.now, self.skew = user, device, now, skew
        self.actor = actor_of(user)
        self.refs = records.ServerRefs()
        self.window = checks.DuplicateWindow(
            radius_m=current_app.config["DUPLICATE_RADIUS_M"],
            window=dt.timedelta(hours=current_app.config["DUPLICATE_WINDOW_HOURS"]),
        )

    # -- one mutation -----------------------------------------------------------------

    def one(self, raw: Any) -> dict:
        try:
            m = _mutation_schema.load(raw)
        except ma.ValidationError as exc:
            ident = raw.get("id") if isinstance(raw, dict) else None
            return {
                "mutation_id": str(ident) if ident is not None else None,
                "outcome": Outcome.REJECTED.value,
                "reason": "invalid",
                "fields": exc.messages,
            }
        mutation = Mutation(
            id=m["id"],
            record_type=m["record_type"],
            record_id=m["record_id"],
            op=Op(m["op"]),
            payload=m["payload"],
            base_version=m.get("base_version"),
            device_time=m.get("device_time"),
            parent_id=m.get("parent_id"),
        )
        savepoint = db.session.begin_nested()
        log = SyncMutation(
            id=mutation.id,
            user_id=self.user.id,
            device_id=self.device.id if self.device else None,
            record_type=mutation.record_type,
            record_id=mutation.record_id,
            op=mutation.op.value,
            base_version=mutation.base_version,
            payload=_jsonable(m["payload"]),
            device_time=mutation.device_time,
            received_at=self.now,
            outcome="pending",
            result={},
        )
        db.session.add(log)
        try:
            db.session.flush()
        except sa.exc.IntegrityError:
            savepoint.rollback()
            return self._replay(mutation)
        try:
            result = self._apply(mutation)
        except Exception:
            savepoint.rollback()
            raise
        log.outcome, log.reason, log.result = result["outcome"], result.get("reason"), result
        savepoint.commit()
        return result

    def _replay(self, mutation: Mutation) -> dict:
        """R1: the same mutation again answers with its first answer."""
        first = db.session.get(SyncMutation, mutation.id)
        if first is None or first.user_id != self.user.id:
            return {
                "mutation_id": str(mutation.id),
                "outcome": Outcome.REJECTED.value,
                "reason": "mutation_reused",
            }
        return {
            "mutation_id": str(mutation.id),
            "outcome": Outcome.DUPLICATE.value,
            "record_type": first.record_type,
            "record_id": str(first.record_id),
            "original": first.result,
        }

    def _apply(self, mutation: Mutation) -> dict:
        rtype = mutation.record_type
        row = (
            records.load(rtype, mutation.record_id, self.user, lock=True)
            if rtype in records.KINDS
            else None
        )
        if (
            row is None
            and rtype in records.KINDS
            and mutation.op == Op.CREATE
            and records.exists(rtype, mutation.record_id)
        ):
            decision = Decision(Outcome.CONFLICT, reason="id_conflict")  # R2, not ours to see
        else:
            current = records.KINDS[rtype].state(row) if row is not None else None
            decision = decide(mutation, current, self.actor, self._context(mutation, row))
        result = self._persist(mutation, row, decision)
        audit.record(
            f"sync.{mutation.op.value}",
            rtype,
            mutation.record_id,
            {
                "mutation": str(mutation.id),
                "outcome": result["outcome"],
                "reason": result.get("reason"),
                "changed": list(decision.changed),
                "device_time": mutation.device_time,
                "flags": result.get("flags", []),
            },
        )
        return result

    def _context(self, mutation: Mutation, row) -> Context:
        parent = target = None
        if mutation.record_type == "clue_note":
            parent_id = mutation.parent_id if row is None else row.clue_id
            parent_row = (
                records.load("clue", parent_id, self.user, lock=True) if parent_id else None
            )
            parent = records.clue_state(parent_row) if parent_row is not None else None
        if mutation.record_type == "conflict" and row is not None:
            target_row = records.load(row.record_type, row.record_id, self.user, lock=True)
            target = records.KINDS[row.record_type].state(target_row) if target_row else None
        return Context(now=self.now, refs=self.refs, parent=parent, target=target)

    # -- storing a decision -------------------------------------------------------------

    def _persist(self, mutation: Mutation, row, decision: Decision) -> dict:
        result: dict[str, Any] = {
            "mutation_id": str(mutation.id),
            "outcome": decision.outcome.value,
            "record_type": mutation.record_type,
            "record_id": str(mutation.record_id),
        }
        if decision.reason:
            result["reason"] = decision.reason
        if decision.outcome == Outcome.REJECTED and decision.detail:
            result.update({k: _jsonable(v) for k, v in decision.detail.items()})
        flags = set(decision.flags)
        if self.skew is not None and decision.writes:
            flags.add(Flag.CLOCK_SKEW)
            result["clock_skew_s"] = round(self.skew, 1)
        if decision.writes:
            row = self._write(mutation, row, decision)
            if mutation.record_type == "clue" and mutation.op == Op.CREATE:
                links = self._link_possible_duplicates(row, decision.state)
                if links:
                    flags.add(Flag.POSSIBLE_DUPLICATE)
                    result["possible_duplicates"] = links
            if "target" in decision.detail:
                self._write_target(decision.detail["target"])
        if row is not None:
            result["version"] = row.version
            if mutation.record_type == "clue":
                result["code"] = row.code
        if decision.conflicts:
            state = decision.state or records.KINDS[mutation.record_type].state(row)
            result["conflicts"] = [
                self._open_conflict(mutation, state, c) for c in decision.conflicts
            ]
        if flags:
            result["flags"] = sorted(f.value for f in flags)
        return result

    def _write(self, mutation: Mutation, row, decision: Decision):
        rtype, state = mutation.record_type, decision.state
        seq = next_counter("change")
        if rtype == "clue":
            if row is None:
                row = self._new_clue(mutation, state)
                db.session.add(row)
            with db.session.no_autoflush:  # lookups in here must not flush it half-made
                records.apply_clue_state(row, state, self.refs)
            row.seq = seq
        elif rtype == "clue_note":
            row = ClueNote(
                id=state.id,
                clue_id=state.parent_id,
                author_id=self.user.id,
                kind=state.fields["kind"],
                text=state.fields["text"],
                late=Flag.LATE in decision.flags,
                version=1,
                seq=seq,
                device_id=self.device.id if self.device else None,
                device_time=mutation.device_time,
                clock_skew_s=self.skew,
            )
            db.session.add(row)
        elif rtype == "conflict":
            records.apply_conflict_state(row, state)
            row.seq = seq
        db.session.flush()
        return row

    def _new_clue(self, mutation: Mutation, state: RecordState) -> Clue:
        unit = self.refs.unit(state.fields["unit_code"])
        township = unit.ancestor_at(UnitLevel.TOWNSHIP)
        year = self.now.year
        number = next_counter(f"clue:{township}:{year}")
        clue = Clue(
            id=state.id,
            code=f"XS-{township}-{year}-{number:05d}",
            device_id=self.device.id if self.device else None,
            device_time=mutation.device_time,
            clock_skew_s=self.skew,
            created_at=self.now,
        )
        db.session.add(clue)
        return clue

    def _write_target(self, state: RecordState) -> None:
        row = records.load(state.type, state.id, self.user, lock=True)
        if state.type == "clue":
            records.apply_clue_state(row, state, self.refs)
        row.seq = next_counter("change")

    def _open_conflict(self, mutation: Mutation, state: RecordState, c) -> dict:
        unit_code = state.unit_path.strip("/").split("/")[-1]
        unit = self.refs.unit(unit_code)
        conflict = SyncConflict(
            id=uuid.uuid4(),
            record_type=mutation.record_type,
            record_id=mutation.record_id,
            unit_id=unit.id,
            field=c.field,
            reason=c.reason,
            server_value=_jsonable(c.server_value),
            server_by=c.server_by,
            device_value=_jsonable(c.device_value),
            device_by=c.device_by,
            mutation_id=mutation.id,
            status="open",
            version=1,
            seq=next_counter("change"),
            field_meta={},
        )
        db.session.add(conflict)
        db.session.flush()
        return {
            "id": str(conflict.id),
            "field": c.field,
            "reason": c.reason,
            "server_value": conflict.server_value,
            "server_by": c.server_by,
            "device_value": conflict.device_value,
        }

    def _link_possible_duplicates(self, clue: Clue, state: RecordState) -> list[dict]:
        """R8: link, never merge, reports of the same matter close in space and time."""
        loc = state.fields["location"]
        lat0, lat1, lng0, lng1 = checks.bounding_box(loc["lat"], loc["lng"], self.window.radius_m)
        fix = dt.datetime.fromisoformat(loc["fix_time"])
        # Only within the same township: its command room triages both, and nobody learns
        # of another township's records this way.
        township = township_path(state.unit_path)
        candidates = (
            db.session.execute(
                sa.select(Clue)
                .join(AdminUnit, Clue.unit_id == AdminUnit.id)
                .where(
                    AdminUnit.path.startswith(township, autoescape=True),
                    Clue.id != clue.id,
                    Clue.matter_id == clue.matter_id,
                    Clue.lat.between(lat0, lat1),
                    Clue.lng.between(lng0, lng1),
                    Clue.fix_time.between(fix - self.window.window, fix + self.window.window),
                    Clue.status != "withdrawn",
                )
            )
            .unique()
            .scalars()
            .all()
        )
        links = []
        for other in candidates:
            other_loc = records.clue_state(other).fields["location"]
            d = checks.possible_duplicate(loc, other_loc, "", "", self.window)
            if d is None:
                continue
            db.session.add_all(
                [
                    ClueLink(clue_id=clue.id, other_id=other.id, distance_m=d),
                    ClueLink(clue_id=other.id, other_id=clue.id, distance_m=d),
                ]
            )
            other.seq = next_counter("change")  # its devices learn of the link too
            links.append({"clue_id": str(other.id), "distance_m": round(d, 1)})
        return links


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value
