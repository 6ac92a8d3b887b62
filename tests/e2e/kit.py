"""Server-side helpers for the browser tests: the command room's steps through the API, and
ids read from the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import uuid

import requests
import sqlalchemy as sa

from server.accounts.models import User
from server.cases.documents import document_key
from server.cases.models import IssuedDocument, OfflineDocument
from server.cases.offline import copy_key
from server.clues.models import Clue
from server.core.db import db, utcnow
from sync.cases import today
from tests.e2e.phone import PASSWORD


def api_login(url: str, username: str) -> requests.Session:
    s = requests.Session()
    r = s.post(
        f"{url}/api/v1/auth/login",
        json={"username": username, "password": PASSWORD, "device_id": str(uuid.uuid4())},
    )
    r.raise_for_status()
    s.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return s


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.execute(sa.select(User.id).where(User.username == username)).scalar_one()


def transition(session, url: str, clue_id: str, version: int, name: str, **args) -> dict:
    r = session.post(
        f"{url}/api/v1/sync/push",
        json={
            "mutations": [
                {
                    "id": str(uuid.uuid4()),
                    "record_type": "clue",
                    "record_id": clue_id,
                    "op": "transition",
                    "base_version": version,
                    "payload": {"name": name, "args": args},
                }
            ]
        },
    )
    r.raise_for_status()
    return r.json()["results"][0]


def assign_demo_clue(url: str, app, officer: str | None) -> str:
    """The command room accepts a reported clue of 航埠镇 and assigns it to `officer` (None:
    to the township's team, any officer may take it)."""
    with app.app_context():
        clue = (
            db.session.execute(
                sa.select(Clue).where(Clue.status == "reported", Clue.code.like("%330802101%"))
            )
            .scalars()
            .first()
        )
        clue_id, version = str(clue.id), clue.version
    s = api_login(url, "hb_dispatch")
    deadline = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()
    assert transition(s, url, clue_id, version, "accept")["outcome"] == "applied"
    args = {"deadline": deadline}
    if officer is not None:
        args["assignee_id"] = user_id(app, officer)
    assert transition(s, url, clue_id, version + 1, "assign", **args)["outcome"] == "applied"
    return clue_id


def push(session, url: str, *mutations: dict) -> list[dict]:
    r = session.post(f"{url}/api/v1/sync/push", json={"mutations": list(mutations)})
    r.raise_for_status()
    return r.json()["results"]


def create(record_type: str, payload: dict, parent_id: str) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "record_type": record_type,
        "record_id": str(uuid.uuid4()),
        "op": "create",
        "payload": payload,
        "parent_id": parent_id,
    }


def a_case(county, party: str):
    """A general case of the demo township's first clue, opened by its officer through the
    API: the officer's session, the clue and the case's create mutation."""
    with county.app.app_context():
        clue_id = str(
            db.session.execute(sa.select(Clue.id).where(Clue.code.like("%330802101%")))
            .scalars()
            .first()
        )
    officer = api_login(county.url, "hb_officer1")
    case = create(
        "case",
        {
            "procedure": "general",
            "matter_code": matter_of(county.app, clue_id),
            "party": {"kind": "person", "name": party},
            "facts": "在承包地上建房",
            "violation_on": (today(utcnow()) - dt.timedelta(days=30)).isoformat(),
        },
        clue_id,
    )
    [made] = push(officer, county.url, case)
    assert made["outcome"] == "applied", made
    return officer, clue_id, case


def matter_of(app, clue_id: str) -> str:
    with app.app_context():
        return db.session.get(Clue, uuid.UUID(clue_id)).matter.code


def case_step(case_id: str, name: str, **args) -> dict:
    """A case's transition as a phone queues it."""
    m = create("case", {"name": name, "args": args}, None)
    m.update(record_id=case_id, op="transition")
    return m


def opened_case(county, party: dict) -> str:
    """A general case of 航埠镇's first clue, opened by hb_officer1 and approved by the
    leader (under investigation: an inspection may be recorded), through the API."""
    url, app = county.url, county.app
    with app.app_context():
        clue_id = str(
            db.session.execute(sa.select(Clue.id).where(Clue.code.like("%330802101%")))
            .scalars()
            .first()
        )
    officer = api_login(url, "hb_officer1")
    case = create(
        "case",
        {
            "procedure": "general",
            "matter_code": matter_of(app, clue_id),
            "party": party,
            "facts": "在承包地上建房",
            "violation_on": (today(utcnow()) - dt.timedelta(days=30)).isoformat(),
        },
        clue_id,
    )
    assert push(officer, url, case)[0]["outcome"] == "applied"
    case_id = case["record_id"]
    [opened] = push(api_login(url, "hb_leader"), url, case_step(case_id, "approve_opening"))
    assert opened["outcome"] == "applied", opened
    return case_id


