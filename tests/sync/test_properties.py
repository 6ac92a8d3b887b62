"""The properties DESIGN §4 asks the sync rules to have, checked on the batch engine that
runs (``sync.engine``) over the in-memory store (``tests.sync.kit.Server``); the random
workloads of ``tests/workload_kit.py`` hold that store and the server's SQL store to the
same answers (``tests/server/test_workloads_http.py``):

a. at-least-once delivery (lost answers, resent and duplicated batches, replays) leaves the
   server as if each mutation had arrived exactly once, in first-arrival order;
b. any interleaving of devices' queues whose mutations commute ends in the same state;
c. when devices edit one field from the same base, the values kept (the field's value and the
   open conflicts) do not depend on the order, and nothing any device sent is lost;
d. after pushing and pulling, every device holds exactly the server's view of its
   jurisdiction, and nothing outside it.

Devices build their outboxes the way a phone does: offline, against the versions they last
pulled. Ids are derived from counters, so that every example is reproducible.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections import Counter
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.rules import may
from sync.types import Actor, Mutation, Op, RecordState
from sync.workflow import WORKFLOW
from tests.sync.kit import (
    D1,
    L1,
    MATTERS,
    NOW,
    O1,
    O2,
    SUPERVISORS,
    UNITS,
    W1,
    W2,
    W4,
    Server,
    actor,
    create,
    edit,
    location,
    note,
    resolve,
    step,
)

SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
DEADLINE = (NOW + dt.timedelta(days=3)).isoformat()
MATTER_CODES = sorted(MATTERS)
TEXTS = ["农户在田间焚烧秸秆", "河道边倾倒建筑垃圾", "店外占道经营", "已劝离"]
ADDRESSES = ["大柘村村口", "村委会旁", "石练桥头"]
# Where a report is: mostly a fix, sometimes only its written address (sync.place).
PLACES = [location(), location(), location(), None]
MUTATION, RECORD = 1, 2


def ident(who: Actor, tag: int, n: int) -> uuid.UUID:
    return uuid.UUID(int=(who.user_id << 96) | (tag << 64) | n)


def units_for(who: Actor) -> list[str | None]:
    """Where this person may report: his grid (the default), or any unit of his township."""
    if "grid_worker" in who.roles:
        return [None]
    return [code for code, path in UNITS.items() if path.startswith(who.unit_path)]


# -- a device: an outbox, the answers it got, and its copy built from pulls ------------------


@dataclass
class Device:
    actor: Actor
    copy: dict[tuple[str, uuid.UUID], RecordState] = field(default_factory=dict)
    cursor: int = 0
    cold: bool = False  # a first pull under way
    outbox: list[Mutation] = field(default_factory=list)
    answers: dict[uuid.UUID, list[dict]] = field(default_factory=dict)
    made: dict[uuid.UUID, int] = field(default_factory=dict)  # clues it created → version 1
    counter: itertools.count = field(default_factory=lambda: itertools.count(1))

    def new_id(self, tag: int) -> uuid.UUID:
        return ident(self.actor, tag, next(self.counter))

    def known_clues(self) -> list[tuple[uuid.UUID, int]]:
        """The clues it can act on offline, each with the version it last saw."""
        known = dict(self.made)
        known.update({i: s.version for (t, i), s in self.copy.items() if t == "clue"})
        return sorted(known.items())

    def open_conflicts(self) -> list[uuid.UUID]:
        return sorted(
            i for (t, i), s in self.copy.items() if t == "conflict" and s.status == "open"
        )

    def pull(self, server: Server, limit: int = 1000) -> bool:
        """One page of changes since its cursor; True when there may be more. A first pull
        stays whole on each of its pages (the server's cursor carries the mark)."""
        self.cold = self.cold or self.cursor == 0
        page, self.cursor = server.changes(self.actor, self.cursor, limit, whole=self.cold)
        for change in page:
            if change.state is not None:
                self.copy[change.key] = change.state
                continue
            self.copy.pop(change.key, None)
            if change.key[0] == "clue":  # a tombstone takes its notes with it
                for key, state in list(self.copy.items()):
                    if key[0] == "clue_note" and state.parent_id == change.key[1]:
                        del self.copy[key]
        more = len(page) == limit
        self.cold = self.cold and more
        return more

    def pull_all(self, server: Server) -> None:
        while self.pull(server, limit=7):
            pass


@dataclass
class Network:
    """Carries batches to the server; remembers the order mutations first arrived in."""

    server: Server
    arrivals: list[tuple[Actor, Mutation, dt.datetime]] = field(default_factory=list)
    minutes: int = 0

    def deliver(self, device: Device, batch: list[Mutation], lost: bool = False) -> None:
        self.minutes += 1
        now = NOW + dt.timedelta(minutes=self.minutes)
        seen = {a[1].id for a in self.arrivals}
        for m in batch:
            if m.id not in seen:
                seen.add(m.id)
                self.arrivals.append((device.actor, m, now))
        results = self.server.push(device.actor, batch, now)
        if lost:
            return  # the connection dropped: the device will send them again
        for m, result in zip(batch, results, strict=True):
            device.answers.setdefault(m.id, []).append(result)
        done = {m.id for m in batch}
        device.outbox = [m for m in device.outbox if m.id not in done]

    def flush(self, devices: list[Device]) -> None:
        for device in devices:
            self.deliver(device, list(device.outbox))
        for device in devices:
            device.pull_all(self.server)


# -- the county's starting state, made through the same rules ------------------------------


def seeded() -> tuple[Server, dict[str, uuid.UUID]]:
    """One reported clue per grid worker; one from W1's time in grid G2 (he moved to G1 and
    still sees what he reported); a task for the T1 team and one for officer O2; an open
    conflict on S2, which W2 and the leader reclassified differently."""
    server, ids = Server(), {}
    # Small ids sort first in every device's list of clues: the busy clues of the examples.
    names = (uuid.UUID(int=n) for n in itertools.count(1))

    def push(who: Actor, m: Mutation) -> None:
        assert server.push(who, [m])[0]["outcome"] == "applied"

    for name, who in (("S1", W1), ("S2", W2), ("S4", W4), ("moved", W1.user_id)):
        reporter = who if isinstance(who, Actor) else actor(who, "grid_worker", "G2")
        ids[name] = next(names)
        push(reporter, create(record_id=ids[name], mutation_id=next(names)))
    for name, assignee in (("X1", None), ("X2", O2.user_id)):
        ids[name] = clue_id = next(names)
        push(D1, create(record_id=clue_id, mutation_id=next(names), unit_code="V1"))
        push(D1, step(clue_id, "accept", next(names)))
        push(D1, step(clue_id, "assign", next(names), deadline=DEADLINE, assignee_id=assignee))
    push(W2, edit(ids["S2"], 1, next(names), matter_code="SR-002"))
    server.push(L1, [edit(ids["S2"], 1, next(names), matter_code="CG-010")])
    return server, ids


def devices_on(server: Server, actors: tuple[Actor, ...]) -> list[Device]:
    devices = [Device(a) for a in actors]
    for device in devices:
        device.pull_all(server)
    return devices


# -- what a device does offline -------------------------------------------------------------

TRANSITIONS = [
    "accept",
    "reject",
    "assign",
    "take",
    "handle",
    "close",
    "return",
    "withdraw",
    "rate",
    "mark_duplicate",
]


def transition_args(draw, name: str, clues: list[uuid.UUID]) -> dict:
    if name == "reject":
        return {"reason": "不属于本镇事项"}
    if name == "assign":
        officer = draw(st.sampled_from([None, O1.user_id, O2.user_id]))
        return {"deadline": DEADLINE, "assignee_id": officer}
    if name == "handle":
        return {"outcome": draw(st.sampled_from(["corrected_on_spot", "no_violation"]))}
    if name == "close":
        return {"feedback": "已整改到位"}
    if name == "return":
        return {"comment": "请补充整改后照片"}
    if name == "rate":
        return {"rating": draw(st.integers(1, 5))}
    if name == "mark_duplicate":
        return {"duplicate_of": str(draw(st.sampled_from(clues)))}
    return {}


def edits(draw, fields: list[str]) -> dict:
    chosen = draw(st.sets(st.sampled_from(fields), min_size=1, max_size=2))
    pools = {
        "description": TEXTS,
        "address": ADDRESSES,
        "matter_code": MATTER_CODES,
        "location": [location(), location(lat=28.591), None],
        "dissuasion": [
            {"done": True, "result": "refused", "at": NOW.isoformat()},
            {"done": False, "result": None, "at": None},
        ],
        "call_back": [True, False],
    }
    return {name: draw(st.sampled_from(pools[name])) for name in sorted(chosen)}


def offered(device: Device, clue_id: uuid.UUID) -> tuple[list[str], list[str]]:
    """The transitions and editable fields the field app offers for a clue, worked out
    offline from the exported workflow and the device's copy, which may be stale."""
    state = device.copy.get(("clue", clue_id))
    if state is None:  # its own report, not yet pulled back
        return ["withdraw"], ["description", "address", "matter_code", "location"]
    spec, who = WORKFLOW["clue"], device.actor
    steps = [
        name
        for name, t in spec["transitions"].items()
        if state.status in t["from"] and may(t["who"], state, who)
    ]
    fields = [
        name
        for name, f in spec["fields"].items()
        if any(state.status in r["in"] and may(r["who"], state, who) for r in f["edit"])
    ]
    return steps, fields


def anything(draw, device: Device) -> Mutation:
    """What the device's screens offer, and now and then what they should not have (an
    old app version, a crafted request): the rules sort out what is allowed."""
    mid, who = device.new_id(MUTATION), device.actor
    clues = device.known_clues()
    # Hypothesis leans towards the first choice: make that the ordinary one.
    rogue = draw(st.sampled_from([False] * 9 + [True]))
    kinds = ["edit", "edit", "step", "note"] if clues else []
    if rogue or who.roles & set(WORKFLOW["clue"]["create"]["who"]):
        kinds.append("create")
    if who.roles & SUPERVISORS and device.open_conflicts():
        kinds += ["resolve", "resolve"]
    kind = draw(st.sampled_from(kinds))
    if kind == "create":
        again = rogue and bool(clues)  # an id the server may already have (R2)
        record_id = draw(st.sampled_from(clues))[0] if again else device.new_id(RECORD)
        m = create(
            record_id=record_id,
            mutation_id=mid,
            unit_code=draw(st.sampled_from(units_for(who))),
            matter_code=draw(st.sampled_from(MATTER_CODES)),
            description=draw(st.sampled_from(TEXTS)),
            location=draw(st.sampled_from(PLACES)),
        )
        if not again:
            device.made[record_id] = 1
        return m
    if kind == "resolve":
        conflict_id = draw(st.sampled_from(device.open_conflicts()))
        return resolve(conflict_id, draw(st.sampled_from(["server", "device"])), mid)
    clue_id, version = draw(st.sampled_from(clues))
    steps, fields = offered(device, clue_id)
    if rogue:
        steps, fields = TRANSITIONS, ["description", "address", "matter_code", "location"]
    if kind == "edit" and fields:
        return edit(clue_id, version, mid, **edits(draw, fields))
    if kind == "step" and steps:
        name = draw(st.sampled_from(steps))
        # Withdrawing ends a clue's story; keep it rarer than what happens to live clues.
        if name != "withdraw" or draw(st.sampled_from([False, False, True])):
            return step(clue_id, name, mid, **transition_args(draw, name, [c for c, _ in clues]))
    return note(clue_id, draw(st.sampled_from(TEXTS)), device.new_id(RECORD), mid)


def chaos(data, network: Network, devices: list[Device], moves: int) -> None:
    """Devices record, push and pull in any order; answers get lost, batches get sent twice,
    old mutations are replayed by the network."""
    draw = data.draw
    for _ in range(moves):
        device = devices[draw(st.integers(0, len(devices) - 1))]
        if device.actor.roles & SUPERVISORS:  # the command room is online: it pulls often
            action = draw(st.sampled_from(["pull", "record", "push", "record", "replay"]))
        else:
            action = draw(st.sampled_from(["record", "push", "record", "pull", "replay"]))
        if action == "record":
            device.outbox.append(anything(draw, device))
        elif action == "push" and device.outbox:
            batch = device.outbox[: draw(st.integers(1, 4))]
            if draw(st.booleans()):
                batch = batch + batch[: draw(st.integers(1, len(batch)))]  # sent twice
            network.deliver(device, batch, lost=draw(st.booleans()))
        elif action == "pull":
            device.pull(network.server, limit=draw(st.integers(1, 5)))
        elif action == "replay":
            sent = [a[1] for a in network.arrivals if a[0] == device.actor]
            if sent:
                network.deliver(device, [draw(st.sampled_from(sent))], lost=draw(st.booleans()))
    network.flush(devices)


CHAOS_DEVICES = (W1, W2, W4, O1, O2, D1, L1)


# -- a. at-least-once delivery, exactly-once effect -----------------------------------------


@settings(max_examples=250, **SETTINGS)
@given(st.data())
def test_lost_answers_resends_and_replays_leave_the_state_of_exactly_once_delivery(data):
    network = Network(seeded()[0])
    devices = devices_on(network.server, CHAOS_DEVICES)
    chaos(data, network, devices, moves=data.draw(st.integers(20, 100)))
    server = network.server

    once = seeded()[0]
    for who, m, now in network.arrivals:
        once.push(who, [m], now)
    assert server.snapshot() == once.snapshot()
    # The change sequence is not compared: a record written twice in one batch takes one
    # number (as in the SQL store), so it differs between batchings by construction. What
    # a pull needs of it holds in both: one number per record, never shared.
    assert len(set(server.seq.values())) == len(server.seq)
    first = server.first_results()
    assert first == once.first_results()

    # Every answer a device got is the first answer, or that answer again marked as a
    # replay (R1): a device files either the same way.
    for device in devices:
        for mid, answers in device.answers.items():
            for answer in answers:
                assert {k: v for k, v in answer.items() if k not in ("replay", "changed")} == {
                    k: v for k, v in first[mid].items() if k != "changed"
                }

    # Every write is in the state exactly once: a record's version counts its writes.
    writes: Counter = Counter()
    opened: list[uuid.UUID] = []
    for result in first.values():
        if result["changed"]:
            writes[(result["record_type"], result["record_id"])] += 1
        opened += result["conflicts"]
    for (kind, _), state in server.records.items():
        if kind == "conflict" and state.fields["kept"] == "device":  # wrote its record too
            writes[(state.fields["record_type"], uuid.UUID(state.fields["record_id"]))] += 1
    assert len(opened) == len(set(opened))
    assert {i for t, i in server.records if t == "conflict"} == set(opened)
    for key, state in server.records.items():
        made_by_server = 1 if key[0] == "conflict" else 0
        assert state.version == made_by_server + writes[key], key
    notes = {r["record_id"] for r in first.values() if r["record_type"] == "clue_note"}
    applied = {r["record_id"] for r in first.values() if r["outcome"] == "applied"}
    assert {i for t, i in server.records if t == "clue_note"} == notes & applied


# -- b. commuting workloads converge, whatever the interleaving -----------------------------


def commuting_queue(draw, device: Device, seed: dict[str, uuid.UUID]) -> list[Mutation]:
    """A queue that touches only what no other device's queue touches in a way that could
    depend on order: its own clues, its own fields of shared clues, and notes."""
    who, queue = device.actor, []
    own: list[uuid.UUID] = []
    shared = [seed[k] for k in ("S1", "S2", "X1", "X2")]  # T1 clues nobody moves or closes
    mine_seeded = {1: [seed["S1"]], 2: [seed["S2"]], 4: [seed["S4"]]}.get(who.user_id, [])
    versions = {i: v for i, v in device.known_clues()}
    reports = bool(who.roles & set(WORKFLOW["clue"]["create"]["who"]))
    for _ in range(draw(st.integers(1, 6))):
        mid = device.new_id(MUTATION)
        kinds = (["create"] if reports else []) + (["edit", "note"] if own or mine_seeded else [])
        if own:
            kinds += ["withdraw"] + (["step"] if who == D1 else [])
        if "grid_worker" not in who.roles:
            kinds += ["staff_note"]
        if who in (O1, O2):
            kinds += ["task"]
        if who == D1:
            kinds += ["reclassify"]
        kind = draw(st.sampled_from(kinds))
        if kind == "create":
            record_id = device.new_id(RECORD)
            unit = draw(st.sampled_from(units_for(who)))
            place = draw(st.sampled_from(PLACES))
            queue.append(
                create(record_id=record_id, mutation_id=mid, unit_code=unit, location=place)
            )
            own.append(record_id)
        elif kind == "edit":
            clue_id = draw(st.sampled_from(own + mine_seeded))
            fields = ["description", "address", "location"]
            if clue_id in own:
                fields.append("matter_code")
            queue.append(edit(clue_id, versions.get(clue_id, 1), mid, **edits(draw, fields)))
        elif kind == "note":
            clue_id = draw(st.sampled_from(own + mine_seeded))
            queue.append(note(clue_id, draw(st.sampled_from(TEXTS)), device.new_id(RECORD), mid))
        elif kind == "staff_note":
            clue_id = draw(st.sampled_from(shared))
            queue.append(note(clue_id, draw(st.sampled_from(TEXTS)), device.new_id(RECORD), mid))
        elif kind == "withdraw":
            queue.append(step(draw(st.sampled_from(own)), "withdraw", mid))
        elif kind == "step":
            name = draw(st.sampled_from(["accept", "reject", "assign", "mark_duplicate"]))
            args = transition_args(draw, name, [seed["S1"], seed["S2"]])
            queue.append(step(draw(st.sampled_from(own)), name, mid, **args))
        elif kind == "task":
            task = seed["X1"] if who == O1 else seed["X2"]
            name = draw(st.sampled_from(["take", "handle"]))
            queue.append(step(task, name, mid, **transition_args(draw, name, [])))
        elif kind == "reclassify":
            clue_id = draw(st.sampled_from([seed["S1"], seed["S2"]]))
            matter = draw(st.sampled_from(MATTER_CODES))
            queue.append(edit(clue_id, versions[clue_id], mid, matter_code=matter))
    return queue


def essence(server: Server) -> dict:
    """The server's state, without ``meta``: a field's version records when it changed, and
    disjoint edits arrive in different orders by construction."""
    return {
        "records": {
            key: (s.version, s.fields, s.unit_path, s.parent_id)
            for key, s in server.records.items()
        },
        "late": server.late,
    }


def run(seed_server: Server, schedule: list[tuple[Actor, list[Mutation]]]) -> Server:
    server = seeded()[0]
    assert server.snapshot() == seed_server.snapshot()
    for who, batch in schedule:
        server.push(who, batch)
    return server


@settings(max_examples=300, **SETTINGS)
@given(st.data())
def test_any_interleaving_of_commuting_queues_ends_in_the_same_state(data):
    seed_server, seed = seeded()
    devices = devices_on(seed_server, CHAOS_DEVICES)
    queues = [commuting_queue(data.draw, d, seed) for d in devices]
    in_turn = run(seed_server, [(d.actor, q) for d, q in zip(devices, queues, strict=True)])

    tokens = [i for i, q in enumerate(queues) for _ in q]
    order = data.draw(st.permutations(tokens))
    cursors = [0] * len(queues)
    schedule = []
    for i, group in itertools.groupby(order):
        n = len(list(group))
        schedule.append((devices[i].actor, queues[i][cursors[i] : cursors[i] + n]))
        cursors[i] += n
    interleaved = run(seed_server, schedule)

    assert essence(interleaved) == essence(in_turn)
    settled = {"merged": "applied"}  # which of two disjoint edits came second is the order
    for mid, result in in_turn.first_results().items():
        other = interleaved.first_results()[mid]
        assert settled.get(other["outcome"], other["outcome"]) == settled.get(
            result["outcome"], result["outcome"]
        )
        assert other["reason"] == result["reason"]


# -- c. concurrent edits of one field: the same values are kept, whatever the order ----------

# A second desk of the township's room also reclassifies (the county's does not: issue 24).
CD = actor(31, "dispatcher", "T1")
EDITORS = (W1, D1, L1, CD)


def kept_values(server: Server, clue_id: uuid.UUID, name: str) -> tuple[set, dict]:
    """The field's value and the device values held in its open conflicts."""
    state = server.records[("clue", clue_id)]
    held = {
        (s.fields["device_by"], repr(s.fields["device_value"]))
        for (t, _), s in server.records.items()
        if t == "conflict"
        and s.status == "open"
        and s.fields["record_id"] == str(clue_id)
        and s.fields["field"] == name
    }
    return {repr(state.fields[name])} | {v for _, v in held}, held


def assert_nothing_lost(server: Server, clue_id: uuid.UUID, sent: dict) -> None:
    """Every value any device sent is the field's value or in an open conflict of his."""
    for (who, name), value in sent.items():
        _, held = kept_values(server, clue_id, name)
        state = server.records[("clue", clue_id)]
        assert state.fields[name] == value or (who.user_id, repr(value)) in held, (who, name)


def concurrent_edit(draw, who: Actor, clue_id: uuid.UUID, original: dict) -> Mutation:
    fields = ["matter_code", "description", "address"] if who == W1 else ["matter_code"]
    changes = edits(draw, fields)
    # A device sends the fields it changed: a value equal to the one it saw is not an edit.
    other_matters = [code for code in MATTER_CODES if code != original["matter_code"]]
    changes = {k: v for k, v in changes.items() if v != original[k]} or {
        "matter_code": draw(st.sampled_from(other_matters))
    }
    return edit(clue_id, 1, uuid.uuid5(clue_id, f"edit by {who.user_id}"), **changes)


@settings(max_examples=150, **SETTINGS)
@given(st.data())
def test_concurrent_edits_of_a_field_keep_the_same_values_in_every_order(data):
    server, seed = seeded()
    clue_id = seed["S1"]
    original = server.records[("clue", clue_id)].fields
    who_edits = data.draw(st.lists(st.sampled_from(EDITORS), min_size=2, max_size=4, unique=True))
    mutations = [(who, concurrent_edit(data.draw, who, clue_id, original)) for who in who_edits]
    sent = {(who, k): v for who, m in mutations for k, v in m.payload.items()}

    outcomes = set()
    for order in itertools.permutations(mutations):
        s = run(server, [(who, [m]) for who, m in order])
        assert_nothing_lost(s, clue_id, sent)
        outcomes.add(
            tuple(frozenset(kept_values(s, clue_id, name)[0]) for name in sorted(original))
        )
    assert len(outcomes) == 1


@settings(max_examples=300, **SETTINGS)
@given(st.data())
def test_no_value_sent_is_lost_when_edits_race_acceptance_and_rejection(data):
    server, seed = seeded()
    clue_id = seed["S1"]
    original = server.records[("clue", clue_id)].fields
    queues: dict[Actor, list[Mutation]] = {
        who: [concurrent_edit(data.draw, who, clue_id, original)] for who in EDITORS
    }
    decisions = {"accept": {}, "reject": {"reason": "不属于本镇事项"}}
    for who in (D1, L1):
        name = data.draw(st.sampled_from([None, *decisions]))
        if name is not None:
            at = data.draw(st.integers(0, 1))
            queues[who].insert(at, step(clue_id, name, **decisions[name]))
    sent = {
        (who, k): v
        for who, queue in queues.items()
        for m in queue
        if m.op == Op.UPDATE
        for k, v in m.payload.items()
    }
    tokens = [who for who, q in queues.items() for _ in q]
    order = data.draw(st.permutations(tokens))
    positions = Counter()
    schedule = []
    for who in order:
        schedule.append((who, [queues[who][positions[who]]]))
        positions[who] += 1
    assert_nothing_lost(run(server, schedule), clue_id, sent)


# -- d. after push and pull, a device holds exactly its jurisdiction ------------------------


def in_jurisdiction(who: Actor, state: RecordState, clues: dict) -> bool:
    """DESIGN §5, written out again rather than borrowed from the model."""
    if state.type == "clue_note":
        state = clues[("clue", state.parent_id)]
    if state.type == "conflict":
        return state.fields["device_by"] == who.user_id or (
            bool(who.roles & SUPERVISORS) and state.unit_path.startswith(who.unit_path)
        )
    reported = "grid_worker" in who.roles and state.fields["reporter_id"] == who.user_id
    return state.unit_path.startswith(who.unit_path) or reported


@settings(max_examples=250, **SETTINGS)
@given(st.data())
def test_after_push_and_pull_every_device_holds_exactly_its_jurisdiction(data):
    start, seed = seeded()
    network = Network(start)
    devices = devices_on(network.server, CHAOS_DEVICES)
    chaos(data, network, devices, moves=data.draw(st.integers(20, 100)))
    server = network.server
    for device in devices:
        assert device.copy == server.pull(device.actor)
        for state in device.copy.values():
            assert in_jurisdiction(device.actor, state, server.records)
            assert state.type != "clue" or state.status != "withdrawn"
    # W1 reported a clue in G2 before he moved to G1: he still holds it, unless withdrawn.
    w1 = next(d for d in devices if d.actor == W1)
    moved = server.records[("clue", seed["moved"])]
    assert (("clue", moved.id) in w1.copy) == (moved.status != "withdrawn")
