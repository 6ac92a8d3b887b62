"""An in-memory store for the batch engine (``sync.engine``): dicts instead of tables.

The property tests run the engine over it (any devices, queues, delivery orders, lost
answers, replays, moves), and the same scenarios run once more over HTTP against the SQL
store, so the two stores are held to the same outcomes. It is a store, not a second engine:
every decision is the engine's; this only keeps what it decided and answers the pull.

Who sees what mirrors ``server/accounts/jurisdiction.py`` for the record types the engine
syncs: a record is in the subtree of its unit (for a unit's people, not a department's); a
grid worker also sees the clues he reported; a department the records addressed to it, the
clues transferred to it and the collaboration requests it is asked (``sync.views``: what
left a view after a cursor is pulled as tombstones, ``changes``);
children follow their parent (a clue's notes and evidence, a case's records); cases and their
records are staff's only; a conflict is its device author's and his unit's supervisors'.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from sync.engine import PARENTS, Batch, Key, Logged, Waiting
from sync.types import Actor, Flag, Mutation, RecordState
from sync.values import Refs
from sync.views import Departure, addressed_to, carried, sees_by
from sync.workflow import WORKFLOW

SUPERVISORS = frozenset({"dispatcher", "leader"})
STAFF = frozenset({"officer", "dispatcher", "leader", "reviewer", "admin"})
UNIT_ROLES = STAFF | {"grid_worker"}


@dataclass
class Change:
    """One row of a pull: the record's current state, or ``None`` for a tombstone."""

    seq: int
    key: Key
    state: RecordState | None
    late: bool = False


