"""The batch engine: one device's outbox, applied in order, over a small store protocol.

This is the whole of a push except reading and writing rows. The server runs it over its
SQL store (``server/sync_api/store.py``); the property tests run it over ``MemoryStore``
(``sync/memory.py``) and over HTTP with the same scenarios. Nothing here knows a database:
the store loads states scoped to the actor, remembers first answers (R1), keeps children
waiting for their parent (R3), and persists what the engine decided in one transaction.

What happens to one mutation, in order:

1. **R1, replays.** A mutation id the store (or this batch) already answered returns that
   first answer itself, marked ``replay``: a phone files a replayed refusal as a refusal.
   The same id from another user is ``mutation_reused``; the same id from the same user
   with other content is ``mutation_mismatch``, and the content is kept in a conflict record
   for a supervisor (a phone bug or a tampered outbox; either way nothing is thrown away).
2. **R3, children that come before their parent.** A child (note, evidence, inspection…)
   whose parent the server has never seen waits (outcome ``waiting``) and is applied, in
   the order it came, as soon as its parent is created, in this batch or a later one. A
   child whose parent exists but is now outside the author's view (he was moved to another
   grid, his role changed) is kept in a conflict record (reason ``rights_changed``) for the
   parent's supervisors when he may have seen it (he wrote to it before, or it is in his
   own township: ``_could_have_seen``);
   otherwise it waits like a child whose parent does not exist, with the same answer, so
   that nobody learns from an answer that a record he may not see exists.
3. **The rules** (``sync.rules.decide``) decide against the current state the previous
   mutations of the batch left.
4. **R2**, a create under an id the server holds with other content, keeps the device's
   content in a conflict record (reason ``id_conflict``), whether or not the actor can see
   the record that holds the id (he learns nothing of it).

A conflict record about a whole record (R1, R2, R3) names the field ``*`` and keeps the
mutation (type, op, payload, parent) as the device's value; only "keep the server's"
resolves it (``sync.rules``): a supervisor re-records by hand what should stand.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sync.rules import Context, decide, may, township_path
from sync.types import Actor, Decision, FieldConflict, Flag, Mutation, Op, Outcome, RecordState
from sync.values import Refs
from sync.views import Departure, carried, departures, entered
from sync.workflow import WORKFLOW

Key = tuple[str, uuid.UUID]
WHOLE_RECORD = "*"  # the field of a conflict record that keeps a whole mutation
# The record each kind hangs from (a note's clue, a case's clue, an inspection's case).
PARENTS: dict[str, str] = {
    name: spec["parent"] for name, spec in WORKFLOW.items() if "parent" in spec
}


@dataclass(frozen=True)
class Logged:
    """A mutation the store answered before (R1): who sent it, what it was, the answer."""

    user_id: int
    record_type: str
    record_id: uuid.UUID
    op: str
    base_version: int | None
    payload: Any
    result: Mapping[str, Any]


@dataclass(frozen=True)
class Waiting:
    """A child kept until its parent arrives (R3), with the actor who sent it."""

    mutation: Mutation
    actor: Actor
    device_id: Any = None


@dataclass(frozen=True)
class ConflictRecord:
    """What a conflict row keeps: the server's value stands, the device's waits here."""

    id: uuid.UUID
    mutation_id: uuid.UUID
    record_type: str
    record_id: uuid.UUID
    unit_path: str
    field: str
    reason: str
    server_value: Any
    server_by: int | None
    device_value: Any
    device_by: int

    @property
    def fields(self) -> dict[str, Any]:
        """The conflict as the workflow's ``conflict`` record holds it when it opens."""
        return {
            "record_type": self.record_type,
            "record_id": str(self.record_id),
            "field": self.field,
            "reason": self.reason,
            "server_value": self.server_value,
            "server_by": self.server_by,
            "device_value": self.device_value,
            "device_by": self.device_by,
            "status": "open",
            "kept": None,
            "resolved_by": None,
            "resolved_at": None,
        }


@dataclass
class Write:
    """A record the batch changed: its final state, whether it is new, the mutation that
    first touched it in this batch, and the flags it earned."""

    state: RecordState
    new: bool
    mutation: Mutation
    flags: set[Flag] = field(default_factory=set)


@dataclass(frozen=True)
class Note:
    """An audit-log entry the store appends under the batch's actor."""

    action: str
    record_type: str | None
    record_id: Any
    detail: Mapping[str, Any]


