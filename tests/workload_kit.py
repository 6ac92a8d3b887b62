"""Random sync workloads in the vocabulary of ``tests/scenarios.py``, played on any ``Side``:
the same drawn workload runs on the batch engine over the in-memory store and over HTTP
against the SQL store, and the two must agree (``transcript``), besides the properties
that hold on either alone (``check``).

A workload is side-free: people by their part (``grid``, ``grid@desk``, ``grid2``, ``room``,
``stranger``), clues by number, mutations by their place in ``made``. Each side makes its
own ids (``play``), and a transcript names them back, so two sides' transcripts compare.

What it draws: a few reports; notes (anyone's, on any clue, so a note may come before its
clue or from a stranger); edits of the description from one base by the reporter on both
his devices and by another grid worker; the command room's transitions and the reporter's
withdrawal; each person's outbox cut into batches, sometimes delivered out of order, all
interleaved; lost answers (the batch sent again later), replays of single mutations, a
replay with other content, and the second grid worker moved to another township midway;
and the land department's phone pulling now and then (``sync``), which must end holding
what a new phone of the department would (R11: a recalled transfer leaves it whole).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from tests.scenarios import Side, edit, note, resolve, step

PEOPLE = ("grid", "grid@desk", "grid2", "room", "stranger")
MATTERS = ("SR-001", "ZR-001")  # empowered in township A; not (a transfer goes through)
STEPS = (
    ("room", "accept", {}),
    ("room", "reject", {"reason": "不属实"}),
    ("room", "transfer", {"note": "移送自然资源局"}),
    ("room", "recall_transfer", {"reason": "移送有误"}),  # it leaves the department (R11)
    ("room", "mark_duplicate", {"duplicate_of": "clue"}),
    ("grid", "withdraw", {}),
)
# What differs between two sides by construction: ids they made and user ids (both named
# back instead), codes, clocks, where and when a report was made.
UNCOMPARED = {
    "id",
    "code",
    "clock_skew_s",
    "location",
    "dissuasion",
    "unit_code",
}
KEPT_FIELDS = (
    "record_type",
    "record_id",
    "field",
    "reason",
    "server_value",
    "server_by",
    "device_value",
    "device_by",
)
PEOPLE_FIELDS = ("server_by", "device_by")


@dataclass(frozen=True)
class Made:
    """One mutation a device made offline. ``arg``: a report's matter, a note's text, an
    edit's (base, description), a transition's (name, args)."""

    who: str
    kind: str
    clue: int
    arg: Any


@dataclass(frozen=True)
class Event:
    """``push`` a batch; ``lost``: pushed, its answers lost (it is pushed again later);
    ``replay`` or ``tamper`` (other content) one mutation again; ``move`` grid2 away;
    ``sync``: the land department's phone pulls;
    ``resolve`` the first open conflict on clue ``clue``, keeping ``keep``'s value."""

    kind: str
    who: str
    items: tuple[int, ...] = ()
    clue: int = 0
    keep: str = ""


@dataclass(frozen=True)
class Workload:
    clues: int
    made: tuple[Made, ...]
    events: tuple[Event, ...]


