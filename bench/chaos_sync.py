#!/usr/bin/env python3
"""Chaos sync: many phones on a bad network, the server killed mid-flight; nothing is lost.

    .venv/bin/python bench/chaos_sync.py [--database-url URL] [--devices 50]
        [--mutations 20000] [--kills 20] [--seed 1]

Starts the real server (gunicorn, 2 workers) on its own database (a new SQLite file, or the
PostgreSQL database named, which must be empty), makes a county of two townships with a grid
worker per phone and, in each township, a dispatcher who is its leader too and two certified
officers, and runs the phones from four threads:

- each phone has its own outbox, its own login and a clock wrong by up to a day either way;
  grid workers report clues (some with a photo), add notes and photos, edit, reclassify and
  withdraw their reports; dispatchers accept, reject and reclassify what they have pulled
  (the other side of a grid worker's edit, R4) and open, refuse or hand over cases;
  officers propose cases on accepted clues, both correct their facts, inspect together and
  give the prior notice; every change goes in the outbox first, and the outbox is pushed
  in batches of up to 25 and pulled with the cursor, as the field app does; photos go up
  by tus in 4 KiB pieces once their record is taken, resuming from HEAD after any failure,
  as tus-js-client does;
- the network between phone and server loses requests, loses responses, cuts requests in
  the middle of their body, delivers requests twice, and delivers again, in any order,
  mutations whose records have moved on since their answer (a late retransmission: a
  third to a half of the faults), each of which must come back as its first answer marked
  replay;
- the server process is killed with SIGKILL at random moments and started again.

Then every phone pushes what is left and pulls to the end, and it checks: every mutation a
phone recorded is in the server's log exactly once, with the answer the phone was given;
each clue, case, note, photo and inspection the server holds is what the log's decided
mutations make of it, taken in the order the server decided them (a model made here from
the workflow's statuses, not the server's code), children flagged late exactly when their
parent had closed (R3); every conflict the server opened was told to its device and holds
the device's value as sent and the server's as it stood, and of an edit that conflicted
every field is applied or kept; every phone's copy equals the server's view of its
jurisdiction; every photo whose record was taken is held and verified under the phone's
hash, and the store matches the records (check_store); the audit chain verifies; no
request got a 5xx. It prints the counts.
``tests/server/test_chaos_sync.py`` runs a small one in CI.
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime as dt
import hashlib
import http.client
import io
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest.mock
import urllib.parse
import uuid
from pathlib import Path

import sqlalchemy as sa
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from sync.workflow import WORKFLOW  # noqa: E402  (the bench runs from bench/)

PASSWORD = "chaos-password-123"
BATCH = 25
PHOTO_SHARE = 0.3  # of the reports that come with a photo
CHUNK = 4096  # tus pieces: a photo takes several, so cuts land inside it
TUS = {"Tus-Resumable": "1.0.0"}
FAULTS = ("lost_request", "lost_response", "cut_body", "duplicate", "late_replay")
# The chance, after each batch pushed, of a late retransmission (``Phone.replay_late``):
# a third of all faults in CI's small run, 44% in the default one.
LATE_REPLAY = 0.3
MATTERS = ("CH-1", "CH-2")  # a report's matter: the grid worker's and the dispatcher's field
STAFF = 6  # phones: a dispatcher (the leader too) and two officers in each of two townships


class Lost(Exception):
    """The request or its answer did not make it (the phone will try again)."""


def china_day(offset: int = 0) -> str:
    """A day as the law counts it (China's calendar), by the real clock: the server refuses
    a case's dates in its future whatever a phone's clock says."""
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    return (now.date() + dt.timedelta(days=offset)).isoformat()


def other_matter(code: str | None) -> str:
    """The matter a report is moved to: the other one."""
    return MATTERS[1] if code == MATTERS[0] else MATTERS[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SETUP = """
import datetime as dt
from server import create_app
from server.core import migrate
from server.core.db import db
from server.accounts import service
from server.catalogue.models import Empowerment, Matter
from server.units.models import AdminUnit, UnitLevel
app = create_app({{"PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}})
with app.app_context():
    migrate.upgrade()
    county = AdminUnit.create("980000", "混沌县", UnitLevel.COUNTY)
    db.session.add(county); db.session.flush()
    towns, townships = [], []
    for t in range(2):
        town = AdminUnit.create(f"98000010{{t}}", f"混沌镇{{t}}", UnitLevel.TOWNSHIP, county)
        village = AdminUnit.create(f"98000010{{t}}201", f"混沌村{{t}}", UnitLevel.VILLAGE, town)
        db.session.add_all([town, village]); db.session.flush()
        towns.append(village); townships.append(town)
        # The township's dispatcher is its leader too (cases' openings, hand-overs), and
        # two certified officers open cases and inspect together (art. 42: two of them).
        service.create_user(username=f"dispatch{{t}}", display_name=f"调度{{t}}",
                            password={password!r}, unit=town, roles=["dispatcher", "leader"])
        for o in "ab":
            service.create_user(username=f"officer{{t}}{{o}}", display_name=f"执法{{t}}{{o}}",
                                password={password!r}, unit=town, roles=["officer"],
                                certificate_no=f"CH{{t}}{{o}}",
                                certificate_valid_from=dt.date(2020, 1, 1),
                                certificate_valid_until=dt.date(2099, 12, 31))
    for code in {matters!r}:
        matter = Matter(code=code, name=code, domain="市容环卫", legal_basis="-")
        db.session.add(matter); db.session.flush()
        # Both townships hold the power for both matters (arts. 24, 38: or no case).
        db.session.add_all(Empowerment(unit_id=t.id, matter_id=matter.id) for t in townships)
    for i in range({grids}):
        village = towns[i % 2]
        grid = AdminUnit.create(f"{{village.code}}{{i:03d}}", f"网格{{i}}", UnitLevel.GRID, village)
        db.session.add(grid); db.session.flush()
        service.create_user(username=f"grid{{i}}", display_name=f"网格员{{i}}",
                            password={password!r}, unit=grid, roles=["grid_worker"])
    db.session.commit()
"""


class Server:
    """gunicorn on a loopback port, killed with SIGKILL and started again on demand."""

    def __init__(self, env: dict, port: int):
        self.env, self.port, self.process = env, port, None
        self.lock = threading.Lock()

    def start(self) -> None:
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        self.process = subprocess.Popen(
            [gunicorn, "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
             "--log-level", "warning", "server:create_app()"],
            cwd=ROOT, env=self.env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        """A machine losing power: the master and its workers, no shutdown."""
        with self.lock:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


class Net:
    """The network between the phones and the server, with its faults, and their counts."""

    def __init__(self, port: int, rate: float):
        self.port, self.rate = port, rate
        self.faults: collections.Counter = collections.Counter()
        self.server_errors: list[str] = []
        self.late_replayed = 0  # mutations delivered again after their record moved on
        self.lock = threading.Lock()

    def _once(self, method, path, body, headers) -> tuple[int, dict, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise Lost(str(exc)) from None
        finally:
            conn.close()
        if response.status >= 500:
            with self.lock:
                self.server_errors.append(f"{method} {path}: {response.status} {raw[:200]!r}")
            raise Lost(str(response.status))
        is_json = raw and response.getheader("Content-Type", "").startswith("application/json")
        return response.status, dict(response.getheaders()), json.loads(raw) if is_json else {}

    def _cut(self, method, path, body, headers) -> None:
        """Headers and half the body, then the connection closes."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
                head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
                head += [f"{k}: {v}" for k, v in {**headers, "Content-Length": len(body)}.items()]
                s.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body[: len(body) // 2])
        except OSError:
            pass

    def call(self, rng, method, path, body=None, token=None, faulty=True) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else b""
        status, _, answer = self.send(
            rng, method, path, data, {"Content-Type": "application/json"}, token, faulty
        )
        return status, answer

    def send(self, rng, method, path, data, headers, token, faulty) -> tuple[int, dict, dict]:
        """One request with its faults; the status, the response headers and its JSON."""
        headers = dict(headers)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        fault = rng.choice(FAULTS[:4]) if faulty and rng.random() < self.rate else None
        if fault:
            with self.lock:
                self.faults[fault] += 1
        if fault == "lost_request":
            raise Lost(fault)
        if fault == "cut_body" and data:
            self._cut(method, path, data, headers)
            raise Lost(fault)
        answer = self._once(method, path, data or None, headers)
        if fault == "duplicate":
            answer = self._once(method, path, data or None, headers)
        if fault == "lost_response":
            raise Lost(fault)
        return answer


class Phone:
    def __init__(self, username: str, role: str, rng: random.Random):
        self.username, self.role, self.rng = username, role, rng
        self.device_id = str(uuid.uuid4())
        self.skew = dt.timedelta(seconds=rng.uniform(-86_400, 86_400))
        self.token = None
        self.user_id: int | None = None
        self.officers: list[int] = []  # an officer's inspections name him and his colleague
        self.outbox: list[dict] = []
        self.versions: dict[str, int] = {}  # record id → the latest version it has seen
        self.answers: dict[str, dict] = {}  # mutation id → the first answer it got
        self.made: list[dict] = []  # every mutation, in the order it was recorded
        self.local: dict[tuple[str, str], dict] = {}
        self.cursor: str | None = None
        self.mine: list[str] = []  # clues it reported
        # evidence id → the photo's bytes, hash, record mutation, upload path and whether
        # the server has said it holds it (tus: the whole length answered)
        self.photos: dict[str, dict] = {}

    def now(self) -> str:
        return (dt.datetime.now(dt.UTC) + self.skew).isoformat()

    def login(self, net: Net) -> None:
        while self.token is None:
            try:
                _, body = net.call(
                    self.rng, "POST", "/api/v1/auth/login",
                    {"username": self.username, "password": PASSWORD,
                     "device_id": self.device_id, "device_name": "chaos"},
                    faulty=False,
                )  # fmt: skip
                self.token, self.user_id = body["access_token"], body["user"]["id"]
            except Lost:
                time.sleep(0.2)

    # -- what a person does ----------------------------------------------------------------

    def record(self, m: dict) -> None:
        m = {"id": str(uuid.uuid4()), "device_time": self.now(), **m}
        self.outbox.append(m)
        self.made.append(m)

    def act(self) -> None:
        {"dispatcher": self.dispatch, "officer": self.investigate}.get(self.role, self.report)()

    def records(self, kind: str, *statuses: str) -> list[dict]:
        """The records of a kind this phone holds, in the statuses named."""
        return [d for (t, _), d in self.local.items() if t == kind and d["status"] in statuses]

    def edit(self, kind: str, record: dict, **fields) -> None:
        self.record({"record_type": kind, "record_id": record["id"], "op": "update",
                     "base_version": record["version"], "payload": fields})  # fmt: skip

    def step(self, kind: str, record: dict, name: str, args: dict | None = None) -> None:
        self.record({"record_type": kind, "record_id": record["id"], "op": "transition",
                     "base_version": record["version"],
                     "payload": {"name": name, "args": args or {}}})  # fmt: skip

    def dispatch(self) -> None:
        """A dispatcher, who is the township's leader too: sorts reports, reclassifies one
        (against the grid worker's own change of its matter: R4's other side), opens or
        refuses the cases officers propose, and now and then hands one to the police."""
        rng, choice = self.rng, self.rng.random()
        clues = self.records("clue", "reported", "accepted")
        cases = self.records("case", "proposed", "investigating", "notified")
        waiting = [c for c in clues if c["status"] == "reported"]
        if choice < 0.4 and waiting:
            clue = rng.choice(waiting)
            if rng.random() < 0.7:
                self.step("clue", clue, "accept")
            else:
                self.step("clue", clue, "reject", {"reason": "不属实"})
        elif choice < 0.55 and clues:
            clue = rng.choice(clues)
            self.edit("clue", clue, matter_code=other_matter(clue.get("matter_code")))
        elif cases:
            case = rng.choice(cases)
            if case["status"] == "proposed" and rng.random() < 0.85:
                self.step("case", case, "approve_opening")
            elif case["status"] == "proposed":
                self.step("case", case, "not_open", {"reason": "不符合立案条件"})
            elif rng.random() < 0.3:
                police = {
                    "police_unit": "混沌派出所",
                    "received_by": "民警",
                    "received_at": self.now(),
                }
                self.step("case", case, "hand_over", police)

    def investigate(self) -> None:
        """An officer: proposes a case on an accepted clue, corrects its facts (his
        colleague may be correcting them too), inspects with his colleague (art. 42: two
        officers), and gives the prior notice of a fine."""
        rng, choice = self.rng, self.rng.random()
        cases = self.records("case", "proposed", "investigating")
        if choice < 0.3 or not cases:
            taken = {c["clue_id"] for (t, _), c in self.local.items() if t == "case"}
            free = [c for c in self.records("clue", "accepted") if c["id"] not in taken]
            if free:
                self.propose(rng.choice(free))
            return
        case = rng.choice(cases)
        if choice < 0.6:
            self.edit("case", case, facts=f"查明{rng.randrange(10**6)}")
        elif choice < 0.8:
            # Written up afterwards, on a case handed over meanwhile too: late (R3).
            self.inspect(rng.choice(self.records("case", "investigating", "handed_over") or [case]))
        elif case["status"] == "investigating" and case.get("inspections"):
            fine = {"kind": "fine", "amount_fen": 200_00}
            self.step("case", case, "notify", {"penalty": fine, "notified_on": china_day()})

    def propose(self, clue: dict) -> None:
        party = {"kind": "person", "name": f"当事人{self.rng.randrange(1000)}"}
        self.record({"record_type": "case", "record_id": str(uuid.uuid4()), "op": "create",
                     "parent_id": clue["id"],
                     "payload": {"procedure": "general", "matter_code": "CH-1", "party": party,
                                 "facts": f"初查{self.rng.randrange(10**6)}",
                                 "violation_on": china_day(-1)}})  # fmt: skip

    def inspect(self, case: dict) -> None:
        """An inspection record by both of the township's officers: the real clock, since
        the server refuses one that starts in its future."""
        start = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        self.record({"record_type": "inspection", "record_id": str(uuid.uuid4()),
                     "parent_id": case["id"], "op": "create",
                     "payload": {"officers": self.officers, "started_at": start.isoformat(),
                                 "ended_at": (start + dt.timedelta(minutes=20)).isoformat(),
                                 "place": "混沌村", "findings": "现场查看",
                                 "certificates_shown": True, "party_present": True}})  # fmt: skip

    def report(self) -> None:
        """A grid worker: reports (some with a photo), adds notes and photos to his reports
        (to withdrawn or rejected ones too: late, R3), edits, reclassifies and withdraws them."""
        rng, choice = self.rng, self.rng.random()
        if choice < 0.5 or not self.mine:
            clue_id = str(uuid.uuid4())
            self.mine.append(clue_id)
            at = self.now()
            self.record({
                "record_type": "clue", "record_id": clue_id, "op": "create",
                "payload": {
                    "matter_code": "CH-1",
                    "location": {"lat": 28.2 + rng.uniform(0, 0.6),
                                 "lng": 118.2 + rng.uniform(0, 0.6),
                                 "accuracy_m": 10.0, "fix_time": at},
                    "address": f"混沌村{rng.randrange(1000)}号",
                    "description": f"初报{rng.randrange(10**6)}",
                    "dissuasion": {"done": True, "result": "stopped", "at": at},
                },
            })  # fmt: skip
            if rng.random() < PHOTO_SHARE:
                self.photo(clue_id, at)
            return
        clue_id = rng.choice(self.mine)
        clue = self.local.get(("clue", clue_id), {"id": clue_id, "version": 1})
        if choice < 0.65:
            text = f"补充{rng.randrange(10**6)}"
            self.record({"record_type": "clue_note", "record_id": str(uuid.uuid4()),
                         "parent_id": clue_id, "op": "create",
                         "payload": {"kind": "note", "text": text}})  # fmt: skip
        elif choice < 0.75:
            self.photo(clue_id, self.now())
        elif choice < 0.85:
            self.edit("clue", clue, description=f"改为{rng.randrange(10**6)}")
        elif choice < 0.93:
            self.edit("clue", clue, matter_code=other_matter(clue.get("matter_code")))
        else:
            self.step("clue", clue, "withdraw")

    def photo(self, clue_id: str, at: str) -> None:
        """A photo of the scene: its record goes in the outbox, its bytes wait for upload."""
        image = Image.effect_noise((96, 72), 30 + self.rng.random() * 50).convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=90)
        data = out.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        evidence_id = str(uuid.uuid4())
        self.record({"record_type": "evidence", "record_id": evidence_id,
                     "parent_id": clue_id, "op": "create",
                     "payload": {"kind": "photo", "captured_at": at, "note": "现场照片",
                                 "original": {"sha256": digest, "size": len(data),
                                              "media_type": "image/jpeg"}}})  # fmt: skip
        self.photos[evidence_id] = {
            "data": data, "sha256": digest, "mutation": self.made[-1]["id"],
            "path": None, "held": False,
        }  # fmt: skip

    # -- sync, as the field app does it -----------------------------------------------------

    def push(self, net: Net, faulty: bool = True) -> None:
        while self.outbox:
            batch = self.outbox[:BATCH]
            body = {"device_now": self.now(), "mutations": batch}
            _, answer = net.call(self.rng, "POST", "/api/v1/sync/push", body, self.token, faulty)
            for result in answer["results"]:
                # A replay is the first answer itself, marked (R1): filed like the first.
                first = {k: v for k, v in result.items() if k != "replay"}
                if result.get("replay") and result["mutation_id"] in self.answers:
                    assert first == self.answers[result["mutation_id"]], (first, result)
                self.answers.setdefault(result["mutation_id"], first)
                self.saw(result.get("record_id"), result.get("version"))
            done = {r["mutation_id"] for r in answer["results"]}
            self.outbox = [m for m in self.outbox if m["id"] not in done]
            if faulty and self.rng.random() < LATE_REPLAY:
                self.replay_late(net)

    def saw(self, record_id: str | None, version: int | None) -> None:
        if record_id and version:
            self.versions[record_id] = max(version, self.versions.get(record_id, 0))

    def replay_late(self, net: Net) -> None:
        """A late retransmission: mutations answered before, whose records have moved on
        since (a later version was applied, by this phone or another), delivered again in
        any order. Each must come back as its first answer, marked a replay; that it
        changed nothing, the model of the records checks at the end."""
        stale = [m for m in self.made if self.moved_on(m)]
        if not stale:
            return
        old = self.rng.sample(stale, min(len(stale), self.rng.randint(1, 5)))
        body = {"device_now": self.now(), "mutations": old}
        _, answer = net.call(self.rng, "POST", "/api/v1/sync/push", body, self.token, False)
        for result in answer["results"]:
            first = self.answers[result["mutation_id"]]
            assert result.get("replay") and {**first, "replay": True} == result, (first, result)
        with net.lock:
            net.faults["late_replay"] += 1
            net.late_replayed += len(old)

    def moved_on(self, m: dict) -> bool:
        """Whether a later version of the mutation's record was applied after its answer."""
        version = self.answers.get(m["id"], {}).get("version")
        return version is not None and self.versions.get(m["record_id"], 0) > version

    def pull(self, net: Net, faulty: bool = True) -> None:
        while True:
            query = "/api/v1/sync/pull?limit=200" + (
                f"&cursor={self.cursor}" if self.cursor else ""
            )
            _, page = net.call(self.rng, "GET", query, None, self.token, faulty)
            if page.get("reset"):
                raise AssertionError(f"{self.username}: an unexpected reset")
            for change in page["changes"]:
                key = (change["record_type"], change["id"])
                if change.get("deleted"):
                    self.local.pop(key, None)
                else:
                    self.local[key] = {
                        **change["data"],
                        "id": change["id"],
                        "version": change.get("version"),
                    }
                    self.saw(change["id"], change.get("version"))
            self.cursor = page["cursor"]
            if not page["more"]:
                return

    def upload(self, net: Net, faulty: bool = True) -> None:
        """Each photo whose record the server has taken, by tus as tus-js-client sends it:
        create, then pieces; after any failure, ask HEAD where to resume; the whole length
        answered is "held"."""
        for evidence_id, photo in self.photos.items():
            answer = self.answers.get(photo["mutation"])
            if photo["held"] or answer is None or answer["outcome"] not in ("applied", "duplicate"):
                continue
            data = photo["data"]
            if photo["path"] is None:
                meta = ",".join(
                    f"{k} {base64.b64encode(v.encode()).decode()}"
                    for k, v in (("evidence_id", evidence_id), ("sha256", photo["sha256"]))
                )
                headers = {**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
                status, got, body = net.send(
                    self.rng, "POST", "/api/v1/uploads", b"", headers, self.token, faulty
                )
                assert status == 201, (status, body)
                photo["path"] = urllib.parse.urlsplit(got["Location"]).path
                offset = int(got["Upload-Offset"])
            else:
                status, got, body = net.send(
                    self.rng, "HEAD", photo["path"], b"", TUS, self.token, faulty
                )
                if status == 404:  # its bytes are gone: a new upload, as tus-js-client does
                    photo["path"] = None
                    raise Lost("upload gone")
                assert status == 200, (status, body)
                offset = int(got["Upload-Offset"])
            while offset < len(data):
                headers = {**TUS, "Upload-Offset": str(offset),
                           "Content-Type": "application/offset+octet-stream"}  # fmt: skip
                piece = data[offset : offset + CHUNK]
                status, got, body = net.send(
                    self.rng, "PATCH", photo["path"], piece, headers, self.token, faulty
                )
                if status == 409:  # a doubled piece got there first: ask where to resume
                    raise Lost("offset")
                assert status == 204, (status, body)
                offset = int(got["Upload-Offset"])
            photo["held"] = True

    def sync(self, net: Net, faulty: bool = True) -> None:
        self.push(net, faulty)
        self.upload(net, faulty)
        self.pull(net, faulty)


def _drive(phones: list[Phone], net: Net, target: list[int], lock, stop, failures) -> None:
    """One thread's phones. A promise broken on the way (a replay that is not its first
    answer) stops the run and fails it: a thread's exception would only end the thread."""
    try:
        _turns(phones, net, target, lock, stop)
    except Exception as exc:
        failures.append(exc)
        stop.set()


def _turns(phones: list[Phone], net: Net, target: list[int], lock, stop) -> None:
    """Its phones act and sync in turns until enough has been recorded."""
    rng = phones[0].rng
    while not stop.is_set():
        with lock:
            if target[0] <= 0:
                return
        phone = rng.choice(phones)
        before = len(phone.made)
        phone.act()
        with lock:
            target[0] -= len(phone.made) - before
        if rng.random() < 0.3:
            try:
                phone.sync(net)
            except Lost:  # it tries again at its next sync; meanwhile people wait a moment
                time.sleep(rng.uniform(0.02, 0.2))


def _killer(server: Server, kills: int, rng: random.Random, stop, counts) -> None:
    while counts["kills"] < kills and not stop.wait(rng.uniform(0.5, 2.5)):
        server.kill()
        counts["kills"] += 1
        time.sleep(rng.uniform(0.05, 0.5))
        server.start()


# The fields each kind's model follows besides its status (the ones the phones edit).
FOLLOWED = {"clue": ("description", "matter_code"), "case": ("facts",)}


def _check(env: dict, phones: list[Phone]) -> dict:
    """The promises, read from the database by the app's own models."""
    from server import create_app
    from server.audit.chain import verify
    from server.audit.models import AuditEntry
    from server.cases.models import Case, Inspection
    from server.clues.models import Clue, ClueNote
    from server.core.db import db
    from server.evidence.models import Evidence
    from server.evidence.service import store
    from server.evidence.store_check import check_store
    from server.sync_api.models import SyncConflict, SyncMutation

    made = {m["id"]: m for p in phones for m in p.made}
    answers = {mid: a for p in phones for mid, a in p.answers.items()}
    shot = {eid: photo["sha256"] for p in phones for eid, photo in p.photos.items()}
    with unittest.mock.patch.dict(os.environ, env):
        app = create_app()
    with app.app_context():
        rows = lambda model: {str(r.id): r for r in db.session.execute(sa.select(model)).scalars()}  # noqa: E731
        log = rows(SyncMutation)
        _check_log(made, answers, log)
        entries = db.session.execute(
            sa.select(AuditEntry.detail)
            .where(AuditEntry.action.like("sync.%"))
            .order_by(AuditEntry.chain, AuditEntry.seq)
        ).scalars()
        model = Model(log, entries)

        clues, cases = rows(Clue), rows(Case)
        _same(model, "clue", clues, lambda c: {"status": c.status, "description": c.description,
                                               "matter_code": c.matter.code})  # fmt: skip
        _same(model, "case", cases, lambda c: {"status": c.status, "facts": c.data["facts"]})
        children = {"clue_note": rows(ClueNote), "evidence": rows(Evidence),
                    "inspection": rows(Inspection)}  # fmt: skip
        for kind, held in children.items():
            _same(model, kind, held, lambda r: {"late": r.late})
        conflicts = rows(SyncConflict)
        _check_conflicts(model, log, conflicts)

        # Every photo whose record was taken is held, verified, under the phone's hash, and
        # the store holds exactly what the records say (no piece of an upload lost).
        evidence = children["evidence"]
        unheld = sorted(eid for eid, e in evidence.items() if e.original_at is None)
        assert not unheld, f"{len(unheld)} photos the server never verified: {unheld[:5]}"
        wrong = sorted(eid for eid, e in evidence.items() if e.original_sha256 != shot[eid])
        assert not wrong, f"photos held under another hash: {wrong[:5]}"
        files = check_store(store())
        assert files.ok and not files.broken_uploads, files

        chain = verify()
        assert chain.ok, chain
        return {
            "mutations": len(log),
            "clues": len(clues),
            "notes": len(children["clue_note"]),
            "photos": len(evidence),
            "photo_bytes": files.bytes,
            "cases": dict(collections.Counter(c.status for c in cases.values())),
            "inspections": len(children["inspection"]),
            "late_children": {k: sum(r.late for r in v.values()) for k, v in children.items()},
            "conflicts": dict(collections.Counter(c.reason for c in conflicts.values())),
            "audit_entries": chain.checked,
            "outcomes": dict(collections.Counter(m.outcome for m in log.values())),
        }


def _check_log(made: dict, answers: dict, log: dict) -> None:
    """Every mutation a phone made is in the log once, with the answer the phone holds."""
    missing = sorted(set(made) - set(log))
    assert not missing, f"{len(missing)} mutations never reached the log: {missing[:5]}"
    unknown = sorted(set(log) - set(made))
    assert not unknown, f"the log holds mutations no phone made: {unknown[:5]}"
    unanswered = sorted(set(made) - set(answers))
    assert not unanswered, f"{len(unanswered)} mutations without an answer: {unanswered[:5]}"
    for mid, answer in answers.items():
        # Whether the phone got the first answer or only its replay, it holds that answer.
        assert answer == log[mid].result, (mid, answer, log[mid].result)


class Model:
    """Each record as the log's decided mutations make it, taken in the order the server
    decided them: a township's audit chain, whose head every push of the township locks
    before it reads (a child that waited for its parent comes where it was applied). Built
    from the workflow's statuses, not the server's code; the outcomes are the log's, and
    what they do is the model's: a create makes the record in its first status, an edit
    sets the fields it sent except those kept in a conflict, a step sets its status."""

    def __init__(self, log: dict, entries) -> None:
        self.state: dict[tuple[str, str], dict] = {}
        self.before: dict[str, dict] = {}  # mutation id → its record as it found it
        self.after: dict[str, dict] = {}  # mutation id → its record as it left it
        for detail in entries:
            mid = detail.get("mutation")
            if detail.get("outcome") in (None, "waiting") or mid not in log:
                continue  # a parent learning from its child, or a child set aside
            self.apply(log[mid])

    def apply(self, m) -> None:
        mid, key = str(m.id), (m.record_type, str(m.record_id))
        spec = WORKFLOW[m.record_type]
        self.before[mid] = dict(self.state.get(key, {}))
        if m.op == "create" and m.outcome == "applied":
            fields = {f: m.payload[f] for f in FOLLOWED.get(m.record_type, ())}
            if "parent" in spec:  # R3: a child appended after its parent closed is late
                parent = self.state[(spec["parent"], str(m.parent_id))]
                closed = parent["status"] in WORKFLOW[spec["parent"]].get("closed", ())
                fields["late"] = closed
            self.state[key] = {"status": spec["create"].get("status"), **fields}
        elif m.op == "update" and m.outcome in ("applied", "merged", "conflict"):
            kept = {c["field"] for c in m.result.get("conflicts", [])}
            self.state[key].update({f: v for f, v in m.payload.items() if f not in kept})
        elif m.op == "transition" and m.outcome in ("applied", "merged"):
            self.state[key]["status"] = spec["transitions"][m.payload["name"]]["to"]
        self.after[mid] = dict(self.state.get(key, {}))

    def records(self, kind: str) -> dict[str, dict]:
        return {rid: fields for (t, rid), fields in self.state.items() if t == kind}


def _same(model: Model, kind: str, held: dict, seen) -> None:
    """The server holds exactly the records of this kind the model made, each as made."""
    want = model.records(kind)
    assert set(held) == set(want), (kind, len(held), len(want), sorted(set(held) ^ set(want))[:5])
    for rid, row in held.items():
        got = seen(row)
        expected = {f: want[rid][f] for f in got}
        assert got == expected, (kind, rid, got, expected)


def _check_conflicts(model: Model, log: dict, conflicts: dict) -> None:
    """Every conflict the server opened is one a device was told of, and holds both sides:
    the device's value as it sent it, the server's as it stood when the edit arrived; and
    of an edit that conflicted, every field is applied or kept (nothing sent is lost)."""
    told = {c["id"]: mid for mid, m in log.items() for c in m.result.get("conflicts", [])}
    assert set(conflicts) == set(told), (len(conflicts), len(told))
    for cid, row in conflicts.items():
        mid = str(row.mutation_id)
        m = log[mid]
        assert told[cid] == mid and m.outcome in ("conflict", "rejected"), (cid, m.outcome)
        who = (row.record_type, str(row.record_id), row.device_by)
        assert who == (m.record_type, str(m.record_id), m.user_id), (cid, who)
        if row.field == "*":  # a whole mutation kept (R1, R2, R3)
            assert row.device_value["payload"] == m.payload, (cid, row.device_value)
            continue
        sides = (row.device_value, row.server_value)
        want = (m.payload[row.field], model.before[mid].get(row.field))
        assert sides == want and sides[0] != sides[1], (cid, row.field, sides, want)
    for mid, m in log.items():
        if m.outcome != "conflict":
            continue
        kept = {c["field"] for c in m.result.get("conflicts", [])}
        assert kept, f"a conflict answer with nothing kept: {mid}"
        lost = {f for f, v in (m.payload or {}).items()
                if m.op == "update" and f not in kept and model.after[mid].get(f) != v}  # fmt: skip
        assert not lost, (mid, lost)


def run(database_url: str | None, devices: int, mutations: int, kills: int, seed: int,
        fault_rate: float = 0.08, quiet: bool = False) -> dict:  # fmt: skip
    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="fieldcase-chaos-"))
    port = free_port()
    env = {
        **os.environ,
        "FIELDCASE_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url or f"sqlite:///{tmp / 'chaos.db'}",
        "FIELDCASE_SECRET_KEY": uuid.uuid4().hex * 2,
        "FIELDCASE_MEDIA_ROOT": str(tmp / "media"),
        # Login limits of this run alone (the default file is the instance folder's).
        "FIELDCASE_RATELIMIT_STORAGE_URI": f"fieldcase+sqlite:///{tmp / 'ratelimits.sqlite3'}",
        "FIELDCASE_LOGIN_RATE_LIMIT": "100000 per minute",
        "FIELDCASE_LOGIN_USER_RATE_LIMIT": "100000 per minute",
        "FIELDCASE_ACCESS_TOKEN_TTL_SECONDS": "86400",
    }
    grids = max(2, devices - STAFF)
    setup = SETUP.format(grids=grids, password=PASSWORD, matters=MATTERS)
    subprocess.run([sys.executable, "-c", setup], env=env, check=True, cwd=ROOT)
    server = Server(env, port)
    server.start()
    net = Net(port, fault_rate)
    started = time.monotonic()
    try:
        phones = [
            Phone(f"grid{i}", "grid_worker", random.Random(rng.random())) for i in range(grids)
        ]
        for t in range(2):
            phones.append(Phone(f"dispatch{t}", "dispatcher", random.Random(rng.random())))
            phones += [
                Phone(f"officer{t}{o}", "officer", random.Random(rng.random())) for o in "ab"
            ]
        for phone in phones:
            phone.login(net)
        for phone in phones:  # an officer inspects with his township's other officer
            if phone.role == "officer":
                pair = phone.username[:-1]
                phone.officers = [p.user_id for p in phones if p.username[:-1] == pair]
        stop, lock, target = threading.Event(), threading.Lock(), [mutations]
        counts, failures = {"kills": 0}, []
        groups = [phones[i::4] for i in range(4)]
        threads = [
            threading.Thread(target=_drive, args=(g, net, target, lock, stop, failures))
            for g in groups
            if g
        ]
        killer = threading.Thread(
            target=_killer, args=(server, kills, random.Random(seed + 1), stop, counts)
        )
        for t in [*threads, killer]:
            t.start()
        for t in threads:
            t.join()
        while killer.is_alive() and counts["kills"] < kills:
            time.sleep(0.2)  # the run was quicker than the kills: let them land
        stop.set()
        killer.join()
        if failures:
            raise failures[0]
        # The network heals: every phone sends what it has left and pulls to the end.
        for _ in range(2):
            for phone in phones:
                deadline = time.monotonic() + 120  # a healed network: fail, never hang
                while True:
                    try:
                        phone.sync(net, faulty=False)
                        break
                    except Lost as lost:
                        if time.monotonic() > deadline:
                            raise AssertionError(
                                f"{phone.username} cannot sync on a healed network: {lost}; "
                                f"server errors {net.server_errors[-3:]}"
                            ) from None
                        time.sleep(0.2)
        # Each phone's copy against the server's view of its jurisdiction, from scratch.
        checked = 0
        for phone in phones:
            fresh = Phone(phone.username, phone.role, random.Random(0))
            fresh.login(net)
            fresh.pull(net, faulty=False)
            if phone.local != fresh.local:
                keys = set(phone.local) ^ set(fresh.local)
                fields = {
                    k: sorted(f for f in {**phone.local[k], **fresh.local[k]}
                              if phone.local[k].get(f) != fresh.local[k].get(f))
                    for k in set(phone.local) & set(fresh.local)
                    if phone.local[k] != fresh.local[k]
                }  # fmt: skip
                raise AssertionError(
                    f"{phone.username}'s copy differs from the server's: only on one side "
                    f"{sorted(keys)[:5]}, fields differing {list(fields.items())[:5]}"
                )
            checked += len(fresh.local)
        result = _check(env, phones)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    assert not net.server_errors, net.server_errors[:5]
    result.update(
        devices=len(phones), kills=counts["kills"], faults=dict(net.faults),
        faults_total=sum(net.faults.values()), late_replayed=net.late_replayed,
        records_compared=checked,
        seconds=round(time.monotonic() - started, 1),
    )  # fmt: skip
    if not quiet:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--mutations", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    run(args.database_url, args.devices, args.mutations, args.kills, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
