"""Push: apply a device's outbox, one mutation at a time, in the order sent.

A batch is one transaction. The rules are pure (``sync.rules.decide``), so the batch is
decided in memory, each mutation against the state the previous ones left, and then written
in one flush: a crash at any point leaves the whole batch or nothing, and a retry is safe
(R1). A mutation the rules reject changes nothing and the rest go on (R5).

The head of the user's audit chain (his township's) is locked first. Concurrent pushes of a
township therefore queue in one order (never deadlock on each other's records), and a batch
sees every mutation an earlier one committed, which is what makes the mutation log's replay
check exact.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app, has_request_context, request

from server.accounts.jurisdiction import STAFF_ROLES
from server.accounts.models import Device, User
from server.audit import chain as audit
from server.cases.models import Case, Collaboration, Inspection
from server.clues.models import Clue, ClueLink, ClueNote
from server.core import metrics
from server.core.db import db, next_counter, number_changes, provisional_changes, utcnow
from server.evidence import service as evidence_service
from server.evidence.models import Evidence
from server.sync_api import records
from server.sync_api.models import SyncConflict, SyncMutation
from server.sync_api.schemas import MutationSchema
from server.units.models import AdminUnit, UnitLevel
from sync import checks, legal
from sync.cases import today
from sync.rules import Context, decide, township_path
from sync.types import Actor, Decision, Flag, Mutation, Op, Outcome, RecordState
from sync.workflow import CLUE_TOMBSTONE, WORKFLOW

_mutation_schema = MutationSchema()
# The record each kind hangs from (a child's clue, a case's clue, an inspection's or a
# collaboration request's case).
PARENTS = {name: spec["parent"] for name, spec in WORKFLOW.items() if "parent" in spec}
# Loaded children first: they name the parents to load next.
LOAD_ORDER = ("conflict", "inspection", "collaboration", "clue_note", "evidence", "case", "clue")
Key = tuple[str, uuid.UUID]
# The records that are enforcement acts, and the kind of act code each gets (sync.legal).
ACT_KINDS = {"case": "LA", "inspection": "JC", "collaboration": "XZ"}


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, roles=frozenset(user.roles), unit_path=user.unit.path)


def push_batch(
    user: User, device: Device | None, raw_mutations: list[Any], device_now: dt.datetime | None
) -> list[dict]:
    """Apply ``raw_mutations`` (JSON objects) for ``user``; one result per mutation."""
    batch = _Batch(user, device, device_now)
    results = batch.run(raw_mutations)
    db.session.commit()
    metrics.record_push(results)
    return results


@dataclass
class _Write:
    """A record the batch changed: its final state, and whether it is new."""

    state: RecordState
    new: bool
    mutation: Mutation
    flags: set[Flag] = field(default_factory=set)


class _Batch:
    def __init__(self, user: User, device: Device | None, device_now: dt.datetime | None):
        config = current_app.config
        self.user, self.device = user, device
        self.now = utcnow()
        self.skew = checks.clock_skew(
            device_now, self.now, dt.timedelta(seconds=config["CLOCK_SKEW_TOLERANCE_S"])
        )
        self.actor = actor_of(user)
        # The other clue may be in a grid this user cannot see: only staff get its id.
        self.sees_links = user.has_role(*STAFF_ROLES)
        self.refs = records.ServerRefs()
        self.window = checks.DuplicateWindow(
            radius_m=config["DUPLICATE_RADIUS_M"],
            window=dt.timedelta(hours=config["DUPLICATE_WINDOW_HOURS"]),
        )
        self.ip = request.remote_addr if has_request_context() else None
        self.states: dict[Key, RecordState | None] = {}  # what the rules see, kept current
        self.rows: dict[Key, Any] = {}  # loaded rows, visible to the user
        self.hidden: set[Key] = set()  # ids that exist but the user may not see
        self.writes: dict[Key, _Write] = {}
        self.answered: dict[uuid.UUID, dict] = {}  # mutation id → result, this batch
        self.log: list[dict] = []  # sync_mutation rows
        self.conflicts: list[tuple[SyncConflict, dict]] = []
        self.audit_entries: list[audit.Entry] = []
        self.new_clues: list[tuple[Clue, dict]] = []
        self.new_evidence: list[Evidence] = []

    # -- the batch ----------------------------------------------------------------------

    def run(self, raw_mutations: list[Any]) -> list[dict]:
        self.head = audit.lock_head(audit.chain_of(self.user))
        parsed = [self._parse(raw) for raw in raw_mutations]
        mutations = [m for m in parsed if isinstance(m, Mutation)]
        logged = self._logged({m.id for m in mutations})
        self._preload(mutations)
        results = []
        for item in parsed:
            if isinstance(item, dict):  # the envelope itself was invalid
                results.append(item)
            elif item.id in logged or item.id in self.answered:
                results.append(self._replay(item, logged))
            else:
                results.append(self._one(item))
        self._flush()
        return results

    def _parse(self, raw: Any) -> Mutation | dict:
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
        return Mutation(
            id=m["id"],
            record_type=m["record_type"],
            record_id=m["record_id"],
            op=Op(m["op"]),
            payload=m["payload"],
            base_version=m.get("base_version"),
            device_time=m.get("device_time"),
            parent_id=m.get("parent_id"),
        )

    def _logged(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, SyncMutation]:
        if not ids:
            return {}
        rows = db.session.execute(sa.select(SyncMutation).where(SyncMutation.id.in_(ids)))
        return {row.id: row for row in rows.scalars()}

    def _replay(self, mutation: Mutation, logged: dict) -> dict:
        """R1: the same mutation again answers with its first answer."""
        first = logged.get(mutation.id)
        if first is not None and first.user_id != self.user.id:
            return {
                "mutation_id": str(mutation.id),
                "outcome": Outcome.REJECTED.value,
                "reason": "mutation_reused",
            }
        original = first.result if first is not None else self.answered[mutation.id]
        return {
            "mutation_id": str(mutation.id),
            "outcome": Outcome.DUPLICATE.value,
            "record_type": mutation.record_type,
            "record_id": str(mutation.record_id),
            "original": original,
        }

    def _preload(self, mutations: list[Mutation]) -> None:
        """Load every record the batch names, in one query per type, locked (PostgreSQL)."""
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for m in mutations:
            if m.record_type in records.KINDS:
                wanted[m.record_type].add(m.record_id)
            if m.parent_id is not None and m.record_type in PARENTS:
                wanted[PARENTS[m.record_type]].add(m.parent_id)
        for rtype in LOAD_ORDER:
            ids = wanted.get(rtype, set())
            if not ids:
                continue
            for row in records.load_many(rtype, ids, self.user, lock=True):
                key = (rtype, row.id)
                self.rows[key] = row
                self.states[key] = records.KINDS[rtype].state(row)
                if rtype == "conflict":
                    wanted[row.record_type].add(row.record_id)
                if rtype in PARENTS:
                    wanted[PARENTS[rtype]].add(getattr(row, records.PARENT_KEY[rtype]))
            missing = ids - {i for (t, i) in self.rows if t == rtype}
            self.hidden |= {(rtype, i) for i in records.existing(rtype, missing)}

    # -- one mutation -------------------------------------------------------------------

    def _one(self, mutation: Mutation) -> dict:
        key = (mutation.record_type, mutation.record_id)
        if key in self.hidden and mutation.op == Op.CREATE:
            decision = Decision(Outcome.CONFLICT, reason="id_conflict")  # R2, not ours to see
        else:
            decision = decide(mutation, self.states.get(key), self.actor, self._context(mutation))
        result = self._record(mutation, decision)
        self.answered[mutation.id] = result
        self.log.append(
            {
                "id": mutation.id,
                "user_id": self.user.id,
                "device_id": self.device.id if self.device else None,
                "record_type": mutation.record_type,
                "record_id": mutation.record_id,
                "op": mutation.op.value,
                "base_version": mutation.base_version,
                "payload": _jsonable(mutation.payload),
                "device_time": mutation.device_time,
                "received_at": self.now,
            }
        )
        self._audit(
            f"sync.{mutation.op.value}",
            mutation.record_type,
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

    def _context(self, mutation: Mutation) -> Context:
        parent = target = None
        if mutation.record_type in PARENTS:
            child = self.states.get((mutation.record_type, mutation.record_id))
            parent_id = child.parent_id if child is not None else mutation.parent_id
            parent_type = PARENTS[mutation.record_type]
            parent = self.states.get((parent_type, parent_id)) if parent_id else None
        if mutation.record_type == "conflict":
            conflict = self.states.get(("conflict", mutation.record_id))
            if conflict is not None:
                f = conflict.fields
                target = self.states.get((f["record_type"], uuid.UUID(f["record_id"])))
        return Context(now=self.now, refs=self.refs, parent=parent, target=target)

    def _record(self, mutation: Mutation, decision: Decision) -> dict:
        """Remember what the decision changes and build the device's answer."""
        key = (mutation.record_type, mutation.record_id)
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
        if decision.writes:
            if self.skew is not None:
                flags.add(Flag.CLOCK_SKEW)
                result["clock_skew_s"] = round(self.skew, 1)
            self._remember(key, decision.state, mutation, flags)
            target = decision.detail.get("target")
            # A conflict resolved by keeping the device's value, or what a child's parent
            # learnt from it (a case counting its inspection records).
            if target is not None:
                self._remember((target.type, target.id), target, mutation, set())
                self._audit(
                    "sync.resolve" if mutation.record_type == "conflict" else "sync.parent",
                    target.type,
                    target.id,
                    {
                        "mutation": str(mutation.id),
                        "conflict": str(mutation.record_id),
                        "changed": list(decision.detail.get("target_changed", ())),
                        "version": target.version,
                    },
                )
        state = self.states.get(key)
        if state is not None:
            result["version"] = state.version
        if mutation.record_type in ("clue", *ACT_KINDS) and state is not None:
            result["_code_of"] = key  # filled in at flush, when codes are handed out
        if decision.conflicts:
            base = decision.state or state
            result["conflicts"] = [
                self._open_conflict(mutation, base, c) for c in decision.conflicts
            ]
        if flags:
            result["flags"] = sorted(f.value for f in flags)
        return result

    def _remember(self, key: Key, state: RecordState, mutation: Mutation, flags) -> None:
        previous = self.writes.get(key)
        new = previous.new if previous else key not in self.rows
        self.states[key] = state
        self.writes[key] = _Write(
            state,
            new,
            previous.mutation if previous else mutation,
            (previous.flags if previous else set()) | flags,
        )

    def _open_conflict(self, mutation: Mutation, state: RecordState, c) -> dict:
        unit_code = state.unit_path.strip("/").split("/")[-1]
        conflict = SyncConflict(
            id=uuid.uuid4(),
            record_type=mutation.record_type,
            record_id=mutation.record_id,
            unit_id=self.refs.unit(unit_code).id,
            field=c.field,
            reason=c.reason,
            server_value=_jsonable(c.server_value),
            server_by=c.server_by,
            device_value=_jsonable(c.device_value),
            device_by=c.device_by,
            mutation_id=mutation.id,
            status="open",
            version=1,
            field_meta={},
        )
        answer = {
            "id": str(conflict.id),
            "field": c.field,
            "reason": c.reason,
            "server_value": conflict.server_value,
            "server_by": c.server_by,
            "device_value": conflict.device_value,
        }
        self.conflicts.append((conflict, answer))
        # Later mutations of this batch may resolve it.
        self.states[("conflict", conflict.id)] = None
        return answer

    def _audit(self, action, record_type, record_id, detail) -> None:
        self.audit_entries.append(
            audit.Entry(
                action,
                record_type,
                record_id,
                detail,
                self.user.id,
                self.device.id if self.device else None,
                self.ip,
            )
        )

    # -- writing it all -----------------------------------------------------------------

    def _flush(self) -> None:
        seq_count = len(self.writes) + len(self.conflicts)
        last_seq = provisional_changes(seq_count) if seq_count else 0
        seqs = iter(range(last_seq - seq_count + 1, last_seq + 1))
        codes = {**self._clue_codes(), **self._act_codes()}
        with db.session.no_autoflush:
            for key, write in self.writes.items():
                self._write(key, write, next(seqs), codes)
            for conflict, _answer in self.conflicts:
                conflict.seq = next(seqs)
        db.session.flush()
        self._tombstone_children()
        self._link_possible_duplicates()
        for result in self.answered.values():
            key = result.pop("_code_of", None)
            if key is not None and key in codes:
                result["code"] = codes[key]
        # The log keeps each answer as final: a replay must get exactly this (R1).
        for entry in self.log:
            answer = self.answered[entry["id"]]
            entry.update(
                outcome=answer["outcome"], reason=answer.get("reason"), result=dict(answer)
            )
        if self.log:  # plain inserts in one statement: the log is written, never read back
            db.session.execute(sa.insert(SyncMutation.__table__), self.log)
        # A conflict names its mutation, so it goes in after the log.
        db.session.add_all([conflict for conflict, _answer in self.conflicts])
        audit.append_many(self.head, self.audit_entries, at=self.now)
        # A record naming a photo the server already holds for this user is complete now.
        for evidence in self.new_evidence:
            evidence_service.attach_if_held(evidence, self.user)
        # Last before commit: the change counter is held from here to commit only.
        number_changes(*(kind.model for kind in records.KINDS.values()))

    def _tombstone_children(self) -> None:
        """R10: a withdrawn clue's notes and evidence go as tombstones too, so they get a
        new place in the change feed (one sequence number each: pages never split a tie)."""
        gone = [
            key[1]
            for key, write in self.writes.items()
            if key[0] == "clue" and write.state.status in CLUE_TOMBSTONE
        ]
        if not gone:
            return
        for model in (ClueNote, Evidence):
            children = (
                db.session.execute(sa.select(model.id).where(model.clue_id.in_(gone)))
                .scalars()
                .all()
            )
            _move_to_feed_end(model, children)

    def _clue_codes(self) -> dict[Key, str]:
        """Every clue touched gets its code in the answer; new ones are numbered per
        township and year (XS-<township>-<year>-<n>)."""
        codes = {key: row.code for key, row in self.rows.items() if key[0] == "clue"}
        per_series: dict[str, list[Key]] = defaultdict(list)
        for key, write in self.writes.items():
            if key[0] == "clue" and write.new:
                unit = self.refs.unit(write.state.fields["unit_code"])
                per_series[f"{unit.ancestor_at(UnitLevel.TOWNSHIP)}:{today(self.now).year}"].append(
                    key
                )
        for series, keys in per_series.items():
            last = next_counter(f"clue:{series}", len(keys))
            township, year = series.split(":")
            for number, key in enumerate(keys, start=last - len(keys) + 1):
                codes[key] = f"XS-{township}-{year}-{number:05d}"
        return codes

    def _act_codes(self) -> dict[Key, str]:
        """Cases (立案, LA), inspection records (检查笔录, JC) and collaboration requests
        (协作, XZ) get act codes (行政行为码), numbered per township, year and kind, with
        check digits (sync.legal)."""
        codes = {key: row.code for key, row in self.rows.items() if key[0] in ACT_KINDS}
        per_series: dict[tuple[str, str], list[Key]] = defaultdict(list)
        for key, write in self.writes.items():
            if key[0] in ACT_KINDS and write.new:
                township = township_path(write.state.unit_path).strip("/").split("/")[-1]
                per_series[(township, ACT_KINDS[key[0]])].append(key)
        year = today(self.now).year  # China's year, as the documents' numbers count it
        for (township, kind), keys in sorted(per_series.items()):
            last = next_counter(f"act:{township}:{year}:{kind}", len(keys))
            for number, key in enumerate(keys, start=last - len(keys) + 1):
                codes[key] = legal.make_act_code(township, year, kind, number)
        return codes

    def _write(self, key: Key, write: _Write, seq: int, codes: dict[Key, str]) -> None:
        rtype, state = key[0], write.state
        # Where and when a new row was made: the device, its clock and the server's.
        made = {
            "device_id": self.device.id if self.device else None,
            "device_time": write.mutation.device_time,
            "clock_skew_s": self.skew,
            "created_at": self.now,
        }
        if rtype == "clue":
            row = self.rows.get(key)
            if row is None:
                row = Clue(
                    id=state.id,
                    code=codes[key],
                    **made,
                )
                db.session.add(row)
                self.new_clues.append((row, self.answered_for(write.mutation)))
            records.apply_clue_state(row, state, self.refs)
            row.seq = seq
        elif rtype == "clue_note":
            db.session.add(
                ClueNote(
                    id=state.id,
                    clue_id=state.parent_id,
                    author_id=self.user.id,
                    kind=state.fields["kind"],
                    text=state.fields["text"],
                    late=Flag.LATE in write.flags,
                    version=1,
                    seq=seq,
                    **made,
                )
            )
        elif rtype == "evidence":
            row = self.rows.get(key)
            if row is None:
                row = Evidence(
                    id=state.id,
                    clue_id=state.parent_id,
                    late=Flag.LATE in write.flags,
                    disagreements=[],
                    **made,
                )
                db.session.add(row)
                self.new_evidence.append(row)
            records.apply_evidence_state(row, state)
            row.seq = seq
        elif rtype == "case":
            row = self.rows.get(key)
            if row is None:
                unit_code = state.unit_path.strip("/").split("/")[-1]
                row = Case(
                    id=state.id,
                    code=codes[key],
                    clue_id=state.parent_id,
                    unit_id=self.refs.unit(unit_code).id,
                    **made,
                )
                db.session.add(row)
            records.apply_case_state(row, state, self.refs)
            row.seq = seq
        elif rtype == "inspection":
            row = Inspection(
                id=state.id,
                code=codes[key],
                case_id=state.parent_id,
                late=Flag.LATE in write.flags,
                version=1,
                seq=seq,
                **made,
            )
            records.apply_inspection_state(row, state)
            db.session.add(row)
        elif rtype == "collaboration":
            row = self.rows.get(key)
            if row is None:
                row = Collaboration(id=state.id, code=codes[key], case_id=state.parent_id, **made)
                db.session.add(row)
            records.apply_collaboration_state(row, state, self.refs)
            row.seq = seq
        elif rtype == "conflict":
            row = self.rows[key]
            records.apply_conflict_state(row, state)
            row.seq = seq

    def answered_for(self, mutation: Mutation) -> dict:
        return self.answered.get(mutation.id) or {}

    def _link_possible_duplicates(self) -> None:
        """R8: link, never merge, reports of the same matter close in space and time,
        within one township (its command room triages both; nobody learns of another
        township's records this way). One query per matter for the whole batch."""
        if not self.new_clues:
            return
        boxes = [checks.bounding_box(c.lat, c.lng, self.window.radius_m) for c, _ in self.new_clues]
        # The cells each new clue's neighbours can be in, per matter: an index lookup each,
        # however many clues the county holds.
        cells: dict[int, set[int]] = defaultdict(set)
        for clue, _ in self.new_clues:
            cells[clue.matter_id].update(
                checks.cells_around(clue.lat, clue.lng, self.window.radius_m)
            )
        times = [clue.fix_time for clue, _ in self.new_clues]
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
                Clue.fix_time.between(
                    min(times) - self.window.window, max(times) + self.window.window
                ),
            )
        ).all()
        # Bucket the candidates by matter and cell, so each new clue looks at its
        # neighbours only (a batch of 500 is not 500 × 500 checks).
        buckets: dict[tuple[int, int], list] = defaultdict(list)
        for row in candidates:
            buckets[(row.matter_id, checks.geo_cell(row.lat, row.lng))].append(row)
        linked: set[tuple[uuid.UUID, uuid.UUID]] = set()
        touched: set[uuid.UUID] = set()
        for (clue, result), (lat0, lat1, lng0, lng1) in zip(self.new_clues, boxes, strict=True):
            mine = {"lat": clue.lat, "lng": clue.lng, "fix_time": clue.fix_time.isoformat()}
            township = township_path(clue.unit.path)
            links = []
            nearby = [
                row
                for cell in checks.cells_around(clue.lat, clue.lng, self.window.radius_m)
                for row in buckets.get((clue.matter_id, cell), ())
            ]
            for other_id, matter_id, lat, lng, fix_time, path in nearby:
                if other_id == clue.id or not (lat0 <= lat <= lat1 and lng0 <= lng <= lng1):
                    continue
                if not path.startswith(township):
                    continue
                other = {"lat": lat, "lng": lng, "fix_time": fix_time.isoformat()}
                d = checks.possible_duplicate(
                    mine, other, str(clue.matter_id), str(matter_id), self.window
                )
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
                if self.sees_links:  # a grid worker learns only that it may be known already
                    result["possible_duplicates"] = links
        # The other clues' devices learn of the link at their next pull.
        _move_to_feed_end(Clue, sorted(touched))


def _move_to_feed_end(model: type, ids: list[uuid.UUID]) -> None:
    """Give rows new places at the end of the change feed, one sequence number each (a
    page boundary must never split a tie), so every device that holds them pulls them."""
    if not ids:
        return
    last = provisional_changes(len(ids))
    table = model.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(seq=sa.bindparam("new_seq")),
        [{"row_id": row_id, "new_seq": last - i} for i, row_id in enumerate(ids)],
    )


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