@st.composite
def workloads(draw) -> Workload:
    clues = draw(st.integers(1, 3))
    made = [
        Made(draw(st.sampled_from(["grid", "grid@desk", "room"])), "report", k, matter)
        for k in range(clues)
        for matter in [draw(st.sampled_from(MATTERS))]
    ]
    for _ in range(draw(st.integers(1, 10))):
        k, n = draw(st.integers(0, clues - 1)), len(made)
        kind = draw(st.sampled_from(["note", "note", "edit", "edit", "step"]))
        if kind == "note":
            who = draw(st.sampled_from([*PEOPLE, "grid2"]))  # he may be moved: twice as likely
            made.append(Made(who, kind, k, f"记录{n}"))
        elif kind == "edit":
            who = draw(st.sampled_from(["grid", "grid@desk", "grid2"]))
            base = draw(st.sampled_from([1, 1, 1, 2]))  # mostly one base: concurrent edits
            made.append(Made(who, kind, k, (base, f"描述{n}")))
        else:
            who, name, args = draw(st.sampled_from(STEPS))
            if "duplicate_of" in args:
                args = {"duplicate_of": draw(st.integers(0, clues - 1))}
            made.append(Made(who, kind, k, (name, args)))
    # Most reports reached the server before the others went offline (they pulled them);
    # the rest are in their reporter's outbox like anything else.
    synced = [i for i in range(clues) if draw(st.integers(0, 3))]
    events = [Event("push", made[i].who, (i,)) for i in synced]
    events += _deliveries(draw, made, set(synced))
    for kind in ("replay", "replay", "tamper"):
        if draw(st.booleans()):
            i = draw(st.integers(0, len(made) - 1))
            if kind == "tamper" and made[i].kind != "note":
                continue
            first = next(n for n, e in enumerate(events) if i in e.items)
            at = draw(st.integers(first + 1, len(events)))
            events.insert(at, Event(kind, made[i].who, (i,)))
    for _ in range(draw(st.integers(0, 2))):  # the command room resolves what it sees
        at = draw(st.integers(len(events) // 2, len(events)))
        k, keep = draw(st.integers(0, clues - 1)), draw(st.sampled_from(["server", "device"]))
        events.insert(at, Event("resolve", "room", clue=k, keep=keep))
    for _ in range(draw(st.integers(0, 3))):  # the department's phone pulls now and then
        events.insert(draw(st.integers(0, len(events))), Event("sync", "land"))
    if draw(st.booleans()):  # moved away, mostly after sending some of his outbox
        his = [n for n, e in enumerate(events) if e.who == "grid2"]
        earliest = his[0] + 1 if his and draw(st.integers(0, 3)) else 0
        events.insert(draw(st.integers(earliest, len(events))), Event("move", "grid2"))
    return Workload(clues, tuple(made), tuple(events))


def _deliveries(draw, made: list[Made], sent: set[int]) -> list[Event]:
    """Each person's outbox (what is not ``sent`` yet) in batches, sometimes out of order,
    all interleaved; some batches' answers lost, and the batch sent again later."""
    batches = []
    for who in PEOPLE:
        queue = [i for i, m in enumerate(made) if m.who == who and i not in sent]
        if not queue:
            continue
        cuts = sorted(draw(st.sets(st.integers(1, max(1, len(queue) - 1)), max_size=3)))
        parts = [queue[a:b] for a, b in zip([0, *cuts], [*cuts, len(queue)], strict=True)]
        if draw(st.booleans()):
            parts = draw(st.permutations(parts))
        batches += [Event("push", who, tuple(p)) for p in parts if p]
    events = list(draw(st.permutations(batches)))
    for batch in list(events):
        if draw(st.integers(0, 3)) == 0:
            at = events.index(batch)
            events[at] = Event("lost", batch.who, batch.items)
            events.insert(draw(st.integers(at + 1, len(events))), batch)
    return events


# -- playing a workload on a side ----------------------------------------------------------


@dataclass
class Played:
    """What a side answered and held, in its own ids, with the names to read them by."""

    workload: Workload
    sent: dict[int, dict] = field(default_factory=dict)
    names: dict[str | int, str | None] = field(default_factory=dict)  # ids, user ids
    answers: list[tuple[Event, list[dict]]] = field(default_factory=list)
    settled: dict[int, dict] = field(default_factory=dict)  # each note's last answer
    clue_ids: list[str] = field(default_factory=list)
    clues: list[dict | None] = field(default_factory=list)
    notes: list[list[str]] = field(default_factory=list)
    kept: list[dict] = field(default_factory=list)
    land: list[str] = field(default_factory=list)  # what the department's phone ends with
    land_cold: list[str] = field(default_factory=list)  # what a new phone of it would hold


def play(side: Side, w: Workload) -> Played:
    """Play ``w`` on ``side``; the person moved midway is moved back at the end, so that a
    side kept across examples starts each one alike."""
    played = Played(w)
    clue_ids = played.clue_ids = _make(side, w, played)
    try:
        for event in w.events:
            played.answers.append((event, _deliver(side, event, played)))
        for i, m in enumerate(w.made):  # every note once more: its final answer (R1, R3)
            if m.kind == "note":
                [played.settled[i]] = side.push(m.who, played.sent[i])
    finally:
        if any(e.kind == "move" for e in w.events):
            side.move_back("grid2")
    played.land = _ours(side.holds("land"), played)
    played.land_cold = _ours(side.holds("land", cold=True), played)
    played.clues = [side.clue(c) for c in clue_ids]
    played.notes = [sorted(side.notes_of(c)) for c in clue_ids]
    seen = {c["id"]: c for who in PEOPLE for c in side.kept(who)}
    played.kept = [c for c in seen.values() if str(c["record_id"]) in played.names]
    answered = [c for _, answers in played.answers for a in answers for c in a.get("conflicts", [])]
    for c in played.kept + answered:
        for k in PEOPLE_FIELDS:
            if c.get(k) is not None:
                played.names[c[k]] = side.person(c[k])
    return played


def _make(side: Side, w: Workload, played: Played) -> list[str]:
    reports = {
        m.clue: (i, side.report(matter_code=m.arg))
        for i, m in enumerate(w.made)
        if m.kind == "report"
    }
    clue_ids = [reports[k][1]["record_id"] for k in range(w.clues)]
    for i, m in enumerate(w.made):
        clue_id = clue_ids[m.clue]
        if m.kind == "report":
            made = reports[m.clue][1]
        elif m.kind == "note":
            made = note(clue_id, m.arg)
        elif m.kind == "edit":
            made = edit(clue_id, m.arg[0], description=m.arg[1])
        else:
            name, args = m.arg
            if "duplicate_of" in args:
                args = {"duplicate_of": clue_ids[args["duplicate_of"]]}
            made = step(clue_id, name, **args)
        played.sent[i] = made
        played.names[made["id"]] = f"m{i}"
        played.names.setdefault(made["record_id"], f"r{i}")
    for k, clue_id in enumerate(clue_ids):
        played.names[clue_id] = f"clue{k}"
    return clue_ids


def _ours(held: set[str], played: Played) -> list[str]:
    """The records of this workload (a side may hold earlier examples'), by name."""
    return sorted(played.names[i] for i in held if i in played.names)


def _deliver(side: Side, event: Event, played: Played) -> list[dict]:
    if event.kind == "sync":
        side.holds(event.who)
        return []
    if event.kind == "move":
        side.move_away(event.who)
        return []
    if event.kind == "resolve":
        return _resolve(side, event, played)
    mutations = [played.sent[i] for i in event.items]
    if event.kind == "tamper":
        [m] = mutations
        mutations = [{**m, "payload": {**m["payload"], "text": f"改{event.items[0]}"}}]
    return side.push(event.who, *mutations)


def _resolve(side: Side, event: Event, played: Played) -> list[dict]:
    """Resolve the first (by content, the same on both sides) open conflict on the clue."""
    clue_id = played.clue_ids[event.clue]
    found = sorted(
        (c for c in side.kept(event.who) if str(c["record_id"]) == clue_id),
        key=lambda c: repr(_named({k: c[k] for k in ("field", "reason", "device_value")}, {})),
    )
    if not found:
        return []
    made = resolve(found[0]["id"], event.keep)
    n = len(played.answers)
    played.names.update({made["id"]: f"resolve{n}", str(found[0]["id"]): f"conflict{n}"})
    return side.push(event.who, made)


# -- comparing two sides, and what holds on each --------------------------------------------


def transcript(played: Played) -> dict:
    """Everything two sides must agree on, in the workload's names."""
    names = played.names
    return {
        "answers": [(e, [_answer(a, names) for a in answers]) for e, answers in played.answers],
        "settled": {i: _answer(a, names) for i, a in played.settled.items()},
        "clues": [
            None if c is None else {k: c[k] for k in ("status", "version", "description")}
            for c in played.clues
        ],
        "notes": played.notes,
        "land": played.land,
        "kept": sorted(
            (_named({k: c[k] for k in KEPT_FIELDS}, names) for c in played.kept), key=repr
        ),
    }


def _answer(answer: dict, names: dict) -> dict:
    named = _named(answer, names)
    named.setdefault("reason", None)
    named.setdefault("replay", False)
    named.setdefault("flags", [])
    return named


def _named(value: Any, names: dict) -> Any:
    if isinstance(value, dict):
        return {
            k: names.get(v) if k in PEOPLE_FIELDS and v is not None else _named(v, names)
            for k, v in value.items()
            if k not in UNCOMPARED
        }
    if isinstance(value, list):
        return [_named(v, names) for v in value]
    if isinstance(value, str):
        return names.get(value, value)
    return value


def check(played: Played) -> None:
    """What holds on any side: a resend answers the first outcome marked replay (R1), a
    replay with other content is refused and kept, no note is lost (R3, §5), and a phone
    that pulled now and then holds what a new one would (R11: what entered its view came
    with its notes, what left it went with them)."""
    w, first = played.workload, {}
    assert played.land == played.land_cold, (played.land, played.land_cold)
    kept_texts = {
        c["device_value"].get("payload", {}).get("text")
        for c in played.kept
        if isinstance(c["device_value"], dict)
    }
    for event, answers in played.answers:
        if event.kind == "resolve":
            continue
        for i, answer in zip(event.items, answers, strict=True):
            if event.kind == "tamper":
                assert (answer["outcome"], answer["reason"]) == ("rejected", "mutation_mismatch")
                assert f"改{i}" in kept_texts, (event, answer)
            elif i in first:
                was = first[i]
                assert answer.get("replay") is True, (event, answer, was)
                if was["outcome"] != "waiting":
                    assert (answer["outcome"], answer.get("reason")) == (
                        was["outcome"],
                        was.get("reason"),
                    ), (event, answer, was)
            else:
                first[i] = answer
    for i, answer in played.settled.items():
        text, k = w.made[i].arg, w.made[i].clue
        if answer["outcome"] == "applied":
            assert text in played.notes[k], (i, answer)
        elif answer["outcome"] == "conflict":
            assert text in kept_texts, (i, answer)
        else:
            assert answer["outcome"] == "waiting", (i, answer)
