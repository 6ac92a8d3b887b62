"""The SQL store of the batch engine (``sync.engine``): rows in, states out, and one flush.

Every read is scoped to the pushing user (``server.accounts.jurisdiction``), and locked on
PostgreSQL, so two pushes touching one record queue instead of losing an update. ``commit``
writes what the engine decided: new and changed rows through the registry
(``registry.KINDS``), their change sequence numbers and codes, the conflict records, the
children that wait for their parent, the mutation log (R1) and the audit entries, in the
caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from server.accounts.jurisdiction import STAFF_ROLES
from server.accounts.models import Device, User
from server.audit import chain as audit
from server.cases.models import DocumentReservation, Inspection
from server.clues.duplicates import link_possible_duplicates
from server.clues.models import Clue
from server.core.db import (
    db,
    move_to_feed_end,
    next_counter,
    number_changes,
    provisional_changes,
)
from server.evidence import service as evidence_service
from server.evidence.models import Evidence
from server.sync_api import records, registry
from server.sync_api.models import SyncConflict, SyncDeparture, SyncMutation, SyncWaiting
from server.units.models import UnitLevel
from sync import checks, legal
from sync.cases import today
from sync.engine import PARENTS, Batch, Key, Logged, Note, Waiting
from sync.engine import plain as _plain
from sync.rules import township_path
from sync.types import Actor, Flag, Mutation, Op
from sync.workflow import WORKFLOW


def actor_of(user: User, device: Device | None = None) -> Actor:
    return Actor(
        user_id=user.id,
        roles=frozenset(user.roles),
        unit_path=user.unit.path,
        device=str(device.id) if device is not None else None,
        department=user.department.code if user.department_id is not None else None,
    )


class SqlStore:
    """``sync.engine.Store`` over the server's tables, for one user's push."""

    def __init__(self, user: User, device: Device | None):
        self.user, self.device = user, device
        self.refs = records.ServerRefs()
        self.rows: dict[Key, Any] = {}  # loaded rows, visible to the user
        # New records whose device offered an act code not theirs to take: what and why.
        self.redrawn: dict[Key, dict[str, Any]] = {}

    # -- reads ---------------------------------------------------------------------------

    def answers(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, Logged]:
        if not ids:
            return {}
        rows = db.session.execute(sa.select(SyncMutation).where(SyncMutation.id.in_(ids)))
        return {
            row.id: Logged(
                row.user_id,
                row.record_type,
                row.record_id,
                row.op,
                row.base_version,
                row.payload,
                row.result,
            )
            for row in rows.scalars()
        }

    def load(self, record_type: str, ids: set[uuid.UUID]):
        kind = registry.KINDS.get(record_type)
        if kind is None:
            return [], set()
        states = []
        for row in registry.load_many(record_type, ids, self.user, lock=True):
            state = kind.state(row)
            self.rows[(record_type, row.id)] = row
            states.append(state)
        seen = {s.id for s in states}
        return states, registry.existing(record_type, ids - seen)

    def waiting_for(self, parents: set[Key]) -> list[Waiting]:
        if not parents:
            return []
        rows = db.session.execute(
            sa.select(SyncMutation, SyncWaiting)
            .join(SyncWaiting, SyncWaiting.mutation_id == SyncMutation.id)
            .where(
                sa.or_(
                    *(
                        sa.and_(SyncWaiting.parent_type == t, SyncWaiting.parent_id == i)
                        for t, i in parents
                    )
                )
            )
            .order_by(SyncWaiting.created_at, SyncMutation.received_at)
        ).all()
        return [waiting_of(row, kept) for row, kept in rows]

    def wrote_to(self, record_type: str, record_id: uuid.UUID) -> bool:
        wrote = db.session.execute(
            sa.select(SyncMutation.id)
            .where(
                SyncMutation.user_id == self.user.id,
                sa.or_(SyncMutation.record_id == record_id, SyncMutation.parent_id == record_id),
                SyncMutation.outcome.in_(("applied", "merged", "conflict", "duplicate")),
            )
            .limit(1)
        ).first()
        return wrote is not None

    def unit_path_of(self, record_type: str, record_id: uuid.UUID) -> str | None:
        kind = registry.KINDS.get(record_type)
        row = db.session.get(kind.model, record_id) if kind else None
        return kind.state(row).unit_path if row is not None else None

    # -- the one write -------------------------------------------------------------------

    def begin(self) -> None:
        """Take the head of the user's audit chain (his township's) before anything is
        read: concurrent pushes of a township queue in one order (never deadlocking on each
        other's records), and a batch sees every mutation an earlier one committed, which
        is what makes the replay check (R1) exact. Other townships' pushes go on beside."""
        self.head = audit.lock_head(audit.chain_of(self.user))

    def commit(self, batch: Batch, now: dt.datetime) -> None:
        """Persist ``batch`` in the current transaction (the caller commits)."""
        head = self.head
        departures = [
            (key, departure) for key, lost in batch.departures().items() for departure in lost
        ]
        seq_count = len(batch.writes) + len(batch.conflicts) + len(departures)
        # Stand-in numbers: the change counter is taken last, held for the commit only.
        last_seq = provisional_changes(seq_count) if seq_count else 0
        seqs = iter(range(last_seq - seq_count + 1, last_seq + 1))
        codes = {**self._existing_codes(), **self._new_codes(batch, now)}
        new_clues: list[tuple[Clue, dict]] = []
        new_evidence = []
        conflicts = [self._conflict_row(c) for c in batch.conflicts]
        answers = {**batch.answered, **{m.id: r for m, r in batch.unparked}}
        with db.session.no_autoflush:
            for key, write in batch.writes.items():
                row = self._write(key, write, next(seqs), codes, now, batch.skew_s)
                if write.new and key[0] == "clue":
                    new_clues.append((row, answers.get(write.mutation.id, {})))
                if write.new and isinstance(row, Evidence):  # a clue's or a visit's
                    new_evidence.append(row)
            for conflict in conflicts:
                conflict.seq = next(seqs)
            for (rtype, rid), departure in departures:
                db.session.add(
                    SyncDeparture(
                        record_type=rtype,
                        record_id=rid,
                        field=departure.field,
                        value=str(departure.value),
                        seq=next(seqs),
                        created_at=now,
                    )
                )
        db.session.flush()
        self._resend_children(batch)
        config = current_app.config
        link_possible_duplicates(
            new_clues,
            checks.DuplicateWindow(
                radius_m=config["DUPLICATE_RADIUS_M"],
                window=dt.timedelta(hours=config["DUPLICATE_WINDOW_HOURS"]),
            ),
            self.user.has_role(*STAFF_ROLES),
        )
        # A replay within this batch copied its first answer before the codes were handed
        # out: it gets the same code (R1: the first answer itself).
        replays = [r for r in batch.results if r.get("replay")]
        for result in [*answers.values(), *replays]:
            key = (result.get("record_type"), _uuid(result.get("record_id")))
            if key in codes:
                result["code"] = codes[key]
            if key in self.redrawn:  # the device offered another code: it is told
                result["code_redrawn"] = self.redrawn[key]
        for (rtype, rid), why in self.redrawn.items():
            detail = {**why, "code": codes[(rtype, rid)]}
            batch.notes.append(Note("act_code.redrawn", rtype, rid, detail))
        log = [self._log_row(m, actor, batch.answered[m.id], now) for m, actor in batch.log]
        if log:  # plain inserts in one statement: the log is written, never read back
            db.session.execute(sa.insert(SyncMutation.__table__), log)
        for m, result in batch.unparked:  # a child that waited: its answer is final now
            db.session.execute(
                sa.update(SyncMutation)
                .where(SyncMutation.id == m.id)
                .values(outcome=result["outcome"], reason=result.get("reason"), result=result)
            )
            db.session.execute(sa.delete(SyncWaiting).where(SyncWaiting.mutation_id == m.id))
        for w in batch.parked:
            db.session.add(
                SyncWaiting(
                    mutation_id=w.mutation.id,
                    parent_type=PARENTS[w.mutation.record_type],
                    parent_id=w.mutation.parent_id,
                    created_at=now,
                    author_roles=sorted(w.actor.roles),
                    author_unit_path=w.actor.unit_path,
                )
            )
        # A conflict names its mutation, so it goes in after the log.
        db.session.add_all(conflicts)
        ip = request.remote_addr if has_request_context() else None
        device_id = self.device.id if self.device else None
        audit.append_many(
            head,
            [
                audit.Entry(
                    n.action,
                    n.record_type,
                    n.record_id,
                    _plain(n.detail),
                    self.user.id,
                    device_id,
                    ip,
                )
                for n in batch.notes
            ],
            at=now,
        )
        # A record naming a photo the server already holds for this user is complete now.
        # Which of the batch's photos the server holds at all, asked once: a photo is
        # usually sent after its record, and one query for each of its files, with the
        # township's chain head held, made every push of the township wait longer.
        held = evidence_service.held_among(
            {sha for e in new_evidence for sha in (e.original_sha256, e.copy_sha256) if sha}
        )
        for evidence in new_evidence:
            if {evidence.original_sha256, evidence.copy_sha256} & held:
                evidence_service.attach_if_held(evidence, self.user)
        # What the batch tells people, in its own transaction (issue 24): sent after commit.
        from server.notify import outbox  # it reads the store's actors: imported when used

        outbox.record(batch, codes)
        # Last before commit: the change counter is held from here to commit only.
        number_changes(*(kind.model for kind in registry.KINDS.values()), SyncDeparture)

    def _log_row(self, m: Mutation, actor: Actor, answer: dict, now: dt.datetime) -> dict:
        return {
            "id": m.id,
            "user_id": actor.user_id,
            "device_id": self.device.id if self.device else None,
            "record_type": m.record_type,
            "record_id": m.record_id,
            "parent_id": m.parent_id,
            "op": m.op.value,
            "base_version": m.base_version,
            "payload": _plain(m.payload),
            "device_time": m.device_time,
            "received_at": now,
            "outcome": answer["outcome"],
            "reason": answer.get("reason"),
            "result": dict(answer),
        }

    def _conflict_row(self, c) -> SyncConflict:
        unit_code = c.unit_path.strip("/").split("/")[-1]
        return SyncConflict(
            id=c.id,
            record_type=c.record_type,
            record_id=c.record_id,
            unit_id=self.refs.unit(unit_code).id,
            field=c.field,
            reason=c.reason,
            server_value=c.server_value,
            server_by=c.server_by,
            device_value=c.device_value,
            device_by=c.device_by,
            mutation_id=c.mutation_id,
            status="open",
            version=1,
            field_meta={},
        )

    def _write(self, key: Key, write, seq: int, codes: dict, now: dt.datetime, skew_s) -> Any:
        rtype, state = key[0], write.state
        kind = registry.KINDS[rtype]
        row = self.rows.get(key)
        if row is None:
            columns: dict[str, Any] = {
                "id": state.id,
                "device_id": self.device.id if self.device else None,
                "device_time": write.mutation.device_time,
                "clock_skew_s": skew_s,
                "created_at": now,
                **kind.new(write.state, self.refs),
            }
            if kind.parent_column:
                columns[kind.parent_column] = write.state.parent_id
            if kind.code:
                columns["code"] = codes[key]
            if kind.late:
                columns["late"] = Flag.LATE in write.flags
            row = kind.model(**columns)
            db.session.add(row)
        kind.apply(row, write.state, self.refs)
        row.seq = seq
        return row

    def _existing_codes(self) -> dict[Key, str]:
        return {
            key: row.code
            for key, row in self.rows.items()
            if registry.KINDS[key[0]].code and row.code
        }

    def _new_codes(self, batch: Batch, now: dt.datetime) -> dict[Key, str]:
        """New clues are numbered per township and year (XS-<township>-<year>-<n>); new
        enforcement acts (cases LA, inspection records JC, collaboration requests XZ) get
        act codes (行政行为码) per township, year and kind, with check digits."""
        year = today(now).year  # China's year, as the documents' numbers count it
        reserved = self._reserved_codes(batch)
        series: dict[tuple[str, str], list[Key]] = defaultdict(list)
        for key, write in batch.writes.items():
            code = registry.KINDS[key[0]].code
            if not (code and write.new) or key in reserved:
                continue
            if code == "clue":
                unit = self.refs.unit(write.state.fields["unit_code"])
                township = unit.ancestor_at(UnitLevel.TOWNSHIP)
            else:
                township = township_path(write.state.unit_path).strip("/").split("/")[-1]
            series[(township, code)].append(key)
        codes: dict[Key, str] = dict(reserved)
        for (township, code), keys in sorted(series.items()):
            name = f"clue:{township}:{year}" if code == "clue" else f"act:{township}:{year}:{code}"
            last = next_counter(name, len(keys))
            for number, key in enumerate(keys, start=last - len(keys) + 1):
                codes[key] = (
                    f"XS-{township}-{year}-{number:05d}"
                    if code == "clue"
                    else legal.make_act_code(township, year, code, number)
                )
        return codes

    def _reserved_codes(self, batch: Batch) -> dict[Key, str]:
        """The act codes new records bring from their device's reserve (the workflow's
        ``device_code``: an inspection recorded offline, whose 现场检查笔录 was printed
        under it, ``server.cases.offline``). One is given to its record when it was
        reserved for an inspection record to the record's author (on this device, when he
        pushes it himself), in the record's township, and no record holds it yet. Otherwise
        the record is still kept (R3: nothing recorded is lost), under a code drawn as for
        any record, and both its answer (``code_redrawn``) and the audit say which code the
        device offered and why it was not given: the paper printed under it is then told
        from the record, never silently."""
        offered: dict[Key, Any] = {}
        for key, write in batch.writes.items():
            field = WORKFLOW.get(key[0], {}).get("device_code")
            if write.new and field and write.mutation.payload.get(field) is not None:
                offered[key] = write.mutation.payload[field]
        self.redrawn = {}
        if not offered:
            return {}
        wanted = [c for c in offered.values() if isinstance(c, str)]
        rows = {
            r.act_code: r
            for r in db.session.execute(
                sa.select(DocumentReservation).where(DocumentReservation.act_code.in_(wanted))
            ).scalars()
        }
        used = set(
            db.session.execute(sa.select(Inspection.code).where(Inspection.code.in_(wanted)))
            .scalars()
            .all()
        )
        device = self.device.id if self.device else None
        given: dict[Key, str] = {}
        for key, code in offered.items():
            state = batch.writes[key].state
            author = state.fields.get("author_id")
            r = rows.get(code) if isinstance(code, str) else None
            township = township_path(state.unit_path).strip("/").split("/")[-1]
            if r is None or r.kind != "inspection_record":
                why = "not_reserved"
            elif r.user_id != author or (author == self.user.id and r.device_id != device):
                why = "not_yours"
            elif r.unit.code != township:
                why = "other_township"
            elif code in used or code in given.values():
                why = "used"
            else:
                given[key] = code
                continue
            self.redrawn[key] = {"offered": str(code)[:40], "why": why}
        return given

    def _resend_children(self, batch: Batch) -> None:
        """Children get a new place in the change feed (one sequence number each: pages
        never split a tie) when their parent was withdrawn or entered someone's view
        (``Batch.resent_parents``: R10, R11), or came into one (``Batch.carried``)."""
        moved: dict[str, list[uuid.UUID]] = defaultdict(list)
        for rtype, rid in batch.resent_parents():
            moved[rtype].append(rid)
        # A parent that came into a view with its child (``Batch.carried``): it and its
        # children go to the end too.
        for rtype, rid in batch.carried():
            moved[rtype].append(rid)
            move_to_feed_end(registry.KINDS[rtype].model, [rid])
        for parent_type, ids in moved.items():
            for child_type in (t for t, p in PARENTS.items() if p == parent_type):
                kind = registry.KINDS[child_type]
                column = getattr(kind.model, kind.parent_column)
                found = db.session.execute(sa.select(kind.model.id).where(column.in_(ids)))
                move_to_feed_end(kind.model, found.scalars().all())


def waiting_of(row: SyncMutation, kept: SyncWaiting) -> Waiting:
    """A waiting child, with its author as he was when he sent it (R3)."""
    author = db.session.get(User, row.user_id)
    device = db.session.get(Device, row.device_id) if row.device_id else None
    actor = actor_of(author, device)
    if kept.author_unit_path is not None:  # R3: his rights when he sent it
        roles = frozenset(kept.author_roles or ())
        actor = replace(actor, roles=roles, unit_path=kept.author_unit_path)
    return Waiting(_mutation_of(row), actor, row.device_id)


def _mutation_of(row: SyncMutation) -> Mutation:
    return Mutation(
        id=row.id,
        record_type=row.record_type,
        record_id=row.record_id,
        op=Op(row.op),
        payload=row.payload,
        base_version=row.base_version,
        device_time=row.device_time,
        parent_id=row.parent_id,
    )


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