class Store(Protocol):
    """What the engine needs of storage. Every read is scoped to the batch's actor."""

    refs: Refs

    def answers(self, ids: set[uuid.UUID]) -> Mapping[uuid.UUID, Logged]:
        """The first answers of the mutation ids the store has seen (R1)."""
        ...

    def load(
        self, record_type: str, ids: set[uuid.UUID]
    ) -> tuple[list[RecordState], set[uuid.UUID]]:
        """The states of ``ids`` the actor may see, and the ids that exist but he may not."""
        ...

    def waiting_for(self, parents: set[Key]) -> list[Waiting]:
        """Children kept for these parents (R3), oldest first."""
        ...

    def wrote_to(self, record_type: str, record_id: uuid.UUID) -> bool:
        """Whether the actor wrote to this record before (created it, or pushed to it)."""
        ...

    def unit_path_of(self, record_type: str, record_id: uuid.UUID) -> str | None:
        """Where a record is, seen or not (a kept conflict goes to its supervisors)."""
        ...


@dataclass
class Batch:
    """One push, decided in memory; ``store.commit(batch)`` persists exactly this."""

    actor: Actor
    now: dt.datetime
    skew_s: float | None = None
    results: list[dict] = field(default_factory=list)
    writes: dict[Key, Write] = field(default_factory=dict)
    conflicts: list[ConflictRecord] = field(default_factory=list)
    log: list[tuple[Mutation, Actor]] = field(default_factory=list)  # new log rows
    parked: list[Waiting] = field(default_factory=list)  # children now waiting (R3)
    unparked: list[tuple[Mutation, dict]] = field(default_factory=list)  # waited, now answered
    notes: list[Note] = field(default_factory=list)
    answered: dict[uuid.UUID, dict] = field(default_factory=dict)  # this batch's answers
    changed: dict[uuid.UUID, tuple[str, ...]] = field(default_factory=dict)  # fields written
    loaded: set[Key] = field(default_factory=set)  # records that existed before the batch
    before: dict[Key, RecordState] = field(default_factory=dict)  # their states as loaded

    def departures(self) -> dict[Key, list[Departure]]:
        """R11: the records this batch took out of someone's view, with the view values
        they lost (``sync.views``); the store keeps them in its change feed."""
        found = {key: departures(self.before.get(key), w.state) for key, w in self.writes.items()}
        return {key: lost for key, lost in found.items() if lost}

    def resent_parents(self) -> list[Key]:
        """The records whose children go to the end of the change feed: withdrawn ones
        (R10: their children go as tombstones too) and those that entered a view (R11:
        whoever now sees them pulls their history, however long ago it was written)."""
        return [
            key
            for key, w in self.writes.items()
            if w.state.status in WORKFLOW[key[0]].get("tombstone", ())
            or entered(self.before.get(key), w.state)
        ]

    def carried(self) -> list[Key]:
        """R11: the parents that come into a view with a child that entered it (a case
        transferred to a department brings its clue: ``sync.views.carried``); they and their
        children go to the end of the change feed too."""
        return [
            carried(w.state)
            for key, w in self.writes.items()
            if entered(self.before.get(key), w.state) and carried(w.state) is not None
        ]