@dataclass
class MemoryStore:
    """Everything the server would hold, for many actors; ``for_actor`` gives the engine
    the store as one actor sees it."""

    refs: Refs
    records: dict[Key, RecordState] = field(default_factory=dict)
    log: dict[uuid.UUID, tuple[Logged, Mutation]] = field(default_factory=dict)  # R1
    seq: dict[Key, int] = field(default_factory=dict)
    late: set[uuid.UUID] = field(default_factory=set)  # children flagged late (R3)
    waiting: list[Waiting] = field(default_factory=list)  # children before parents (R3)
    departed: list[tuple[int, Key, Departure]] = field(default_factory=list)  # R11, by seq
    counter: int = 0

    def for_actor(self, actor: Actor) -> ActorView:
        return ActorView(self, actor)

    # -- jurisdiction ----------------------------------------------------------------------

    def visible(self, who: Actor, state: RecordState) -> bool:
        if addressed_to(who, state):  # a transfer, a collaboration request to his department
            return True
        if state.type == "clue":
            return (
                (bool(who.roles & UNIT_ROLES) and who.in_jurisdiction(state.unit_path))
                or ("grid_worker" in who.roles and state.fields.get("reporter_id") == who.user_id)
                # The clue of a case transferred to his department comes with it (R11).
                or any(addressed_to(who, c) for c in self._cases_of(state.id))
            )
        if state.type == "conflict":
            return state.fields["device_by"] == who.user_id or (
                bool(who.roles & SUPERVISORS) and who.in_jurisdiction(state.unit_path)
            )
        if state.type == "case":
            return bool(who.roles & STAFF) and who.in_jurisdiction(state.unit_path)
        if state.type == "visit_record":  # the drawn pair, and the staff of the visit's unit
            return who.user_id in state.fields["officers"] or (
                bool(who.roles & STAFF) and who.in_jurisdiction(state.unit_path)
            )
        parent = self.records.get((PARENTS[state.type], state.parent_id))
        return parent is not None and self.visible(who, parent)

    def shown(self, state: RecordState) -> bool:
        """Whether a device keeps this record: not a tombstone, nor hanging from one."""
        if state.type in PARENTS:
            parent = self.records.get((PARENTS[state.type], state.parent_id))
            if parent is not None and not self.shown(parent):
                return False
        return state.status not in WORKFLOW[state.type].get("tombstone", ())

    # -- the engine's commit ---------------------------------------------------------------

    def commit(self, batch: Batch, sent: Iterable[Mutation]) -> None:
        by_id = {m.id: m for m in sent}
        for m, result in batch.unparked:
            logged, mutation = self.log[m.id]
            self.log[m.id] = (replace(logged, result=result), mutation)
        self.waiting = [
            w for w in self.waiting if w.mutation.id not in {m.id for m, _ in batch.unparked}
        ]
        self.waiting.extend(batch.parked)
        for key, write in batch.writes.items():
            self._write(write.state)
            if Flag.LATE in write.flags:
                self.late.add(key[1])
        for c in batch.conflicts:
            self._write(RecordState("conflict", c.id, 1, c.fields, unit_path=c.unit_path))
        for m, actor in batch.log:
            m = by_id.get(m.id, m)
            answer = dict(batch.answered[m.id])
            logged = Logged(
                actor.user_id,
                m.record_type,
                m.record_id,
                getattr(m.op, "value", m.op),
                m.base_version,
                m.payload,
                answer,
            )
            self.log[m.id] = (logged, m)
        for rtype, rid in batch.resent_parents():
            for key in self._children(rtype, rid):
                self._bump(key)
        for parent in batch.carried():
            for key in [parent, *self._children(*parent)]:
                self._bump(key)
        for key, lost in batch.departures().items():
            for departure in lost:
                self.counter += 1
                self.departed.append((self.counter, key, departure))

    def _cases_of(self, clue_id: uuid.UUID) -> list[RecordState]:
        return [self.records[k] for k in self._children("clue", clue_id) if k[0] == "case"]

    def _children(self, rtype: str, rid: uuid.UUID) -> list[Key]:
        return [
            key
            for key, state in self.records.items()
            if state.parent_id == rid and PARENTS.get(state.type) == rtype
        ]

    def _write(self, state: RecordState) -> None:
        self.records[(state.type, state.id)] = state
        self._bump((state.type, state.id))

    def _bump(self, key: Key) -> None:
        self.counter += 1
        self.seq[key] = self.counter

    # -- the pull ---------------------------------------------------------------------------

    def pull(self, who: Actor) -> dict[Key, RecordState]:
        """The server's view of ``who``'s jurisdiction: what his device should hold."""
        return {
            key: state
            for key, state in self.records.items()
            if self.visible(who, state) and self.shown(state)
        }

    def changes(
        self, who: Actor, since: int, limit: int = 1000, whole: bool | None = None
    ) -> tuple[list[Change], int]:
        """What changed for ``who`` after cursor ``since``, tombstones included, one page.
        ``whole``: a pull that sends the whole view (a first pull, on each of its pages, as
        the server's cursor marks it): no departures, since a new phone holds nothing to drop
        and must not learn the ids of what left the view. By default, only a cursor of 0."""
        rows = sorted(
            (self.seq[key], key, state)
            for key, state in self.records.items()
            if self.seq[key] > since and self.visible(who, state)
        )[:limit]
        page = [
            Change(seq, key, state if self.shown(state) else None, state.id in self.late)
            for seq, key, state in rows
        ]
        if not (since == 0 if whole is None else whole):  # R11: a whole view drops the rest
            page.extend(self._departures(who, since))
        page = sorted(page, key=lambda c: c.seq)[:limit]
        return page, page[-1].seq if page else since

    def _departures(self, who: Actor, since: int) -> list[Change]:
        """Tombstones for the records that left ``who``'s view after ``since``, and for
        their children (``sync.views``)."""
        gone = []
        for seq, key, departure in self.departed:
            state = self.records[key]
            if seq > since and sees_by(who, departure) and not self.visible(who, state):
                gone += [Change(seq, k, None) for k in [key, *self._children(*key)]]
                parent = carried(state)
                if parent is not None and not self.visible(who, self.records[parent]):
                    siblings = [k for k in self._children(*parent) if k != key]
                    gone += [Change(seq, k, None) for k in [parent, *siblings]]
        return gone


@dataclass
class ActorView:
    """``sync.engine.Store`` for one actor's batch."""

    store: MemoryStore
    actor: Actor

    @property
    def refs(self) -> Refs:
        return self.store.refs

    def answers(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, Logged]:
        return {i: self.store.log[i][0] for i in ids if i in self.store.log}

    def load(self, record_type: str, ids: set[uuid.UUID]):
        states, hidden = [], set()
        for i in ids:
            state = self.store.records.get((record_type, i))
            if state is None:
                continue
            if self.store.visible(self.actor, state):
                states.append(state)
            else:
                hidden.add(i)
        return states, hidden

    def waiting_for(self, parents: set[Key]) -> list[Waiting]:
        return [
            w
            for w in self.store.waiting
            if (PARENTS[w.mutation.record_type], w.mutation.parent_id) in parents
        ]

    def wrote_to(self, record_type: str, record_id: uuid.UUID) -> bool:
        return any(
            logged.user_id == self.actor.user_id
            and record_id in (m.record_id, m.parent_id)
            and logged.result["outcome"] in ("applied", "merged", "conflict", "duplicate")
            for logged, m in self.store.log.values()
        )

    def unit_path_of(self, record_type: str, record_id: uuid.UUID) -> str | None:
        state = self.store.records.get((record_type, record_id))
        return state.unit_path if state is not None else None