def ordered_case(county, party: dict | None = None) -> str:
    """A case of 航埠镇 opened, inspected by two officers (both vouched: art. 42) and ordered
    corrected, through the API as the phones and the desk would."""
    url, app = county.url, county.app
    party = party or {"kind": "person", "name": "李四", "address": "柯城区航埠镇北淤村8号"}
    case_id = opened_case(county, party)
    officer = api_login(url, "hb_officer1")
    start = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))) - dt.timedelta(minutes=40)
    record = create(
        "inspection",
        {
            "officers": [user_id(app, "hb_officer1"), user_id(app, "hb_officer2")],
            "started_at": start.isoformat(),
            "ended_at": (start + dt.timedelta(minutes=20)).isoformat(),
            "place": "北淤村村口",
            "findings": "在承包地上新建砖混房屋一间",
            "certificates_shown": True,
            "party_present": True,
        },
        case_id,
    )
    assert push(officer, url, record)[0]["outcome"] == "applied"
    confirm = create("inspection", {"name": "confirm_presence", "args": {}}, None)
    confirm.update(record_id=record["record_id"], op="transition")
    assert push(api_login(url, "hb_officer2"), url, confirm)[0]["outcome"] == "applied"
    day = today(utcnow())
    order = case_step(
        case_id,
        "order_correction",
        requirements="拆除新建房屋，恢复土地原状",
        correct_by=(day + dt.timedelta(days=10)).isoformat(),
        ordered_on=day.isoformat(),
    )
    assert push(officer, url, order)[0]["outcome"] == "applied"
    return case_id


# The lines of a paper made offline that are not the document's text: the seal's place (the
# sealed PDF carries the seal itself) and the footer's time of generation (each copy its own).
NOT_TEXT = re.compile(r"^(（印章）|生成时间.*|第\d+页.*)$")


def make_offline(
    page, kind: str, label: str, refusal: str | None = "当事人表示不愿签名", row: str | None = None
):
    """Tap 「离线出具」 for ``kind`` on the case page, say what the party did with the paper
    (the phone captured no signature): refused, for ``refusal``, else signed the paper by
    hand (not offered for an inspection record: art. 55); then, at 4× CPU slowdown (a cheap
    phone), confirm, print the time until the document shows, and read its frame: (frame,
    its number, act code and title). ``row``: the document's row when not the kind's own
    (an inspection record's: ``inspection_record:<its id>``)."""
    at = f"[data-document='{row or kind}']"
    page.click(f"{at} [data-issue-offline={kind}]")
    asked = f"{at} [data-party-signing={kind}]"
    page.wait_for_selector(asked)
    if refusal is not None:
        if page.locator(f"{asked} input[value=refused]").count():  # else the only choice
            page.check(f"{asked} input[value=refused]")
        page.fill(f"{asked} textarea[name=refusal_reason]", refusal)
    else:
        page.check(f"{asked} input[value=paper]")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    started = time.perf_counter()
    page.click(f"{at} [data-confirm-offline={kind}]")
    page.wait_for_selector("[data-offline-view] iframe[data-offline-frame]")
    frame = next(f for f in page.frames if f != page.main_frame)
    frame.wait_for_selector("[data-act-code]")
    print(f"offline {label} shown {1000 * (time.perf_counter() - started):.0f} ms at 4x CPU")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    printed = {
        "doc_number": frame.inner_text("[data-doc-number]"),
        "act_code": frame.get_attribute("[data-act-code]", "data-act-code"),
        "title": frame.inner_text("h1"),
    }
    return frame, printed


def preserved_case(county, party: dict | None = None) -> str:
    """``ordered_case``, and evidence then preserved on site (行政处罚法 第五十六条) the same
    day, the head's approval recorded, with its items and where they are kept."""
    case_id = ordered_case(county, party)
    officer = api_login(county.url, "hb_officer1")
    step = case_step(
        case_id,
        "preserve",
        preserved_on=today(utcnow()).isoformat(),
        items="砖块 约500块\n水泥 3袋\n搅拌机一台",
        storage_place="航埠镇综合行政执法队证据保管室",
        head_approved=True,
    )
    assert push(officer, county.url, step)[0]["outcome"] == "applied"
    return case_id


def kept_copy(app, case_id: str):
    """The case's one paper made offline, as the server kept it once the phone synced: its
    record, the sealed document issued in its place, the exact HTML (its SHA-256 checked
    against the record's) and the sealed PDF's bytes."""
    with app.app_context():
        copy = db.session.execute(
            sa.select(OfflineDocument).where(OfflineDocument.case_id == uuid.UUID(case_id))
        ).scalar_one()
        doc = db.session.get(IssuedDocument, copy.document_id)
        store = app.extensions["evidence_store"]
        html = store.read(copy_key(copy.sha256))
        assert hashlib.sha256(html).hexdigest() == copy.sha256
        return copy, doc, html, store.read(document_key(doc.id))