class Engine:
    """Decides a batch. ``new_id`` makes conflict ids (deterministic in tests)."""

    def __init__(
        self,
        store: Store,
        actor: Actor,
        now: dt.datetime,
        *,
        skew_s: float | None = None,
        new_id: Callable[[], uuid.UUID] = uuid.uuid4,
    ):
        self.store, self.actor, self.new_id = store, actor, new_id
        self.batch = Batch(actor, now, skew_s)
        self.states: dict[Key, RecordState | None] = {}
        self.hidden: set[Key] = set()
        self.logged: Mapping[uuid.UUID, Logged] = {}
        self.sent: dict[uuid.UUID, Mutation] = {}  # this batch's mutations, by id
        self.waiting: dict[Key, list[Waiting]] = {}  # parent key → children kept for it
        self.final: dict[uuid.UUID, dict] = {}  # earlier batches' waiting children, now applied
        self.freed: set[Key] = set()  # parents whose waiting children this batch applied
        # Children earlier batches kept for records this batch creates, asked for once.
        self.kept: dict[Key, list[Waiting]] = {}
        self.refs = _BatchRefs(store.refs, self.states)

    # -- the batch ---------------------------------------------------------------------

    def run(self, items: Iterable[Mutation | dict]) -> Batch:
        """``items``: parsed mutations, or an invalid envelope's answer (passed through)."""
        items = list(items)
        mutations = [m for m in items if isinstance(m, Mutation)]
        self.logged = self.store.answers({m.id for m in mutations})
        self._preload(mutations)
        self._prefetch_waiting(mutations)
        for item in items:
            if isinstance(item, dict):
                self.batch.results.append(item)
            elif item.id in self.logged or item.id in self.batch.answered:
                self.batch.results.append(self._replay(item))
            else:
                self.batch.results.append(self._one(item, self.actor, logged=True))
        return self.batch

    def _preload(self, mutations: list[Mutation]) -> None:
        """Load every record the batch names, its parents and a conflict's target: one
        load per type and round (children first: they name the parents to load next)."""
        wanted: dict[str, set[uuid.UUID]] = {}
        for m in mutations:
            if m.record_type in WORKFLOW:
                wanted.setdefault(m.record_type, set()).add(m.record_id)
            if m.parent_id is not None and m.record_type in PARENTS:
                wanted.setdefault(PARENTS[m.record_type], set()).add(m.parent_id)
        while wanted:
            following: dict[str, set[uuid.UUID]] = {}
            for rtype, ids in wanted.items():
                ids = {
                    i
                    for i in ids
                    if (rtype, i) not in self.states and (rtype, i) not in self.hidden
                }
                if not ids:
                    continue
                states, hidden = self.store.load(rtype, ids)
                for state in states:
                    key = (rtype, state.id)
                    self.states[key] = state
                    self.batch.loaded.add(key)
                    self.batch.before[key] = state
                    nxt = self._named_by(state)
                    if nxt is not None:
                        following.setdefault(nxt[0], set()).add(nxt[1])
                self.hidden |= {(rtype, i) for i in hidden}
            wanted = following

    def _prefetch_waiting(self, mutations: list[Mutation]) -> None:
        """What earlier batches kept for the parents this batch may create (R3): one
        question for the batch, not one per new record. A parent made any other way (it
        was not a create here) is asked for when it appears."""
        parents = set(PARENTS.values())
        new = {
            (m.record_type, m.record_id)
            for m in mutations
            if m.op == Op.CREATE
            and m.record_type in parents
            and (m.record_type, m.record_id) not in self.states
            and (m.record_type, m.record_id) not in self.hidden
        }
        self.kept = {key: [] for key in new}
        for w in self.store.waiting_for(new):
            self.kept[(PARENTS[w.mutation.record_type], w.mutation.parent_id)].append(w)

    @staticmethod
    def _named_by(state: RecordState) -> Key | None:
        if state.type == "conflict":
            f = state.fields
            return (f["record_type"], uuid.UUID(f["record_id"]))
        if state.type in PARENTS and state.parent_id is not None:
            return (PARENTS[state.type], state.parent_id)
        return None

    # -- R1 ------------------------------------------------------------------------------

    def _replay(self, m: Mutation) -> dict:
        first = self.logged.get(m.id)
        if first is not None and first.user_id != self.actor.user_id:
            return _answer(m, Outcome.REJECTED, "mutation_reused")
        if first is not None:
            same = (
                first.record_type == m.record_type
                and first.record_id == m.record_id
                and first.op == _op(m)
                and first.base_version == m.base_version
                and _plain(first.payload) == _plain(m.payload)
            )
            # A child that waited and was applied earlier in this batch answers as applied.
            answer = self.final.get(m.id, first.result)
        else:
            earlier = self.sent[m.id]
            same = _plain(_content(earlier)) == _plain(_content(m))
            answer = self.batch.answered[m.id]
        if not same:
            result = _answer(m, Outcome.REJECTED, "mutation_mismatch")
            result["conflicts"] = [self._keep_whole(m, "mutation_mismatch", self.actor)]
            self._note(
                m,
                "rejected",
                {"mutation": str(m.id), "outcome": "rejected", "reason": "mutation_mismatch"},
            )
            return result
        return {**answer, "replay": True}

    def give_up(self, waiting: Iterable[Waiting]) -> Batch:
        """R3, a child that waited too long (``flask sync purge-waiting``, after the settings'
        ``SYNC_WAITING_DAYS``): its parent never reached the server, or never reached its
        author's view (a stranger's note on a clue of another grid waits like one whose clue
        does not exist, so that the answer tells him nothing). It is never dropped: it goes,
        whole, into a conflict record (reason ``waited_too_long``) for the supervisors of
        the township its author worked in when he sent it; its log answer becomes that
        conflict, so a device sending it again learns where it went. The parent's own
        township is never told: its existence stays unconfirmed to the author."""
        for w in waiting:
            m = w.mutation
            result = _answer(m, Outcome.CONFLICT, "waited_too_long")
            unit_path = township_path(w.actor.unit_path)
            content = _plain(_content(m))
            result["conflicts"] = [
                self._keep(
                    m, unit_path, WHOLE_RECORD, "waited_too_long", None, None, content, w.actor
                )
            ]
            self.batch.unparked.append((m, result))
            self._note(
                m, Outcome.CONFLICT.value, {"mutation": str(m.id), "reason": "waited_too_long"}
            )
        return self.batch

    # -- one mutation --------------------------------------------------------------------

    def _one(self, m: Mutation, actor: Actor, *, logged: bool) -> dict:
        key = (m.record_type, m.record_id)
        parent_key = self._parent_key(m)
        if logged:
            self.sent[m.id] = m
        if (
            m.op == Op.CREATE
            and parent_key is not None
            and key not in self.states
            and key not in self.hidden
        ):
            seen = parent_key in self.hidden and self._could_have_seen(
                m.record_type, parent_key, actor
            )
            if seen:
                return self._log(m, actor, self._rights_changed(m, actor), logged)
            if parent_key not in self.states:
                # Absent, or there and never his: the same answer, so that no answer tells
                # a stranger a record exists. The second kind waits for ever, unseen.
                return self._park(m, actor, parent_key, logged)
        if key in self.hidden and m.op == Op.CREATE:
            decision = Decision(Outcome.CONFLICT, reason="id_conflict")  # R2, not ours to see
        else:
            decision = decide(m, self.states.get(key), actor, self._context(m))
        result = self._record(m, actor, decision)
        if decision.writes and self.batch.writes[key].new:
            self._unpark(key)
        return self._log(m, actor, result, logged)

    def _log(self, m: Mutation, actor: Actor, result: dict, logged: bool) -> dict:
        if logged:
            self.batch.answered[m.id] = result
            self.batch.log.append((m, actor))
        self._note(
            m,
            result["outcome"],
            {
                "mutation": str(m.id),
                "outcome": result["outcome"],
                "reason": result.get("reason"),
                "changed": list(self.batch.changed.get(m.id, ())),
                "device_time": m.device_time,
                "flags": result.get("flags", []),
                **({"author": actor.user_id} if actor != self.actor else {}),
            },
        )
        return result

    def _note(self, m: Mutation, outcome: str, detail: dict[str, Any]) -> None:
        """Log ``m`` under its record only if the actor may see that record (or it is his
        new one). A refusal of anyone else's record is logged under the actor, the record
        it named in the detail: otherwise a stranger who knows an id could fill that
        record's history (the console's timeline) with refusals of his own making."""
        refused = outcome in (Outcome.REJECTED.value, Outcome.CONFLICT.value)
        if refused and (m.record_type, m.record_id) not in self.states:
            named = {"record_type": m.record_type, "record_id": str(m.record_id)}
            author = detail.get("author", self.actor.user_id)
            self.batch.notes.append(
                Note(f"sync.{_op(m)}", "user", str(author), {**detail, "named": named})
            )
            return
        self.batch.notes.append(Note(f"sync.{_op(m)}", m.record_type, m.record_id, detail))

    def _parent_key(self, m: Mutation) -> Key | None:
        if m.record_type not in PARENTS:
            return None
        current = self.states.get((m.record_type, m.record_id))
        parent_id = current.parent_id if current is not None else m.parent_id
        return (PARENTS[m.record_type], parent_id) if parent_id is not None else None

    def _context(self, m: Mutation) -> Context:
        parent = target = None
        parent_key = self._parent_key(m)
        if parent_key is not None:
            parent = self.states.get(parent_key)
        if m.record_type == "conflict":
            conflict = self.states.get(("conflict", m.record_id))
            if conflict is not None:
                f = conflict.fields
                target = self.states.get((f["record_type"], uuid.UUID(f["record_id"])))
        return Context(now=self.batch.now, refs=self.refs, parent=parent, target=target)

    # -- R3: waiting for a parent, rights changed ------------------------------------------

    def _park(self, m: Mutation, actor: Actor, parent_key: Key, logged: bool) -> dict:
        waiting = Waiting(m, actor)
        self.waiting.setdefault(parent_key, []).append(waiting)
        self.batch.parked.append(waiting)
        return self._log(m, actor, _answer(m, Outcome.WAITING, "waiting_parent"), logged)

    def _unpark(self, parent_key: Key) -> None:
        """The parent now exists: apply what waited for it, in the order it came. Once per
        batch: a later change to the new parent in the same batch (an edit after the report)
        must not apply them again, which would answer each a duplicate of itself."""
        if parent_key[0] not in set(PARENTS.values()) or parent_key in self.freed:
            return
        self.freed.add(parent_key)
        here = self.waiting.pop(parent_key, [])
        kept = self.kept.get(parent_key)
        if kept is None:
            kept = self.store.waiting_for({parent_key})
        earlier = [w for w in kept if w not in here]
        parent = self.states[parent_key]
        for w in earlier + here:
            if not may(WORKFLOW[w.mutation.record_type]["create"]["who"], parent, w.actor):
                # Never his to write to (a stranger's guess): it waits on, unseen, as for
                # a parent that never came; a refusal would tell him the parent exists (§5).
                continue
            if w in self.batch.parked:
                self.batch.parked.remove(w)
            result = self._one(w.mutation, w.actor, logged=False)
            if w.mutation.id in self.batch.answered:  # waited in this very batch
                self.batch.answered[w.mutation.id].clear()
                self.batch.answered[w.mutation.id].update(result)
            else:
                self.batch.unparked.append((w.mutation, result))
                self.final[w.mutation.id] = result

    def _could_have_seen(self, child_type: str, parent_key: Key, actor: Actor) -> bool:
        """Whether the author may have seen this parent when he recorded his child: he
        wrote to it before, or it is in his own township and his role makes such records
        (a grid worker moved to another grid). The server keeps no history of who saw
        what; these two are what it can know, and they keep a stranger from another
        township filling a supervisor's queue."""
        if self.store.wrote_to(*parent_key):
            return True
        # In his township, and a child his role makes (a grid worker's note, not a request
        # on a case he could never see): a move, not a role he never held.
        if not actor.roles & set(WORKFLOW[child_type]["create"]["who"]):
            return False
        where = self.store.unit_path_of(*parent_key)
        return where is not None and where.startswith(township_path(actor.unit_path))

    def _rights_changed(self, m: Mutation, actor: Actor) -> dict:
        """R3: the author wrote to this parent before and may no longer see it. His record
        is kept whole for the parent's supervisors, never dropped as ``parent_missing``."""
        result = _answer(m, Outcome.CONFLICT, "rights_changed")
        result["conflicts"] = [self._keep_whole(m, "rights_changed", actor, parent=True)]
        return result

    # -- answers ---------------------------------------------------------------------------

    def _record(self, m: Mutation, actor: Actor, decision: Decision) -> dict:
        """Remember what the decision changes and build the device's answer."""
        key = (m.record_type, m.record_id)
        result = _answer(m, decision.outcome, decision.reason)
        if decision.outcome == Outcome.REJECTED and decision.detail:
            result.update({k: _plain(v) for k, v in decision.detail.items()})
        flags = set(decision.flags)
        if decision.writes:
            if self.batch.skew_s is not None:
                flags.add(Flag.CLOCK_SKEW)
                result["clock_skew_s"] = round(self.batch.skew_s, 1)
            self._remember(key, decision.state, m, flags)
            target = decision.detail.get("target")
            # A conflict resolved by keeping the device's value, or what a child's parent
            # learnt from it (a case counting its inspection records).
            if target is not None:
                self._remember((target.type, target.id), target, m, set())
                self.batch.notes.append(
                    Note(
                        "sync.resolve" if m.record_type == "conflict" else "sync.parent",
                        target.type,
                        target.id,
                        {
                            "mutation": str(m.id),
                            "conflict": str(m.record_id),
                            "changed": list(decision.detail.get("target_changed", ())),
                            "version": target.version,
                        },
                    )
                )
            self.batch.changed[m.id] = tuple(decision.changed)
        state = self.states.get(key)
        if state is not None:
            result["version"] = state.version
        if decision.conflicts:
            base = decision.state or state
            result["conflicts"] = [self._keep_field(m, actor, base, c) for c in decision.conflicts]
        elif decision.outcome == Outcome.CONFLICT and (
            decision.reason == "id_conflict" or decision.detail.get("keep_whole")
        ):
            # R2, or a record another's overtook (sync.visits): the device's whole content.
            result["conflicts"] = [self._keep_whole(m, decision.reason, actor)]
        if flags:
            result["flags"] = sorted(f.value for f in flags)
        return result

    def _remember(self, key: Key, state: RecordState, m: Mutation, flags: set[Flag]) -> None:
        previous = self.batch.writes.get(key)
        new = previous.new if previous else key not in self.batch.loaded
        self.states[key] = state
        self.batch.writes[key] = Write(
            state,
            new,
            previous.mutation if previous else m,
            (previous.flags if previous else set()) | flags,
        )

    def _keep_field(self, m: Mutation, actor: Actor, state: RecordState, c: FieldConflict) -> dict:
        return self._keep(
            m,
            state.unit_path,
            c.field,
            c.reason,
            c.server_value,
            c.server_by,
            c.device_value,
            actor,
        )

    def _keep_whole(self, m: Mutation, reason: str, actor: Actor, *, parent: bool = False) -> dict:
        """Keep a whole mutation in a conflict record. It goes to the supervisors of the
        record it concerns when the actor may see that record, else to his own unit's: a
        refusal never shows anyone a record he may not see."""
        key = self._parent_key(m) if parent else (m.record_type, m.record_id)
        state = self.states.get(key) if key else None
        unit_path = state.unit_path if state is not None and not parent else actor.unit_path
        if parent:  # rights changed: the parent's own township decides (it exists, unseen)
            unit_path = self.store.unit_path_of(*key) or actor.unit_path
        content = _plain(_content(m))
        return self._keep(m, unit_path, WHOLE_RECORD, reason, None, None, content, actor)

    def _keep(self, m, unit_path, name, reason, server_value, server_by, device_value, actor):
        record = ConflictRecord(
            id=self.new_id(),
            mutation_id=m.id,
            record_type=m.record_type,
            record_id=m.record_id,
            unit_path=unit_path,
            field=name,
            reason=reason,
            server_value=_plain(server_value),
            server_by=server_by,
            device_value=_plain(device_value),
            device_by=actor.user_id,
        )
        self.batch.conflicts.append(record)
        # Later mutations of this batch may resolve it.
        self.states[("conflict", record.id)] = None
        return {
            "id": str(record.id),
            "field": name,
            "reason": reason,
            "server_value": record.server_value,
            "server_by": server_by,
            "device_value": record.device_value,
        }


class _BatchRefs:
    """The store's references, seeing what this batch has written so far: a mutation may
    name a record an earlier one of the same batch created (a report marked a duplicate of
    one made a moment before), which the store holds only once the batch is committed."""

    def __init__(self, refs: Refs, states: Mapping[Key, RecordState | None]):
        self._refs, self._states = refs, states

    def record_in(self, record_type: str, record_id: uuid.UUID, unit_path: str) -> bool:
        state = self._states.get((record_type, record_id))
        if state is not None:
            return state.unit_path.startswith(unit_path)
        return self._refs.record_in(record_type, record_id, unit_path)

    def visit(self, visit_id: int) -> Mapping[str, Any] | None:
        """A visit this batch already recorded is done (two records of one visit in one
        push: the first takes it)."""
        visit = self._refs.visit(visit_id)
        recorded = any(
            key[0] == "visit_record" and state is not None and state.fields["visit_id"] == visit_id
            for key, state in self._states.items()
        )
        return {**visit, "status": "done"} if visit is not None and recorded else visit

    def __getattr__(self, name: str) -> Any:
        return getattr(self._refs, name)


def _answer(m: Mutation, outcome: Outcome, reason: str | None) -> dict:
    result: dict[str, Any] = {
        "mutation_id": str(m.id),
        "outcome": outcome.value,
        "record_type": m.record_type,
        "record_id": str(m.record_id),
    }
    if reason:
        result["reason"] = reason
    return result


def _op(m: Mutation) -> str:
    return m.op.value if isinstance(m.op, Op) else str(m.op)


def _content(m: Mutation) -> dict:
    return {
        "record_type": m.record_type,
        "record_id": m.record_id,
        "op": _op(m),
        "base_version": m.base_version,
        "parent_id": m.parent_id,
        "payload": m.payload,
    }


def _plain(value: Any) -> Any:
    """JSON's view of a value: what the log keeps, and what two copies are compared by."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


plain = _plain
